import secrets

from django.db import models


def _token() -> str:
    return secrets.token_urlsafe(24)


class PendingSubmission(models.Model):
    """A form post that arrived without a valid session, kept to be restored after login."""

    token = models.CharField(max_length=64, unique=True, default=_token)
    path = models.CharField(max_length=500)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%Y-%m-%d %H:%M})"


class RateBucket(models.Model):
    """One rate limit's token bucket (scope and reader), written only by core.ratelimit."""

    bucket = models.CharField(max_length=200, primary_key=True)
    tokens = models.FloatField()
    stamp = models.FloatField(db_index=True, help_text="Unix time of the last attempt")
    allowed = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.bucket


class EmailSent(models.Model):
    """One email's delivery record: its key is claimed before sending, so a job run again
    (a retry, or requeued after its worker died) never sends the same email twice."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
