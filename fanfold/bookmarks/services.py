"""Writes for bookmarks, reading history and Mark for later."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from fanfold.accounts.models import User
from fanfold.bookmarks.models import Bookmark, HistoryCut, LaterMark, ReadingRecord
from fanfold.core.pagecache import content_changed
from fanfold.core.ratelimit import rate_limited
from fanfold.core.text import SANITIZER_VERSION, TextFormat, render_comment
from fanfold.tags.models import TagType
from fanfold.tags.services import TAG_NAME_MAX, normalize_tag_name, tags_ensure
from fanfold.works.models import Chapter, Work

NOTE_MAX = 5000
TAGS_MAX = 30
# Bookmarks are public text: one reader may save this many in a window of seconds.
RATE_LIMIT, RATE_WINDOW = 60, 600


@dataclass(kw_only=True)
class BookmarkInput:
    note: str = ""
    text_format: str = TextFormat.MARKDOWN
    tags: list[str] = field(default_factory=list)
    private: bool = False
    rec: bool = False


def validate_bookmark_input(data: BookmarkInput) -> None:
    """Refuse what breaks a bookmark's limits, with one message per field."""
    errors: dict[str, list[str]] = {}
    if len(data.note) > NOTE_MAX:
        errors["note"] = [
            f"The note must be at most {NOTE_MAX:,} characters (it has {len(data.note):,})."
        ]
    if "\x00" in data.note:
        errors.setdefault("note", []).append("Remove the NUL (\\0) character from the note.")
    if data.text_format not in TextFormat.values:
        errors["text_format"] = ["Choose HTML, Markdown or plain text."]
    names = [n for n in (normalize_tag_name(t) for t in data.tags) if n]
    if len(names) > TAGS_MAX:
        errors["tags"] = [f"At most {TAGS_MAX} tags on a bookmark (you gave {len(names)})."]
    if long := [n for n in names if len(n) > TAG_NAME_MAX]:
        errors.setdefault("tags", []).append(
            f"A tag can have at most {TAG_NAME_MAX} characters: “{long[0][:40]}…” is longer."
        )
    if any("\x00" in n for n in names):
        errors.setdefault("tags", []).append("Remove the NUL (\\0) character from the tags.")
    if errors:
        raise ValidationError(errors)


def bookmark_rate_check(*, user: User) -> int | None:
    """Count one bookmark write by this reader; seconds to wait if they are over the limit."""
    return rate_limited("bookmark", str(user.pk), limit=RATE_LIMIT, window=RATE_WINDOW)


def _require_visible(work: Work, user: User) -> None:
    if not Work.objects.visible_to(user).filter(pk=work.pk).exists():
        raise PermissionDenied("You can only bookmark works you can see.")


def _require_owner(bookmark: Bookmark, by: User, *, staff_ok: bool = False) -> None:
    if bookmark.user_id == by.pk or (staff_ok and by.is_staff):
        return
    raise PermissionDenied("That bookmark is not yours.")


def _lock_work(work_id: int) -> None:
    # Bookmark writes of one work take turns, so the public count is always a true recount.
    list(Work.objects.select_for_update().filter(pk=work_id).values_list("pk"))


def _recount(work: Work) -> None:
    count = Bookmark.objects.filter(work_id=work.pk, private=False).count()
    Work.objects.filter(pk=work.pk).update(bookmark_count=count)
    work.bookmark_count = count


def _apply(bookmark: Bookmark, data: BookmarkInput) -> None:
    bookmark.note = data.note
    # Notes are shown to everyone on public pages: the small allow-list (no images).
    bookmark.note_html = render_comment(data.note, data.text_format)
    bookmark.text_format = data.text_format
    bookmark.sanitizer_version = SANITIZER_VERSION
    bookmark.private = data.private
    bookmark.rec = data.rec


