"""Reads for accounts."""

from django.utils import timezone

from fanfold.accounts.models import ApiToken, User, hash_token


def user_for_api_key(raw: str) -> User | None:
    """The user a personal API token belongs to, if it is valid and not revoked."""
    token = (
        ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
