"""Whole-page cache for anonymous readers, invalidated only where something changed.

A cached page remembers the versions it was made from, and is served only while they are
still current:

- every page depends on the **site** version, which only changes for what touches pages
  everywhere (a tag renamed, an account closed, the demo content loaded);
- a page of one work (its URL names the work: chapters, the entire work, its index, its
  bookmarks) also depends on that **work's** version, which its edits, chapters, comments and
  takedown change on commit (``content_changed(work_id=...)``);
- every other page (home, tag pages, a creator's works) is a **listing**: it is kept at most
  ``FANFOLD_LISTING_SECONDS``, so a new, edited or deleted work reaches listings within
  that bound however busy the archive is.

Counters that change every second (kudos, hits, bookmarks) change no version: the pages that
show them are made again when their entry expires (``FANFOLD_PAGE_CACHE_SECONDS``), so a kudos
on one work never evicts another work's pages, nor its own.

With the embedded local-memory cache each server process keeps its own pages, and the
versions are the modification times of files in the data folder that all processes stat;
with Redis the versions and the pages are shared by every server.

A cached page keeps the marks that middleware outside the cache reads from the response
(``KEPT_MARKS``: the reading-page hit that ``fanfold.stats.hits`` counts), so a page served
from the cache carries them as if the view had just rendered it.
"""

import hashlib
import os
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

SITE = "site"
# Cookies that change what an anonymous reader sees; each value set is a separate page.
VARIANT_COOKIES = ("ff_theme", "ff_size", "ff_adult")
# Any of these means the page is personal (a session, pending flash messages).
BYPASS_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# Response attributes set by views for middleware outside the cache; kept with cached pages.
KEPT_MARKS = ("fanfold_hit",)
# Longer pages (a very long chapter on one page) are made each time rather than kept.
PAGE_MAX_BYTES = 1_000_000


def work_scope(work_id: int) -> str:
    return f"work-{work_id}"


def _shared_cache() -> bool:
    return "locmem" not in settings.CACHES["default"]["BACKEND"].lower()


def _version_file(scope: str) -> str:
    # The site's file keeps the name it had when it was the only version.
    name = "content-generation" if scope == SITE else os.path.join("versions", scope)
    return str(settings.DATA_DIR / name)


def _version_key(scope: str) -> str:
    return f"fanfold:version:{scope}"


def _new_version() -> str:
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


def versions(scopes: list[str]) -> dict[str, object]:
    """The current version of each scope (in files, None for one never changed)."""
    if _shared_cache():
        keys = [_version_key(s) for s in scopes]
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                # Never changed, or evicted: a version no page was made from (a page made
                # before an eviction must not count as current again).
                cache.add(key, _new_version(), timeout=None)
                found[key] = cache.get(key)
        return {s: found.get(_version_key(s)) for s in scopes}
    current: dict[str, object] = {}
    for scope in scopes:
        try:
            current[scope] = os.stat(_version_file(scope)).st_mtime_ns
        except FileNotFoundError:
            current[scope] = None
    return current


def bump_version(scope: str) -> None:
    """Make every page cached from this scope's current version out of date."""
    if _shared_cache():
        # Any new value will do: cached pages compare versions for equality.
        cache.set(_version_key(scope), _new_version(), timeout=None)
        return
    path = _version_file(scope)
    now = time.time_ns()
    try:
        now = max(now, os.stat(path).st_mtime_ns + 1)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "a").close()
    os.utime(path, ns=(now, now))


def content_changed(*, work_id: int | None = None) -> None:
    """Once committed, tell every server that pages showing this work (or, with no work, every
    page) are out of date."""
    scope = SITE if work_id is None else work_scope(work_id)
    transaction.on_commit(lambda: bump_version(scope))


def mark_cacheable(response: HttpResponse) -> HttpResponse:
    response.fanfold_cacheable = True  # type: ignore[attr-defined]
    return response


def _scopes_of(request: HttpRequest) -> list[str]:
    """What a page depends on, known from its URL before the view runs (so that the versions
    are read before the page is made, and an edit committed meanwhile is never hidden)."""
    try:
        work_id = resolve(request.path_info).kwargs.get("work_id")
    except Resolver404:
        return [SITE]
    if isinstance(work_id, str):  # a path converter that isn't <int:...> (the API's)
        work_id = int(work_id) if work_id.isascii() and work_id.isdigit() else None
    return [SITE] if work_id is None else [SITE, work_scope(work_id)]


