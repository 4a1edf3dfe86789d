import dataclasses
from datetime import datetime
from typing import Any, get_type_hints

from ninja import Schema
from pydantic import Field, ValidationInfo, create_model, field_validator

from fanfold.core.text import text_problem
from fanfold.works.inputs import CHOICES, ChapterInput, WorkInput
from fanfold.works.models import CommentPolicy


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


def input_schema(data_class: type, *, partial: bool = False) -> Any:
    """The API schema of a service's input dataclass (`WorkInput`, `ChapterInput`): its field
    names, types, defaults and order, with a TextChoices field (`one_of`) as its enum.

    `partial` makes every field optional with null as "not given" (for PATCH). Typed Any, as
    a class made at run time: subclass it to add what only the API has, such as `publish`.
    """
    types = get_type_hints(data_class)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(data_class):
        kind = f.metadata.get(CHOICES, types[f.name])
        if partial:
            fields[f.name] = (kind | None, None)
        elif f.default is not dataclasses.MISSING:
            fields[f.name] = (kind, f.default)
        elif f.default_factory is not dataclasses.MISSING:
            fields[f.name] = (kind, f.default_factory())
        else:
            fields[f.name] = (kind, ...)
    suffix = "Changes" if partial else "Fields"
    return create_model(f"{data_class.__name__}{suffix}", __base__=TextIn, **fields)


_ChapterFields: Any = input_schema(ChapterInput)
_ChapterChanges: Any = input_schema(ChapterInput, partial=True)
_WorkFields: Any = input_schema(WorkInput)
_WorkChanges: Any = input_schema(WorkInput, partial=True)


class ChapterIn(_ChapterFields):
    publish: bool = True


class ChapterPatch(_ChapterChanges):
    publish: bool | None = Field(None, description="true posts a draft chapter")


class WorkIn(_WorkFields):
    chapter: ChapterIn
    publish: bool = True


class WorkPatch(_WorkChanges):
    publish: bool | None = Field(None, description="true publishes a draft work")
