"""The OpenAPI document tells the truth about tokens, and HEAD works wherever GET does."""

import pytest

from fanfold.accounts.services import api_token_create
from fanfold.bookmarks.services import BookmarkInput, bookmark_save
from tests.factories import UserFactory, WorkFactory

READS_WITHOUT_TOKEN = [{}, {"TokenAuth": []}]
TOKEN_ONLY = [{"TokenAuth": []}]


@pytest.mark.django_db
def test_reads_document_the_token_as_optional_and_writes_as_required(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    seen = set()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            guest = client.generic(method.upper(), path.replace("{", "").replace("}", ""))
            if op["security"] == READS_WITHOUT_TOKEN:
                assert method == "get", (method, path)
                assert guest.status_code != 401, (method, path)
            else:
                assert op["security"] == TOKEN_ONLY, (method, path)
                assert guest.status_code in (401, 404, 422), (method, path)
            seen.add((method, op["security"] == READS_WITHOUT_TOKEN))
    assert seen == {
        ("get", True),
        ("get", False),
        ("post", False),
        ("patch", False),
        ("delete", False),
    }


@pytest.fixture
def filled(db):
    author = UserFactory(username="headauthor")
    work = WorkFactory(by=author, publish=True)
    bookmark, _ = bookmark_save(user=author, work=work, data=BookmarkInput(note="Good"))
    raw = api_token_create(user=author, name="head")[1]
    values = {
        "work_id": work.pk,
        "chapter_id": work.chapters.get().pk,
        "bookmark_id": bookmark.pk,
        "username": author.username,
    }
    return values, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_head_answers_like_get_on_every_get_operation(client, filled):
    values, auth = filled
    doc = client.get("/api/v1/openapi.json").json()
    paths = [p for p, ops in doc["paths"].items() if "get" in ops]
    assert len(paths) >= 8
    for template in [*paths, "/api/v1/openapi.json"]:
        path = template.format(**values)
        for headers in ({}, auth):
            got = client.get(path, **headers)
            head = client.head(path, **headers)
            assert head.status_code == got.status_code, (path, headers, head.content)
            assert head.content == b"", path
            assert head["Content-Type"] == got["Content-Type"], path
            assert int(head["Content-Length"]) == len(got.content), path
        assert client.get(path, **auth).status_code == 200, path
