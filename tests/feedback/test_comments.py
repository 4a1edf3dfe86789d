"""Reviews: posting, threading, guests, moderation, freezing, editing and deleting."""

import re

import pytest
from django.core import mail

from fanfold.feedback.models import Comment, InboxItem
from fanfold.feedback.selectors import THREAD_DEPTH_CAP
from fanfold.feedback.services import comment_create
from fanfold.works.models import Work
from tests.factories import UserFactory, WorkFactory, add_chapter

# Transactional, so the page cache is told of each change on commit as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def chapter_of(work):
    return work.chapters.get()


def post(client, work, **data):
    return client.post(f"/works/{work.pk}/comment/", {"text_format": "markdown", **data})


def test_reader_reviews_a_chapter_and_sees_it_on_the_page(client, published_work, other):
    client.force_login(other)
    chapter = chapter_of(published_work)
    response = post(client, published_work, chapter=chapter.pk, body="Loved the *ending*!")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{chapter.get_absolute_url()}#comment-{comment.pk}"
    assert comment.chapter == chapter and comment.user == other and comment.status == "published"
    page = client.get(chapter.get_absolute_url()).content.decode()
    assert "Loved the <em>ending</em>!" in page
    assert f'id="comment-{comment.pk}"' in page
    assert Work.objects.get(pk=published_work.pk).comment_count == 1
    assert "Comments on Chapter 1 (1)" in page


def test_whole_work_comments_are_on_the_entire_work_page(client, published_work, other):
    client.force_login(other)
    post(client, published_work, body="The whole thing, wow.")
    comment = Comment.objects.get()
    assert comment.chapter is None
    assert (
        "The whole thing, wow." in client.get(f"/works/{published_work.pk}/full/").content.decode()
    )
    assert (
        "The whole thing, wow."
        not in client.get(published_work.get_absolute_url()).content.decode()
    )


def test_replies_nest_and_the_creators_reply_is_marked(client, published_work, author, other):
    chapter = chapter_of(published_work)
    top = comment_create(work=published_work, chapter=chapter, by=other, body="Great chapter")
    client.force_login(author)
    post(client, published_work, parent=top.pk, body="Thank you so much!")
    reply = Comment.objects.get(parent=top)
    assert reply.by_creator and reply.depth == 1 and reply.thread == top
    assert reply.chapter == chapter
    page = client.get(chapter.get_absolute_url()).content.decode()
    # The reply sits in a nested list inside the top comment's item, marked as the creator's.
    top_at, reply_at = page.index(f'id="comment-{top.pk}"'), page.index(f'id="comment-{reply.pk}"')
    assert top_at < page.index('<ol class="replies">') < reply_at
    assert "Creator</span>" in page[reply_at - 200 : reply_at + 600]
    # Replies to one's comment land in one's inbox too.
    assert InboxItem.objects.filter(user=other, comment=reply).exists()


def test_deep_threads_continue_on_the_comments_own_page(client, published_work, other, author):
    chapter = chapter_of(published_work)
    parent = comment_create(work=published_work, chapter=chapter, by=other, body="level 0")
    chain = [parent]
    for level in range(1, THREAD_DEPTH_CAP + 3):
        who = author if level % 2 else other
        parent = comment_create(
            work=published_work, chapter=None, by=who, body=f"level {level}", parent=parent
        )
        chain.append(parent)
    page = client.get(chapter.get_absolute_url()).content.decode()
    cut = chain[THREAD_DEPTH_CAP]
    assert f"level {THREAD_DEPTH_CAP}</p>" in page
    assert f"level {THREAD_DEPTH_CAP + 1}</p>" not in page
    assert f'href="/comments/{cut.pk}/">Continue this thread' in page
    # Every opened list is closed: the markup is balanced.
    assert page.count("<ol") == page.count("</ol>")
    assert len(re.findall(r"<li[ >]", page)) == page.count("</li>")
    thread = client.get(f"/comments/{cut.pk}/").content.decode()
    assert f"level {THREAD_DEPTH_CAP + 2}</p>" in thread


def test_guest_comments_with_a_name_and_the_email_stays_private(client, published_work):
    chapter = chapter_of(published_work)
    form = client.get(f"/works/{published_work.pk}/comment/?chapter={chapter.pk}")
    assert form.status_code == 200 and 'name="guest_name"' in form.content.decode()
    post(
        client,
        published_work,
        chapter=chapter.pk,
        guest_name="Lurker Lee",
        guest_email="lee@example.org",
        body="First time commenting!",
    )
    comment = Comment.objects.get()
    assert comment.user is None and comment.guest_email == "lee@example.org"
    page = client.get(chapter.get_absolute_url()).content.decode()
    assert "Lurker Lee" in page and "lee@example.org" not in page


