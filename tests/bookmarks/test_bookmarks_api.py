"""Bookmarks through /api/v1: the same services, visibility and limits as the pages."""

import pytest
from django.test import Client

from fanfold.accounts.services import api_token_create
from fanfold.bookmarks.models import Bookmark
from fanfold.bookmarks.services import (
    NOTE_MAX,
    RATE_LIMIT,
    BookmarkInput,
    bookmark_rate_check,
    bookmark_save,
)
from fanfold.works.models import Status, Work
from fanfold.works.services import work_refresh
from tests.factories import UserFactory, WorkFactory

JSON = "application/json"


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", display_name="Rae")


def token_client(user) -> Client:
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_create_update_delete_a_bookmark(reader, published_work):
    api = token_client(reader)
    url = f"/api/v1/works/{published_work.pk}/bookmark"
    payload = {"note": "So **good**", "tags": ["Slow Burn", "slow burn", "Reread"], "rec": True}
    response = api.post(url, payload, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["work_id"] == published_work.pk and body["user"]["username"] == "reader"
    assert body["note"] == "So **good**" and "<strong>good</strong>" in body["note_html"]
    assert body["tags"] == ["Reread", "Slow Burn"] and body["rec"] and not body["private"]
    published_work.refresh_from_db()
    assert published_work.bookmark_count == 1

    # Posting again replaces the same bookmark.
    again = api.post(url, {"note": "Even better", "private": True}, content_type=JSON)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["tags"] == [] and again.json()["private"] is True
    published_work.refresh_from_db()
    assert published_work.bookmark_count == 0 and Bookmark.objects.count() == 1

    patched = api.patch(
        f"/api/v1/bookmarks/{body['id']}",
        {"private": False, "tags": ["Kept"], "note": None},
        content_type=JSON,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["note"] == "Even better" and patched.json()["tags"] == ["Kept"]
    assert patched.json()["private"] is False
    published_work.refresh_from_db()
    assert published_work.bookmark_count == 1

    mine = api.get("/api/v1/bookmarks").json()
    assert mine["count"] == 1 and mine["items"][0]["id"] == body["id"]

    assert api.delete(f"/api/v1/bookmarks/{body['id']}").status_code == 204
    assert not Bookmark.objects.exists()
    published_work.refresh_from_db()
    assert published_work.bookmark_count == 0
    assert api.delete(f"/api/v1/bookmarks/{body['id']}").status_code == 404


@pytest.mark.django_db
def test_private_bookmarks_are_not_in_the_api_for_others(reader, other, published_work):
    secret, _ = bookmark_save(
        user=reader, work=published_work, data=BookmarkInput(note="secret", private=True)
    )
    open_work = WorkFactory(by=other)
    public, _ = bookmark_save(user=reader, work=open_work, data=BookmarkInput(note="open"))

    for c in (Client(), token_client(other)):
        assert c.get(f"/api/v1/bookmarks/{secret.pk}").status_code == 404
        listed = c.get("/api/v1/users/reader/bookmarks").json()
        assert [b["id"] for b in listed["items"]] == [public.pk]
        assert listed["items"][0]["note"] is None  # the raw note is only for its owner
        assert c.get(f"/api/v1/works/{published_work.pk}/bookmarks").json()["count"] == 0
        assert c.get(f"/api/v1/bookmarks/{public.pk}").json()["note_html"] == "<p>open</p>"

    other_api = token_client(other)
    # Someone else's public bookmark: seen but not changed; a private one: not found.
    assert (
        other_api.patch(
            f"/api/v1/bookmarks/{public.pk}", {"note": "x"}, content_type=JSON
        ).status_code
        == 403
    )
    assert other_api.delete(f"/api/v1/bookmarks/{public.pk}").status_code == 403
    assert (
        other_api.patch(
            f"/api/v1/bookmarks/{secret.pk}", {"note": "x"}, content_type=JSON
        ).status_code
        == 404
    )
    public.refresh_from_db()
    assert public.note == "open"

    owner = token_client(reader)
    assert owner.get(f"/api/v1/bookmarks/{secret.pk}").json()["note"] == "secret"
    assert owner.get("/api/v1/users/reader/bookmarks").json()["count"] == 2
    assert owner.get("/api/v1/bookmarks?rec=true").json()["count"] == 0


@pytest.mark.django_db
def test_bookmarks_of_hidden_works_are_not_in_the_api(author, reader, published_work):
    bookmark, _ = bookmark_save(user=reader, work=published_work, data=BookmarkInput())
    Work.objects.filter(pk=published_work.pk).update(status=Status.DRAFT)
    work_refresh(work=Work.objects.get(pk=published_work.pk))
    for c in (Client(), token_client(reader)):
        assert c.get(f"/api/v1/bookmarks/{bookmark.pk}").status_code == 404
        assert c.get("/api/v1/users/reader/bookmarks").json()["count"] == 0
        assert c.get(f"/api/v1/works/{published_work.pk}/bookmarks").status_code == 404
    assert token_client(reader).get("/api/v1/bookmarks").json()["count"] == 0


@pytest.mark.django_db
def test_bad_requests(client, reader, draft_work, published_work):
    api = token_client(reader)
    assert client.get("/api/v1/bookmarks").status_code == 401
    assert (
        client.post(
            f"/api/v1/works/{published_work.pk}/bookmark", {}, content_type=JSON
        ).status_code
        == 401
    )
    assert (
        api.post(f"/api/v1/works/{draft_work.pk}/bookmark", {}, content_type=JSON).status_code
        == 404
    )
    too_long = api.post(
        f"/api/v1/works/{published_work.pk}/bookmark",
        {"note": "x" * (NOTE_MAX + 1)},
        content_type=JSON,
    )
    assert too_long.status_code == 422 and "note" in too_long.json()["detail"]
    bad_type = api.post(
        f"/api/v1/works/{published_work.pk}/bookmark", {"private": "perhaps"}, content_type=JSON
    )
    assert bad_type.status_code == 422
    assert api.get("/api/v1/users/nobody/bookmarks").status_code == 404
    assert api.get("/api/v1/bookmarks?page=999&per_page=0").json()["page"] == 1
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_rate_limited_writes_get_429(reader, published_work):
    api = token_client(reader)
    for _ in range(RATE_LIMIT):
        bookmark_rate_check(user=reader)
    response = api.post(
        f"/api/v1/works/{published_work.pk}/bookmark", {"note": "hi"}, content_type=JSON
    )
    assert response.status_code == 429 and "detail" in response.json()
    assert int(response["Retry-After"]) > 0
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_openapi_lists_the_bookmark_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        ("/api/v1/bookmarks", "get"): {"200", "401", "404", "422"},
        ("/api/v1/users/{username}/bookmarks", "get"): {"200", "401", "404", "422"},
        ("/api/v1/works/{work_id}/bookmarks", "get"): {"200", "401", "404", "422"},
        ("/api/v1/works/{work_id}/bookmark", "post"): {
            "200", "201", "400", "401", "403", "404", "422", "429"
        },
        ("/api/v1/bookmarks/{bookmark_id}", "get"): {"200", "401", "404", "422"},
        ("/api/v1/bookmarks/{bookmark_id}", "patch"): {
            "200", "400", "401", "403", "404", "422", "429"
        },
        ("/api/v1/bookmarks/{bookmark_id}", "delete"): {"204", "400", "401", "403", "404", "422"},
    }  # fmt: skip
    for (path, method), codes in expected.items():
        op = paths[path][method]
        assert set(op["responses"]) == codes, (path, method)
        assert op["tags"] == ["bookmarks"] and op["description"], (path, method)
