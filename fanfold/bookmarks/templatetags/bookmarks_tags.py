from django import template

from fanfold.bookmarks import selectors

register = template.Library()


@register.simple_tag
def bookmark_state(work, user) -> selectors.BookmarkState | None:
    """The reader's own bookmark and Mark for later of a work (None for guests)."""
    if user is None or not user.is_authenticated:
        return None
    return selectors.bookmark_state(user=user, work=work)