def test_guest_without_a_name_keeps_the_text(client, published_work):
    response = post(client, published_work, guest_name="", body="Words I typed carefully")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Words I typed carefully" in html and "This field is required" in html
    assert not Comment.objects.exists()


def test_honeypot_keeps_bots_out(client, published_work):
    post(client, published_work, guest_name="Bot", body="spam spam", website="http://spam")
    assert not Comment.objects.exists()


def test_policies_users_only_and_no_comments(client, author, other):
    users_only = WorkFactory(by=author, comment_policy="users")
    response = post(client, users_only, guest_name="Guest", body="Hello")
    assert response.status_code == 403 and "Only logged-in users" in response.content.decode()
    assert "Hello" in response.content.decode()
    closed = WorkFactory(by=author, comment_policy="none")
    client.force_login(other)
    response = post(client, closed, body="Hello?")
    assert response.status_code == 403 and "turned comments off" in response.content.decode()
    assert not Comment.objects.exists()
    assert "turned comments off" in client.get(closed.get_absolute_url()).content.decode()


def test_moderated_comments_wait_for_the_creator(client, author, other):
    work = WorkFactory(by=author, moderate_comments=True)
    chapter = chapter_of(work)
    client.force_login(other)
    post(client, work, chapter=chapter.pk, body="Please approve me")
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert "Awaiting approval" in client.get(chapter.get_absolute_url()).content.decode()
    stranger = UserFactory()
    client.force_login(stranger)
    assert "Please approve me" not in client.get(chapter.get_absolute_url()).content.decode()
    client.logout()
    assert "Please approve me" not in client.get(chapter.get_absolute_url()).content.decode()
    assert Work.objects.get(pk=work.pk).comment_count == 0
    # Nobody but the creator may approve.
    client.force_login(other)
    assert (
        client.post(f"/comments/{comment.pk}/moderate/", {"action": "approve"}).status_code == 403
    )
    client.force_login(author)
    assert InboxItem.objects.filter(user=author, comment=comment, read=False).exists()
    assert "Please approve me" in client.get(chapter.get_absolute_url()).content.decode()
    client.post(f"/comments/{comment.pk}/moderate/", {"action": "approve"})
    client.logout()
    assert "Please approve me" in client.get(chapter.get_absolute_url()).content.decode()
    assert Work.objects.get(pk=work.pk).comment_count == 1


def test_frozen_threads_take_no_replies(client, published_work, author, other):
    top = comment_create(work=published_work, chapter=None, by=other, body="Hot take")
    reply = comment_create(work=published_work, chapter=None, by=other, body="More", parent=top)
    client.force_login(author)
    client.post(f"/comments/{reply.pk}/moderate/", {"action": "freeze"})
    assert Comment.objects.get(pk=top.pk).frozen
    client.force_login(other)
    response = post(client, published_work, parent=reply.pk, body="But wait")
    assert response.status_code == 403 and "frozen" in response.content.decode()
    assert "But wait" in response.content.decode()
    assert Comment.objects.count() == 2
    page = client.get(f"/works/{published_work.pk}/full/").content.decode()
    assert f"?parent={reply.pk}" not in page


def test_edit_own_comment_only(client, published_work, other):
    comment = comment_create(work=published_work, chapter=None, by=other, body="Tpyo")
    intruder = UserFactory()
    client.force_login(intruder)
    assert (
        client.post(
            f"/comments/{comment.pk}/edit/", {"body": "x", "text_format": "markdown"}
        ).status_code
        == 403
    )
    client.force_login(other)
    client.post(f"/comments/{comment.pk}/edit/", {"body": "Typo", "text_format": "markdown"})
    comment.refresh_from_db()
    assert comment.body == "Typo" and comment.edited_at is not None


def test_delete_keeps_replies_under_a_placeholder(client, published_work, author, other):
    top = comment_create(work=published_work, chapter=None, by=other, body="Top")
    comment_create(work=published_work, chapter=None, by=author, body="Reply", parent=top)
    client.force_login(other)
    client.post(f"/comments/{top.pk}/delete/")
    top.refresh_from_db()
    assert top.deleted and top.body == ""
    page = client.get(f"/works/{published_work.pk}/full/").content.decode()
    assert "This comment was deleted" in page and "Reply</p>" in page
    assert Work.objects.get(pk=published_work.pk).comment_count == 1
    # Replying to the deleted comment is refused with a message, text kept.
    response = post(client, published_work, parent=top.pk, body="Still replying")
    assert response.status_code == 400 and "was deleted" in response.content.decode()
    # The creator deletes the last reply: the placeholder goes too.
    client.force_login(author)
    client.post(f"/comments/{Comment.objects.get(parent=top).pk}/delete/")
    assert not Comment.objects.exists()