def _key(request: HttpRequest) -> str:
    variant = "|".join(request.COOKIES.get(c, "") for c in VARIANT_COOKIES)
    path = request.get_full_path()
    if len(path) > 200:  # any query string makes a key: keep keys short for every backend
        path = hashlib.blake2b(path.encode(errors="surrogatepass"), digest_size=20).hexdigest()
    return f"page:{variant}:{path}"


def _still_current(entry: object, current: dict[str, object] | None = None) -> bool:
    """The entry was made from the versions current now (``current``, when already read)."""
    if not isinstance(entry, dict):
        return False
    if entry["listing"] and time.time() - entry["made_at"] >= settings.FANFOLD_LISTING_SECONDS:
        return False
    if current is None or current.keys() != entry["versions"].keys():
        current = versions(list(entry["versions"]))
    return current == entry["versions"]


def _lookup(request: HttpRequest, key: str) -> tuple[dict | None, list[str], dict[str, object]]:
    """A current cached entry (or None), else the page's scopes and their versions now, to
    make it from. With Redis the entry and the versions come in one round trip (the scopes
    are known from the URL first); locally the entry is read first, a stat per scope."""
    if not _shared_cache():
        entry = cache.get(key)
        if _still_current(entry):
            return entry, [], {}
        scopes = _scopes_of(request)
        return None, scopes, versions(scopes)
    scopes = _scopes_of(request)
    entry, current = _entry_and_versions(key, scopes)
    if isinstance(entry, dict) and _still_current(entry, current):
        return entry, scopes, current
    return None, scopes, current


def _entry_and_versions(key: str, scopes: list[str]) -> tuple[object, dict[str, object]]:
    """A cache entry and the current versions of these scopes: with Redis in one round trip."""
    if not _shared_cache():
        return cache.get(key), versions(scopes)
    version_keys = [_version_key(s) for s in scopes]
    found = cache.get_many([key, *version_keys])
    if all(k in found for k in version_keys):
        current = {s: found[k] for s, k in zip(scopes, version_keys, strict=True)}
    else:
        current = versions(scopes)  # never changed or evicted: made anew
    return found.get(key), current


def cached_for_versions[T](
    key: str,
    *,
    work_id: int,
    make: Callable[[], T],
    made_from: dict[str, object] | None = None,
    keep: Callable[[T], bool] = lambda value: True,
) -> tuple[T, dict[str, object]]:
    """A part of the pages of one work that every reader shares (rendered HTML, a list of
    chapters), kept until the work's or the site's version changes, as pages are
    (``FANFOLD_FRAGMENT_SECONDS`` at most; 0 makes it each time), with the versions it
    belongs to. The versions are read before it is made, so an edit committed meanwhile is
    never hidden; a part made from another (``made_from``: the versions that one came with)
    belongs to that one's versions instead, so the two always agree. ``keep`` may refuse to
    keep a value (one too big)."""
    current = made_from
    if not settings.FANFOLD_FRAGMENT_SECONDS:
        return make(), current if current is not None else {}
    if current is None:
        entry, current = _entry_and_versions(key, [SITE, work_scope(work_id)])
    else:
        entry = cache.get(key)
    if isinstance(entry, dict) and entry.get("versions") == current:
        return entry["value"], current
    value = make()
    if keep(value):
        cache.set(key, {"versions": current, "value": value}, settings.FANFOLD_FRAGMENT_SECONDS)
    return value, current


def _replay(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["body"])
    # The headers the inner middleware set (Content-Type, Vary, X-Frame-Options...).
    for name, value in entry["headers"]:
        response[name] = value
    for name, value in entry["marks"].items():
        setattr(response, name, value)
    response["X-Fanfold-Cache"] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookies = request.COOKIES
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method not in ("GET", "HEAD")
            or any(c in cookies for c in BYPASS_COOKIES)
        ):
            return self.get_response(request)
        key = _key(request)
        hit, scopes, made_from = _lookup(request, key)
        if hit is not None:
            return _replay(hit)
        made_at = time.time()
        response = self.get_response(request)
        if (
            response.status_code == 200
            and getattr(response, "fanfold_cacheable", False)
            and len(response.content) <= PAGE_MAX_BYTES
            and not response.cookies
            and not getattr(request, "csrf_cookie_needs_reset", False)
        ):
            entry = {
                "body": response.content,
                "headers": list(response.items()),
                "marks": {m: getattr(response, m) for m in KEPT_MARKS if hasattr(response, m)},
                "versions": made_from,
                "made_at": made_at,
                "listing": len(scopes) == 1,
            }
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            response["X-Fanfold-Cache"] = "miss"
        return response
