"""Reads for imports: what a parsed story becomes, earlier imports, and what may be claimed."""

import hashlib
import html

from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from fanfold.accounts.models import User
from fanfold.core.text import render_text, word_count
from fanfold.imports.importers.story import ParsedChapter, ParsedStory
from fanfold.imports.importers.tagging import RATING_CODES
from fanfold.imports.models import ImportedStory
from fanfold.tags.models import ARCHIVE_WARNINGS, CATEGORIES
from fanfold.works.inputs import FREEFORM_MAX, NOTES_MAX, SUMMARY_MAX, TITLE_MAX, WorkInput
from fanfold.works.models import Work

UNKNOWN_FANDOM = "Unknown Fandom"


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def chapter_html(paragraphs: list[str]) -> str:
    return "\n".join("<hr>" if p == "<hr>" else f"<p>{html.escape(p)}</p>" for p in paragraphs)


def chapter_body(chapter: ParsedChapter) -> str:
    return chapter.html if chapter.html is not None else chapter_html(chapter.paragraphs)


def chapter_word_counts(story: ParsedStory) -> list[int]:
    return [word_count(render_text(chapter_body(c), "html")) for c in story.chapters]


def _cut(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def story_work_input(story: ParsedStory) -> WorkInput:
    """The one mapping of a parsed story to a work's fields: for the import itself and for
    the preview an importing user checks first."""
    summary, notes = story.summary or "", story.notes or ""
    if len(summary) > SUMMARY_MAX:  # keep every word: the full summary goes to the notes
        notes = f"Summary: {summary}\n\n{notes}".strip()
        summary = _cut(summary, SUMMARY_MAX)
    return WorkInput(
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


def with_import_byline(qs: QuerySet[Work]) -> QuerySet[Work]:
    """Annotate ``imported_author`` on each work: for an import nobody has claimed yet, the
    original author's name (or "Anonymous"), which its byline shows instead of the archivist
    account; None for every other work. The only way a work's import reaches a listing."""
    return qs.annotate(
        imported_author=Case(
            When(
                imported_story__isnull=False,
                imported_story__claimed_at__isnull=True,
                then=Coalesce(
                    NullIf(F("imported_story__author_name"), Value("")), Value("Anonymous")
                ),
            ),
            default=Value(None),
            output_field=CharField(),
        )
    )


def duplicate_of(digest: str) -> Work | None:
    """The work already imported from a file with this content hash (a draft left by an
    import that stopped half way does not count: importing the file again completes it)."""
    found = (
        ImportedStory.objects.select_related("work")
        .filter(content_hash=digest, work__published_at__isnull=False)
        .first()
    )
    return found.work if found else None


def imported_stories_claimable(*, user: User) -> list[ImportedStory]:
    """Unclaimed imported works that carry this user's verified email address as their
    author's own (not drafts left by an import that stopped half way)."""
    if not user.is_authenticated or not user.email_verified or not user.email:
        return []
    return list(
        ImportedStory.objects.filter(
            claimed_at__isnull=True,
            work__published_at__isnull=False,
            claim_emails__email=user.email.strip().lower(),
        )
        .select_related("work")
        .distinct()
    )
