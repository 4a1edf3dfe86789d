"""Reads for works and chapters; visibility always comes from Work.objects.visible_to."""

from dataclasses import dataclass, fields

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from fanfold.accounts.models import User
from fanfold.accounts.selectors import muted_user_ids
from fanfold.tags.models import Tag, TagType
from fanfold.tags.selectors import tag_names_grouped, tags_labelled
from fanfold.works.models import (
    Chapter,
    EditorDraft,
    Status,
    Work,
    is_creator,  # noqa: F401 - the one rule, read from here too
)
from fanfold.works.services import ChapterInput, WorkInput


def with_feedback_counts(qs: QuerySet[Work], viewer) -> QuerySet[Work]:
    """Let comment counts leave out the comments of users this reader muted: of the comments
    the count holds (the one rule, SHOWN_COMMENTS), those by muted users."""
    muted = muted_user_ids(viewer)
    if not muted:
        return qs
    from fanfold.feedback.models import Comment
    from fanfold.feedback.selectors import SHOWN_COMMENTS

    by_muted = (
        Comment.objects.filter(SHOWN_COMMENTS, work=OuterRef("pk"), user_id__in=muted)
        .order_by()
        .values("work")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(muted_comments=Coalesce(Subquery(by_muted), 0))


def blurb_queryset(qs: QuerySet[Work], viewer=None) -> QuerySet[Work]:
    """Works with what their blurbs show: creators, tags, import origin, and comment counts
    as this reader sees them. Every listing of works (and of bookmarks) uses it."""
    return (
        with_feedback_counts(qs, viewer)
        .select_related("imported_story")
        .prefetch_related(
            Prefetch("creators", queryset=User.objects.only("id", "username", "display_name")),
            Prefetch("tags", queryset=Tag.objects.only("id", "type", "name").order_by("name")),
        )
    )


def works_recent(*, viewer) -> QuerySet[Work]:
    return blurb_queryset(Work.objects.visible_to(viewer).order_by("-updated_at", "-pk"), viewer)


def works_for_tag(*, viewer, tag: Tag) -> QuerySet[Work]:
    return blurb_queryset(
        Work.objects.visible_to(viewer).filter(tags=tag).order_by("-updated_at", "-pk"), viewer
    )


def works_by_creator(*, viewer, creator: User) -> QuerySet[Work]:
    return blurb_queryset(
        Work.objects.visible_to(viewer).filter(creators=creator).order_by("-updated_at", "-pk"),
        viewer,
    )


def works_drafts_of(*, user: User) -> QuerySet[Work]:
    return with_draft_totals(
        blurb_queryset(
            Work.objects.visible_to(user).filter(creators=user, status=Status.DRAFT).order_by("-pk")
        )
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


def chapters_for_reader(*, viewer, work: Work) -> list[Chapter]:
    return list(
        Chapter.objects.visible_to(viewer)
        .filter(work=work)
        .defer("body", "body_html", "summary", "notes", "end_notes")
        .order_by("position", "pk")
    )


def chapters_full_for_reader(*, viewer, work: Work) -> list[Chapter]:
    return list(
        Chapter.objects.visible_to(viewer)
        .filter(work=work)
        .defer("body", "summary", "notes", "end_notes")
        .order_by("position", "pk")
    )


def editor_draft_for(*, user: User, key: str) -> EditorDraft | None:
    return EditorDraft.objects.filter(user=user, key=key).first()


def work_input_of(work: Work) -> WorkInput:
    """A work's current metadata as the input its services take (for edits and patches)."""
    by_type = tag_names_grouped(work.tags.all())
    return WorkInput(
        title=work.title,
        rating=work.rating,
        warnings=by_type[TagType.WARNING],
        categories=by_type[TagType.CATEGORY],
        fandoms=by_type[TagType.FANDOM],
        relationships=by_type[TagType.RELATIONSHIP],
        characters=by_type[TagType.CHARACTER],
        freeforms=by_type[TagType.FREEFORM],
        summary=work.summary,
        notes=work.notes,
        end_notes=work.end_notes,
        language=work.language,
        text_format=work.text_format,
        restricted=work.restricted,
        complete=work.complete,
        expected_chapters=work.expected_chapters,
        comment_policy=work.comment_policy,
        moderate_comments=work.moderate_comments,
    )


def chapter_input_of(chapter: Chapter) -> ChapterInput:
    return ChapterInput(**{f.name: getattr(chapter, f.name) for f in fields(ChapterInput)})
