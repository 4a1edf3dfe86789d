"""Pages for bookmarks, reading history and Mark for later."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fanfold.accounts.auth import request_user
from fanfold.accounts.models import User
from fanfold.bookmarks import selectors, services
from fanfold.bookmarks.forms import BookmarkForm
from fanfold.bookmarks.models import Bookmark
from fanfold.core.forms import add_service_errors
from fanfold.core.rescue import login_required_keeping_post, restored_post
from fanfold.core.views import cacheable, paginate, parse_id, safe_next
from fanfold.works.models import Work, work_visible_or_404


def _bookmark_form_page(
    request: HttpRequest, work: Work, bookmark: Bookmark | None
) -> HttpResponse:
    """Show the bookmark form, or save it: a new bookmark, or the reader's existing one."""
    status = 200
    back = safe_next(request, work.get_absolute_url())
    if request.method == "POST":
        form = BookmarkForm(request.POST)
        if wait := services.bookmark_rate_check(user=request_user(request)):
            minutes = max(1, round(wait / 60))
            form.add_error(
                None,
                "You have saved many bookmarks in a short time. Nothing was saved: "
                f"wait {minutes} minute{'s' if minutes != 1 else ''} and send the form again.",
            )
            status = 429
        elif form.is_valid():
            try:
                if bookmark is None:
                    bookmark, created = services.bookmark_save(
                        user=request_user(request), work=work, data=form.bookmark_input()
                    )
                else:
                    created = False
                    services.bookmark_update(
                        bookmark=bookmark, by=request_user(request), data=form.bookmark_input()
                    )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, "Bookmark saved." if created else "Bookmark updated.")
                return redirect(back)
    elif kept := restored_post(request):
        messages.info(request, "Restored what you typed before your session ended.")
        form = BookmarkForm(kept)
    else:
        form = BookmarkForm(initial=BookmarkForm.initial_for(bookmark) if bookmark else None)
    return render(
        request,
        "bookmarks/bookmark_form.html",
        {"form": form, "work": work, "bookmark": bookmark, "next": back},
        status=status,
    )


@login_required_keeping_post
def bookmark_new(request: HttpRequest, work_id: int) -> HttpResponse:
    """Bookmark a work (or change the bookmark of it the reader already has)."""
    work = work_visible_or_404(request.user, work_id)
    return _bookmark_form_page(request, work, selectors.bookmark_of(user=request.user, work=work))


@login_required_keeping_post
def bookmark_edit(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    """Change one of the reader's bookmarks."""
    bookmark = selectors.bookmark_own_or_404(request.user, bookmark_id)
    return _bookmark_form_page(request, bookmark.work, bookmark)


@login_required_keeping_post
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    """Confirm and remove one of the reader's bookmarks."""
    bookmark = selectors.bookmark_own_or_404(request.user, bookmark_id)
    back = safe_next(request, reverse("user_bookmarks", args=[request.user.username]))
    if request.method == "POST":
        services.bookmark_delete(bookmark=bookmark, by=request_user(request))
        messages.success(request, f"Your bookmark of “{bookmark.work.title}” was removed.")
        return redirect(back)
    return render(request, "bookmarks/bookmark_delete.html", {"bookmark": bookmark, "next": back})


def user_bookmarks(request: HttpRequest, username: str) -> HttpResponse:
    """A user's bookmarks: the public ones, and for the user themself the private ones too."""
    owner = get_object_or_404(User, username=username, is_active=True)
    rec_only = request.GET.get("rec") == "1"
    tag = request.GET.get("tag", "").strip()[:150] or None
    page = paginate(
        request,
        selectors.bookmarks_of_user(viewer=request.user, owner=owner, rec_only=rec_only, tag=tag),
    )
    context = {"owner": owner, "page": page, "rec_only": rec_only, "tag": tag}
    return cacheable(request, render(request, "bookmarks/user_bookmarks.html", context))


@login_required_keeping_post
def my_bookmarks(request: HttpRequest) -> HttpResponse:
    """The reader's own bookmarks page."""
    return redirect("user_bookmarks", username=request.user.username)


def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    """The public bookmarks of a work."""
    work = work_visible_or_404(request.user, work_id)
    page = paginate(request, selectors.bookmarks_of_work(viewer=request.user, work=work))
    return cacheable(
        request, render(request, "bookmarks/work_bookmarks.html", {"work": work, "page": page})
    )


@login_required_keeping_post
def reading_history(request: HttpRequest) -> HttpResponse:
    """The reader's private history of the works they read."""
    page = paginate(request, selectors.reading_history_of(user=request_user(request)))
    return render(request, "bookmarks/history.html", {"page": page})


@require_POST
@login_required_keeping_post
def reading_history_clear(request: HttpRequest) -> HttpResponse:
    """Forget the reader's whole history, or one work of it."""
    work = None
    if raw := request.POST.get("work", ""):
        if (work_pk := parse_id(raw)) is None:
            raise Http404("No such work in your history.")
        work = get_object_or_404(Work, pk=work_pk)
    services.reading_history_clear(user=request_user(request), work=work)
    messages.success(
        request, "Removed from your history." if work else "Your reading history was cleared."
    )
    return redirect("reading_history")


@require_POST
@login_required_keeping_post
def reading_history_toggle(request: HttpRequest) -> HttpResponse:
    """Turn the reader's history on or off."""
    enabled = request.POST.get("enabled") == "1"
    services.reading_history_set_enabled(user=request_user(request), enabled=enabled)
    messages.success(
        request,
        "Your reading history is on."
        if enabled
        else "Your reading history is off: nothing new is added. Clear it to forget the rest.",
    )
    return redirect(safe_next(request, reverse("reading_history")))


@login_required_keeping_post
def later_list(request: HttpRequest) -> HttpResponse:
    """The works the reader marked for later."""
    page = paginate(request, selectors.later_of(user=request_user(request)))
    return render(request, "bookmarks/later.html", {"page": page})


@require_POST
@login_required_keeping_post
def later_toggle(request: HttpRequest, work_id: int) -> HttpResponse:
    """Mark a work for later, or take the mark away."""
    work = work_visible_or_404(request.user, work_id)
    marked = services.later_set(
        user=request_user(request), work=work, marked=request.POST.get("marked") == "1"
    )
    messages.success(
        request,
        f"“{work.title}” is marked for later." if marked else f"“{work.title}” is unmarked.",
    )
    return redirect(safe_next(request, work.get_absolute_url()))
