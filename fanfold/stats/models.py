"""Hits and readers, as the hit flush writes them and the stats pages read them.

No table holds a reader's identity: a reader is a keyed 64-bit hash of "u<user id>" or of
the hashed IP address, kept per day only for the last few days (to count a reader once per
day) and otherwise only inside HyperLogLog sketches.
"""

from django.db import models

from fanfold.works.models import Chapter, Work


class HitBatch(models.Model):
    """A part of a hit buffer already imported, so a flush re-run after a crash adds nothing."""

    name = models.CharField(max_length=120, unique=True)
    lines = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["imported_at"])]

    def __str__(self) -> str:
        return self.name


class WorkDailyReader(models.Model):
    """This reader was counted for this work on this day (recent days only)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reader = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["work", "day", "reader"], name="work_daily_reader_unique"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.work_id} {self.day}"


class ChapterDailyReader(models.Model):
    """This reader was counted for this chapter on this day (recent days only)."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reader = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "day", "reader"], name="chapter_daily_reader_unique"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.chapter_id} {self.day}"


class WorkDay(models.Model):
    """Hits of a work on one day: one per reader who opened any of its pages."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "day"], name="work_day_unique")]

    def __str__(self) -> str:
        return f"{self.work_id} {self.day}: {self.hits}"


class ChapterDay(models.Model):
    """Hits of a chapter on one day: one per reader who opened it."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chapter", "day"], name="chapter_day_unique")
        ]
        indexes = [models.Index(fields=["work", "day"])]

    def __str__(self) -> str:
        return f"{self.chapter_id} {self.day}: {self.hits}"


class WorkReaders(models.Model):
    """Distinct readers of a work ever: a HyperLogLog sketch and its estimate."""

    work = models.OneToOneField(Work, on_delete=models.CASCADE, primary_key=True, related_name="+")
    sketch = models.BinaryField()
    readers = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.work_id}: ~{self.readers}"


class ChapterReaders(models.Model):
    """Hits of a chapter ever, and its distinct readers (sketch and estimate)."""

    chapter = models.OneToOneField(
        Chapter, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    hits = models.PositiveIntegerField(default=0)
    sketch = models.BinaryField()
    readers = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.chapter_id}: {self.hits} hits, ~{self.readers} readers"
