"""Writes for bookmarks, reading history and Mark for later."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from fanfold.accounts.models import User
from fanfold.bookmarks.models import Bookmark, LaterMark, ReadingRecord
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
    content_changed()
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
    content_changed()
    return bookmark


@transaction.atomic
def bookmark_delete(*, bookmark: Bookmark, by: User) -> None:
    """Remove a bookmark (its owner, or staff moderating)."""
    _require_owner(bookmark, by, staff_ok=True)
    _lock_work(bookmark.work_id)
    bookmark.delete()
    _recount(bookmark.work)
    content_changed()


def _upsert_sql() -> str:
    qn = connection.ops.quote_name
    table = qn(ReadingRecord._meta.db_table)
    return (
        f"INSERT INTO {table} ({qn('user_id')}, {qn('work_id')}, {qn('chapter_id')}, "
        f"{qn('read_at')}, {qn('visits')}) VALUES (%s, %s, %s, %s, 1) "
        f"ON CONFLICT ({qn('user_id')}, {qn('work_id')}) DO UPDATE SET "
        f"{qn('chapter_id')} = excluded.{qn('chapter_id')}, "
        f"{qn('read_at')} = excluded.{qn('read_at')}, "
        f"{qn('visits')} = {table}.{qn('visits')} + 1"
    )


def reading_record(*, user: User, work: Work, chapter: Chapter | None) -> None:
    """Note in a reader's private history that they read this work (if they keep history)."""
    if not user.is_authenticated or not user.keep_history:
        return
    # One statement per page view: insert the line, or move it to now and count the visit.
    read_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [user.pk, work.pk, chapter.pk if chapter else None, read_at])


@transaction.atomic
def reading_history_clear(*, user: User, work: Work | None = None) -> int:
    """Forget the reader's whole history, or only one work of it; returns lines removed."""
    records = ReadingRecord.objects.filter(user=user)
    if work is not None:
        records = records.filter(work=work)
    deleted, _ = records.delete()
    return deleted


@transaction.atomic
def reading_history_set_enabled(*, user: User, enabled: bool) -> User:
    """Turn the reader's private history on or off (what is kept stays until cleared)."""
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
