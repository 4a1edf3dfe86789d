"""Writes for reviews (comments) and the creators' inbox."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from fanfold.accounts.models import User, UserRelation
from fanfold.core.pagecache import content_changed
from fanfold.core.permissions import moderates
from fanfold.core.tasks import enqueue_on_commit
from fanfold.core.text import SANITIZER_VERSION, TextFormat, render_comment
from fanfold.feedback.models import Comment, CommentStatus, InboxItem
from fanfold.feedback.selectors import COUNTED_COMMENTS, inbox_items
from fanfold.feedback.services._common import (
    acting_user,
    ip_hash,
    require_chapter_visible,
    require_not_blocked,
    require_visible,
)
from fanfold.works.models import Chapter, CommentPolicy, Work
from fanfold.works.services import require_creator, work_comments_recount

COMMENT_MAX = 10_000
GUEST_NAME_MAX = 100


def _clean_body(body: str, text_format: str) -> str:
    if text_format not in TextFormat.values:
        raise ValidationError({"text_format": ["Choose HTML, Markdown or plain text."]})
    if "\x00" in body:
        raise ValidationError({"body": ["The comment contains a null character."]})
    if len(body) > COMMENT_MAX:
        raise ValidationError(
            {"body": [f"A comment can have at most {COMMENT_MAX:,} characters ({len(body):,})."]}
        )
    html = render_comment(body, text_format)
    if not html:
        raise ValidationError({"body": ["Write something before posting your comment."]})
    return html


def _recount_comments(work: Work) -> None:
    """Recount the comments a count holds (COUNTED_COMMENTS) on each chapter and on the whole
    work; the work's total, which leaves out draft chapters, follows from those."""
    # One recount at a time per work: a second waits here, then counts what the first wrote
    # (a count taken before the first commits would write back one comment too few).
    list(Work.objects.select_for_update().filter(pk=work.pk).values_list("pk"))
    counted = Comment.objects.filter(COUNTED_COMMENTS, work=work)
    per_chapter = dict(
        counted.filter(chapter__isnull=False)
        .order_by()
        .values("chapter")
        .annotate(n=Count("pk"))
        .values_list("chapter", "n")
    )
    for chapter_id, kept in Chapter.objects.filter(work=work).values_list("pk", "comment_count"):
        if per_chapter.get(chapter_id, 0) != kept:
            Chapter.objects.filter(pk=chapter_id).update(
                comment_count=per_chapter.get(chapter_id, 0)
            )
    whole = counted.filter(chapter__isnull=True).count()
    Work.objects.filter(pk=work.pk).update(whole_work_comment_count=whole)
    work_comments_recount(work=work)


def _notify(comment: Comment, creators: set[int]) -> None:
    """Put a comment in the inboxes of the work's creators (who approve a waiting one) and,
    once everyone may see it, of the one replied to; never for those who muted its author."""
    recipients = set(creators)
    if (
        comment.status == CommentStatus.PUBLISHED
        and comment.parent is not None
        and comment.parent.user_id
    ):
        recipients.add(comment.parent.user_id)
    recipients.discard(comment.user_id)
    if comment.user_id:
        recipients -= set(
            UserRelation.objects.filter(
                user_id__in=recipients, target_id=comment.user_id, kind=UserRelation.Kind.MUTE
            ).values_list("user_id", flat=True)
        )
    InboxItem.objects.bulk_create(
        [InboxItem(user_id=uid, comment=comment) for uid in recipients], ignore_conflicts=True
    )
    from fanfold.feedback.tasks import comment_email_task

    enqueue_on_commit(comment_email_task, comment.pk)


def _require_may_comment(work: Work, user: User | None) -> None:
    """Who may comment at all: the work is visible to them, its creators take comments from
    them, and no creator of it blocked them."""
    require_visible(work, user)
    if work.comment_policy == CommentPolicy.NONE:
        raise PermissionDenied("The creator turned comments off for this work.")
    if user is None and work.comment_policy == CommentPolicy.USERS:
        raise PermissionDenied("Only logged-in users may comment on this work.")
    require_not_blocked(work, user)


