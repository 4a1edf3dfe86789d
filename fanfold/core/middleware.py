"""A request that waited too long for the database's write lock gets a 503, not a 500.

With SQLite only one write happens at a time; a write that waits longer than the busy
timeout (``settings.SQLITE_BUSY_MS``) fails with ``OperationalError: database is locked``.
Its transaction was rolled back, so nothing of it was saved: the reader is told to try
again in a few seconds (an HTML page, or JSON under /api/), with a ``Retry-After`` header.
"""

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from fanfold.core.text import text_problem

logger = logging.getLogger(__name__)

RETRY_AFTER = 5  # seconds


def is_database_locked(exc: BaseException | None) -> bool:
    """SQLite's "database is locked" (or "database table is locked")."""
    return isinstance(exc, OperationalError) and "is locked" in str(exc).lower()


def database_busy(request: HttpRequest) -> HttpResponse:
    """The 503 answer for a request whose write could not get the database in time."""
    message = "The archive is busy saving something else. Please try again in a few seconds."
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        try:
            body: str = render_to_string("503.html", {"retry_after": RETRY_AFTER}, request=request)
        except Exception:  # the page itself needs the database: a plain one will do
            logger.exception("Could not render 503.html")
            body = f"<!doctype html><title>Busy</title><h1>Busy</h1><p>{message}</p>"
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_locked(exception):
            return None
        logger.warning("%s %s: database locked, answered 503", request.method, request.path)
        return database_busy(request)


class UnstorableTextMiddleware:
    """An address whose path or query string holds text no field can store (a NUL, half a
    surrogate pair, a non-character) is answered here, the same way on every database:
    404 for the path (no page has such a name), 400 with a clear message for the query.
    A cookie holding such text is dropped, as if it had not been sent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, value in list(request.COOKIES.items()):
            if text_problem(name) or text_problem(value):
                del request.COOKIES[name]  # as if the browser had not sent it
        if text_problem(request.path):
            return self._refuse(request, 404, "There is nothing at this address.")
        for key, values in request.GET.lists():
            for value in [key, *values]:
                if problem := text_problem(value):
                    return self._refuse(request, 400, f"The address {problem}")
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        if status == 404:
            return render(request, "404.html", status=404)
        return render(request, "400.html", {"message": message}, status=status)
