"""Writes for imports: a parsed legacy story becomes a work through the works services."""

import hashlib
import html

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fanfold.accounts.models import User
from fanfold.core.pagecache import content_changed
from fanfold.core.text import render_text, word_count
from fanfold.imports.importers.story import ParsedChapter, ParsedStory
from fanfold.imports.importers.tagging import RATING_CODES
from fanfold.imports.models import ImportedStory
from fanfold.tags.models import ARCHIVE_WARNINGS, CATEGORIES
from fanfold.works import services as works
from fanfold.works.models import Work, WorkCreator
from fanfold.works.services import (
    FREEFORM_MAX,
    NOTES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    ChapterInput,
    WorkInput,
)

UNKNOWN_FANDOM = "Unknown Fandom"


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def chapter_html(paragraphs: list[str]) -> str:
    return "\n".join("<hr>" if p == "<hr>" else f"<p>{html.escape(p)}</p>" for p in paragraphs)


def chapter_body(chapter: ParsedChapter) -> str:
    return chapter.html if chapter.html is not None else chapter_html(chapter.paragraphs)


def chapter_word_counts(story: ParsedStory) -> list[int]:
    return [word_count(render_text(chapter_body(c), "html")) for c in story.chapters]


def archivist() -> User:
    """The account imported works belong to until their authors claim them."""
    user, created = User.objects.get_or_create(
        username=settings.FANFOLD_ARCHIVIST,
        defaults={"display_name": "Archivist", "bio": "Keeper of imported works."},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _cut(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def duplicate_of(digest: str) -> Work | None:
    found = ImportedStory.objects.select_related("work").filter(content_hash=digest).first()
    return found.work if found else None


@transaction.atomic
def story_import(*, story: ParsedStory, digest: str, by: User | None = None) -> Work:
    """Store a parsed story as a published work of the archivist, all or nothing."""
    owner = by or archivist()
    summary, notes = story.summary or "", story.notes or ""
    if len(summary) > SUMMARY_MAX:  # keep every word: the full summary goes to the notes
        notes = f"Summary: {summary}\n\n{notes}".strip()
        summary = _cut(summary, SUMMARY_MAX)
    data = WorkInput(
        title=_cut(story.title or "Untitled", TITLE_MAX),
        rating=RATING_CODES.get(story.rating, "not_rated"),
        warnings=[w for w in story.archive_warnings if w in ARCHIVE_WARNINGS],
        categories=[c for c in story.categories if c in CATEGORIES],
        fandoms=story.fandoms or [UNKNOWN_FANDOM],
        relationships=story.relationships,
        characters=story.characters,
        freeforms=story.freeforms[:FREEFORM_MAX],
        summary=summary,
        notes=_cut(notes, NOTES_MAX),
        language=story.language,
        text_format="plain",
        complete=story.complete,
    )
    first, *rest = story.chapters
    work = works.work_create(
        by=owner,
        data=data,
        chapter=ChapterInput(title=first.title, body=chapter_body(first)),
        publish=True,
    )
    for chapter in rest:
        works.chapter_create(
            work=work,
            by=owner,
            data=ChapterInput(title=chapter.title, body=chapter_body(chapter)),
            publish=True,
        )
    ImportedStory.objects.create(
        work=work,
        author_name=", ".join(story.creators)[:255],
        source=story.source[:1000],
        format=story.format,
        content_hash=digest,
        emails=story.private_contact.email,
        ims=story.private_contact.im,
        urls=story.private_contact.urls,
        review_needed=story.review_needed,
    )
    return work


@transaction.atomic
def story_draft_create(*, by: User, data: WorkInput, chapters: list[ChapterInput]) -> Work:
    """Store a reviewed import as a draft work of the user who imported it, all or nothing."""
    if not chapters:
        raise ValidationError({"body": ["An imported work needs at least one chapter."]})
    first, *rest = chapters
    work = works.work_create(by=by, data=data, chapter=first, publish=False)
    for chapter in rest:
        works.chapter_create(work=work, by=by, data=chapter, publish=False)
    return work


def imported_stories_claimable(*, user: User) -> list[ImportedStory]:
    """Unclaimed imported works whose private contact has this user's verified email."""
    if not user.is_authenticated or not user.email_verified or not user.email:
        return []
    email = user.email.lower()
    return [
        story
        for story in ImportedStory.objects.filter(claimed_at__isnull=True).select_related("work")
        if email in (e.lower() for e in story.emails)
    ]


@transaction.atomic
def imported_stories_claim(*, user: User) -> list[Work]:
    """Give a verified author the imported works that carry their email address."""
    claimed = []
    for story in imported_stories_claimable(user=user):
        WorkCreator.objects.filter(work=story.work).delete()
        WorkCreator.objects.create(work=story.work, user=user, position=0)
        story.claimed_by, story.claimed_at = user, timezone.now()
        story.save(update_fields=["claimed_by", "claimed_at"])
        claimed.append(story.work)
    if claimed:
        content_changed()
    return claimed
