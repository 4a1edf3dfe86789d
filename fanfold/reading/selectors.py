"""Reads for the reading pages."""

from collections.abc import Collection

from django.db import connection
from django.db.models import Prefetch
from django.http import Http404

from fanfold.accounts.models import User, Viewer
from fanfold.accounts.selectors import muted_user_ids
from fanfold.bookmarks.selectors import reader_marks_sql
from fanfold.feedback.selectors import reader_feedback_sql, with_feedback_counts
from fanfold.imports.selectors import with_import_byline
from fanfold.tags.models import Tag
from fanfold.works.models import Work, work_visible, work_visible_or_404


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


# What a chapter page takes from the work's row each time: what decides who may read it and
# how, and the counts. Texts, creators and tags come with the shared parts (reading.parts).
ROW_FIELDS = (
    "title", "rating", "status", "restricted", "hidden", "complete", "expected_chapters",
    "comment_policy", "moderate_comments", "word_count", "posted_chapter_count", "hit_count",
    "kudos_count", "comment_count", "whole_work_comment_count", "bookmark_count",
    "published_at", "updated_at",
)  # fmt: skip


def work_row_or_404(*, viewer: Viewer, work_id: int, creator_ids: Collection[int]) -> Work:
    """The work's row (no texts, creators or tags) if this reader may see it, else 404, with
    what this reader's own parts of the page need: their kudos, comments, bookmark and mark
    (``reader_feedback_sql``, ``reader_marks_sql``) and the comment count less muted users'.

    The visibility rule is applied to the row (``work_visible``), with the creators from the
    page's shared parts. One query, written as SQL from the apps' parts: it runs on every
    page view, and the ORM took ten times longer to build it than the database to run it.
    """
    quote = connection.ops.quote_name
    column = {f.name: f.column or f.name for f in Work._meta.concrete_fields}
    columns = ", ".join(f"w.{quote(column[name])}" for name in ("id", *ROW_FIELDS))
    extras = (
        reader_feedback_sql(viewer) + reader_marks_sql(viewer)
        if viewer is not None and viewer.is_authenticated
        else []
    )
    selected = "".join(f", {expression} AS {name}" for name, expression, _ in extras)
    sql = f"SELECT {columns}{selected} FROM {quote(Work._meta.db_table)} w WHERE w.id = %s"
    params = [p for *_, ps in extras for p in ps] + [work_id]
    work = next(iter(Work.objects.raw(sql, params)), None)
    if work is None or not work_visible(
        viewer,
        status=work.status,
        hidden=work.hidden,
        restricted=work.restricted,
        creator_ids=creator_ids,
    ):
        raise Http404("No such work, or you may not see it.")
    if muted_user_ids(viewer):  # few readers mute anyone
        counts = with_feedback_counts(Work.objects.filter(pk=work_id), viewer)
        muted = counts.values_list("muted_comments", flat=True)[0]  # type: ignore[misc]
        work.muted_comments = muted  # type: ignore[attr-defined]
    return work
