from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator

from fanfold.core.text import TextFormat, text_problem
from fanfold.works.models import CommentPolicy, Rating


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


class TextIn(Schema):
    """The base of everything the API reads: text that can't be stored gets a clear 422.

    NUL, halves of surrogate pairs and non-characters are refused by the same rule as in
    every form (`fanfold.core.text.text_problem`), field by field.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        for text in _texts(value):
            if problem := text_problem(text):
                raise ValueError(f"The {info.field_name} {problem}")
        return value


class Error(Schema):
    detail: str | dict | list


class CreatorOut(Schema):
    username: str
    display_name: str


class ChapterSummaryOut(Schema):
    id: int
    position: int
    title: str
    word_count: int
    draft: bool
    published_at: datetime | None
    url: str


class WorkOut(Schema):
    id: int
    title: str
    url: str
    creators: list[CreatorOut]
    rating: str
    warnings: list[str]
    categories: list[str]
    fandoms: list[str]
    relationships: list[str]
    characters: list[str]
    freeforms: list[str]
    summary_html: str
    notes_html: str
    end_notes_html: str
    language: str
    draft: bool
    restricted: bool
    complete: bool
    comment_policy: CommentPolicy
    moderate_comments: bool
    chapters_posted: int
    chapters_expected: int | None
    word_count: int
    hits: int
    kudos: int
    comments: int
    bookmarks: int
    published_at: datetime | None
    updated_at: datetime | None


class WorkDetailOut(WorkOut):
    chapters: list[ChapterSummaryOut]


class WorkPageOut(Schema):
    items: list[WorkOut]
    count: int
    page: int
    pages: int


class ChapterOut(ChapterSummaryOut):
    work_id: int
    summary_html: str
    notes_html: str
    end_notes_html: str
    body_html: str


class ChapterIn(TextIn):
    body: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    text_format: TextFormat = TextFormat.HTML
    publish: bool = True


class ChapterPatch(TextIn):
    body: str | None = None
    title: str | None = None
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    text_format: TextFormat | None = None
    publish: bool | None = Field(None, description="true posts a draft chapter")


class WorkFields(TextIn):
    rating: Rating = Rating.NOT_RATED
    warnings: list[str] = []
    categories: list[str] = []
    fandoms: list[str] = []
    relationships: list[str] = []
    characters: list[str] = []
    freeforms: list[str] = []
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    language: str = "en"
    text_format: TextFormat = TextFormat.HTML
    restricted: bool = False
    complete: bool = False
    expected_chapters: int | None = None
    comment_policy: CommentPolicy = CommentPolicy.ANYONE
    moderate_comments: bool = False


class WorkIn(WorkFields):
    title: str
    chapter: ChapterIn
    publish: bool = True


class WorkPatch(TextIn):
    title: str | None = None
    rating: Rating | None = None
    warnings: list[str] | None = None
    categories: list[str] | None = None
    fandoms: list[str] | None = None
    relationships: list[str] | None = None
    characters: list[str] | None = None
    freeforms: list[str] | None = None
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    language: str | None = None
    text_format: TextFormat | None = None
    restricted: bool | None = None
    complete: bool | None = None
    expected_chapters: int | None = None
    comment_policy: CommentPolicy | None = None
    moderate_comments: bool | None = None
    publish: bool | None = Field(None, description="true publishes a draft work")
