"""Comments and kudos through /api/v1, with the same rules as the pages."""

import pytest

from fanfold.accounts.services import api_token_create, user_block_set
from fanfold.feedback.models import Comment, Kudos
from fanfold.feedback.services import comment_create

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_openapi_lists_feedback_endpoints_with_their_codes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    post_comment = paths["/api/v1/works/{work_id}/comments"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "422", "429"} <= set(post_comment)
    assert {"200", "404"} <= set(paths["/api/v1/works/{work_id}/comments"]["get"]["responses"])
    assert {"201", "422", "429"} <= set(paths["/api/v1/works/{work_id}/kudos"]["post"]["responses"])
    assert {"200", "403", "404"} <= set(
        paths["/api/v1/comments/{comment_id}"]["patch"]["responses"]
    )
    assert "204" in paths["/api/v1/comments/{comment_id}"]["delete"]["responses"]


def test_comment_reply_edit_delete(client, published_work, other, author):
    chapter = published_work.chapters.get()
    h = bearer(other)
    r = client.post(
        f"/api/v1/works/{published_work.pk}/comments",
        {"body": "Via *API*", "chapter_id": chapter.pk},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    top = r.json()
    assert top["body_html"] == "<p>Via <em>API</em></p>" and top["chapter_id"] == chapter.pk
    r = client.post(
        f"/api/v1/works/{published_work.pk}/comments",
        {"body": "Thanks!", "parent_id": top["id"]},
        content_type="application/json",
        **bearer(author),
    )
    assert r.status_code == 201 and r.json()["by_creator"] and r.json()["depth"] == 1
    listed = client.get(f"/api/v1/works/{published_work.pk}/comments?chapter_id={chapter.pk}")
    assert [c["body_html"] for c in listed.json()] == ["<p>Via <em>API</em></p>", "<p>Thanks!</p>"]
    # Someone else's comment can't be edited.
    r = client.patch(
        f"/api/v1/comments/{top['id']}",
        {"body": "hijack"},
        content_type="application/json",
        **bearer(author),
    )
    assert r.status_code == 403
    r = client.patch(
        f"/api/v1/comments/{top['id']}", {"body": "Edited"}, content_type="application/json", **h
    )
    assert r.status_code == 200 and r.json()["edited_at"]
    assert client.delete(f"/api/v1/comments/{top['id']}", **h).status_code == 204
    assert Comment.objects.get(pk=top["id"]).deleted


def test_bad_comments_are_clear_errors(client, published_work, draft_work, other):
    h = bearer(other)
    url = f"/api/v1/works/{published_work.pk}/comments"
    too_long = client.post(url, {"body": "x" * 10_001}, content_type="application/json", **h)
    assert too_long.status_code == 422 and "10,000" in too_long.content.decode()
    empty = client.post(url, {"body": "   "}, content_type="application/json", **h)
    assert empty.status_code == 422
    hidden = client.post(
        f"/api/v1/works/{draft_work.pk}/comments",
        {"body": "hi"},
        content_type="application/json",
        **h,
    )
    assert hidden.status_code == 404
    anon = client.post(url, {"body": "hi"}, content_type="application/json")
    assert anon.status_code == 401
    gone = comment_create(work=published_work, chapter=None, by=other, body="soon gone")
    comment_create(work=published_work, chapter=None, by=other, body="reply", parent=gone)
    client.delete(f"/api/v1/comments/{gone.pk}", **h)
    reply = client.post(
        url, {"body": "late", "parent_id": gone.pk}, content_type="application/json", **h
    )
    assert reply.status_code == 422 and "deleted" in reply.content.decode()
    assert not Comment.objects.filter(body="late").exists()


def test_kudos_once_and_blocked(client, published_work, author, other):
    h = bearer(other)
    url = f"/api/v1/works/{published_work.pk}/kudos"
    r = client.post(url, **h)
    assert r.status_code == 201 and r.json()["users"] == [other.username]
    again = client.post(url, **h)
    assert again.status_code == 422 and "already" in again.content.decode()
    assert client.get(url).json() == {
        "users": [other.username],
        "more_users": 0,
        "guests": 0,
        "total": 1,
    }
    assert client.post(url, **bearer(author)).status_code == 422
    blocked = api_token_create(user=other, name="b")[1]
    user_block_set(user=author, target=other, blocked=True)
    Kudos.objects.all().delete()
    r = client.post(url, HTTP_AUTHORIZATION=f"Bearer {blocked}")
    assert r.status_code == 403


def test_api_rate_limit_is_429_with_retry_after(client, published_work, other, settings):
    settings.FANFOLD_COMMENT_RATE = (1, 300)
    h = bearer(other)
    url = f"/api/v1/works/{published_work.pk}/comments"
    assert (
        client.post(url, {"body": "one"}, content_type="application/json", **h).status_code == 201
    )
    r = client.post(url, {"body": "two"}, content_type="application/json", **h)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
