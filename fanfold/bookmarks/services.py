"""Writes for bookmarks, reading history and Mark for later."""

from fanfold.accounts.models import User
from fanfold.works.models import Chapter, Work


def reading_record(*, user: User, work: Work, chapter: Chapter | None) -> None:
    """Note in a reader's private history that they read this work (if they keep history)."""
