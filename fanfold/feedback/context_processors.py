from django.http import HttpRequest

from fanfold.feedback.selectors import inbox_unread_count


def inbox(request: HttpRequest) -> dict:
    """The unread count in the header, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": lambda: inbox_unread_count(user)}
