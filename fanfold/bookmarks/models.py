from django.conf import settings
from django.db import models

from fanfold.core.text import TextFormat
from fanfold.tags.models import Tag
from fanfold.works.models import Chapter, Work


class Bookmark(models.Model):
    """A reader's bookmark of a work: a note, their own tags, and who may see it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="bookmarks")
    note = models.TextField(blank=True)
    note_html = models.TextField(blank=True)
    text_format = models.CharField(
        max_length=10, choices=TextFormat.choices, default=TextFormat.MARKDOWN
    )
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    tags = models.ManyToManyField(Tag, related_name="bookmarks", blank=True)
    private = models.BooleanField(default=False, help_text="Only the bookmarker sees it.")
    rec = models.BooleanField(default=False, help_text="Recommended to others.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "work"], name="bookmark_one_per_user_work")
        ]
        indexes = [
            models.Index(fields=["work", "private", "-created_at"]),
            models.Index(fields=["user", "-updated_at"]),
        ]

    def __str__(self) -> str:
        return f"Bookmark of {self.work_id} by {self.user_id}"


class ReadingRecord(models.Model):
    """One line of a reader's private history: the last time they read a work."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_records"
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Last chapter read; empty for the entire-work page.",
    )
    read_at = models.DateTimeField()
    visits = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "work"], name="reading_record_unique")
        ]
        indexes = [models.Index(fields=["user", "-read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.work_id}"


class HistoryCut(models.Model):
    """The moment a reader cleared their history (all of it, or one work) or turned it on or off.

    Page views reach history through the hit buffer, a minute or so after they happen: a view
    from before a cut is dropped then, so views still buffered never undo a clear or a switch.
    A cut is forgotten once a flush has imported every view older than it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    work = models.ForeignKey(
        Work,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The work cleared; empty when the whole history was cleared or switched.",
    )
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.user_id} cut history of {self.work_id or 'all'} at {self.at}"


class LaterMark(models.Model):
    """A work a reader marked to read later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="later_marks"
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="later_mark_unique")]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} later {self.work_id}"
