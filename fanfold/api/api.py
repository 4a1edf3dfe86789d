"""The open JSON API at /api/v1: the same services and visibility as the HTML pages."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Schema, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from fanfold.api.auth import READ_ERRORS, WRITE_ERRORS, read_auth, token_auth, token_user
from fanfold.api.openapi import FanfoldAPI
from fanfold.api.paging import api_page
from fanfold.api.schemas import (
    ChapterIn,
    ChapterOut,
    ChapterPatch,
    ChapterSummaryOut,
    CreatorOut,
    TextIn,
    WorkDetailOut,
    WorkIn,
    WorkPageOut,
    WorkPatch,
)
from fanfold.core.ratelimit import RateLimited
from fanfold.feedback.selectors import with_feedback_counts
from fanfold.listings.selectors import works_recent
from fanfold.tags.models import TagType
from fanfold.tags.selectors import tag_names_grouped
from fanfold.works import selectors, services
from fanfold.works.inputs import ChapterInput, WorkInput
from fanfold.works.models import (
    Chapter,
    Work,
    chapter_visible_or_404,
    work_own_or_404,
    work_visible_or_404,
)

api = FanfoldAPI(
    title="Fanfold API",
    version="1",
    description=(
        "Read works and chapters; create and update your own with a personal API token "
        "(profile → API tokens) sent as `Authorization: Bearer <token>`."
    ),
    urls_namespace="api-v1",
    auth=token_auth,
)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": exc.message if hasattr(exc, "message") else "Unauthorized."}, status=401
    )


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc: RateLimited):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _url(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _chapter_summary(request: HttpRequest, c: Chapter) -> dict:
    return {
        "id": c.pk,
        "position": c.position,
        "title": c.title,
        "word_count": c.word_count,
        "draft": c.is_draft,
        "published_at": c.published_at,
        "url": _url(request, c.get_absolute_url()),
    }


def _work_out(request: HttpRequest, work: Work) -> dict:
    tags = tag_names_grouped(work.tags.all())
    return {
        "id": work.pk,
        "title": work.title,
        "url": _url(request, work.get_absolute_url()),
        "creators": [
            CreatorOut(username=u.username, display_name=u.shown_name) for u in work.creators.all()
        ],
        "rating": work.rating,
        "warnings": tags[TagType.WARNING],
        "categories": tags[TagType.CATEGORY],
        "fandoms": tags[TagType.FANDOM],
        "relationships": tags[TagType.RELATIONSHIP],
        "characters": tags[TagType.CHARACTER],
        "freeforms": tags[TagType.FREEFORM],
        "summary_html": work.summary_html,
        "notes_html": work.notes_html,
        "end_notes_html": work.end_notes_html,
        "language": work.language,
        "draft": work.is_draft,
        "restricted": work.restricted,
        "complete": work.complete,
        "comment_policy": work.comment_policy,
        "moderate_comments": work.moderate_comments,
        "chapters_posted": work.posted_chapter_count,
        "chapters_expected": work.posted_chapter_count if work.complete else work.expected_chapters,
        "word_count": work.word_count,
        "hits": work.hit_count,
        "kudos": work.kudos_count,
        "comments": work.shown_comment_count,
        "bookmarks": work.bookmark_count,
        "published_at": work.published_at,
        "updated_at": work.updated_at,
    }


def _work_detail(request: HttpRequest, work: Work) -> dict:
    work = with_feedback_counts(
        Work.objects.prefetch_related("creators", "tags"), request.user
    ).get(pk=work.pk)
    chapters = selectors.chapters_for_reader(viewer=request.user, work=work)
    return {
        **_work_out(request, work),
        "chapters": [_chapter_summary(request, c) for c in chapters],
    }


class PageParams(TextIn):
    page: int = 1
    per_page: int = 20


@api.get("/works", response={200: WorkPageOut, **READ_ERRORS}, auth=read_auth, tags=["works"])
def list_works(request: HttpRequest, params: Query[PageParams]):
    """List the works you may see, newest update first."""
    return api_page(
        works_recent(viewer=request.user),
        page=params.page,
        per_page=params.per_page,
        out=lambda w: _work_out(request, w),
    )


@api.get(
    "/works/{work_id}", response={200: WorkDetailOut, **READ_ERRORS}, auth=read_auth, tags=["works"]
)
def get_work(request: HttpRequest, work_id: int):
    """A work with its metadata and chapter list."""
    return _work_detail(request, work_visible_or_404(request.user, work_id))


@api.get(
    "/works/{work_id}/chapters/{chapter_id}",
    response={200: ChapterOut, **READ_ERRORS},
    auth=read_auth,
    tags=["chapters"],
)
def get_chapter(request: HttpRequest, work_id: int, chapter_id: int):
    """One chapter with its sanitized HTML."""
    work = work_visible_or_404(request.user, work_id)
    c = chapter_visible_or_404(request.user, work, chapter_id)
    return {
        **_chapter_summary(request, c),
        "work_id": work.pk,
        "summary_html": c.summary_html,
        "notes_html": c.notes_html,
        "end_notes_html": c.end_notes_html,
        "body_html": c.body_html,
    }


def _chapter_input(payload: ChapterIn) -> ChapterInput:
    return ChapterInput(**payload.dict(exclude={"publish"}))


@api.post("/works", response={201: WorkDetailOut, **WRITE_ERRORS}, tags=["works"])
def create_work(request: HttpRequest, payload: WorkIn):
    """Post a new work with its first chapter (publish=false keeps it a draft)."""
    data = WorkInput(**payload.dict(exclude={"chapter", "publish"}))
    work = services.work_create(
        by=token_user(request),
        data=data,
        chapter=_chapter_input(payload.chapter),
        publish=payload.publish,
    )
    return Status(201, _work_detail(request, work))


def _given(payload: Schema) -> dict:
    """The fields a PATCH sets; null means "leave as it is", except for expected_chapters
    where it means "unknown"."""
    return {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k == "expected_chapters"
    }


def _own_work(request: HttpRequest, work_id: int) -> Work:
    return work_own_or_404(request.user, work_id)


@api.patch("/works/{work_id}", response={200: WorkDetailOut, **WRITE_ERRORS}, tags=["works"])
def update_work(request: HttpRequest, work_id: int, payload: WorkPatch):
    """Change some of a work's fields; publish=true publishes a draft."""
    work = _own_work(request, work_id)
    changes = _given(payload)
    publish = changes.pop("publish", None)
    # One transaction: the changes and the publishing both happen, or neither.
    services.work_update(
        work=work,
        by=token_user(request),
        data=replace(selectors.work_input_of(work), **changes) if changes else None,
        publish=bool(publish),
    )
    return _work_detail(request, work)


