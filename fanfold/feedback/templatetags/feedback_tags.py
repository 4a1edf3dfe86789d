from django import template
from django.utils.safestring import SafeString

from fanfold.feedback.rendering import Viewer, render_tree

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_threads(context, tree) -> SafeString:
    """Render a CommentTree for the reader of this page."""
    user = context.get("user")
    return render_tree(
        tree,
        Viewer(
            user_id=user.pk if user is not None and user.is_authenticated else None,
            is_creator=bool(context.get("is_creator")),
            comments_open=bool(context.get("comments_open")),
            # Lazy: only a creator's moderation buttons need it, and asking for it sets a
            # cookie that would keep a guest's page out of the page cache.
            csrf_token=context.get("csrf_token", ""),
        ),
    )


@register.filter
def kudos_messages(messages) -> list:
    """The flash messages about kudos, shown beside the kudos button rather than on top.

    Only read when there are some: reading the messages marks them used, and a used, empty
    store deletes its cookie, which would keep a guest's page out of the page cache.
    """
    if not messages:
        return []
    return [m for m in messages if m.extra_tags == "kudos"]
