"""Pages for accounts: signing up and in, profiles, preferences and API tokens."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fanfold.accounts import selectors, services
from fanfold.accounts.auth import request_user
from fanfold.accounts.forms import ApiTokenForm, PreferencesForm, ProfileForm, SignupForm
from fanfold.accounts.models import User
from fanfold.core.ratelimit import client_ip, rate_limited
from fanfold.core.rescue import login_required_keeping_post
from fanfold.core.views import parse_id, safe_next, too_many_requests


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account."""
    if request.method == "POST":
        if wait := rate_limited("signup", client_ip(request), limit=10, window=3600):
            return too_many_requests(request, wait)
        form = SignupForm(request.POST)
        if form.is_valid() and not form.cleaned_data.get("website"):
            user = services.user_signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Welcome, {user.username}! We sent a link to confirm {user.email}."
            )
            return redirect(safe_next(request, "/"))
    else:
        form = SignupForm()
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Log in, with a limit on attempts per address."""

    template_name = "accounts/login.html"

    def post(self, request, *args, **kwargs):
        if wait := rate_limited("login", client_ip(request), limit=20, window=300):
            return too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a password-reset link, with a limit per address."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        if wait := rate_limited("pwreset", client_ip(request), limit=5, window=3600):
            return too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm an email address from the emailed link."""
    try:
        user = services.email_verify(token=token)
    except ValidationError as e:
        return render(request, "accounts/verify_failed.html", {"errors": e.messages}, status=400)
    messages.success(request, f"Thank you: {user.email} is confirmed.")
    return redirect("profile_edit" if request.user.is_authenticated else "login")


@require_POST
@login_required_keeping_post
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    """Send the confirmation link again."""
    user = request_user(request)
    if wait := rate_limited("verify", str(user.pk), limit=5, window=3600):
        return too_many_requests(request, wait)
    services.email_verification_resend(user=user)
    messages.success(request, f"We sent a new link to {user.email}.")
    return redirect("profile_edit")


@login_required_keeping_post
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Edit one's display name, bio, links and email address."""
    user = request_user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.user_profile_update(user=user, **form.cleaned_data)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, "Your profile was saved.")
                return redirect("profile_edit")
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "email": user.email,
                "bio": user.bio,
                "links": "\n".join(user.links),
            }
        )
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required_keeping_post
def preferences(request: HttpRequest) -> HttpResponse:
    """Choose how works are shown: adult-content notice, theme and text size."""
    user = request_user(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.user_preferences_update(user=user, **form.cleaned_data)
            messages.success(request, "Your preferences were saved.")
            return redirect(safe_next(request, "/preferences/"))
    else:
        form = PreferencesForm(
            initial={
                "view_adult": user.view_adult,
                "theme": user.theme,
                "text_size": user.text_size,
                "email_on_comment": user.email_on_comment,
            }
        )
    return render(request, "accounts/preferences.html", {"form": form})


@login_required_keeping_post
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List, create and revoke personal API tokens."""
    user = request_user(request)
    new_key = None
    form = ApiTokenForm()
    if request.method == "POST":
        if "revoke" in request.POST:
            token_id = request.POST.get("revoke", "")
            if (token_pk := parse_id(token_id)) is None:
                raise Http404("No such token.")
            token = get_object_or_404(user.api_tokens, pk=token_pk)
            services.api_token_revoke(token=token, by=user)
            messages.success(request, f"The token “{token.name}” was revoked.")
            return redirect("api_tokens")
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                _, new_key = services.api_token_create(user=user, name=form.cleaned_data["name"])
            except ValidationError as e:
                form.add_error(None, e)
            else:
                form = ApiTokenForm()
    tokens = user.api_tokens.order_by("-created_at")
    return render(
        request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@require_POST
@login_required_keeping_post
def user_relation(request: HttpRequest, username: str) -> HttpResponse:
    """Block, unblock, mute or unmute another user."""
    target = get_object_or_404(User, username=username)
    action = request.POST.get("action", "")
    if action not in ("block", "unblock", "mute", "unmute"):
        messages.error(request, "Choose block, unblock, mute or unmute.")
        return redirect(safe_next(request, "/"))
    on = not action.startswith("un")
    done = f"{action}ed".replace("muteed", "muted")
    try:
        if action.endswith("block"):
            services.user_block_set(user=request_user(request), target=target, blocked=on)
        else:
            services.user_mute_set(user=request_user(request), target=target, muted=on)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, f"You {done} {target.username}.")
    return redirect(safe_next(request, "/"))


@login_required_keeping_post
def people(request: HttpRequest) -> HttpResponse:
    """The users one has blocked or muted."""
    return render(
        request,
        "accounts/people.html",
        {"relations": selectors.relations_list(request_user(request))},
    )
