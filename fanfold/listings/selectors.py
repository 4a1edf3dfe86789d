"""Listings of works as blurbs. Every list of works a reader sees (home, tag pages, a
creator's works, drafts, bookmarks, history, the API) gets its works from here."""

from django.db.models import Prefetch, QuerySet

from fanfold.accounts.models import User, Viewer
from fanfold.feedback.selectors import with_feedback_counts
from fanfold.imports.selectors import with_import_byline
from fanfold.tags.models import Tag
from fanfold.works.models import Status, Work
from fanfold.works.selectors import with_draft_totals


def blurb_queryset(qs: QuerySet[Work], viewer: Viewer = None) -> QuerySet[Work]:
    """Works with what their blurbs show: creators, tags, the byline of an unclaimed import,
    and comment counts as this reader sees them."""
    return with_import_byline(
        with_feedback_counts(qs, viewer).prefetch_related(
            Prefetch("creators", queryset=User.objects.only("id", "username", "display_name")),
            Prefetch("tags", queryset=Tag.objects.only("id", "type", "name").order_by("name")),
        )
    )


def works_recent(*, viewer: Viewer) -> QuerySet[Work]:
    return blurb_queryset(Work.objects.visible_to(viewer).order_by("-updated_at", "-pk"), viewer)


def works_for_tag(*, viewer: Viewer, tag: Tag) -> QuerySet[Work]:
    return blurb_queryset(
        Work.objects.visible_to(viewer).filter(tags=tag).order_by("-updated_at", "-pk"), viewer
    )


def works_by_creator(*, viewer: Viewer, creator: User) -> QuerySet[Work]:
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
