"""Fill the comment counts feedback now keeps: per chapter, and on the whole work."""

from django.db import migrations
from django.db.models import Count, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Comment = apps.get_model("feedback", "Comment")
    Chapter = apps.get_model("works", "Chapter")
    Work = apps.get_model("works", "Work")
    counted = Comment.objects.filter(status="published", deleted=False)
    per_chapter = counted.filter(chapter__isnull=False).values("chapter").annotate(n=Count("pk"))
    for row in per_chapter.order_by():
        Chapter.objects.filter(pk=row["chapter"]).update(comment_count=row["n"])
    whole = counted.filter(chapter__isnull=True).values("work").annotate(n=Count("pk"))
    for row in whole.order_by():
        Work.objects.filter(pk=row["work"]).update(whole_work_comment_count=row["n"])
    # And each work's total from those, as works.services.work_comments_recount adds them up.
    posted = (
        Chapter.objects.filter(work=OuterRef("pk"), status="published")
        .order_by()
        .values("work")
        .annotate(n=Sum("comment_count"))
        .values("n")
    )
    Work.objects.update(
        comment_count=F("whole_work_comment_count") + Coalesce(Subquery(posted), Value(0))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("works", "0004_comment_counts_kept_by_feedback"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
