"""Pages for reviews, replies, kudos, the inbox and reports."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from fanfold.accounts.auth import request_user, request_user_or_none
from fanfold.core.forms import add_service_errors
from fanfold.core.ratelimit import client_ip, over_rate
from fanfold.core.rescue import login_required_keeping_post, restored_post
from fanfold.core.views import (
    csrf_failure,
    paginate,
    parse_id,
    safe_next,
    same_origin,
    too_many_requests,
)
from fanfold.feedback import selectors, services
from fanfold.feedback.forms import CommentForm, GuestCommentForm, GuestReportForm, ReportForm
from fanfold.feedback.models import Comment, CommentStatus
from fanfold.works import selectors as work_selectors
from fanfold.works.models import Chapter, Work, chapter_visible_or_404, work_visible_or_404


def _slow_down(wait: int) -> str:
    minutes = max(1, round(wait / 60))
    return (
        "You have posted a lot in a short time. Your text is kept below; "
        f"please send it again in {minutes} minute{'s' if minutes != 1 else ''}."
    )


def _where(work: Work, chapter: Chapter | None) -> str:
    return chapter.get_absolute_url() if chapter else reverse("work_full", args=[work.pk])


def _target(
    request: HttpRequest, work: Work, kept: QueryDict | None = None
) -> tuple[Chapter | None, Comment | None]:
    """The chapter and the comment replied to, from the form, a kept post or the query string."""
    data = kept or (request.POST if request.method == "POST" else request.GET)
    chapter_id, parent_id = data.get("chapter", ""), data.get("parent", "")
    if parent_id:
        if (parent_pk := parse_id(parent_id)) is None:
            raise Http404("No such comment.")
        parent = selectors.comment_visible_or_404(request.user, parent_pk)
        if parent.work_id != work.pk:
            raise Http404("No such comment.")
        return parent.chapter, parent
    if chapter_id:
        if (chapter_pk := parse_id(chapter_id)) is None:
            raise Http404("No such chapter.")
        return chapter_visible_or_404(request.user, work, chapter_pk), None
    return None, None


def _comment_form_page(
    request: HttpRequest,
    work: Work,
    chapter: Chapter | None,
    parent: Comment | None,
    form: Form,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "feedback/comment_form.html",
        {"work": work, "chapter": chapter, "parent": parent, "form": form},
        status=status,
    )


def comment_new(request: HttpRequest, work_id: int) -> HttpResponse:
    """Write a review of a chapter or the whole work, or a reply (also as a guest)."""
    work = work_visible_or_404(request.user, work_id)
    # A post refused for a stale security token comes back here with what was typed.
    kept = restored_post(request) if request.method != "POST" else None
    chapter, parent = _target(request, work, kept)
    is_user = request.user.is_authenticated
    form_class = CommentForm if is_user else GuestCommentForm
    if request.method != "POST":
        form = form_class(initial=kept.dict() if kept else None)
        return _comment_form_page(request, work, chapter, parent, form)
    form = form_class(request.POST)
    if not form.is_valid():
        return _comment_form_page(request, work, chapter, parent, form, status=400)
    if not is_user and form.cleaned_data.get("website"):
        # A bot filled the hidden field: answer as if posted, keep nothing.
        messages.success(request, "Your comment was posted.")
        return redirect(_where(work, chapter))
    if wait := over_rate(request, "comment", settings.FANFOLD_COMMENT_RATE):
        form.add_error(None, _slow_down(wait))
        response = _comment_form_page(request, work, chapter, parent, form, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        comment = services.comment_create(
            work=work,
            chapter=chapter,
            parent=parent,
            by=request_user_or_none(request),
            body=form.cleaned_data["body"],
            text_format=form.cleaned_data["text_format"],
            guest_name=form.cleaned_data.get("guest_name", ""),
            guest_email=form.cleaned_data.get("guest_email", ""),
            ip=client_ip(request),
        )
    except ValidationError as e:
        add_service_errors(form, e)
        return _comment_form_page(request, work, chapter, parent, form, status=400)
    except PermissionDenied as e:
        form.add_error(None, str(e))
        return _comment_form_page(request, work, chapter, parent, form, status=403)
    if comment.status == CommentStatus.PENDING:
        messages.success(
            request, "Thank you! Your comment will appear once the creator approves it."
        )
    else:
        messages.success(request, "Your comment was posted.")
    if parent is not None and comment.depth > selectors.THREAD_DEPTH_CAP:
        # Too deep for the chapter page: show it where its thread continues.
        return redirect(f"{parent.get_absolute_url()}#comment-{comment.pk}")
    return redirect(f"{_where(work, comment.chapter)}#comment-{comment.pk}")


def comment_detail(request: HttpRequest, comment_id: int) -> HttpResponse:
    """One comment with the replies below it (where deep threads continue)."""
    comment = selectors.comment_visible_or_404(request.user, comment_id)
    work = comment.work
    is_creator = work_selectors.is_creator(request.user, work)
    tree = selectors.comment_tree(
        viewer=request.user, work=work, is_creator=is_creator, root=comment
    )
    return render(
        request,
        "feedback/comment_detail.html",
        {
            "work": work,
            "comment": comment,
            "tree": tree,
            "is_creator": is_creator,
            "comments_open": selectors.comments_open(viewer=request.user, work=work),
        },
    )


@login_required_keeping_post
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Edit one's own comment."""
    comment = selectors.comment_visible_or_404(request.user, comment_id)
    if comment.user_id != request.user.pk or comment.deleted:
        raise PermissionDenied("Only the comment's author may edit it.")
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_update(
                    comment=comment, by=request_user(request), **form.cleaned_data
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, "Your comment was updated.")
                return redirect(f"{_where(comment.work, comment.chapter)}#comment-{comment.pk}")
    else:
        form = CommentForm(initial={"body": comment.body, "text_format": comment.text_format})
    return render(
        request,
        "feedback/comment_form.html",
        {"work": comment.work, "chapter": comment.chapter, "form": form, "editing": comment},
    )


