"""What every feedback write checks first: who acts, and whether they may reach the work."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied

from fanfold.accounts.models import User
from fanfold.accounts.selectors import blocked_by_any
from fanfold.works.models import Chapter, Work


def ip_hash(ip: str) -> str:
    """A keyed hash of a reader's address: enough to tell guests apart, never the address."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def acting_user(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def require_visible(work: Work, by: User | None) -> None:
    # The one visibility rule: a work nobody may see (or since deleted) takes no feedback.
    if not Work.objects.visible_to(by).filter(pk=work.pk).exists():
        raise PermissionDenied("This work is not available.")


def require_chapter_visible(chapter: Chapter | None, by: User | None) -> None:
    if chapter is not None and not Chapter.objects.visible_to(by).filter(pk=chapter.pk).exists():
        raise PermissionDenied("This chapter is not available.")


def require_not_blocked(work: Work, by: User | None) -> None:
    if blocked_by_any(by, work.creator_ids):
        raise PermissionDenied("The creator of this work has blocked you.")
