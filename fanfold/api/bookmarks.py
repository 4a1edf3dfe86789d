"""bookmarks endpoints of /api/v1: the same services, selectors and visibility as the pages."""

from dataclasses import replace
from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fanfold.accounts.models import User
from fanfold.api.auth import READ_ERRORS, WRITE_ERRORS, read_auth, token_user
from fanfold.api.paging import api_page
from fanfold.api.schemas import CreatorOut, Error, TextIn
from fanfold.bookmarks import selectors, services
from fanfold.bookmarks.models import Bookmark
from fanfold.bookmarks.services import BookmarkInput
from fanfold.core.ratelimit import RateLimited
from fanfold.core.text import TextFormat
from fanfold.works.models import work_visible_or_404

router = Router(tags=["bookmarks"])

# Writes are limited per user, like on the pages.
LIMITED_WRITE_ERRORS = {**WRITE_ERRORS, 429: Error}


class BookmarkIn(TextIn):
    note: str = ""
    text_format: TextFormat = TextFormat.MARKDOWN
    tags: list[str] = Field([], description="The bookmarker's own tags for this bookmark")
    private: bool = Field(False, description="Only you see a private bookmark")
    rec: bool = Field(False, description="Recommend the work")


class BookmarkPatch(TextIn):
    note: str | None = None
    text_format: TextFormat | None = None
    tags: list[str] | None = None
    private: bool | None = None
    rec: bool | None = None


class BookmarkOut(Schema):
    id: int
    work_id: int
    work_title: str
    work_url: str
    user: CreatorOut
    note: str | None = Field(description="The note as typed; only in your own bookmarks")
    note_html: str
    text_format: str
    tags: list[str]
    private: bool
    rec: bool
    created_at: datetime
    updated_at: datetime


class BookmarkPageOut(Schema):
    items: list[BookmarkOut]
    count: int
    page: int
    pages: int


class BookmarkListParams(TextIn):
    page: int = 1
    per_page: int = 20
    rec: bool = Field(False, description="Only recommendations")


def _out(request: HttpRequest, b: Bookmark) -> dict:
    own = request.user.is_authenticated and request.user.pk == b.user_id
    return {
        "id": b.pk,
        "work_id": b.work_id,
        "work_title": b.work.title,
        "work_url": request.build_absolute_uri(b.work.get_absolute_url()),
        "user": CreatorOut(username=b.user.username, display_name=b.user.shown_name),
        "note": b.note if own else None,
        "note_html": b.note_html,
        "text_format": b.text_format,
        "tags": [t.name for t in b.tags.all()],
        "private": b.private,
        "rec": b.rec,
        "created_at": b.created_at,
        "updated_at": b.updated_at,
    }


def _page(request: HttpRequest, qs: QuerySet[Bookmark], params: BookmarkListParams) -> dict:
    if params.rec:
        qs = qs.filter(rec=True)
    return api_page(qs, page=params.page, per_page=params.per_page, out=lambda b: _out(request, b))


def _check_rate(user: User) -> None:
    if wait := services.bookmark_rate_check(user=user):
        raise RateLimited(wait)


def _fresh(request: HttpRequest, pk: int) -> dict:
    return _out(request, selectors.bookmark_visible_or_404(request.user, pk))


@router.get("/bookmarks", response={200: BookmarkPageOut, **READ_ERRORS})
def list_my_bookmarks(request: HttpRequest, params: Query[BookmarkListParams]):
    """Your own bookmarks, private ones included, newest first."""
    me = token_user(request)
    return _page(request, selectors.bookmarks_of_user(viewer=me, owner=me), params)


@router.get(
    "/users/{username}/bookmarks", response={200: BookmarkPageOut, **READ_ERRORS}, auth=read_auth
)
def list_user_bookmarks(request: HttpRequest, username: str, params: Query[BookmarkListParams]):
    """A user's public bookmarks (and your private ones, if they are yours), newest first."""
    owner = get_object_or_404(User, username=username, is_active=True)
    return _page(request, selectors.bookmarks_of_user(viewer=request.user, owner=owner), params)


@router.get(
    "/works/{work_id}/bookmarks", response={200: BookmarkPageOut, **READ_ERRORS}, auth=read_auth
)
def list_work_bookmarks(request: HttpRequest, work_id: int, params: Query[BookmarkListParams]):
    """The public bookmarks of a work you may see (and yours, if it is private)."""
    work = work_visible_or_404(request.user, work_id)
    return _page(request, selectors.bookmarks_of_work(viewer=request.user, work=work), params)


@router.post(
    "/works/{work_id}/bookmark",
    response={200: BookmarkOut, 201: BookmarkOut, **LIMITED_WRITE_ERRORS},
)
def bookmark_work(request: HttpRequest, work_id: int, payload: BookmarkIn):
    """Bookmark a work (201), or replace your existing bookmark of it (200)."""
    me = token_user(request)
    work = work_visible_or_404(me, work_id)
    _check_rate(me)
    bookmark, created = services.bookmark_save(
        user=me, work=work, data=BookmarkInput(**payload.dict())
    )
    return Status(201 if created else 200, _fresh(request, bookmark.pk))


@router.get("/bookmarks/{bookmark_id}", response={200: BookmarkOut, **READ_ERRORS}, auth=read_auth)
def get_bookmark(request: HttpRequest, bookmark_id: int):
    """One bookmark: a public one, or one of yours."""
    return _fresh(request, bookmark_id)


@router.patch("/bookmarks/{bookmark_id}", response={200: BookmarkOut, **LIMITED_WRITE_ERRORS})
def update_bookmark(request: HttpRequest, bookmark_id: int, payload: BookmarkPatch):
    """Change some fields of one of your bookmarks; null or absent leaves a field as it is."""
    me = token_user(request)
    bookmark = selectors.bookmark_visible_or_404(me, bookmark_id)
    _check_rate(me)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    data = replace(selectors.bookmark_input_of(bookmark), **changes)
    services.bookmark_update(bookmark=bookmark, by=me, data=data)
    return _fresh(request, bookmark.pk)


@router.delete("/bookmarks/{bookmark_id}", response={204: None, **WRITE_ERRORS})
def delete_bookmark(request: HttpRequest, bookmark_id: int):
    """Delete one of your bookmarks."""
    me = token_user(request)
    bookmark = selectors.bookmark_visible_or_404(me, bookmark_id)
    services.bookmark_delete(bookmark=bookmark, by=me)
    return Status(204, None)
