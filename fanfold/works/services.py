"""Writes for works and chapters. Every caller (HTML views, the API, tasks, commands) uses these."""

from dataclasses import fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from fanfold.accounts.models import User
from fanfold.core.pagecache import content_changed
from fanfold.core.permissions import moderates
from fanfold.core.text import (
    SANITIZER_VERSION,
    render_text,
    storable_form_data,
    word_count,
)
from fanfold.tags.services import tags_ensure
from fanfold.works.inputs import (
    TAG_TYPE_OF_FIELD,
    ChapterInput,
    WorkInput,
    validate_chapter_input,
    validate_work_input,
)
from fanfold.works.models import (
    Chapter,
    EditorDraft,
    Status,
    Work,
    WorkCreator,
    creator_q,
)


def require_creator(work: Work, by: User, *, moderator_perm: str = "") -> None:
    """The one permission check "only its creators (or staff with this permission)" for
    every service that changes a work or what hangs on it (its comments too)."""
    if moderator_perm and moderates(by, moderator_perm):
        return
    # Asked of the database, never of a list prefetched earlier in the request.
    if not by.is_authenticated or not Work.objects.filter(creator_q(by), pk=work.pk).exists():
        raise PermissionDenied("Only the work's creators may change it.")


def _render_notes(obj: Work | Chapter, fmt: str, **texts: str) -> None:
    for name, text in texts.items():
        setattr(obj, name, text)
        setattr(obj, f"{name}_html", render_text(text, fmt))
    obj.text_format = fmt
    obj.sanitizer_version = SANITIZER_VERSION


def _apply_fields(obj: Work | Chapter, data: WorkInput | ChapterInput) -> None:
    """Copy an input onto its work or chapter, field by field (the input's list of fields is
    the one list): a text with an ``_html`` column beside it is rendered and sanitised there,
    tags are set by ``_set_tags``, everything else is copied to the column of its name."""
    texts = {}
    for f in fields(data):
        value = getattr(data, f.name)
        if f.name in TAG_TYPE_OF_FIELD or f.name == "text_format":
            continue
        obj._meta.get_field(f.name)  # an input field without a column fails loudly here
        if hasattr(obj, f"{f.name}_html"):
            texts[f.name] = value
        else:
            setattr(obj, f.name, value.strip() if f.name == "title" else value)
    _render_notes(obj, data.text_format, **texts)


def _set_tags(work: Work, data: WorkInput) -> None:
    tags = []
    for name, tag_type in TAG_TYPE_OF_FIELD.items():
        tags += tags_ensure(type=tag_type, names=getattr(data, name))
    work.tags.set(tags)


def _apply_chapter_fields(chapter: Chapter, data: ChapterInput) -> None:
    _apply_fields(chapter, data)
    chapter.word_count = word_count(chapter.body_html)


# Kept by the feedback, bookmark and hit services with their own atomic updates; an edit
# that saved the work whole would write back the figures it loaded and lose those updates.
COUNTERS = {
    "hit_count", "kudos_count", "comment_count", "whole_work_comment_count", "bookmark_count",
}  # fmt: skip
_WORK_FIELDS = [
    f.name for f in Work._meta.concrete_fields if not f.primary_key and f.name not in COUNTERS
]
_CHAPTER_FIELDS = [
    f.name for f in Chapter._meta.concrete_fields if not f.primary_key and f.name not in COUNTERS
]


def _save_work(work: Work) -> None:
    work.save(update_fields=_WORK_FIELDS)


def _save_chapter(chapter: Chapter) -> None:
    chapter.save(update_fields=_CHAPTER_FIELDS)


def _refresh_counts(work: Work) -> None:
    posted = work.chapters.filter(status=Status.PUBLISHED)
    totals = posted.aggregate(words=Sum("word_count"), n=Count("pk"), last=Max("published_at"))
    work.word_count = totals["words"] or 0
    work.posted_chapter_count = totals["n"]
    if work.status == Status.PUBLISHED:
        # The work's updated date is its newest posted chapter (it goes back if that one goes).
        work.updated_at = totals["last"] or work.published_at
    if work.complete and work.posted_chapter_count:
        work.expected_chapters = work.posted_chapter_count
    # Comments on a chapter count once the chapter is posted, and go with it.
    work_comments_recount(work=work)


@transaction.atomic
def work_comments_recount(*, work: Work) -> int:
    """Set a work's comment count from the counts feedback keeps: its whole-work comments and
    those of its posted chapters. Feedback calls this after each change to a comment; every
    change here that posts, adds or deletes chapters calls it through ``_refresh_counts``."""
    posted = Chapter.objects.filter(work=work, status=Status.PUBLISHED)
    on_chapters = posted.aggregate(n=Sum("comment_count"))["n"] or 0
    Work.objects.filter(pk=work.pk).update(
        comment_count=F("whole_work_comment_count") + on_chapters
    )
    work.comment_count = Work.objects.values_list("comment_count", flat=True).get(pk=work.pk)
    return work.comment_count


