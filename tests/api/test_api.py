import pytest

from fanfold.accounts.services import api_token_create
from fanfold.works.models import Work
from tests.factories import WorkFactory

NEW_WORK = {
    "title": "Posted by API",
    "rating": "general",
    "fandoms": ["Stargate SG-1"],
    "relationships": ["Jack O'Neill/Samantha Carter"],
    "freeforms": ["Team as Family"],
    "summary": "Via *the* API",
    "text_format": "markdown",
    "chapter": {"body": "Hello from **the API**.", "text_format": "markdown"},
}


@pytest.fixture
def token(author):
    return api_token_create(user=author, name="tests")[1]


def auth(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_openapi_documents_every_response(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    assert {
        "/api/v1/works",
        "/api/v1/works/{work_id}",
        "/api/v1/works/{work_id}/chapters",
        "/api/v1/works/{work_id}/chapters/{chapter_id}",
    } <= set(paths)
    for path, ops in paths.items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"401", "422"} <= codes, (method, path)
            if method in ("patch",) or "{work_id}" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "patch"):
                assert {"400", "403"} <= codes, (method, path)


@pytest.mark.django_db
def test_create_read_update_through_the_api(client, token, author):
    response = client.post(
        "/api/v1/works", NEW_WORK, content_type="application/json", **auth(token)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    work = Work.objects.get(pk=body["id"])
    assert body["relationships"] == ["Jack O'Neill/Samantha Carter"]
    assert body["chapters_posted"] == 1 and body["chapters_expected"] is None
    assert "<em>the</em>" in body["summary_html"]
    chapter_id = body["chapters"][0]["id"]
    chapter = client.get(f"/api/v1/works/{work.pk}/chapters/{chapter_id}").json()
    assert "<strong>the API</strong>" in chapter["body_html"]

    response = client.post(
        f"/api/v1/works/{work.pk}/chapters",
        {"body": "Second.", "title": "Two", "publish": False},
        content_type="application/json",
        **auth(token),
    )
    assert response.status_code == 201 and response.json()["draft"] is True
    second = response.json()["id"]
    # Anonymous readers don't see the draft chapter.
    assert len(client.get(f"/api/v1/works/{work.pk}").json()["chapters"]) == 1
    response = client.patch(
        f"/api/v1/works/{work.pk}/chapters/{second}",
        {"publish": True},
        content_type="application/json",
        **auth(token),
    )
    assert response.status_code == 200 and response.json()["draft"] is False

    response = client.patch(
        f"/api/v1/works/{work.pk}",
        {"title": "Renamed", "complete": True},
        content_type="application/json",
        **auth(token),
    )
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Renamed" and data["complete"] and data["chapters_expected"] == 2
    assert data["fandoms"] == ["Stargate SG-1"]  # untouched fields stay


@pytest.mark.django_db
def test_api_errors(client, token, author, other):
    assert (
        client.post("/api/v1/works", NEW_WORK, content_type="application/json").status_code == 401
    )
    assert client.get("/api/v1/works", **auth("ff_bogus")).status_code == 401
    bad = client.post(
        "/api/v1/works",
        {**NEW_WORK, "title": "x" * 300},
        content_type="application/json",
        **auth(token),
    )
    assert bad.status_code == 422 and "title" in bad.json()["detail"]
    bad = client.post("/api/v1/works", {"title": 5}, content_type="application/json", **auth(token))
    assert bad.status_code == 422
    bad = client.post("/api/v1/works", "{not json", content_type="application/json", **auth(token))
    assert bad.status_code == 400
    theirs = WorkFactory(by=other)
    response = client.patch(
        f"/api/v1/works/{theirs.pk}",
        {"title": "Mine now"},
        content_type="application/json",
        **auth(token),
    )
    assert response.status_code == 403
    assert client.get("/api/v1/works/424242").status_code == 404
    assert not Work.objects.filter(title="Mine now").exists()


@pytest.mark.django_db
def test_pagination(client, author):
    for _ in range(25):
        WorkFactory(by=author)
    page = client.get("/api/v1/works?per_page=10&page=3").json()
    assert page["count"] == 25 and page["pages"] == 3 and len(page["items"]) == 5
    assert client.get("/api/v1/works?page=abc").status_code == 422


@pytest.mark.django_db
def test_api_docs_are_served_locally(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_api_refuses_values_databases_cannot_store(client, token):
    for bad in (
        {"title": "nul\x00byte"},
        {"expected_chapters": 10**12},
        {"freeforms": ["x" * 151]},
        {"chapter": {"body": "a\x00b"}},
    ):
        response = client.post(
            "/api/v1/works", {**NEW_WORK, **bad}, content_type="application/json", **auth(token)
        )
        assert response.status_code == 422, (bad, response.content)
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_patch_with_nulls_leaves_fields_alone(client, token, author):
    work = WorkFactory(by=author, expected_chapters=4)
    chapter = work.chapters.get()
    for field in ("title", "summary", "warnings", "fandoms", "restricted", "rating"):
        response = client.patch(
            f"/api/v1/works/{work.pk}",
            {field: None},
            content_type="application/json",
            **auth(token),
        )
        assert response.status_code == 200, (field, response.content)
    response = client.patch(
        f"/api/v1/works/{work.pk}",
        {"expected_chapters": None},
        content_type="application/json",
        **auth(token),
    )
    assert response.json()["chapters_expected"] is None
    for field in ("body", "title", "text_format"):
        response = client.patch(
            f"/api/v1/works/{work.pk}/chapters/{chapter.pk}",
            {field: None},
            content_type="application/json",
            **auth(token),
        )
        assert response.status_code == 200, (field, response.content)
    work.refresh_from_db()
    assert work.title.startswith("Work") and work.tags.filter(type="fandom").exists()
