"""Pages for posting and managing works and chapters (reading them is fanfold.reading)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form, MultipleChoiceField
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fanfold.accounts.auth import request_user
from fanfold.core.forms import add_service_errors
from fanfold.core.rescue import login_required_keeping_post, restored_post
from fanfold.core.text import text_problem
from fanfold.works import selectors, services
from fanfold.works.forms import ChapterForm, NewWorkForm, WorkForm
from fanfold.works.models import (
    Chapter,
    Work,
    chapter_visible_or_404,
    work_own_or_404,
)

AUTOSAVE_MAX_BYTES = 4_000_000  # a 500,000-character chapter in any script, plus metadata


# Posting and editing


def _editable_work(request: HttpRequest, work_id: int) -> Work:
    return work_own_or_404(request.user, work_id)


def _initial_from_draft(form_class: type[Form], data: dict[str, list[str]]) -> dict:
    initial: dict = {}
    for name, field in form_class.base_fields.items():
        if name not in data:
            continue
        values = data[name]
        initial[name] = values if isinstance(field, MultipleChoiceField) else (values or [""])[-1]
    return initial


def _editor_form(request, form_class, key: str, initial: dict, since=None):
    """An editor form: a kept post after re-login, else the autosaved draft, else initial."""
    if kept := restored_post(request):
        messages.info(request, "Restored what you typed before your session ended.")
        return form_class(initial=_initial_from_draft(form_class, dict(kept.lists()))), None
    draft = selectors.editor_draft_for(user=request_user(request), key=key)
    if draft and (since is None or draft.saved_at > since):
        messages.info(
            request,
            f"Restored your unsaved changes from {timezone.localtime(draft.saved_at):%H:%M}.",
        )
        return form_class(initial=_initial_from_draft(form_class, draft.data)), draft
    return form_class(initial=initial), None


def _editor_context(form, key: str, draft, **extra) -> dict:
    saved = int(draft.saved_at.timestamp() * 1000) if draft else 0
    return {"form": form, "autosave_key": key, "server_saved": saved, **extra}


@login_required_keeping_post
def work_new(request: HttpRequest) -> HttpResponse:
    """Post a new work with its first chapter, or keep it as a draft."""
    key = "work-new"
    draft = None
    if request.method == "POST":
        form = NewWorkForm(request.POST)
        if form.is_valid():
            try:
                work = services.work_create(
                    by=request_user(request),
                    data=form.work_input(),
                    chapter=form.chapter_input(),
                    publish="save_draft" not in request.POST,
                )
            except ValidationError as e:
                add_service_errors(form, e, {"title": "title"})
            else:
                services.editor_draft_discard(user=request_user(request), key=key)
                messages.success(
                    request, "Draft saved." if work.is_draft else "Your work was posted."
                )
                return redirect(work)
    else:
        form, draft = _editor_form(request, NewWorkForm, key, {})
    return render(request, "works/work_form.html", _editor_context(form, key, draft, new=True))


@login_required_keeping_post
def work_edit(request: HttpRequest, work_id: int) -> HttpResponse:
    """Edit a work's metadata and settings."""
    work = _editable_work(request, work_id)
    key = f"work-{work.pk}"
    draft = None
    if request.method == "POST":
        form = WorkForm(request.POST)
        if form.is_valid():
            try:
                services.work_update(
                    work=work,
                    by=request_user(request),
                    data=form.work_input(),
                    publish="publish" in request.POST,
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                services.editor_draft_discard(user=request_user(request), key=key)
                messages.success(request, "Your changes were saved.")
                return redirect(work)
    else:
        form, draft = _editor_form(
            request, WorkForm, key, WorkForm.initial_for(work), since=work.revised_at
        )
    return render(request, "works/work_form.html", _editor_context(form, key, draft, work=work))


@login_required_keeping_post
def work_delete(request: HttpRequest, work_id: int) -> HttpResponse:
    """Confirm and delete a work."""
    work = _editable_work(request, work_id)
    if request.method == "POST":
        services.work_delete(work=work, by=request_user(request))
        messages.success(request, f"“{work.title}” was deleted.")
        return redirect("user_detail", username=request_user(request).username)
    return render(request, "works/confirm_delete.html", {"work": work, "thing": "work"})


@require_POST
@login_required_keeping_post
def work_publish(request: HttpRequest, work_id: int) -> HttpResponse:
    """Publish a draft work."""
    work = _editable_work(request, work_id)
    services.work_publish(work=work, by=request_user(request))
    messages.success(request, "Your work was posted.")
    return redirect(work)


@require_POST
@login_required_keeping_post
def work_complete(request: HttpRequest, work_id: int) -> HttpResponse:
    """Mark a work complete or in progress."""
    work = _editable_work(request, work_id)
    complete = request.POST.get("complete") == "1"
    services.work_set_complete(work=work, by=request_user(request), complete=complete)
    messages.success(request, "Marked complete." if complete else "Marked as a work in progress.")
    return redirect(work)


def _chapter_saved_message(chapter: Chapter, *, posting: bool, work_was_draft: bool) -> str:
    """Say what saving did, above all when "Post" left the chapter unseen by readers, or
    when posting a chapter posted its draft work too."""
    work = Work.objects.only("status").get(pk=chapter.work_id)
    if posting and work.is_draft:
        return "Chapter saved. The work is still a draft: post the work to make it public."
    if chapter.is_draft:
        return "Chapter saved as a draft: only you can see it."
    if work_was_draft:
        return (
            "Chapter posted, and with it the work: it is public now. "
            "Its other draft chapters are still drafts."
        )
    return "Chapter saved."


def _chapter_form_view(request: HttpRequest, work: Work, chapter: Chapter | None) -> HttpResponse:
    key = f"chapter-{chapter.pk}" if chapter else f"chapter-new-{work.pk}"
    draft = None
    if request.method == "POST":
        form = ChapterForm(request.POST)
        work_was_draft = work.is_draft
        if form.is_valid():
            publish = "save_draft" not in request.POST
            try:
                if chapter is None:
                    chapter = services.chapter_create(
                        work=work,
                        by=request_user(request),
                        data=form.chapter_input(),
                        publish=publish,
                    )
                else:
                    services.chapter_update(
                        chapter=chapter,
                        by=request_user(request),
                        data=form.chapter_input(),
                        publish=publish and "publish" in request.POST,
                    )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                services.editor_draft_discard(user=request_user(request), key=key)
                messages.success(
                    request,
                    _chapter_saved_message(chapter, posting=publish, work_was_draft=work_was_draft),
                )
                return redirect(chapter)
    else:
        initial = (
            {
                "title": chapter.title,
                "summary": chapter.summary,
                "notes": chapter.notes,
                "end_notes": chapter.end_notes,
                "body": chapter.body,
                "text_format": chapter.text_format,
            }
            if chapter
            else {"text_format": work.text_format}
        )
        form, draft = _editor_form(
            request, ChapterForm, key, initial, since=chapter.revised_at if chapter else None
        )
    return render(
        request,
        "works/chapter_form.html",
        _editor_context(form, key, draft, work=work, chapter=chapter),
    )


@login_required_keeping_post
def chapter_new(request: HttpRequest, work_id: int) -> HttpResponse:
    """Add a chapter to a work."""
    work = _editable_work(request, work_id)
    return _chapter_form_view(request, work, None)


@login_required_keeping_post
def chapter_edit(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    """Edit one chapter."""
    work = _editable_work(request, work_id)
    chapter = chapter_visible_or_404(request.user, work, chapter_id)
    return _chapter_form_view(request, work, chapter)


@require_POST
@login_required_keeping_post
def chapter_publish(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    """Post a draft chapter."""
    work = _editable_work(request, work_id)
    chapter = chapter_visible_or_404(request.user, work, chapter_id)
    services.chapter_publish(chapter=chapter, by=request_user(request))
    messages.success(request, "Chapter posted.")
    return redirect(chapter)


@login_required_keeping_post
def chapter_delete(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    """Confirm and delete a chapter."""
    work = _editable_work(request, work_id)
    chapter = chapter_visible_or_404(request.user, work, chapter_id)
    if request.method == "POST":
        try:
            services.chapter_delete(chapter=chapter, by=request_user(request))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("chapters_manage", work_id=work.pk)
        messages.success(request, "Chapter deleted.")
        return redirect("chapters_manage", work_id=work.pk)
    return render(
        request, "works/confirm_delete.html", {"work": work, "chapter": chapter, "thing": "chapter"}
    )


@login_required_keeping_post
def chapters_manage(request: HttpRequest, work_id: int) -> HttpResponse:
    """Reorder, publish and delete a work's chapters."""
    work = _editable_work(request, work_id)
    chapters = selectors.chapters_for_reader(viewer=request.user, work=work)
    if request.method == "POST":
        positions = []
        for chapter in chapters:
            raw = request.POST.get(f"position-{chapter.pk}", "")
            try:
                positions.append((float(raw), chapter.position, chapter.pk))
            except ValueError:
                messages.error(request, f"“{raw}” is not a position number.")
                return render(
                    request, "works/chapters_manage.html", {"work": work, "chapters": chapters}
                )
        order = [pk for _, _, pk in sorted(positions)]
        services.chapters_reorder(work=work, by=request_user(request), order=order)
        messages.success(request, "Chapter order saved.")
        return redirect("chapters_manage", work_id=work.pk)
    return render(request, "works/chapters_manage.html", {"work": work, "chapters": chapters})


@require_POST
def autosave(request: HttpRequest) -> HttpResponse:
    """Keep what an author is typing; called by the editor every few seconds."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Your session has ended; log in again."}, status=401)
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    # The body was already parsed (CSRF reads the form), so its declared size is what counts.
    if size > AUTOSAVE_MAX_BYTES:
        return JsonResponse({"error": "Too much text to autosave."}, status=413)
    key = request.POST.get("autosave_key", "")
    if not key or len(key) > 100 or text_problem(key):
        return JsonResponse({"error": "Missing autosave key."}, status=400)
    data = {
        k: request.POST.getlist(k)
        for k in request.POST
        if k not in {"csrfmiddlewaretoken", "autosave_key"}
    }
    draft = services.editor_draft_save(user=request.user, key=key, data=data)
    saved = timezone.localtime(draft.saved_at)
    return JsonResponse(
        {"saved_at": saved.strftime("%H:%M"), "saved_ms": int(draft.saved_at.timestamp() * 1000)}
    )