def _renumber(work: Work) -> None:
    for position, chapter in enumerate(work.chapters.order_by("position", "pk"), start=1):
        if chapter.position != position:
            chapter.position = position
            chapter.save(update_fields=["position"])


@transaction.atomic
def work_create(
    *, by: User, data: WorkInput, chapter: ChapterInput | Chapter, publish: bool
) -> Work:
    """Post a new work with its first chapter, published now or kept as a draft.

    ``chapter`` may be one made by ``chapter_prepare`` (validated and rendered beforehand),
    so that a long text is not rendered while this transaction holds the write lock."""
    validate_work_input(data)
    if isinstance(chapter, ChapterInput):
        validate_chapter_input(chapter)
    now = timezone.now()
    work = Work()
    _apply_fields(work, data)
    if publish:
        work.status = Status.PUBLISHED
        work.published_at = work.updated_at = now
    work.save()
    WorkCreator.objects.create(work=work, user=by, position=0)
    _set_tags(work, data)
    first = chapter_prepare(chapter) if isinstance(chapter, ChapterInput) else chapter
    first.work, first.position = work, 1
    first.status, first.published_at = work.status, work.published_at
    first.save()
    _refresh_counts(work)
    _save_work(work)
    content_changed(work_id=work.pk)
    return work


@transaction.atomic
def work_update(*, work: Work, by: User, data: WorkInput | None, publish: bool = False) -> Work:
    """Change a work's title, tags, notes and settings (none when ``data`` is None);
    ``publish`` also posts a draft work, in the same transaction (both happen, or neither)."""
    require_creator(work, by)
    if data is not None:
        validate_work_input(data)
        was_restricted = work.restricted
        _apply_fields(work, data)
        _set_tags(work, data)
        _refresh_counts(work)
        _save_work(work)
        # Restricting a work takes it from guests' listings at once, not within their bound.
        if work.restricted != was_restricted:
            content_changed()
        else:
            content_changed(work_id=work.pk)
    if publish and work.is_draft:
        work_publish(work=work, by=by)
    return work


@transaction.atomic
def work_publish(*, work: Work, by: User) -> Work:
    """Publish a draft work together with its draft chapters."""
    require_creator(work, by)
    if work.status == Status.PUBLISHED:
        return work
    if work.hidden:
        raise ValidationError("The archive's staff hid this work: it can't be posted now.")
    now = timezone.now()
    work.status = Status.PUBLISHED
    work.published_at = work.updated_at = now
    work.chapters.filter(status=Status.DRAFT).update(status=Status.PUBLISHED, published_at=now)
    _refresh_counts(work)
    _save_work(work)
    content_changed(work_id=work.pk)
    return work


@transaction.atomic
def work_set_complete(*, work: Work, by: User, complete: bool) -> Work:
    """Mark a work complete (chapter total fixed) or back in progress."""
    require_creator(work, by)
    work.complete = complete
    if not complete and work.expected_chapters == work.posted_chapter_count:
        work.expected_chapters = None
    _refresh_counts(work)
    _save_work(work)
    content_changed(work_id=work.pk)
    return work


@transaction.atomic
def work_refresh(*, work: Work) -> Work:
    """Recompute a work's counts and dates after an edit made outside these services (admin)."""
    _refresh_counts(work)
    _save_work(work)
    # Whatever was changed (its status, who may see it) reaches every page, listings included.
    content_changed()
    return work


@transaction.atomic
def work_takedown(*, work: Work, by: User) -> Work:
    """Hide a work from everyone but its creators (staff moderating); they can't undo it."""
    return _set_hidden(work, by, hidden=True)


@transaction.atomic
def work_restore(*, work: Work, by: User) -> Work:
    """Show a work staff had hidden again, as it was (staff moderating)."""
    return _set_hidden(work, by, hidden=False)


def _set_hidden(work: Work, by: User, *, hidden: bool) -> Work:
    if not moderates(by, "works.change_work"):
        raise PermissionDenied("Only staff may hide or restore a work.")
    if work.hidden != hidden:
        work.hidden = hidden
        Work.objects.filter(pk=work.pk).update(hidden=hidden)
        # Off every page at once, listings included: a takedown can't wait for them.
        content_changed()
    return work


@transaction.atomic
def work_delete(*, work: Work, by: User) -> None:
    """Delete a work and all its chapters (its creators, or staff moderating)."""
    require_creator(work, by, moderator_perm="works.delete_work")
    work.delete()
    # Gone from every page at once, listings included (deleting is rare; a reader following
    # a listing's link to a work just deleted would find nothing).
    content_changed()


@transaction.atomic
def chapter_create(*, work: Work, by: User, data: ChapterInput, publish: bool) -> Chapter:
    """Add a chapter at the end of a work; posting it moves the work's updated date."""
    require_creator(work, by)
    validate_chapter_input(data)
    work = Work.objects.select_for_update().get(pk=work.pk)
    last = work.chapters.aggregate(n=Max("position"))["n"] or 0
    chapter = Chapter(work=work, position=last + 1)
    _apply_chapter_fields(chapter, data)
    # A chapter of a draft work stays a draft until the work is published.
    if publish and work.status == Status.PUBLISHED:
        chapter.status = Status.PUBLISHED
        chapter.published_at = work.updated_at = timezone.now()
    chapter.save()
    _refresh_counts(work)
    _save_work(work)
    content_changed(work_id=work.pk)
    return chapter


