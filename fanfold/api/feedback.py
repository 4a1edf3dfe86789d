"""Comments and kudos endpoints of /api/v1: the same services and visibility as the pages."""

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status

from fanfold.api.auth import READ_ERRORS, WRITE_ERRORS, read_auth, token_user
from fanfold.api.schemas import Error, TextIn
from fanfold.core.ratelimit import RateLimited, client_ip, over_rate
from fanfold.core.text import TextFormat
from fanfold.feedback import selectors, services
from fanfold.feedback.models import Comment, CommentStatus
from fanfold.works import selectors as work_selectors
from fanfold.works.models import chapter_visible_or_404, work_visible_or_404

router = Router(tags=["feedback"])
POST_ERRORS = {**WRITE_ERRORS, 429: Error}


class CommentOut(Schema):
    id: int
    work_id: int
    chapter_id: int | None
    parent_id: int | None
    depth: int
    author: str | None
    guest: bool
    by_creator: bool
    deleted: bool
    pending: bool
    frozen: bool
    body_html: str
    created_at: datetime
    edited_at: datetime | None


class CommentIn(TextIn):
    body: str
    text_format: TextFormat = TextFormat.MARKDOWN
    chapter_id: int | None = None
    parent_id: int | None = None


class CommentPatch(TextIn):
    body: str
    text_format: TextFormat = TextFormat.MARKDOWN


class KudosOut(Schema):
    users: list[str]
    more_users: int
    guests: int
    total: int


def _comment_out(c: Comment) -> dict:
    return {
        "id": c.pk,
        "work_id": c.work_id,
        "chapter_id": c.chapter_id,
        "parent_id": c.parent_id,
        "depth": c.depth,
        "author": c.user.username if c.user_id and c.user else (c.guest_name or None),
        "guest": c.user_id is None,
        "by_creator": c.by_creator,
        "deleted": c.deleted,
        "pending": c.status != CommentStatus.PUBLISHED,
        "frozen": c.frozen,
        "body_html": c.body_html,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
    }


@router.get(
    "/works/{work_id}/comments", response={200: list[CommentOut], **READ_ERRORS}, auth=read_auth
)
def list_comments(request: HttpRequest, work_id: int, chapter_id: int | None = None):
    """Every comment on the work you may see, each with its chapter_id (null: on the whole
    work): those on the whole work first, then each chapter's in reading order, each in
    thread order. With chapter_id, only that chapter's."""
    work = work_visible_or_404(request.user, work_id)
    is_creator = work_selectors.is_creator(request.user, work)
    if chapter_id is not None:
        chapter = chapter_visible_or_404(request.user, work, chapter_id)
        tree = selectors.comment_tree(
            viewer=request.user, work=work, is_creator=is_creator, chapter=chapter
        )
        return [_comment_out(c) for c in tree.comments]
    whole = selectors.comment_tree(viewer=request.user, work=work, is_creator=is_creator)
    chapters = work_selectors.chapters_for_reader(viewer=request.user, work=work)
    trees = selectors.comment_trees_by_chapter(
        viewer=request.user, work=work, is_creator=is_creator, chapters=chapters
    )
    return [_comment_out(c) for t in [whole, *(t for _, t in trees)] for c in t.comments]


@router.post("/works/{work_id}/comments", response={201: CommentOut, **POST_ERRORS})
def create_comment(request: HttpRequest, work_id: int, payload: CommentIn):
    """Comment on a chapter or the whole work, or reply to a comment (parent_id)."""
    if wait := over_rate(request, "comment", settings.FANFOLD_COMMENT_RATE):
        raise RateLimited(wait)
    work = work_visible_or_404(request.user, work_id)
    chapter = (
        chapter_visible_or_404(request.user, work, payload.chapter_id)
        if payload.chapter_id
        else None
    )
    parent = (
        selectors.comment_visible_or_404(request.user, payload.parent_id)
        if payload.parent_id
        else None
    )
    comment = services.comment_create(
        work=work,
        chapter=chapter,
        parent=parent,
        by=token_user(request),
        body=payload.body,
        text_format=payload.text_format,
        ip=client_ip(request),
    )
    return Status(201, _comment_out(comment))


@router.patch("/comments/{comment_id}", response={200: CommentOut, **WRITE_ERRORS})
def update_comment(request: HttpRequest, comment_id: int, payload: CommentPatch):
    """Edit your own comment."""
    comment = selectors.comment_visible_or_404(request.user, comment_id)
    services.comment_update(
        comment=comment, by=token_user(request), body=payload.body, text_format=payload.text_format
    )
    return _comment_out(comment)


@router.delete("/comments/{comment_id}", response={204: None, **WRITE_ERRORS})
def delete_comment(request: HttpRequest, comment_id: int):
    """Delete your comment, or any comment on your work."""
    services.comment_delete(
        comment=selectors.comment_visible_or_404(request.user, comment_id), by=token_user(request)
    )
    return Status(204, None)


@router.get("/works/{work_id}/kudos", response={200: KudosOut, **READ_ERRORS}, auth=read_auth)
def list_kudos(request: HttpRequest, work_id: int):
    """Who left kudos on a work: usernames and a count of guests."""
    work = work_visible_or_404(request.user, work_id)
    summary = selectors.kudos_summary(viewer=request.user, work=work)
    return {
        "users": summary.names,
        "more_users": summary.more_users,
        "guests": summary.guests,
        "total": work.kudos_count,
    }


@router.post("/works/{work_id}/kudos", response={201: KudosOut, **POST_ERRORS})
def leave_kudos(request: HttpRequest, work_id: int):
    """Leave kudos on a work (once; not on your own)."""
    if wait := over_rate(request, "kudos", settings.FANFOLD_KUDOS_RATE):
        raise RateLimited(wait)
    work = work_visible_or_404(request.user, work_id)
    services.kudos_leave(work=work, by=token_user(request), ip=client_ip(request))
    work.refresh_from_db(fields=["kudos_count"])
    return Status(201, list_kudos(request, work_id))
