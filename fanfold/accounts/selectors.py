"""Reads for accounts."""

from collections.abc import Iterable

from django.db.models import QuerySet

from fanfold.accounts.models import ApiToken, User, UserRelation, Viewer, hash_token


def api_token_for_key(raw: str) -> ApiToken | None:
    """The active personal API token with this key, if its user may still use it."""
    token = (
        ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def muted_user_ids(viewer: Viewer) -> set[int]:
    """The users this reader muted (none for guests); cached on the user for one request."""
    if viewer is None or not viewer.is_authenticated:
        return set()
    cached = getattr(viewer, "_muted_ids", None)
    if cached is None:
        cached = set(
            UserRelation.objects.filter(user=viewer, kind=UserRelation.Kind.MUTE).values_list(
                "target_id", flat=True
            )
        )
        viewer._muted_ids = cached
    return cached


def blocked_by_any(user: Viewer, owner_ids: Iterable[int]) -> bool:
    """Whether any of these users (a work's creators) blocked ``user``."""
    if user is None or not user.is_authenticated:
        return False
    return UserRelation.objects.filter(
        user_id__in=list(owner_ids), target=user, kind=UserRelation.Kind.BLOCK
    ).exists()


def relations_of(user: Viewer, target: User) -> set[str]:
    """Which of block/mute ``user`` has set on ``target`` (none for guests)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(UserRelation.objects.filter(user=user, target=target).values_list("kind", flat=True))


def relations_list(user: User) -> QuerySet[UserRelation]:
    """Everyone this user blocked or muted, newest first."""
    return UserRelation.objects.filter(user=user).select_related("target").order_by("-created_at")