def _require_open_parent(work: Work, parent: Comment, user: User | None) -> None:
    """A reply answers a visible, published, undeleted comment of the same work, in a thread
    that is not frozen."""
    require_chapter_visible(parent.chapter, user)
    if parent.work_id != work.pk:
        raise ValidationError("That reply belongs to another work.")
    if parent.deleted:
        raise ValidationError("The comment you replied to was deleted.")
    if parent.status != CommentStatus.PUBLISHED:
        raise ValidationError("You can reply once that comment is approved.")
    thread_root = parent.thread or parent
    if thread_root.frozen or parent.frozen:
        raise PermissionDenied("This thread is frozen: it takes no new replies.")


def _comment_chapter(
    *, work: Work, chapter: Chapter | None, parent: Comment | None, user: User | None
) -> Chapter | None:
    """The chapter the comment goes on (a reply's is its parent's; None for the whole work)."""
    if parent is not None:
        _require_open_parent(work, parent, user)
        return parent.chapter
    if chapter is not None and chapter.work_id != work.pk:
        raise ValidationError("That chapter belongs to another work.")
    require_chapter_visible(chapter, user)
    return chapter


def _guest_errors(guest_name: str, guest_email: str) -> dict[str, list[str]]:
    """What is wrong with a guest's (stripped) name and optional email address."""
    errors: dict[str, list[str]] = {}
    if not guest_name:
        errors["guest_name"] = ["Give a name to comment as a guest."]
    elif len(guest_name) > GUEST_NAME_MAX:
        errors["guest_name"] = [f"A name can have at most {GUEST_NAME_MAX} characters."]
    if guest_email:
        try:
            validate_email(guest_email)
        except ValidationError:
            errors["guest_email"] = ["Enter a valid email address, or leave it empty."]
    return errors


def _clean_comment_input(
    *, user: User | None, body: str, text_format: str, guest_name: str, guest_email: str
) -> str:
    """The body's HTML; every problem with the guest fields and the body is raised at once."""
    errors = _guest_errors(guest_name, guest_email) if user is None else {}
    html = ""
    try:
        html = _clean_body(body, text_format)
    except ValidationError as e:
        errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)
    return html


def _initial_status(work: Work, *, is_creator: bool) -> str:
    """A moderated work holds comments for approval, except its own creators'."""
    if work.moderate_comments and not is_creator:
        return CommentStatus.PENDING
    return CommentStatus.PUBLISHED


def _comment_posted(comment: Comment, creators: set[int]) -> None:
    """A new comment roots its own thread, reaches the inboxes (mail queued on commit) and,
    once everyone may see it, the counts and the cached pages."""
    if comment.thread_id is None:
        Comment.objects.filter(pk=comment.pk).update(thread=comment)
        comment.thread = comment
    _notify(comment, creators)
    if comment.status == CommentStatus.PUBLISHED:
        _recount_comments(comment.work)
        content_changed(work_id=comment.work_id)


@transaction.atomic
def comment_create(
    *,
    work: Work,
    chapter: Chapter | None,
    by: User | None,
    body: str,
    text_format: str = TextFormat.MARKDOWN,
    parent: Comment | None = None,
    guest_name: str = "",
    guest_email: str = "",
    ip: str = "",
) -> Comment:
    """Post a review of a chapter or a whole work, or a reply to another comment."""
    user = acting_user(by)
    _require_may_comment(work, user)
    chapter = _comment_chapter(work=work, chapter=chapter, parent=parent, user=user)
    guest_name = guest_name.strip()
    guest_email = guest_email.strip()
    html = _clean_comment_input(
        user=user,
        body=body,
        text_format=text_format,
        guest_name=guest_name,
        guest_email=guest_email,
    )
    creators = work.creator_ids
    is_creator = user is not None and user.pk in creators
    comment = Comment(
        work=work,
        chapter=chapter,
        parent=parent,
        thread=(parent.thread or parent) if parent is not None else None,
        depth=parent.depth + 1 if parent is not None else 0,
        user=user,
        guest_name="" if user else guest_name,
        guest_email="" if user else guest_email,
        body=body,
        body_html=html,
        text_format=text_format,
        sanitizer_version=SANITIZER_VERSION,
        status=_initial_status(work, is_creator=is_creator),
        by_creator=is_creator,
        ip_hash=ip_hash(ip) if ip else "",
    )
    comment.save()
    _comment_posted(comment, creators)
    return comment


def _require_comment_author(comment: Comment, by: User) -> None:
    if not by.is_authenticated or comment.user_id != by.pk:
        raise PermissionDenied("Only the comment's author may edit it.")


def _require_work_creator(comment: Comment, by: User, *, moderator_perm: str = "") -> None:
    require_creator(comment.work, by, moderator_perm=moderator_perm)


