"""The inbox passes through the visibility gate when it is read, like every other page."""

import pytest
from django.core import mail

from fanfold.feedback.models import InboxItem
from fanfold.feedback.selectors import inbox_items, inbox_unread_count
from fanfold.feedback.services import comment_create
from fanfold.feedback.tasks import comment_email_task
from fanfold.works.models import Status, Work
from tests.factories import add_chapter

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_TITLE = "Title-Only-Readers-Of-The-Work-May-See"
REPLY = "A reply that only readers of the work may see"


@pytest.fixture
def reply_to_other(published_work, author, other):
    Work.objects.filter(pk=published_work.pk).update(title=SECRET_TITLE)
    chapter = published_work.chapters.get()
    top = comment_create(work=published_work, chapter=chapter, by=other, body="Loved it")
    reply = comment_create(work=published_work, chapter=chapter, by=author, body=REPLY, parent=top)
    assert InboxItem.objects.filter(user=other, comment=reply).exists()
    return reply


def _inbox_page(client, user) -> str:
    client.force_login(user)
    return client.get("/inbox/").content.decode()


def test_a_reply_on_a_work_made_a_draft_leaves_the_inbox(client, other, reply_to_other):
    assert SECRET_TITLE in _inbox_page(client, other)
    Work.objects.filter(pk=reply_to_other.work_id).update(status=Status.DRAFT)
    page = _inbox_page(client, other)
    assert SECRET_TITLE not in page and REPLY not in page
    assert inbox_unread_count(other) == 0
    assert 'class="badge unread-count"' not in client.get("/").content.decode()


def test_the_creator_still_sees_comments_on_their_own_draft(author, published_work, other):
    comment_create(work=published_work, chapter=None, by=other, body="For the creator")
    Work.objects.filter(pk=published_work.pk).update(status=Status.DRAFT)
    assert inbox_items(user=author).count() == 1


def test_a_reply_on_a_chapter_taken_back_to_draft_leaves_the_inbox(
    client, published_work, author, other
):
    second = add_chapter(published_work, by=author, publish=True)
    top = comment_create(work=published_work, chapter=second, by=other, body="Chapter two!")
    comment_create(work=published_work, chapter=second, by=author, body=REPLY, parent=top)
    assert REPLY in _inbox_page(client, other)
    type(second).objects.filter(pk=second.pk).update(status=Status.DRAFT)
    assert REPLY not in _inbox_page(client, other)


def test_a_restricted_work_is_still_in_a_logged_in_readers_inbox(client, other, reply_to_other):
    Work.objects.filter(pk=reply_to_other.work_id).update(restricted=True)
    assert REPLY in _inbox_page(client, other)


def test_no_email_about_a_work_no_longer_visible(published_work, author, other):
    chapter = published_work.chapters.get()
    top = comment_create(work=published_work, chapter=chapter, by=other, body="Hi")
    reply = comment_create(work=published_work, chapter=chapter, by=author, body=REPLY, parent=top)
    mail.outbox.clear()
    other.email_on_comment = True
    other.save()
    Work.objects.filter(pk=published_work.pk).update(status=Status.DRAFT)
    assert comment_email_task.call(reply.pk) == 0
    assert mail.outbox == []
    Work.objects.filter(pk=published_work.pk).update(status=Status.PUBLISHED)
    assert comment_email_task.call(reply.pk) == 1


def test_an_email_the_mail_server_refused_is_sent_by_the_retry(settings, published_work, other):
    """Claimed before sending (so never twice), and given back when sending fails."""
    from tests.servers import free_port

    settings.MAILERS = {  # an SMTP server that is not there: the connection is refused
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    author = published_work.creators.get()
    author.email_on_comment = True
    author.save()
    comment = comment_create(work=published_work, chapter=None, by=other, body="Refused once")
    assert mail.outbox == [], mail.outbox
    assert not InboxItem.objects.get(comment=comment, user=author).emailed
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert comment_email_task.call(comment.pk) == 1
    assert comment_email_task.call(comment.pk) == 0
    assert len(mail.outbox) == 1


def test_a_reply_held_for_approval_leaves_the_inbox_and_its_email(
    client, published_work, author, other
):
    from fanfold.feedback.models import Comment, CommentStatus

    chapter = published_work.chapters.get()
    top = comment_create(work=published_work, chapter=chapter, by=other, body="Hi")
    reply = comment_create(work=published_work, chapter=chapter, by=author, body=REPLY, parent=top)
    Comment.objects.filter(pk=reply.pk).update(status=CommentStatus.PENDING)  # held by staff
    assert REPLY not in _inbox_page(client, other)
    assert inbox_unread_count(other) == 0
    other.email_on_comment = True
    other.save()
    mail.outbox.clear()
    assert comment_email_task.call(reply.pk) == 0
    # The writer still sees their own waiting comment; the creators see everything.
    assert inbox_items(user=author).filter(comment=top).exists()


def test_mark_all_read_leaves_what_is_hidden_for_later(client, other, reply_to_other):
    from fanfold.feedback.services import inbox_mark_read

    Work.objects.filter(pk=reply_to_other.work_id).update(status=Status.DRAFT)
    inbox_mark_read(user=other)
    Work.objects.filter(pk=reply_to_other.work_id).update(status=Status.PUBLISHED)
    assert inbox_unread_count(other) == 1