@transaction.atomic
def bookmark_save(*, user: User, work: Work, data: BookmarkInput) -> tuple[Bookmark, bool]:
    """Bookmark a work, or change the reader's existing bookmark of it; True if it is new."""
    if not user.is_authenticated:
        raise PermissionDenied("Log in to bookmark works.")
    _require_visible(work, user)
    validate_bookmark_input(data)
    _lock_work(work.pk)
    bookmark = Bookmark.objects.filter(user=user, work=work).first()
    created = bookmark is None
    if bookmark is None:
        bookmark = Bookmark(user=user, work=work)
    _apply(bookmark, data)
    bookmark.save()
    bookmark.tags.set(tags_ensure(type=TagType.FREEFORM, names=data.tags))
    _recount(work)
    return bookmark, created


@transaction.atomic
def bookmark_update(*, bookmark: Bookmark, by: User, data: BookmarkInput) -> Bookmark:
    """Change a bookmark's note, tags, privacy or recommendation."""
    _require_owner(bookmark, by)
    _require_visible(bookmark.work, by)
    validate_bookmark_input(data)
    _lock_work(bookmark.work_id)
    _apply(bookmark, data)
    bookmark.save()
    bookmark.tags.set(tags_ensure(type=TagType.FREEFORM, names=data.tags))
    _recount(bookmark.work)
    # A note changed or made private leaves the work's pages at once (a new bookmark may
    # wait for them to expire: saving one makes no page again, fanfold.core.pagecache).
    content_changed(work_id=bookmark.work_id)
    return bookmark


@transaction.atomic
def bookmark_delete(*, bookmark: Bookmark, by: User) -> None:
    """Remove a bookmark (its owner, or staff moderating)."""
    _require_owner(bookmark, by, staff_ok=True)
    _lock_work(bookmark.work_id)
    bookmark.delete()
    _recount(bookmark.work)
    # A removed note leaves the work's pages at once (a new one may wait for them to expire:
    # saving a bookmark makes no page again, fanfold.core.pagecache).
    content_changed(work_id=bookmark.work_id)


@dataclass(frozen=True, kw_only=True)
class ReadingView:
    """One page view of a logged-in reader, as the hit buffer kept it."""

    user_id: int
    work_id: int
    chapter_id: int | None  # None: the entire-work page
    at: datetime


@dataclass(kw_only=True)
class _Line:
    at: datetime
    chapter_id: int | None
    visits: int = 1


def _lock_readers(user_ids: Iterable[int]) -> set[int]:
    """Lock the readers' rows, so that an import of their views and a clear or switch of their
    history take turns (each sees what the other did); returns those who keep a history."""
    rows = (
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=set(user_ids))
        .order_by("pk")
        .values_list("pk", "keep_history")
    )
    return {pk for pk, keep in rows if keep}


def _upsert_sql(rows: int) -> str:
    qn = connection.ops.quote_name
    table = qn(ReadingRecord._meta.db_table)
    user, work, chapter, read_at, visits = (
        qn(c) for c in ("user_id", "work_id", "chapter_id", "read_at", "visits")
    )
    newer = f"excluded.{read_at} >= {table}.{read_at}"
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * rows)
    # A view older than the line (from a buffer imported late) adds its visit, nothing else.
    return (
        f"INSERT INTO {table} ({user}, {work}, {chapter}, {read_at}, {visits}) VALUES {values} "
        f"ON CONFLICT ({user}, {work}) DO UPDATE SET "
        f"{chapter} = CASE WHEN {newer} THEN excluded.{chapter} ELSE {table}.{chapter} END, "
        f"{read_at} = CASE WHEN {newer} THEN excluded.{read_at} ELSE {table}.{read_at} END, "
        f"{visits} = {table}.{visits} + excluded.{visits}"
    )


