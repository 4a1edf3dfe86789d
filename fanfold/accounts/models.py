import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models


class User(AbstractUser):
    display_name = models.CharField(max_length=100, blank=True)
    bio = models.TextField(blank=True, max_length=5000)
    links = models.JSONField(default=list, blank=True)
    email_verified = models.BooleanField(default=False)
    view_adult = models.BooleanField(
        default=False, help_text="Show Mature, Explicit and Not Rated works without a notice."
    )
    theme = models.CharField(max_length=10, default="auto")
    text_size = models.CharField(max_length=10, default="medium")
    email_on_comment = models.BooleanField(
        default=False, help_text="Email me when someone comments on my works."
    )
    keep_history = models.BooleanField(
        default=True, help_text="Keep a private history of the works I read."
    )

    # Not a field: the users this one muted, cached for one request by
    # accounts.selectors.muted_user_ids.
    _muted_ids: set[int]

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# Whoever is reading: an account, a guest (``request.user`` when logged out), or nobody in
# particular (a task or command, which sees what guests see). Every read that depends on the
# reader takes one of these.
type Viewer = User | AnonymousUser | None


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal token for /api/v1; only its hash is stored."""

    PREFIX = "ff_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class UserRelation(models.Model):
    """One user blocking or muting another."""

    class Kind(models.TextChoices):
        BLOCK = "block", "Block"
        MUTE = "mute", "Mute"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="relations")
    target = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target", "kind"], name="user_relation_unique"),
            models.CheckConstraint(
                condition=~models.Q(user=models.F("target")), name="user_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}s {self.target_id}"
