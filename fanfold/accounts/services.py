"""Writes for accounts: signing up, profiles, email verification and API tokens."""

import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fanfold.accounts.models import ApiToken, User, UserRelation, hash_token
from fanfold.accounts.selectors import api_token_for_key
from fanfold.core.context_processors import SIZES, THEMES
from fanfold.core.pagecache import content_changed
from fanfold.core.permissions import moderates
from fanfold.core.services import email_send_once
from fanfold.core.tasks import enqueue_on_commit

VERIFY_SALT = "fanfold.email-verify"
VERIFY_MAX_AGE = 60 * 60 * 24 * 3
MAX_LINKS = 5


@transaction.atomic
def user_signup(*, username: str, email: str, password: str) -> User:
    """Create an account and send the email-verification link."""
    user = User.objects.create_user(username=username, email=email, password=password)
    if email:
        _queue_verification(user)
    return user


def _queue_verification(user: User) -> None:
    from fanfold.accounts.tasks import email_verification_send_task

    enqueue_on_commit(email_verification_send_task, user.pk, request=uuid.uuid4().hex)


def api_token_use(*, raw: str) -> User | None:
    """Authenticate a call with a personal API token: its user, or None. The token's last use
    is noted (at most once a minute, so reads stay cheap)."""
    token = api_token_for_key(raw)
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def email_verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def email_verification_send(*, user: User, request: str) -> bool:
    """Email the user a link that proves they own their address, once per request."""
    if not user.email or user.email_verified:
        return False
    link = settings.SITE_URL + reverse("verify_email", args=[email_verification_token(user)])
    return email_send_once(
        key=f"verify:{user.pk}:{request}",
        subject=f"Confirm your email address for {settings.SITE_NAME}",
        body=f"Hello {user.username},\n\nOpen this link to confirm your email address:\n"
        f"{link}\n\nIf you did not sign up, ignore this message.",
        to=[user.email],
    )


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark an email address verified from a link we sent."""
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as e:
        raise ValidationError("This link has expired; ask for a new one from your profile.") from e
    except signing.BadSignature as e:
        raise ValidationError("This link is not valid.") from e
    user = User.objects.select_for_update().filter(pk=payload.get("u")).first()
    if user is None or user.email != payload.get("e"):
        raise ValidationError("This link is for an email address that is no longer on the account.")
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    return user


@transaction.atomic
def email_verification_resend(*, user: User) -> None:
    """Send the verification link again."""
    _queue_verification(user)


@transaction.atomic
def user_profile_update(
    *, user: User, display_name: str, bio: str, links: list[str], email: str
) -> User:
    """Change a user's public profile and email address."""
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": [f"At most {MAX_LINKS} links."]})
    shown_elsewhere = display_name.strip() != user.display_name  # bylines on every page
    user.display_name = display_name.strip()
    user.bio = bio
    user.links = links
    if email != user.email:
        user.email = email
        user.email_verified = False
        if email:
            _queue_verification(user)
    user.full_clean(exclude=["password", "username"])
    user.save()
    if shown_elsewhere:
        content_changed()
    return user


@transaction.atomic
def user_preferences_update(
    *,
    user: User,
    view_adult: bool,
    theme: str,
    text_size: str,
    email_on_comment: bool | None = None,
) -> User:
    """Change how the archive shows works to this reader, and how it tells them of comments."""
    if theme not in THEMES or text_size not in SIZES:
        raise ValidationError("Unknown theme or text size.")
    user.view_adult = view_adult
    user.theme = theme
    user.text_size = text_size
    if email_on_comment is not None:
        user.email_on_comment = email_on_comment
    user.save(update_fields=["view_adult", "theme", "text_size", "email_on_comment"])
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the raw key is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": ["Give the token a name of at most 100 characters."]})
    if user.api_tokens.active().count() >= 20:
        raise ValidationError({"name": ["You have 20 active tokens; revoke one first."]})
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), hint=raw[:7])
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    """Revoke one of the user's API tokens."""
    if token.user_id != by.pk:
        raise PermissionDenied("That token is not yours.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def _relation_set(*, user: User, target: User, kind: str, on: bool) -> None:
    if user.pk == target.pk:
        raise ValidationError("You can’t block or mute yourself.")
    if on:
        UserRelation.objects.get_or_create(user=user, target=target, kind=kind)
    else:
        UserRelation.objects.filter(user=user, target=target, kind=kind).delete()


@transaction.atomic
def user_block_set(*, user: User, target: User, blocked: bool) -> None:
    """Block (or unblock) a user from commenting on and leaving kudos on one's works."""
    _relation_set(user=user, target=target, kind=UserRelation.Kind.BLOCK, on=blocked)


@transaction.atomic
def user_mute_set(*, user: User, target: User, muted: bool) -> None:
    """Mute (or unmute) a user: their works and comments disappear for the muter."""
    _relation_set(user=user, target=target, kind=UserRelation.Kind.MUTE, on=muted)


@transaction.atomic
def user_set_active(*, user: User, by: User, active: bool) -> User:
    """Deactivate an account (no logging in; its profile and bookmark pages go) or reactivate
    it; staff only."""
    if not moderates(by, "accounts.change_user"):
        raise PermissionDenied("Only staff may deactivate accounts.")
    if not active and user.pk == by.pk:
        raise ValidationError("You can’t deactivate your own account here.")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        content_changed()
    return user
