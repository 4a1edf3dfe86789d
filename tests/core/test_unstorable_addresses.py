"""Paths and query strings with text no database can look up: 404 or 400, on every database."""

import pytest

from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/users/%00/",
        "/users/%00/bookmarks/",
        "/tags/%00/x/",
        "/tags/fandom/a%00b/",
        "/api/v1/users/%00/bookmarks",
        "/users/%EF%BF%BE/",
    ],
)
def test_a_path_with_a_nul_or_non_character_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["?tag=%00", "?page=%EF%B7%90", "?%00=1"])
def test_a_query_with_a_nul_is_a_clear_bad_request(client, author, query):
    WorkFactory(by=author)
    response = client.get(f"/users/{author.username}/bookmarks/{query}")
    assert response.status_code == 400
    assert "can&#x27;t be stored" in response.content.decode()
    api = client.get(f"/api/v1/works{query}")
    assert api.status_code == 400 and "can't be stored" in api.json()["detail"]


@pytest.mark.parametrize(
    "nxt", ["abc", "x%ED%A0%80y", "home", "%2F%2Fevil.example%2F", "https%3A%2F%2Fx.y%2F"]
)
def test_a_next_that_is_not_a_local_path_goes_home(client, author, other, nxt):
    work = WorkFactory(by=author)
    client.force_login(other)
    response = client.post(
        f"/works/{work.pk}/kudos/",
        f"next={nxt}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302 and response["Location"].startswith("/")
    assert not response["Location"].startswith("//")


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "ff_theme"])
def test_a_cookie_with_a_nul_is_dropped_not_a_500(client, author, cookie):
    client.cookies[cookie] = "abcdefghij\x00klm"
    assert client.get("/").status_code == 200
    assert client.get(f"/users/{author.username}/").status_code == 200
