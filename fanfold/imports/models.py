from django.db import models

from fanfold.works.models import Work


class ImportedStory(models.Model):
    """Where an imported work came from, and the original author's private contact details.

    The contact details (email addresses, messenger handles, web addresses found in the
    file's headers) are never published; they let the author claim the work later.
    """

    work = models.OneToOneField(Work, on_delete=models.CASCADE, related_name="imported_story")
    author_name = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=1000)
    format = models.CharField(max_length=20)
    content_hash = models.CharField(max_length=64, unique=True)
    emails = models.JSONField(default=list, blank=True)
    ims = models.JSONField(default=list, blank=True)
    urls = models.JSONField(default=list, blank=True)
    # Addresses met in notes or story text (a beta reader's, say): private, never for claims.
    mentioned_emails = models.JSONField(default=list, blank=True)
    review_needed = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.source} → {self.work_id}"


class ClaimEmail(models.Model):
    """One of the author's own addresses on an imported work (lower-cased), by which a
    verified account may claim it; looked up in the database."""

    story = models.ForeignKey(ImportedStory, on_delete=models.CASCADE, related_name="claim_emails")
    email = models.CharField(max_length=254, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "email"], name="claim_email_unique")
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.story_id}"
