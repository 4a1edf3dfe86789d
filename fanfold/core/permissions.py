"""Who moderates: one rule every service asks before staff may act on others' content."""

from typing import Any


def moderates(user: Any, perm: str) -> bool:
    """Staff holding the model permission (the admin's, e.g. "feedback.delete_comment")."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(perm)
    )
