"""A work's and a chapter's input fields, their limits and their validation: the one
definition. The services take these; the API's schemas and the forms are generated from them."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextChoices

from fanfold.core.text import TextFormat
from fanfold.tags.models import ARCHIVE_WARNINGS, CATEGORIES, TagType
from fanfold.tags.services import TAG_NAME_MAX
from fanfold.works.models import LANGUAGES, CommentPolicy, Rating

TITLE_MAX = 255
SUMMARY_MAX = 1250
NOTES_MAX = 5000
CHAPTER_MAX = 500_000
FREEFORM_MAX = 75
EXPECTED_MAX = 10_000
TAG_FIELDS = {"fandoms", "relationships", "characters", "freeforms"}


CHOICES = "choices"
"""Metadata key of an input field whose values are those of a TextChoices (see `one_of`)."""


def one_of(choices: type[TextChoices], *, default: str) -> Any:
    """An input field holding one of the values of `choices`: the API documents them as an
    enum and the form offers them in a select."""
    return field(default=default, metadata={CHOICES: choices})


# The one list of a work's and a chapter's input fields: their names, types, defaults and
# order. The API's WorkIn/WorkPatch and ChapterIn/ChapterPatch (fanfold.api.schemas) and the
# forms (fanfold.works.forms) are generated from these, so a field added here appears in
# both; the order is the order of the form and of the API's properties.
@dataclass(kw_only=True)
class WorkInput:
    title: str
    rating: str = one_of(Rating, default=Rating.NOT_RATED)
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    language: str = "en"
    text_format: str = one_of(TextFormat, default=TextFormat.HTML)
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    restricted: bool = False
    complete: bool = False
    expected_chapters: int | None = None
    comment_policy: str = one_of(CommentPolicy, default=CommentPolicy.ANYONE)
    moderate_comments: bool = False


@dataclass(kw_only=True)
class ChapterInput:
    title: str = ""
    summary: str = ""
    notes: str = ""
    body: str
    end_notes: str = ""
    text_format: str = one_of(TextFormat, default=TextFormat.HTML)


def _check_len(errors: dict[str, list[str]], name: str, value: str, limit: int, label: str) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(
            f"{label} must be at most {limit:,} characters (it has {len(value):,})."
        )


def _check_text_values(errors: dict[str, list[str]], data: WorkInput | ChapterInput) -> None:
    """No field may hold a NUL character (databases refuse it); tag names have a length."""
    for name, value in vars(data).items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            errors.setdefault(name, []).append("Remove the NUL (\\0) character from this field.")
        if name in TAG_FIELDS and (long := [v for v in values if len(v) > TAG_NAME_MAX]):
            errors.setdefault(name, []).append(
                f"A tag can have at most {TAG_NAME_MAX} characters: “{long[0][:40]}…” is longer."
            )


def validate_work_input(data: WorkInput) -> None:
    """Refuse what breaks the archive's limits, with one message per field."""
    errors: dict[str, list[str]] = {}
    _check_text_values(errors, data)
    if not data.title.strip():
        errors["title"] = ["A work needs a title."]
    _check_len(errors, "title", data.title, TITLE_MAX, "The title")
    _check_len(errors, "summary", data.summary, SUMMARY_MAX, "The summary")
    _check_len(errors, "notes", data.notes, NOTES_MAX, "The notes")
    _check_len(errors, "end_notes", data.end_notes, NOTES_MAX, "The end notes")
    if data.rating not in Rating.values:
        errors["rating"] = [f"Choose one of: {', '.join(Rating.labels)}."]
    if bad := [w for w in data.warnings if w not in ARCHIVE_WARNINGS]:
        errors["warnings"] = [f"Unknown archive warning: {', '.join(bad)}."]
    if bad := [c for c in data.categories if c not in CATEGORIES]:
        errors["categories"] = [f"Unknown category: {', '.join(bad)}."]
    if not data.fandoms:
        errors["fandoms"] = ["Name at least one fandom."]
    if len(data.freeforms) > FREEFORM_MAX:
        errors["freeforms"] = [
            f"At most {FREEFORM_MAX} additional tags (you gave {len(data.freeforms)})."
        ]
    if data.language not in dict(LANGUAGES):
        errors["language"] = ["Choose a language from the list."]
    if data.text_format not in TextFormat.values:
        errors["text_format"] = ["Choose HTML, Markdown or plain text."]
    if data.comment_policy not in CommentPolicy.values:
        errors["comment_policy"] = [f"Choose one of: {', '.join(CommentPolicy.labels)}."]
    if data.expected_chapters is not None and not 1 <= data.expected_chapters <= EXPECTED_MAX:
        errors["expected_chapters"] = [
            f"Expected chapters must be from 1 to {EXPECTED_MAX:,}, or left empty."
        ]
    if errors:
        raise ValidationError(errors)


def validate_chapter_input(data: ChapterInput, *, require_body: bool = True) -> None:
    errors: dict[str, list[str]] = {}
    _check_text_values(errors, data)
    if require_body and not data.body.strip():
        errors["body"] = ["A chapter needs some text."]
    _check_len(errors, "body", data.body, CHAPTER_MAX, "A chapter")
    _check_len(errors, "title", data.title, TITLE_MAX, "The chapter title")
    _check_len(errors, "summary", data.summary, SUMMARY_MAX, "The chapter summary")
    _check_len(errors, "notes", data.notes, NOTES_MAX, "The chapter notes")
    _check_len(errors, "end_notes", data.end_notes, NOTES_MAX, "The chapter end notes")
    if data.text_format not in TextFormat.values:
        errors["text_format"] = ["Choose HTML, Markdown or plain text."]
    if errors:
        raise ValidationError(errors)


# Which input field holds the tags of each type (the one mapping; reads use it too).
TAG_TYPE_OF_FIELD = {
    "warnings": TagType.WARNING,
    "categories": TagType.CATEGORY,
    "fandoms": TagType.FANDOM,
    "relationships": TagType.RELATIONSHIP,
    "characters": TagType.CHARACTER,
    "freeforms": TagType.FREEFORM,
}
