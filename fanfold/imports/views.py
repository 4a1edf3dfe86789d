"""The "Import a work" page: upload or paste, review what was found, then keep it as a draft."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fanfold.accounts.auth import request_user
from fanfold.core.rescue import login_required_keeping_post
from fanfold.imports import selectors, services
from fanfold.imports.forms import ImportPreviewForm, ImportSourceForm
from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.sources import SourceFile, format_of, parse_source
from fanfold.works.inputs import ChapterInput


def _chapters_from_post(request: HttpRequest) -> list[dict]:
    titles = request.POST.getlist("chapter_title")
    texts = request.POST.getlist("chapter_text")
    return [{"title": t, "text": x} for t, x in zip(titles, texts, strict=False)]


@login_required_keeping_post
def import_work(request: HttpRequest) -> HttpResponse:
    """Upload or paste a story; show what was found; on confirm keep it as a draft."""
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirm(request)
    if request.method == "POST":
        return _import_upload(request)
    return render(request, "imports/upload.html", {"form": ImportSourceForm()})


def _import_upload(request: HttpRequest) -> HttpResponse:
    """Read the uploaded or pasted story and show what was found, to check and edit."""
    source_form = ImportSourceForm(request.POST, request.FILES)
    if not source_form.is_valid():
        return render(request, "imports/upload.html", {"form": source_form})
    upload = source_form.cleaned_data.get("file")
    if upload:
        raw, name = upload.read(), upload.name
    else:
        text = source_form.cleaned_data["text"]
        raw = text.encode("utf-8")
        name = "pasted.md" if text.lstrip().startswith("---") else "pasted.txt"
    try:
        story = parse_source(SourceFile(name, raw=raw, format=format_of(name) or "text"))
    except ImportRefused as e:
        source_form.add_error("file", str(e))
        return render(request, "imports/upload.html", {"form": source_form})
    # Formatted imports (HTML, Markdown, Word, EPUB) are edited as HTML to keep their
    # emphasis; plain-text ones as plain text.
    chapters = [
        {"title": c.title, "text": c.html if c.html is not None else c.text} for c in story.chapters
    ]
    text_format = "html" if any(c.html is not None for c in story.chapters) else "plain"
    initial = ImportPreviewForm.initial_from(selectors.story_work_input(story))
    if not story.fandoms:  # the person importing names it (a bulk import says "Unknown")
        initial["fandoms"] = ""
    form = ImportPreviewForm(initial=initial)
    context = {"form": form, "chapters": chapters, "story": story, "chapter_format": text_format}
    return render(request, "imports/preview.html", context)


def _import_confirm(request: HttpRequest) -> HttpResponse:
    """Keep the checked story as a draft of the user's, or show the preview with errors."""
    form = ImportPreviewForm(request.POST)
    chapters = _chapters_from_post(request)
    if form.is_valid():
        chapter_format = "html" if request.POST.get("chapter_format") == "html" else "plain"
        inputs = [
            ChapterInput(title=c["title"], body=c["text"], text_format=chapter_format)
            for c in chapters
            if c["text"].strip()
        ]
        try:
            work = services.story_draft_create(
                by=request_user(request), data=form.work_input(), chapters=inputs
            )
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            messages.success(request, "Imported as a draft: check it, then post it.")
            return redirect(work)
    context = {
        "form": form,
        "chapters": chapters,
        "chapter_format": request.POST.get("chapter_format", "plain"),
    }
    return render(request, "imports/preview.html", context)


@login_required_keeping_post
def claim_imported(request: HttpRequest) -> HttpResponse:
    """Show and claim imported works that carry the user's verified email address."""
    user = request_user(request)
    if request.method == "POST":
        works = services.imported_stories_claim(user=user)
        messages.success(request, f"{len(works)} imported work(s) are now yours.")
        return redirect("user_detail", username=user.username)
    claimable = selectors.imported_stories_claimable(user=user)
    return render(request, "imports/claim.html", {"claimable": claimable})
