"""Reads for the reading pages."""

from django.db.models import Prefetch

from fanfold.accounts.models import User, Viewer
from fanfold.feedback.selectors import with_feedback_counts
from fanfold.imports.selectors import with_import_byline
from fanfold.tags.models import Tag
from fanfold.works.models import Work, work_visible_or_404


def work_for_reading_or_404(*, viewer: Viewer, work_id: int) -> Work:
    """The work if this reader may see it (else 404), with what its pages show: creators,
    tags, its byline and comment counts as this reader sees them, in one check and fetch."""
    return work_visible_or_404(
        viewer,
        work_id,
        with_import_byline(with_feedback_counts(Work.objects.all(), viewer)).prefetch_related(
            Prefetch("creators", queryset=User.objects.only("id", "username", "display_name")),
            Prefetch("tags", queryset=Tag.objects.only("id", "type", "name")),
        ),
    )
