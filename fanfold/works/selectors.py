"""Reads for works and chapters; visibility always comes from Work.objects.visible_to."""

from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Model, OuterRef, QuerySet, Subquery, Sum

from fanfold.accounts.models import User, Viewer
from fanfold.tags.models import Tag
from fanfold.tags.selectors import tag_names_grouped, tags_labelled
from fanfold.works.inputs import TAG_TYPE_OF_FIELD, ChapterInput, WorkInput
from fanfold.works.models import (
    Chapter,
    EditorDraft,
    Work,
    is_creator,  # noqa: F401 - the one rule, read from here too
)


@dataclass(frozen=True)
class DraftTotals:
    """What a draft work will show once posted: posting it posts all its chapters."""

    words: int
    chapters: int


def draft_totals(work: Work) -> DraftTotals:
    totals = work.chapters.aggregate(words=Sum("word_count"), n=Count("pk"))
    return DraftTotals(words=totals["words"] or 0, chapters=totals["n"])


def with_draft_totals(qs: QuerySet[Work]) -> QuerySet[Work]:
    """Annotate ``draft_words`` and ``draft_chapters`` (see ``draft_totals``) on each work."""
    chapters = Chapter.objects.filter(work=OuterRef("pk")).order_by().values("work")
    return qs.annotate(
        draft_words=Subquery(chapters.annotate(n=Sum("word_count")).values("n")),
        draft_chapters=Subquery(chapters.annotate(n=Count("pk")).values("n")),
    )


def tags_by_type(work: Work) -> list[tuple[str, list[Tag]]]:
    """A work's tags grouped by type, in the order of a metadata block."""
    return tags_labelled(work.tags.all())


def chapters_for_reader(*, viewer: Viewer, work: Work) -> list[Chapter]:
    """The chapters of a work already shown to this reader (from ``work_visible_or_404``),
    for an index or navigation: no texts."""
    return list(
        Chapter.objects.shown_in(work, viewer)
        .defer("body", "body_html", "summary", "notes", "end_notes")
        .order_by("position", "pk")
    )


def chapters_full_for_reader(*, viewer: Viewer, work: Work) -> list[Chapter]:
    """The chapters of a work already shown to this reader, with their sanitised texts."""
    return list(
        Chapter.objects.shown_in(work, viewer)
        .defer("body", "summary", "notes", "end_notes")
        .order_by("position", "pk")
    )


def editor_draft_for(*, user: User, key: str) -> EditorDraft | None:
    return EditorDraft.objects.filter(user=user, key=key).first()


def work_input_of(work: Work) -> WorkInput:
    """A work's current metadata as the input its services take (for edits and patches):
    tag fields from its tags, every other field from the work itself."""
    by_type = tag_names_grouped(work.tags.all())
    values: dict[str, Any] = {
        f.name: by_type[TAG_TYPE_OF_FIELD[f.name]]
        if f.name in TAG_TYPE_OF_FIELD
        else getattr(work, f.name)
        for f in fields(WorkInput)
    }
    return WorkInput(**values)


def chapter_input_of(chapter: Chapter) -> ChapterInput:
    return ChapterInput(**{f.name: getattr(chapter, f.name) for f in fields(ChapterInput)})


# The reading page's one row query (reading.selectors.work_row_or_404) selects, besides the
# work's row (aliased ``w``), what the reader has on it; each app names its own.
ReaderSQL = list[tuple[str, str, list[object]]]  # (name, SQL expression, parameters)


def reader_row_sql(model: type[Model], reader: User, *, pick: str = "", where: str = "") -> str:
    """Whether ``reader`` has a row of ``model`` (with a ``work`` and a ``user``) on the work
    ``w``, or with ``pick``, that row's column, as SQL; its first parameter is the reader's
    id, then those of ``where``."""
    table = model._meta.db_table
    found = f"SELECT {pick or 1} FROM {table} x WHERE x.work_id = w.id AND x.user_id = %s{where}"
    return f"({found})" if pick else f"EXISTS ({found})"
