"""Privacy and consistency rules found in review: draft chapters, waiting replies, edits,
counters kept by their own services, odd ids."""

import pytest

from fanfold.accounts.services import user_block_set, user_mute_set
from fanfold.feedback.models import Comment, InboxItem, Kudos
from fanfold.feedback.services import comment_approve, comment_create, kudos_leave
from fanfold.works import services as work_services
from fanfold.works.models import Work
from tests.factories import UserFactory, WorkFactory, add_chapter

pytestmark = pytest.mark.django_db(transaction=True)


def test_comments_on_a_draft_chapter_stay_with_the_draft(client, published_work, author, other):
    draft = add_chapter(published_work, by=author, publish=False, title="Secret Chapter")
    note = comment_create(work=published_work, chapter=draft, by=author, body="Note to self")
    assert Work.objects.get(pk=published_work.pk).comment_count == 0
    assert client.get(f"/comments/{note.pk}/").status_code == 404
    assert client.get(f"/report/?comment={note.pk}").status_code == 404
    client.force_login(other)
    reply = client.post(
        f"/works/{published_work.pk}/comment/",
        {"parent": note.pk, "body": "Peeking", "text_format": "markdown"},
    )
    assert reply.status_code == 404 and Comment.objects.count() == 1
    client.force_login(author)
    client.post(f"/works/{published_work.pk}/chapters/{draft.pk}/publish/")
    assert Work.objects.get(pk=published_work.pk).comment_count == 1
    client.logout()
    assert client.get(f"/comments/{note.pk}/").status_code == 200


def test_deleting_a_chapter_takes_its_comments_out_of_the_count(published_work, author, other):
    second = add_chapter(published_work, by=author)
    comment_create(work=published_work, chapter=second, by=other, body="On two")
    comment_create(work=published_work, chapter=None, by=other, body="On the work")
    assert Work.objects.get(pk=published_work.pk).comment_count == 2
    work_services.chapter_delete(chapter=second, by=author)
    assert Work.objects.get(pk=published_work.pk).comment_count == 1


def test_a_waiting_reply_reaches_only_the_creator_until_approved(author, other):
    work = WorkFactory(by=author, moderate_comments=True)
    third = UserFactory()
    top = comment_create(work=work, chapter=None, by=third, body="Top")
    comment_approve(comment=top, by=author)
    reply = comment_create(work=work, chapter=None, by=other, body="WAITING", parent=top)
    assert InboxItem.objects.filter(comment=reply, user=author).exists()
    assert not InboxItem.objects.filter(comment=reply, user=third).exists()
    comment_approve(comment=reply, by=author)
    assert InboxItem.objects.filter(comment=reply, user=third).exists()


def test_nobody_hears_of_comments_by_someone_they_muted(author, other, published_work):
    user_mute_set(user=author, target=other, muted=True)
    comment = comment_create(work=published_work, chapter=None, by=other, body="Muted voice")
    assert not InboxItem.objects.filter(comment=comment).exists()


def test_editing_rechecks_moderation_and_blocks(client, author, other):
    work = WorkFactory(by=author, moderate_comments=True)
    comment = comment_create(work=work, chapter=None, by=other, body="Harmless")
    comment_approve(comment=comment, by=author)
    client.force_login(other)
    client.post(f"/comments/{comment.pk}/edit/", {"body": "Changed", "text_format": "markdown"})
    comment.refresh_from_db()
    assert comment.body == "Changed" and comment.status == "pending"
    assert Work.objects.get(pk=work.pk).comment_count == 0
    user_block_set(user=author, target=other, blocked=True)
    response = client.post(
        f"/comments/{comment.pk}/edit/", {"body": "ABUSE", "text_format": "markdown"}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Changed"


def test_editing_a_work_keeps_kudos_that_landed_meanwhile(author, other):
    work = WorkFactory(by=author)
    stale = Work.objects.get(pk=work.pk)  # an edit request loaded the work...
    kudos_leave(work=work, by=other)  # ...kudos arrived...
    work_services.work_set_complete(work=stale, by=author, complete=True)  # ...then it saved
    assert Work.objects.get(pk=work.pk).kudos_count == 1 == Kudos.objects.count()


@pytest.mark.parametrize(
    "url",
    [
        "/works/{w}/comment/?parent=%C2%B2",
        "/works/{w}/comment/?chapter=%C2%B2",
        "/works/{w}/comment/?parent=99999999999999999999999999",
        "/report/?comment=%C2%B2",
        "/report/?work=%C2%B2",
        "/report/?work=99999999999999999999999999",
    ],
)
def test_odd_ids_in_query_strings_are_404(client, published_work, url):
    assert client.get(url.format(w=published_work.pk)).status_code == 404


def test_odd_inbox_ids_are_ignored(client, author):
    client.force_login(author)
    response = client.post("/inbox/", {"item": ["²", "9" * 30], "selected": "1"})
    assert response.status_code == 302


def test_the_footer_display_form_keeps_email_preference(client, author):
    author.email_on_comment = True
    author.save()
    client.force_login(author)
    page = client.get("/").content.decode()
    assert 'name="email_on_comment" value="on"' in page
    client.post("/preferences/", {"theme": "dark", "text_size": "large", "email_on_comment": "on"})
    author.refresh_from_db()
    assert author.email_on_comment and author.theme == "dark"


def test_null_characters_in_comments_are_refused(client, published_work, other):
    from fanfold.accounts.services import api_token_create

    raw = api_token_create(user=other, name="t")[1]
    response = client.post(
        f"/api/v1/works/{published_work.pk}/comments",
        {"body": "a\x00b"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422 and not Comment.objects.exists()
