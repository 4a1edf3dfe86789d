"""Whole-page cache for anonymous readers, invalidated by a content generation on every write.

Each service that changes what readers see calls ``content_changed()`` on commit. The
generation is part of every cache key, so a page cached before an edit is never served
after it. With the embedded local-memory cache each server process keeps its own pages,
and the generation lives in a file in the data folder that all processes stat; with Redis
the generation and the pages are shared by every server.

A cached page keeps the marks that middleware outside the cache reads from the response
(``KEPT_MARKS``: the reading-page hit that ``fanfold.stats.hits`` counts), so a page served
from the cache carries them as if the view had just rendered it.
"""

import hashlib
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "fanfold:content-generation"
# Cookies that change what an anonymous reader sees; each value set is a separate page.
VARIANT_COOKIES = ("ff_theme", "ff_size", "ff_adult")
# Any of these means the page is personal (a session, pending flash messages).
BYPASS_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# Response attributes set by views for middleware outside the cache; kept with cached pages.
KEPT_MARKS = ("fanfold_hit",)


def _shared_cache() -> bool:
    return "locmem" not in settings.CACHES["default"]["BACKEND"].lower()


def _generation_file() -> str:
    return str(settings.DATA_DIR / "content-generation")


def content_generation() -> int:
    if _shared_cache():
        return cache.get_or_set(GENERATION_KEY, 1, timeout=None) or 1
    try:
        return os.stat(_generation_file()).st_mtime_ns
    except FileNotFoundError:
        return 0


def bump_generation() -> None:
    if _shared_cache():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 2, timeout=None)
        return
    path = _generation_file()
    now = time.time_ns()
    try:
        now = max(now, os.stat(path).st_mtime_ns + 1)
    except FileNotFoundError:
        open(path, "a").close()
    os.utime(path, ns=(now, now))


def content_changed() -> None:
    """Tell every server that pages for anonymous readers are out of date, once committed."""
    transaction.on_commit(bump_generation)


def mark_cacheable(response: HttpResponse) -> HttpResponse:
    response.fanfold_cacheable = True  # type: ignore[attr-defined]
    return response


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookies = request.COOKIES
        if request.method not in ("GET", "HEAD") or any(c in cookies for c in BYPASS_COOKIES):
            return self.get_response(request)
        variant = "|".join(cookies.get(c, "") for c in VARIANT_COOKIES)
        path = request.get_full_path()
        if len(path) > 200:  # any query string makes a key: keep keys short for every backend
            path = hashlib.blake2b(path.encode(errors="surrogatepass"), digest_size=20).hexdigest()
        key = f"page:{content_generation()}:{variant}:{path}"
        hit = cache.get(key)
        if hit is not None:
            body, headers, *rest = hit
            response = HttpResponse(body)
            # The headers the inner middleware set (Content-Type, Vary, X-Frame-Options...).
            for name, value in headers:
                response[name] = value
            for name, value in (rest[0] if rest else {}).items():
                setattr(response, name, value)
            response["X-Fanfold-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and getattr(response, "fanfold_cacheable", False)
            and not response.cookies
            and not getattr(request, "csrf_cookie_needs_reset", False)
        ):
            headers = list(response.items())
            marks = {m: getattr(response, m) for m in KEPT_MARKS if hasattr(response, m)}
            cache.set(key, (response.content, headers, marks), settings.PAGE_CACHE_SECONDS)
            response["X-Fanfold-Cache"] = "miss"
        return response