@transaction.atomic
def reading_records_upsert(*, views: Iterable[ReadingView]) -> int:
    """Add buffered page views to their readers' histories; returns the lines written.

    Per reader and work: the latest chapter and time, and one visit per view. Views of readers
    who keep no history, or from before they last cleared it (or that work) or switched it,
    are dropped; so are views of works deleted since (a chapter deleted since leaves the line
    without a chapter, as deleting it later would). A few statements for any number of views.
    """
    views = list(views)
    if not views:
        return 0
    keeping = _lock_readers(v.user_id for v in views)
    if not keeping:
        return 0
    views = [v for v in views if v.user_id in keeping]
    cuts: dict[tuple[int, int | None], datetime] = {}
    for user_id, work_id, at in HistoryCut.objects.filter(user_id__in=keeping).values_list(
        "user_id", "work_id", "at"
    ):
        if (user_id, work_id) not in cuts or at > cuts[user_id, work_id]:
            cuts[user_id, work_id] = at
    works = set(Work.objects.filter(pk__in={v.work_id for v in views}).values_list("pk", flat=True))
    chapter_work = dict(
        Chapter.objects.filter(pk__in={v.chapter_id for v in views if v.chapter_id}).values_list(
            "pk", "work_id"
        )
    )
    lines: dict[tuple[int, int], _Line] = {}  # by (reader, work)
    for v in views:
        if v.work_id not in works:
            continue
        cut = max(
            (c for c in (cuts.get((v.user_id, None)), cuts.get((v.user_id, v.work_id))) if c),
            default=None,
        )
        if cut is not None and v.at <= cut:
            continue
        chapter = v.chapter_id if chapter_work.get(v.chapter_id or 0) == v.work_id else None
        line = lines.get((v.user_id, v.work_id))
        if line is None:
            lines[v.user_id, v.work_id] = _Line(at=v.at, chapter_id=chapter)
            continue
        line.visits += 1
        if v.at >= line.at:  # of views in the same instant, the one buffered last
            line.at, line.chapter_id = v.at, chapter
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        (user_id, work_id, line.chapter_id, adapt(line.at), line.visits)
        for (user_id, work_id), line in lines.items()
    ]
    per_statement = max(1, min(500, (connection.features.max_query_params or 2500) // 5))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(_upsert_sql(len(batch)), [p for row in batch for p in row])
    return len(rows)


def _cut(*, user: User, work: Work | None) -> None:
    HistoryCut.objects.create(user=user, work=work, at=timezone.now())


@transaction.atomic
def reading_history_cuts_prune(*, before: datetime) -> int:
    """Forget the cuts older than ``before``: every view from before them has been imported."""
    deleted, _ = HistoryCut.objects.filter(at__lt=before).delete()
    return deleted


@transaction.atomic
def reading_history_clear(*, user: User, work: Work | None = None) -> int:
    """Forget the reader's whole history, or only one work of it; returns lines removed.

    Views of it still in the hit buffer are dropped when they are imported.
    """
    _lock_readers([user.pk])
    _cut(user=user, work=work)
    records = ReadingRecord.objects.filter(user=user)
    if work is not None:
        records = records.filter(work=work)
    deleted, _ = records.delete()
    return deleted


@transaction.atomic
def reading_history_set_enabled(*, user: User, enabled: bool) -> User:
    """Turn the reader's private history on or off (what is kept stays until cleared).

    Views still in the hit buffer from before the switch never reach the history.
    """
    if (user.pk in _lock_readers([user.pk])) != enabled:
        _cut(user=user, work=None)
    user.keep_history = enabled
    user.save(update_fields=["keep_history"])
    return user


@transaction.atomic
def later_set(*, user: User, work: Work, marked: bool) -> bool:
    """Mark a work for later, or take the mark away; returns whether it is marked now."""
    if not user.is_authenticated:
        raise PermissionDenied("Log in to mark works for later.")
    if not marked:
        LaterMark.objects.filter(user=user, work=work).delete()
        return False
    _require_visible(work, user)
    LaterMark.objects.get_or_create(user=user, work=work)
    return True
