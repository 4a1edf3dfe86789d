from django.conf import settings
from django.db import models
from django.urls import reverse

from fanfold.core.text import TextFormat
from fanfold.works.models import Chapter, Work


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    PENDING = "pending", "Awaiting approval"


class Comment(models.Model):
    """A review of a chapter (or of the whole work when ``chapter`` is empty), or a reply."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="comments")
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # The top of the thread (itself for a top-level comment), so a thread loads in one query.
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    guest_name = models.CharField(max_length=100, blank=True)
    guest_email = models.EmailField(blank=True, help_text="Never shown.")
    body = models.TextField()
    body_html = models.TextField()
    text_format = models.CharField(
        max_length=10, choices=TextFormat.choices, default=TextFormat.MARKDOWN
    )
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    by_creator = models.BooleanField(default=False)
    frozen = models.BooleanField(default=False, help_text="No new replies in this thread.")
    deleted = models.BooleanField(default=False)
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["work", "chapter", "created_at"]),
            models.Index(fields=["thread"]),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.work_id}"

    def get_absolute_url(self) -> str:
        return reverse("comment_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        """Waiting for the creator's approval."""
        return self.status == CommentStatus.PENDING

    @property
    def author_name(self) -> str:
        if self.user is not None:
            return self.user.username
        return self.guest_name or "Guest"


class Kudos(models.Model):
    """One per logged-in reader, or per guest address, per work."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="kudos")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["work", "user"],
                condition=models.Q(user__isnull=False),
                name="kudos_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["work", "ip_hash"],
                condition=models.Q(user__isnull=True),
                name="kudos_one_per_guest",
            ),
        ]

    def __str__(self) -> str:
        return f"Kudos on {self.work_id}"


class InboxItem(models.Model):
    """A comment a creator has not read yet (or has, once ``read`` is set)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    read = models.BooleanField(default=False)
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="inbox_item_unique")
        ]
        indexes = [models.Index(fields=["user", "read"])]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Inbox {self.user_id}: {self.comment_id}"


class Report(models.Model):
    """A reader's report of a work or comment, for admins to work through."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        HARASSMENT = "harassment", "Harassment"
        RATING = "rating", "Wrong rating or missing warnings"
        PLAGIARISM = "plagiarism", "Plagiarism"
        OTHER = "other", "Other"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.SET_NULL)
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reporter_email = models.EmailField(blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=5000, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    admin_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["state", "-created_at"]

    def __str__(self) -> str:
        target = f"comment {self.comment_id}" if self.comment_id else f"work {self.work_id}"
        return f"{self.get_reason_display()}: {target}"
