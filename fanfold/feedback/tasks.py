"""Background jobs for feedback: emailing creators about new comments."""

from django.conf import settings
from django.core.mail import send_mail

from fanfold.core.tasks import retrying_task
from fanfold.feedback.models import CommentStatus, InboxItem
from fanfold.feedback.selectors import inbox_items


@retrying_task()
def comment_email_task(comment_id: int) -> int:
    """Email the recipients of a new comment who asked for email; each is emailed once."""
    sent = 0
    items = InboxItem.objects.filter(
        comment_id=comment_id, emailed=False, user__email_on_comment=True
    ).select_related("user", "comment__work", "comment__chapter")
    for item in items:
        comment, user = item.comment, item.user
        if not inbox_items(user=user).filter(pk=item.pk).exists():
            continue  # the work or chapter is no longer visible to them: nothing to tell
        # Claim the item and commit before sending: a worker killed after this point sends
        # nothing more when its job is requeued, so nobody is ever emailed twice.
        if not InboxItem.objects.filter(pk=item.pk, emailed=False).update(emailed=True):
            continue
        if not user.email or comment.deleted:
            continue
        waiting = comment.status == CommentStatus.PENDING
        where = comment.chapter.display_title if comment.chapter else "the whole work"
        try:
            send_mail(
                f"New comment on {comment.work.title}"
                + (" (awaiting your approval)" if waiting else ""),
                f"Hello {user.username},\n\n{comment.author_name} commented on {where} of "
                f"“{comment.work.title}”:\n\n{comment.body[:2000]}\n\n"
                f"Read and reply: {settings.SITE_URL}{comment.get_absolute_url()}\n"
                f"Your inbox: {settings.SITE_URL}/inbox/\n\n"
                "You get these emails because you turned them on in your preferences.",
                None,
                [user.email],
            )
        except Exception:
            # Not sent (the mail server refused or was down): the retry may try again.
            InboxItem.objects.filter(pk=item.pk).update(emailed=False)
            raise
        sent += 1
    return sent