def _notify_replied_to(comment: Comment) -> None:
    """Now that everyone may see a reply, tell the one it answers (unless they muted its author)."""
    parent = comment.parent
    if parent is None or not parent.user_id or parent.user_id == comment.user_id:
        return
    if (
        comment.user_id
        and UserRelation.objects.filter(
            user_id=parent.user_id, target_id=comment.user_id, kind=UserRelation.Kind.MUTE
        ).exists()
    ):
        return
    InboxItem.objects.get_or_create(user_id=parent.user_id, comment=comment)
    from fanfold.feedback.tasks import comment_email_task

    enqueue_on_commit(comment_email_task, comment.pk)


@transaction.atomic
def comment_update(*, comment: Comment, by: User, body: str, text_format: str) -> Comment:
    """Edit one's own comment (on a moderated work it waits for approval again)."""
    _require_comment_author(comment, by)
    if comment.deleted:
        raise ValidationError("That comment was deleted.")
    work = comment.work
    if work.comment_policy == CommentPolicy.NONE:
        raise PermissionDenied("The creator turned comments off for this work.")
    require_not_blocked(work, by)
    creators = work.creator_ids
    recheck = work.moderate_comments and by.pk not in creators
    if recheck:
        comment.status = CommentStatus.PENDING
    comment.body_html = _clean_body(body, text_format)
    comment.body = body
    comment.text_format = text_format
    comment.sanitizer_version = SANITIZER_VERSION
    comment.edited_at = timezone.now()
    comment.save(
        update_fields=[
            "body", "body_html", "text_format", "sanitizer_version", "edited_at", "status",
        ]
    )  # fmt: skip
    if recheck:
        _recount_comments(work)
        _notify(comment, creators)
    content_changed(work_id=comment.work_id)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: User) -> None:
    """Delete a comment (its author, the work's creators or staff moderating); replies keep
    their place."""
    if not (by.is_authenticated and comment.user_id == by.pk):
        _require_work_creator(comment, by, moderator_perm="feedback.delete_comment")
    work = comment.work
    if comment.replies.exists():
        comment.deleted = True
        comment.body = comment.body_html = ""
        comment.save(update_fields=["deleted", "body", "body_html"])
    else:
        parent = comment.parent
        comment.delete()
        # A deleted comment whose last reply just went has nothing left to hold up.
        while parent is not None and parent.deleted and not parent.replies.exists():
            grandparent = parent.parent
            parent.delete()
            parent = grandparent
    _recount_comments(work)
    content_changed(work_id=comment.work_id)


@transaction.atomic
def comment_approve(*, comment: Comment, by: User) -> Comment:
    """Let a comment that waited for moderation be seen by everyone."""
    _require_work_creator(comment, by, moderator_perm="feedback.change_comment")
    if comment.status != CommentStatus.PUBLISHED:
        comment.status = CommentStatus.PUBLISHED
        comment.save(update_fields=["status"])
        _notify_replied_to(comment)
        _recount_comments(comment.work)
        content_changed(work_id=comment.work_id)
    return comment


@transaction.atomic
def comment_hold(*, comment: Comment, by: User) -> Comment:
    """Take a comment off the pages until it is approved again (staff moderating)."""
    if not moderates(by, "feedback.change_comment"):
        raise PermissionDenied("Only staff may hold a comment for approval.")
    if comment.status != CommentStatus.PENDING:
        comment.status = CommentStatus.PENDING
        comment.save(update_fields=["status"])
        _recount_comments(comment.work)
        content_changed(work_id=comment.work_id)
    return comment


@transaction.atomic
def comment_thread_freeze(*, comment: Comment, by: User, frozen: bool) -> Comment:
    """Freeze (or thaw) the thread a comment belongs to: no new replies anywhere in it."""
    _require_work_creator(comment, by, moderator_perm="feedback.change_comment")
    root = comment.thread or comment
    Comment.objects.filter(pk=root.pk).update(frozen=frozen)
    root.frozen = frozen
    content_changed(work_id=comment.work_id)
    return root


@transaction.atomic
def inbox_mark_read(*, user: User, item_ids: list[int] | None = None) -> int:
    """Mark inbox items read (all of them when no ids are given); only items the inbox shows
    now, so one hidden for a while comes back unread."""
    items = inbox_items(user=user).filter(read=False)
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    return items.update(read=True)