@api.post(
    "/works/{work_id}/chapters",
    response={201: ChapterSummaryOut, **WRITE_ERRORS},
    tags=["chapters"],
)
def create_chapter(request: HttpRequest, work_id: int, payload: ChapterIn):
    """Add a chapter to one of your works."""
    work = _own_work(request, work_id)
    chapter = services.chapter_create(
        work=work, by=token_user(request), data=_chapter_input(payload), publish=payload.publish
    )
    return Status(201, _chapter_summary(request, chapter))


@api.patch(
    "/works/{work_id}/chapters/{chapter_id}",
    response={200: ChapterSummaryOut, **WRITE_ERRORS},
    tags=["chapters"],
)
def update_chapter(request: HttpRequest, work_id: int, chapter_id: int, payload: ChapterPatch):
    """Change a chapter; publish=true posts a draft chapter."""
    work = _own_work(request, work_id)
    chapter = chapter_visible_or_404(request.user, work, chapter_id)
    changes = _given(payload)
    publish = changes.pop("publish", None)
    data = replace(selectors.chapter_input_of(chapter), **changes) if changes else None
    services.chapter_update(
        chapter=chapter, by=token_user(request), data=data, publish=bool(publish)
    )
    return _chapter_summary(request, chapter)


# Routers of the other apps; imported last, as they build on what is above.
from fanfold.api import bookmarks as bookmarks_api  # noqa: E402
from fanfold.api import feedback as feedback_api  # noqa: E402

api.add_router("", feedback_api.router)
api.add_router("", bookmarks_api.router)
