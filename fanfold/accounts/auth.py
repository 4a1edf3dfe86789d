"""Who is asking: the account behind a page request, narrowed for the services that take one.

``request.user`` is a ``User`` or an ``AnonymousUser``; services that act for someone take a
``User`` (or ``None`` for a guest), so views hand them what these return. Reads that depend on
the reader take ``request.user`` as it is (a ``Viewer``).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from fanfold.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The logged-in user, in views behind ``login_required_keeping_post`` (or that checked
    ``is_authenticated`` first): a guest getting this far is refused, never acted for."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user


def request_user_or_none(request: HttpRequest) -> User | None:
    """The logged-in user, or None for a guest (for what guests may do too)."""
    user = request.user
    return user if isinstance(user, User) else None
