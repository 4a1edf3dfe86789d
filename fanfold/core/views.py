"""Pages that belong to no single domain: errors, display preferences, the bench view."""

import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme

from fanfold.core.context_processors import SIZES, THEMES
from fanfold.core.middleware import database_busy, is_database_locked
from fanfold.core.pagecache import mark_cacheable
from fanfold.core.rescue import keep_post_and_redirect
from fanfold.core.text import text_problem

PER_PAGE = 20


def paginate(request: HttpRequest, qs, per_page: int = PER_PAGE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Let the page cache keep this response if it was made for an anonymous reader."""
    return mark_cacheable(response) if not request.user.is_authenticated else response


ID_MAX = 2**63 - 1


def parse_id(value: str | None) -> int | None:
    """A row id from a form or query string: ASCII digits that fit the database, else None."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= ID_MAX else None


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    """Where to go after a form: a path on this site only (never a view name or another host)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and text_problem(target) is None
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return fallback


def same_origin(request: HttpRequest) -> bool:
    """The post came from one of our own pages (not another site's forged form): its Origin
    (or, when a browser sends none, its Referer) is this site, scheme and host alike, or one
    of ``CSRF_TRUSTED_ORIGINS`` (a proxy in front that rewrites the host)."""
    ours = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    if origin := request.headers.get("Origin"):
        return origin in ours
    referer = urlsplit(request.headers.get("Referer", ""))
    return bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}" in ours


def resolve_or_none(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token is stale: keep what was typed and send it back to the form."""
    if "X-CSRFToken" in request.headers:
        # Autosave and other scripts: the page's token is stale (e.g. a login in another tab).
        return JsonResponse(
            {"error": "Your session changed. Reload the page; your text is kept in this browser."},
            status=403,
        )
    if (
        request.method == "POST"
        and set(request.POST) - {"csrfmiddlewaretoken"}
        and same_origin(request)
    ):
        # Only pages that need an account go by the login page; the rest (guest comments,
        # signing up, password resets) go straight back to the form.
        match = resolve_or_none(request.path)
        needs_login = getattr(match.func, "requires_login", False) if match else False
        to_login = not request.user.is_authenticated and needs_login
        return keep_post_and_redirect(request, to_login=to_login)
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, round(retry_after / 60))
    response = render(
        request, "429.html", {"retry_after": retry_after, "minutes": minutes}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def display(request: HttpRequest) -> HttpResponse:
    """Remember an anonymous reader's theme and text size in this browser."""
    response = HttpResponseRedirect(safe_next(request))
    theme, size = request.GET.get("theme"), request.GET.get("size")
    year = 365 * 86400
    if theme in THEMES:
        response.set_cookie("ff_theme", theme, max_age=year, samesite="Lax")
    if size in SIZES:
        response.set_cookie("ff_size", size, max_age=year, samesite="Lax")
    return response


def bench_trivial(request: HttpRequest, size: int) -> HttpResponse:
    """A page of fixed size on the same stack, for bench/read.py only."""
    if not settings.FANFOLD_BENCH_VIEWS:
        raise Http404
    return HttpResponse(b"x" * min(size, 2_000_000), content_type="text/html; charset=utf-8")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon."""
    response = HttpResponseRedirect(static("fanfold/favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    # A write in a middleware (e.g. saving the session) that found the database locked.
    if is_database_locked(sys.exc_info()[1]):
        return database_busy(request)
    return render(request, "500.html", status=500)
