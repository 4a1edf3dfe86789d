"""Pages for bookmarks, reading history and Mark for later."""

from django.http import HttpRequest, HttpResponse


def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    """The public bookmarks of a work."""
    raise NotImplementedError
