"""Reads for works and chapters; visibility always comes from Work.objects.visible_to."""

from collections import defaultdict
from dataclasses import fields

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from fanfold.accounts.models import User
from fanfold.accounts.selectors import muted_user_ids
from fanfold.tags.models import TAG_TYPE_ORDER, Tag, TagType
from fanfold.works.models import Chapter, EditorDraft, Status, Work
from fanfold.works.services import ChapterInput, WorkInput


def with_feedback_counts(qs: QuerySet[Work], viewer) -> QuerySet[Work]:
    """Let comment counts leave out the comments of users this reader muted."""
    muted = muted_user_ids(viewer)
    if not muted:
        return qs
    from fanfold.feedback.models import Comment, CommentStatus

    by_muted = (
        Comment.objects.filter(
            work=OuterRef("pk"), user_id__in=muted, status=CommentStatus.PUBLISHED, deleted=False
        )
        .order_by()
        .values("work")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(muted_comments=Coalesce(Subquery(by_muted), 0))


def _blurb_queryset(qs: QuerySet[Work], viewer=None) -> QuerySet[Work]:
    return (
        with_feedback_counts(qs, viewer)
        .select_related("imported_story")
        .prefetch_related(
            Prefetch("creators", queryset=User.objects.only("id", "username", "display_name")),
            Prefetch("tags", queryset=Tag.objects.only("id", "type", "name").order_by("name")),
        )
    )


def works_recent(*, viewer) -> QuerySet[Work]:
    return _blurb_queryset(Work.objects.visible_to(viewer).order_by("-updated_at", "-pk"), viewer)


def works_for_tag(*, viewer, tag: Tag) -> QuerySet[Work]:
    return _blurb_queryset(
        Work.objects.visible_to(viewer).filter(tags=tag).order_by("-updated_at", "-pk"), viewer
    )


def works_by_creator(*, viewer, creator: User) -> QuerySet[Work]:
    return _blurb_queryset(
        Work.objects.visible_to(viewer).filter(creators=creator).order_by("-updated_at", "-pk"),
        viewer,
    )


def works_drafts_of(*, user: User) -> QuerySet[Work]:
    return _blurb_queryset(
        Work.objects.visible_to(user).filter(creators=user, status=Status.DRAFT).order_by("-pk")
    )


def tags_by_type(work: Work) -> list[tuple[str, list[Tag]]]:
    """A work's tags grouped by type, in the order of a metadata block."""
    groups: dict[str, list[Tag]] = defaultdict(list)
    for tag in work.tags.all():
        groups[tag.type].append(tag)
    labels = dict(TagType.choices)
    return [(labels[t], groups[t]) for t in TAG_TYPE_ORDER if groups.get(t)]


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


def is_creator(user, work: Work) -> bool:
    return bool(user.is_authenticated) and any(c.pk == user.pk for c in work.creators.all())


def editor_draft_for(*, user: User, key: str) -> EditorDraft | None:
    return EditorDraft.objects.filter(user=user, key=key).first()


def work_input_of(work: Work) -> WorkInput:
    """A work's current metadata as the input its services take (for edits and patches)."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for tag in work.tags.all():
        by_type[tag.type].append(tag.name)
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