def chapter_prepare(data: ChapterInput) -> Chapter:
    """Validate and render a chapter without touching the database: an unsaved chapter of
    no work yet, for ``work_create`` or ``chapters_append``. Rendering and sanitising a long
    text takes a while, and must not happen while a transaction holds SQLite's write lock."""
    validate_chapter_input(data)
    chapter = Chapter()
    _apply_chapter_fields(chapter, data)
    return chapter


@transaction.atomic
def chapters_append(
    *, work: Work, by: User, chapters: list[Chapter], publish: bool
) -> list[Chapter]:
    """Add chapters made by ``chapter_prepare`` at the end of a work, in one short write.

    Like ``chapter_create``, a chapter of a draft work stays a draft until the work is
    published."""
    require_creator(work, by)
    if not chapters:
        return []
    work = Work.objects.select_for_update().get(pk=work.pk)
    last = work.chapters.aggregate(n=Max("position"))["n"] or 0
    now = timezone.now()
    posting = publish and work.status == Status.PUBLISHED
    for position, chapter in enumerate(chapters, start=last + 1):
        if chapter.pk is not None:
            raise ValueError("chapters_append takes new chapters from chapter_prepare.")
        chapter.work, chapter.position = work, position
        if posting:
            chapter.status, chapter.published_at = Status.PUBLISHED, now
    Chapter.objects.bulk_create(chapters)
    if posting:
        work.updated_at = now
    _refresh_counts(work)
    _save_work(work)
    content_changed(work_id=work.pk)
    return chapters


@transaction.atomic
def chapter_update(
    *, chapter: Chapter, by: User, data: ChapterInput | None, publish: bool = False
) -> Chapter:
    """Change a chapter's title, notes or text (none when ``data`` is None); ``publish`` also
    posts a draft chapter, in the same transaction (both happen, or neither)."""
    require_creator(chapter.work, by)
    if data is not None:
        validate_chapter_input(data)
        _apply_chapter_fields(chapter, data)
        _save_chapter(chapter)
        _refresh_counts(chapter.work)
        _save_work(chapter.work)
        content_changed(work_id=chapter.work.pk)
    if publish and chapter.is_draft:
        chapter_publish(chapter=chapter, by=by)
    return chapter


@transaction.atomic
def chapter_publish(*, chapter: Chapter, by: User) -> Chapter:
    """Post a draft chapter (publishing the work too if it was a draft)."""
    work = chapter.work
    require_creator(work, by)
    if chapter.status == Status.PUBLISHED:
        return chapter
    now = timezone.now()
    chapter.status = Status.PUBLISHED
    chapter.published_at = now
    _save_chapter(chapter)
    if work.status == Status.DRAFT:
        work.status = Status.PUBLISHED
        work.published_at = now
    work.updated_at = now
    _refresh_counts(work)
    _save_work(work)
    content_changed(work_id=work.pk)
    return chapter


@transaction.atomic
def chapter_delete(*, chapter: Chapter, by: User) -> None:
    """Delete a chapter; the last remaining chapter can't be deleted (delete the work)."""
    work = chapter.work
    require_creator(work, by, moderator_perm="works.delete_chapter")
    if work.chapters.count() <= 1:
        raise ValidationError("A work needs at least one chapter: delete the work instead.")
    posted = work.chapters.filter(status=Status.PUBLISHED)
    if (
        chapter.status == Status.PUBLISHED
        and posted.count() == 1
        and work.status == Status.PUBLISHED
    ):
        raise ValidationError(
            "This is the work's only posted chapter: post another one first, or delete the work."
        )
    chapter.delete()
    _renumber(work)
    _refresh_counts(work)
    _save_work(work)
    content_changed(work_id=work.pk)


@transaction.atomic
def chapters_reorder(*, work: Work, by: User, order: list[int]) -> None:
    """Put a work's chapters in the given order of chapter ids."""
    require_creator(work, by)
    ids = list(work.chapters.values_list("pk", flat=True))
    if sorted(order) != sorted(ids):
        raise ValidationError("The new order must list each chapter of the work exactly once.")
    for position, pk in enumerate(order, start=1):
        Chapter.objects.filter(pk=pk, work=work).update(position=position)
    content_changed(work_id=work.pk)


@transaction.atomic
def editor_draft_save(*, user: User, key: str, data: dict[str, list[str]]) -> EditorDraft:
    """Keep what an author has typed so far into an editor (autosave).

    Characters no field can hold become U+FFFD here; the real save then asks for them to go.
    """
    data = storable_form_data(data)
    draft, _ = EditorDraft.objects.update_or_create(user=user, key=key, defaults={"data": data})
    return draft


@transaction.atomic
def editor_draft_discard(*, user: User, key: str) -> None:
    """Forget the autosaved text once it has been saved for real."""
    EditorDraft.objects.filter(user=user, key=key).delete()