@login_required_keeping_post
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Confirm and delete a comment (its author or the work's creators)."""
    comment = selectors.comment_visible_or_404(request.user, comment_id)
    if request.method == "POST":
        services.comment_delete(comment=comment, by=request_user(request))
        messages.success(request, "The comment was deleted.")
        return redirect(_where(comment.work, comment.chapter) + "#comments")
    can = comment.user_id == request.user.pk or work_selectors.is_creator(
        request.user, comment.work
    )
    if not can:
        raise PermissionDenied("Only the comment's author or the work's creators may delete it.")
    return render(request, "feedback/comment_delete.html", {"comment": comment})


@require_POST
@login_required_keeping_post
def comment_moderate(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Approve a waiting comment, or freeze or thaw its thread (the work's creators)."""
    comment = selectors.comment_visible_or_404(request.user, comment_id)
    action = request.POST.get("action")
    if action == "approve":
        services.comment_approve(comment=comment, by=request_user(request))
        messages.success(request, "The comment is approved and visible to everyone.")
    elif action in ("freeze", "unfreeze"):
        services.comment_thread_freeze(
            comment=comment, by=request_user(request), frozen=action == "freeze"
        )
        messages.success(
            request, "The thread is frozen." if action == "freeze" else "The thread is open again."
        )
    else:
        messages.error(request, "Unknown action.")
    return redirect(
        safe_next(request, f"{_where(comment.work, comment.chapter)}#comment-{comment.pk}")
    )


def _kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_visible_or_404(request.user, work_id)
    back = safe_next(request, work.get_absolute_url())
    if request.method != "POST":
        # Kept for old links; the reading pages post straight here.
        return render(request, "feedback/kudos_confirm.html", {"work": work, "next": back})
    if wait := over_rate(request, "kudos", settings.FANFOLD_KUDOS_RATE):
        return too_many_requests(request, wait)
    try:
        services.kudos_leave(work=work, by=request_user_or_none(request), ip=client_ip(request))
    except ValidationError as e:
        messages.info(request, " ".join(e.messages), extra_tags="kudos")
    except PermissionDenied as e:
        messages.error(request, str(e), extra_tags="kudos")
    else:
        messages.success(request, "You left kudos on this work. Thank you!", extra_tags="kudos")
    return redirect(f"{back}#kudos")


_kudos_with_token = csrf_protect(_kudos)


@csrf_exempt
def kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    """Leave kudos on a work in one click from the reading page.

    A guest's reading page is cached whole for every guest, so its kudos button carries no
    security token: a guest's post is accepted only from this site's own pages (its Origin,
    or Referer, names this host), which a forged post from another site can't claim. The
    shared rate limit and once-per-address rule apply as before. Logged-in readers' posts
    (and everything else) are checked for the token like every other form.
    """
    if request.method == "POST" and not request.user.is_authenticated:
        checks_off = getattr(request, "_dont_enforce_csrf_checks", False)  # Django's test client
        if not checks_off and not same_origin(request):
            return csrf_failure(request, "The kudos did not come from this site's pages.")
        return _kudos(request, work_id)
    return _kudos_with_token(request, work_id)


@login_required_keeping_post
def inbox(request: HttpRequest) -> HttpResponse:
    """Comments on one's works and replies to one's comments, newest first."""
    if request.method == "POST":
        ids = [n for i in request.POST.getlist("item") if (n := parse_id(i)) is not None]
        if "selected" in request.POST and not ids:
            messages.info(request, "Select the comments to mark as read first.")
            return redirect("inbox")
        n = services.inbox_mark_read(user=request_user(request), item_ids=ids or None)
        messages.success(request, f"Marked {n} as read.")
        return redirect("inbox")
    items = selectors.inbox_items(user=request_user(request))
    if request.GET.get("filter") == "unread":
        items = items.filter(read=False)
    return render(request, "feedback/inbox.html", {"page": paginate(request, items)})


def report(request: HttpRequest) -> HttpResponse:
    """Report a work or a comment to the archive's admins."""
    kept = restored_post(request) if request.method != "POST" else None
    data = kept or (request.POST if request.method == "POST" else request.GET)
    work_id, comment_id = data.get("work", ""), data.get("comment", "")
    work: Work | None = None
    comment: Comment | None = None
    if (comment_pk := parse_id(comment_id)) is not None:
        comment = selectors.comment_visible_or_404(request.user, comment_pk)
        reported = comment.work
    elif (work_pk := parse_id(work_id)) is not None:
        work = reported = work_visible_or_404(request.user, work_pk)
    else:
        raise Http404("Nothing to report.")
    is_user = request.user.is_authenticated
    form_class = ReportForm if is_user else GuestReportForm
    context = {"work": reported, "comment": comment}
    if request.method != "POST":
        form = form_class(initial=kept.dict() if kept else None)
        return render(request, "feedback/report_form.html", {**context, "form": form})
    form = form_class(request.POST)
    if form.is_valid():
        if not is_user and form.cleaned_data.get("website"):
            messages.success(request, "Thank you. The admins will look at your report.")
            return redirect(reported)
        if wait := over_rate(request, "report", settings.FANFOLD_REPORT_RATE):
            form.add_error(None, _slow_down(wait))
            response = render(
                request, "feedback/report_form.html", {**context, "form": form}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        try:
            services.report_file(
                by=request_user_or_none(request),
                work=work,
                comment=comment,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                email=form.cleaned_data.get("email", ""),
                ip=client_ip(request),
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "Thank you. The admins will look at your report.")
            return redirect(comment or reported)
    return render(request, "feedback/report_form.html", {**context, "form": form}, status=400)
