"""Never lose a form: posts that arrive after a session expired are kept and restored."""

import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.urls import reverse

from fanfold.core.forms import secret_field_names
from fanfold.core.ratelimit import client_ip, rate_limited
from fanfold.core.services import pending_submission_keep, pending_submission_take

PENDING_COOKIE = "ff_pending"


def keep_post_and_redirect(request: HttpRequest, *, to_login: bool) -> HttpResponse:
    """Store the posted form and send the reader to log in (or back to the form)."""
    if wait := rate_limited("pending", client_ip(request), limit=30, window=3600):
        from fanfold.core.views import too_many_requests

        return too_many_requests(request, wait)
    pending = pending_submission_keep(path=request.path, post=request.POST)
    back = f"{request.path}?{urlencode({'restore': pending.token})}"
    target = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': back})}" if to_login else back
    had_secrets = any(request.POST.get(name) for name in secret_field_names())
    messages.warning(
        request,
        "Your session had ended, so nothing was saved yet. "
        + (
            "Passwords are never kept: please type yours again."
            if had_secrets
            else "What you typed is kept: "
            + (
                "log in again and it will be back in the form."
                if to_login
                else "check it and send it again."
            )
        ),
    )
    response = HttpResponseRedirect(target)
    response.set_cookie(
        PENDING_COOKIE, pending.token, max_age=7 * 86400, httponly=True, samesite="Lax"
    )
    return response


def restored_post(request: HttpRequest) -> QueryDict | None:
    """The kept form data for this page, if this browser kept some."""
    token = request.GET.get("restore")
    if not token or request.COOKIES.get(PENDING_COOKIE) != token:
        return None
    return pending_submission_take(token=token, path=request.path)


def login_required_keeping_post[R: HttpResponseBase](
    view: Callable[..., R],
) -> Callable[..., R | HttpResponse]:
    """Like login_required, but a post from a logged-out browser is kept for after login.

    The wrapper is marked `requires_login`, so a stale-token post to it goes by the login page;
    posts to pages anyone may use (signing up, password resets, guest forms) recover in place.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> R | HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            return keep_post_and_redirect(request, to_login=True)
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")

    wrapper.requires_login = True  # type: ignore[attr-defined]
    return wrapper
