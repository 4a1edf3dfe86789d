"""Reads for bookmarks, reading history and Mark for later.

Every list goes through Work.objects.visible_to: a bookmark, history line or mark of a work
the viewer may no longer see (a draft, restricted for guests, a muted creator's) is left out.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from fanfold.accounts.models import User, Viewer
from fanfold.accounts.selectors import muted_user_ids
from fanfold.bookmarks.models import Bookmark, LaterMark, ReadingRecord
from fanfold.bookmarks.services import BookmarkInput
from fanfold.listings.selectors import blurb_queryset
from fanfold.tags.models import Tag, TagType
from fanfold.works.models import Chapter, Work
from fanfold.works.selectors import ReaderSQL, reader_row_sql


def _visible_work_ids(viewer: Viewer) -> QuerySet:
    return Work.objects.visible_to(viewer).values("pk")


def _with_blurbs(qs: QuerySet, viewer: Viewer) -> QuerySet:
    """Each row's work with what its blurb shows (counts as this viewer sees them)."""
    return qs.prefetch_related(
        Prefetch("work", queryset=blurb_queryset(Work.objects.all(), viewer))
    )


def _bookmark_rows(qs: QuerySet[Bookmark]) -> QuerySet[Bookmark]:
    tags = Tag.objects.only("id", "type", "name").order_by(Lower("name"), "pk")
    return qs.select_related("user").prefetch_related(Prefetch("tags", queryset=tags))


def _shown_to(viewer: Viewer) -> Q:
    """Public bookmarks, and the viewer's own private ones."""
    if viewer is not None and viewer.is_authenticated:
        return Q(private=False) | Q(user=viewer)
    return Q(private=False)


def tag_in_bookmarks_seen_by(*, viewer: Viewer, tag: Tag) -> bool:
    """Whether a bookmark this viewer may see (public, or their own) of a work they may see
    carries the tag."""
    return Bookmark.objects.filter(
        _shown_to(viewer), tags=tag, work__in=_visible_work_ids(viewer)
    ).exists()


def _owner_q(viewer: Viewer, owner: User) -> Q:
    own = viewer is not None and viewer.is_authenticated and viewer.pk == owner.pk
    return Q(user=owner) if own else Q(user=owner, private=False)


def bookmarks_of_user(
    *, viewer: Viewer, owner: User, rec_only: bool = False, tag: str | None = None
) -> QuerySet[Bookmark]:
    """A user's bookmarks as the viewer may see them (private ones only for the owner),
    optionally only recommendations, or only those with one of the user's bookmark tags."""
    qs = Bookmark.objects.filter(_owner_q(viewer, owner))
    if rec_only:
        qs = qs.filter(rec=True)
    if tag:
        qs = qs.filter(tags__type=TagType.FREEFORM, tags__name__iexact=tag)
    qs = qs.filter(work__in=_visible_work_ids(viewer)).order_by("-created_at", "-pk")
    return _with_blurbs(_bookmark_rows(qs), viewer)


def bookmarks_of_work(*, viewer: Viewer, work: Work) -> QuerySet[Bookmark]:
    """The public bookmarks of a work the viewer may see (and the viewer's own, if private),
    less those of users the viewer muted."""
    if not Work.objects.visible_to(viewer).filter(pk=work.pk).exists():
        return Bookmark.objects.none()
    qs = (
        Bookmark.objects.filter(_shown_to(viewer), work=work)
        .exclude(user_id__in=muted_user_ids(viewer))
        .order_by("-created_at", "-pk")
    )
    return _bookmark_rows(qs).select_related("work")


def bookmark_of(*, user: Viewer, work: Work) -> Bookmark | None:
    """The reader's own bookmark of a work, if they have one."""
    if user is None or not user.is_authenticated:
        return None
    return _bookmark_rows(Bookmark.objects.filter(user=user, work=work)).first()


def bookmark_visible_or_404(viewer: Viewer, pk: int) -> Bookmark:
    """A bookmark the viewer may see: public or their own, of a work they may see."""
    bookmark = (
        _bookmark_rows(Bookmark.objects.filter(_shown_to(viewer), pk=pk))
        .filter(work__in=_visible_work_ids(viewer))
        .select_related("work")
        .first()
    )
    if bookmark is None:
        raise Http404("No such bookmark, or you may not see it.")
    return bookmark


def bookmark_own_or_404(user: Viewer, pk: int) -> Bookmark:
    """One of the user's own bookmarks, of a work they may still see."""
    if user is None or not user.is_authenticated:
        raise Http404("No such bookmark.")
    bookmark = (
        _bookmark_rows(Bookmark.objects.filter(user=user, pk=pk))
        .filter(work__in=_visible_work_ids(user))
        .select_related("work")
        .first()
    )
    if bookmark is None:
        raise Http404("No such bookmark, or you may not see it.")
    return bookmark


def bookmark_input_of(bookmark: Bookmark) -> BookmarkInput:
    """A bookmark as the input its services take (for edit forms and patches)."""
    return BookmarkInput(
        note=bookmark.note,
        text_format=bookmark.text_format,
        tags=[t.name for t in bookmark.tags.all()],
        private=bookmark.private,
        rec=bookmark.rec,
    )


def reading_history_of(*, user: User) -> QuerySet[ReadingRecord]:
    """The reader's history, last read first; chapters they may no longer see are left blank."""
    qs = ReadingRecord.objects.filter(user=user, work__in=_visible_work_ids(user)).order_by(
        "-read_at", "-pk"
    )
    chapters = Chapter.objects.visible_to(user).only("id", "work_id", "position", "title")
    return _with_blurbs(qs, user).prefetch_related(Prefetch("chapter", queryset=chapters))


def later_of(*, user: User) -> QuerySet[LaterMark]:
    """The works the reader marked for later, newest mark first."""
    qs = LaterMark.objects.filter(user=user, work__in=_visible_work_ids(user)).order_by(
        "-created_at", "-pk"
    )
    return _with_blurbs(qs, user)


def is_marked_for_later(*, user: Viewer, work: Work) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return LaterMark.objects.filter(user=user, work=work).exists()


@dataclass
class BookmarkState:
    """What the reading page shows a logged-in reader about their own bookmark and mark."""

    bookmark: Bookmark | None
    later: bool


def reader_marks_sql(viewer: User) -> ReaderSQL:
    """Whether this reader bookmarked a work (``reader_bookmark_id``) and marked it for later
    (``reader_later``), for the reading page's row query; ``bookmark_state`` then uses them
    without asking again."""
    return [
        ("reader_bookmark_id", reader_row_sql(Bookmark, viewer, pick="x.id"), [viewer.pk]),
        ("reader_later", reader_row_sql(LaterMark, viewer), [viewer.pk]),
    ]


def bookmark_state(*, user: Viewer, work: Work) -> BookmarkState:
    if hasattr(work, "reader_later"):  # selected with reader_marks_sql
        has_bookmark = getattr(work, "reader_bookmark_id", None) is not None
        return BookmarkState(
            bookmark=bookmark_of(user=user, work=work) if has_bookmark else None,
            later=bool(work.reader_later),
        )
    return BookmarkState(
        bookmark=bookmark_of(user=user, work=work),
        later=is_marked_for_later(user=user, work=work),
    )
