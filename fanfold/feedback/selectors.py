"""Reads for comments, kudos and the inbox, always as a given reader sees them."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse

from fanfold.accounts.models import User, Viewer
from fanfold.accounts.selectors import muted_user_ids
from fanfold.feedback.models import Comment, CommentStatus, InboxItem, Kudos
from fanfold.works.models import (
    Chapter,
    CommentPolicy,
    Status,
    Work,
    creator_q,
    work_visibility_q,
)
from fanfold.works.selectors import ReaderSQL, reader_row_sql

# Replies deeper than this (below the top of the page) continue on the comment's own page.
THREAD_DEPTH_CAP = 5
KUDOS_NAMES_SHOWN = 100


# The comments a count holds wherever they are: approved and not deleted. The stored counts
# (Chapter.comment_count, Work.whole_work_comment_count) count these.
COUNTED_COMMENTS = Q(status=CommentStatus.PUBLISHED, deleted=False)
# The comments everyone may see: those, on the whole work or a posted chapter. Work.comment_count
# is their number (works.services adds up the stored counts of the posted chapters).
SHOWN_COMMENTS = (Q(chapter__isnull=True) | Q(chapter__status=Status.PUBLISHED)) & COUNTED_COMMENTS


def with_feedback_counts(qs: QuerySet[Work], viewer: Viewer) -> QuerySet[Work]:
    """Let comment counts leave out the comments of users this reader muted: of the comments
    the count holds (the one rule, SHOWN_COMMENTS), those by muted users."""
    muted = muted_user_ids(viewer)
    if not muted:
        return qs
    by_muted = (
        Comment.objects.filter(SHOWN_COMMENTS, work=OuterRef("pk"), user_id__in=muted)
        .order_by()
        .values("work")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(muted_comments=Coalesce(Subquery(by_muted), 0))


def reader_feedback_sql(viewer: User) -> ReaderSQL:
    """Whether this reader left kudos on a work (``reader_left_kudos``) and wrote comments on it
    that not everyone sees yet (``reader_unshown_comments``: waiting for approval or held),
    for the reading page's row query; ``has_left_kudos`` and ``comment_tree`` then use them
    without asking again."""
    unshown = reader_row_sql(Comment, viewer, where=" AND x.status <> %s")
    return [
        ("reader_left_kudos", reader_row_sql(Kudos, viewer), [viewer.pk]),
        ("reader_unshown_comments", unshown, [viewer.pk, CommentStatus.PUBLISHED.value]),
    ]


def _comments_seen_by(viewer: Viewer, work: Work, is_creator: bool) -> QuerySet[Comment]:
    qs = Comment.objects.filter(work=work).select_related("user")
    if not is_creator:
        published = Q(status=CommentStatus.PUBLISHED)
        if viewer is not None and viewer.is_authenticated:
            published |= Q(user=viewer)
        qs = qs.filter(published)
    return qs


@dataclass
class CommentTree:
    """Comments in reading order, each with ``level`` and the list markup to open or close."""

    comments: list[Comment]
    total: int
    urls: dict[str, str]


def _flatten(roots: list[Comment], children: dict[int, list[Comment]]) -> list[Comment]:
    ordered: list[Comment] = []
    stack = [(c, 0) for c in reversed(roots)]
    while stack:
        comment, level = stack.pop()
        comment.level = level  # type: ignore[attr-defined]
        kids = children.get(comment.pk, [])
        comment.continue_thread = bool(kids) and level >= THREAD_DEPTH_CAP  # type: ignore[attr-defined]
        ordered.append(comment)
        if kids and level < THREAD_DEPTH_CAP:
            stack.extend((k, level + 1) for k in reversed(kids))
    for i, comment in enumerate(ordered):
        level = comment.level  # type: ignore[attr-defined]
        following = ordered[i + 1].level if i + 1 < len(ordered) else 0  # type: ignore[attr-defined]
        comment.opens_replies = following > level  # type: ignore[attr-defined]
        comment.closes = range(max(0, level - following))  # type: ignore[attr-defined]
    return ordered


def comment_tree(
    *,
    viewer: Viewer,
    work: Work,
    is_creator: bool,
    chapter: Chapter | None = None,
    root: Comment | None = None,
) -> CommentTree:
    """The threads on a chapter (or on the whole work), or below one comment, for this reader.

    Comments of muted users disappear with their replies; deleted comments stay as a
    placeholder only while replies hang from them.
    """
    if root is None and not is_creator:
        # Everyone sees the counted comments (deleted ones only above counted replies), and a
        # reader their own not shown to everyone yet (the creators see every one): with none
        # kept on this chapter or the whole work and none of theirs (when reader_feedback_sql
        # told), there is nothing to ask for.
        kept = chapter.comment_count if chapter is not None else work.whole_work_comment_count
        logged_in = viewer is not None and viewer.is_authenticated
        if not kept and not (logged_in and getattr(work, "reader_unshown_comments", True)):
            return _tree([], work, set(), None)
    qs = _comments_seen_by(viewer, work, is_creator)
    if root is not None:
        qs = qs.filter(thread_id=root.thread_id or root.pk)
    else:
        qs = qs.filter(chapter=chapter)
    return _tree(list(qs.order_by("created_at", "pk")), work, muted_user_ids(viewer), root)


def comment_trees_by_chapter(
    *, viewer: Viewer, work: Work, is_creator: bool, chapters: Sequence[Chapter]
) -> list[tuple[Chapter, CommentTree]]:
    """The threads on each of these chapters (those this reader may see), in their order.

    One query for all of them; each tree is built as ``comment_tree`` builds a chapter's.
    """
    by_chapter: dict[int, list[Comment]] = defaultdict(list)
    qs = _comments_seen_by(viewer, work, is_creator).filter(chapter__in=[c.pk for c in chapters])
    for comment in qs.order_by("created_at", "pk"):
        by_chapter[comment.chapter_id].append(comment)  # type: ignore[index]
    muted = muted_user_ids(viewer)
    return [(c, _tree(by_chapter.get(c.pk, []), work, muted)) for c in chapters]


def _tree(
    comments: list[Comment], work: Work, muted: set[int], root: Comment | None = None
) -> CommentTree:
    """Comments of one chapter (or thread), oldest first, as a tree in reading order."""
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.user_id in muted:
            continue
        children[comment.parent_id].append(comment)
    if root is not None:
        top = [c for kids in children.values() for c in kids if c.pk == root.pk]
    else:
        top = children.get(None, [])
    ordered = _flatten(top, children)  # type: ignore[arg-type]
    frozen = {c.pk for c in ordered if c.frozen and c.parent_id is None}
    if root is not None and root.thread is not None and root.thread.frozen:
        frozen.add(root.thread.pk)
    for c in ordered:
        c.in_frozen = c.thread_id in frozen  # type: ignore[attr-defined]
    return CommentTree(
        comments=ordered, total=sum(not c.deleted for c in ordered), urls=_tree_urls(work)
    )


def _tree_urls(work: Work) -> dict[str, str]:
    # Reversed once per page, not once per comment: a thousand comments render in half the time.
    return {
        "comments": reverse("comment_detail", args=[1]).removesuffix("1/"),
        "users": reverse("user_detail", args=["u"]).removesuffix("u/"),
        "reply": reverse("comment_new", args=[work.pk]) + "?parent=",
        "report": reverse("report") + "?comment=",
    }


def comment_visible_or_404(viewer: Viewer, comment_id: int) -> Comment:
    """One comment if this reader may see it, else 404."""
    from fanfold.works.selectors import is_creator

    comment = comment_for(
        viewer=viewer, comment_id=comment_id, is_creator_of=lambda w: is_creator(viewer, w)
    )
    if comment is None:
        raise Http404("No such comment.")
    return comment


def comment_for(
    *, viewer: Viewer, comment_id: int, is_creator_of: Callable[[Work], bool]
) -> Comment | None:
    """One comment if this reader may see it (its work visible, published or theirs)."""
    comment = (
        Comment.objects.filter(
            Q(chapter__isnull=True) | Q(chapter__in=Chapter.objects.visible_to(viewer)),
            pk=comment_id,
            work__in=Work.objects.visible_to(viewer),
        )
        .select_related("work", "chapter", "user", "parent", "thread")
        .first()
    )
    if comment is None or comment.user_id in muted_user_ids(viewer):
        return None
    if comment.status == CommentStatus.PUBLISHED or is_creator_of(comment.work):
        return comment
    if viewer is not None and viewer.is_authenticated and comment.user_id == viewer.pk:
        return comment
    return None


@dataclass
class KudosSummary:
    names: list[str]
    more_users: int
    guests: int

    @property
    def any(self) -> bool:
        return bool(self.names or self.more_users or self.guests)


def kudos_summary(*, viewer: Viewer, work: Work) -> KudosSummary:
    """Who left kudos on a work: usernames (newest first) and a count of guests."""
    if not work.kudos_count:  # the kept count: none left, nothing to ask for
        return KudosSummary(names=[], more_users=0, guests=0)
    muted = muted_user_ids(viewer)
    users = (
        Kudos.objects.filter(work=work, user__isnull=False)
        .exclude(user_id__in=muted)
        .order_by("-created_at")
    )
    names = list(users.values_list("user__username", flat=True)[:KUDOS_NAMES_SHOWN])
    more = users.count() - len(names) if len(names) == KUDOS_NAMES_SHOWN else 0
    guests = Kudos.objects.filter(work=work, user__isnull=True).count()
    return KudosSummary(names=names, more_users=more, guests=guests)


def has_left_kudos(*, user: Viewer, work: Work) -> bool:
    if user is None or not user.is_authenticated or not work.kudos_count:
        return False
    if hasattr(work, "reader_left_kudos"):  # selected with reader_feedback_sql
        return bool(work.reader_left_kudos)
    return Kudos.objects.filter(work=work, user=user).exists()


def inbox_unread_count(user: User) -> int:
    # Most readers have no unread item at all: ask that first, simply, before the inbox's
    # visibility rules (which only ever leave items out).
    if not InboxItem.objects.filter(user=user, read=False).exists():
        return 0
    return inbox_items(user=user).filter(read=False).count()


def inbox_items(*, user: User) -> QuerySet[InboxItem]:
    """The inbox as it may be read now: items whose work and chapter this user may still see.

    Visibility is checked at reading time, so a work made a draft (or a chapter taken back)
    after the comment arrived drops out of the inbox, its email and its unread count.
    """
    muted = muted_user_ids(user)
    chapter_seen = Q(comment__chapter__isnull=True) | Q(
        comment__chapter__in=Chapter.objects.visible_to(user)
    )
    # A comment waiting for approval (new, edited or held by staff) reaches only the work's
    # creators and its own writer.
    comment_seen = (
        Q(comment__status=CommentStatus.PUBLISHED)
        | Q(comment__user=user)
        | creator_q(user, "comment__work")
    )
    return (
        InboxItem.objects.filter(work_visibility_q(user, prefix="comment__work__"), user=user)
        .filter(chapter_seen, comment_seen)
        .exclude(comment__user_id__in=muted)
        .select_related("comment__work", "comment__chapter", "comment__user")
    )


def comments_open(*, viewer: Viewer, work: Work) -> bool:
    """Whether this reader may write comments on the work (blocks are checked on posting)."""
    if work.comment_policy == CommentPolicy.NONE:
        return False
    return work.comment_policy == CommentPolicy.ANYONE or bool(
        viewer is not None and viewer.is_authenticated
    )