def test_others_cannot_delete(client, published_work, other):
    comment = comment_create(work=published_work, chapter=None, by=other, body="Mine")
    client.force_login(UserFactory())
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_too_long_comment_is_refused_and_kept(client, published_work, other):
    client.force_login(other)
    body = "word " * 2001
    response = post(client, published_work, body=body)
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 10,000 characters" in html and "word word word" in html
    assert not Comment.objects.exists()


def test_comments_on_hidden_or_deleted_works(client, author, other, draft_work):
    client.force_login(other)
    assert post(client, draft_work, body="Sneaky").status_code == 404
    work = WorkFactory(by=author)
    work_id = work.pk
    work.delete()
    assert client.post(f"/works/{work_id}/comment/", {"body": "late"}).status_code == 404
    assert not Comment.objects.exists()


def test_comment_html_is_sanitized_to_the_small_allow_list(client, published_work, other):
    client.force_login(other)
    post(
        client,
        published_work,
        text_format="html",
        body='<p onclick="x()">Hi <img src="https://e.org/a.png"><script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><strong>bold</strong></p><h1>Big</h1>',
    )
    html = Comment.objects.get().body_html
    for banned in ("onclick", "<img", "<script", "javascript:", "<h1"):
        assert banned not in html
    assert "<strong>bold</strong>" in html


def test_inbox_lists_new_comments_and_marks_them_read(client, published_work, author, other):
    comment_create(work=published_work, chapter=None, by=other, body="Inbox me")
    client.force_login(author)
    home = client.get("/").content.decode()
    assert 'class="badge unread-count">1' in home
    inbox = client.get("/inbox/").content.decode()
    assert "Inbox me" in inbox
    client.post("/inbox/", {})
    assert not InboxItem.objects.filter(user=author, read=False).exists()
    assert "unread-count" not in client.get("/").content.decode()


def test_email_only_for_creators_who_opted_in(client, published_work, author, other):
    comment_create(work=published_work, chapter=None, by=other, body="No email please")
    assert mail.outbox == []
    author.email_on_comment = True
    author.save()
    comment_create(work=published_work, chapter=None, by=other, body="Email this one")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [author.email] and "Email this one" in mail.outbox[0].body
    # Running the job again sends nothing twice.
    from fanfold.feedback.tasks import comment_email_task

    comment_email_task.call(Comment.objects.get(body="Email this one").pk)
    assert len(mail.outbox) == 1


def test_guest_comment_page_for_a_chapter_of_another_work_is_404(client, author):
    one, two = WorkFactory(by=author), WorkFactory(by=author)
    assert client.get(f"/works/{one.pk}/comment/?chapter={chapter_of(two).pk}").status_code == 404
    assert client.get(f"/works/{one.pk}/comment/?chapter=abc").status_code == 404
    assert client.get(f"/works/{one.pk}/comment/?parent=999").status_code == 404


def test_draft_chapter_comments_hidden(client, published_work, author, other):
    draft = add_chapter(published_work, by=author, publish=False)
    client.force_login(other)
    assert post(client, published_work, chapter=draft.pk, body="Early!").status_code == 404


def test_stale_security_token_keeps_a_guests_comment(published_work):
    from django.test import Client

    guest = Client(enforce_csrf_checks=True)
    chapter = chapter_of(published_work)
    guest.get(f"/works/{published_work.pk}/comment/?chapter={chapter.pk}")
    response = guest.post(
        f"/works/{published_work.pk}/comment/",
        {
            "chapter": chapter.pk,
            "guest_name": "Sam",
            "body": "A long heartfelt review",
            "text_format": "markdown",
            "csrfmiddlewaretoken": "stale-token-from-yesterday",
        },
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302 and "restore=" in response["Location"]
    assert "/login/" not in response["Location"]
    page = guest.get(response["Location"]).content.decode()
    assert "A long heartfelt review" in page and 'value="Sam"' in page
    assert f'name="chapter" value="{chapter.pk}"' in page
    assert not Comment.objects.exists()


def test_guest_pages_with_comments_stay_cacheable(client, published_work, other):
    comment_create(work=published_work, chapter=None, by=other, body="Cached comment")
    url = f"/works/{published_work.pk}/full/"
    first = client.get(url)
    assert "Cached comment" in first.content.decode()
    assert first["X-Fanfold-Cache"] == "miss" and not first.cookies
    assert client.get(url)["X-Fanfold-Cache"] == "hit"


def test_guest_names_and_usernames_are_escaped(client, published_work):
    post(
        client,
        published_work,
        guest_name='<script>alert("x")</script>',
        body="Hello",
    )
    page = client.get(f"/works/{published_work.pk}/full/").content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
