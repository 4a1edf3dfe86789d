"""The migration that fills the comment counts feedback now keeps, on data made before it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("feedback", "0001_initial"), ("works", "0003_work_hidden")]
AFTER = [("feedback", "0002_backfill_kept_comment_counts")]


@pytest.mark.django_db(transaction=True)
def test_backfill_sets_chapter_whole_work_and_total_counts():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Work = old.get_model("works", "Work")
    Chapter, Comment = old.get_model("works", "Chapter"), old.get_model("feedback", "Comment")
    # A stored total that had drifted (9) before the migration.
    work = Work.objects.create(title="Old", status="published", comment_count=9)
    posted = Chapter.objects.create(work=work, position=1, status="published")
    draft = Chapter.objects.create(work=work, position=2, status="draft")

    def comment(chapter, **kw):
        Comment.objects.create(work=work, chapter=chapter, guest_name="Guest", body="x", **kw)

    comment(None)
    comment(None, deleted=True)
    comment(posted)
    comment(posted)
    comment(posted, status="pending")
    comment(draft)
    quiet = Work.objects.create(title="No comments", status="published")

    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Work, Chapter = new.get_model("works", "Work"), new.get_model("works", "Chapter")
    work = Work.objects.get(pk=work.pk)
    assert (work.whole_work_comment_count, work.comment_count) == (1, 3)
    assert Chapter.objects.get(pk=posted.pk).comment_count == 2
    assert Chapter.objects.get(pk=draft.pk).comment_count == 1
    assert Work.objects.get(pk=quiet.pk).comment_count == 0

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
