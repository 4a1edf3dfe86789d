import pytest

from fanfold.works.models import EditorDraft, Status, Work
from tests.factories import WorkFactory

FORM = {
    "title": "Once More, With Tags",
    "rating": "teen",
    "warnings": ["No Archive Warnings Apply"],
    "categories": ["F/M", "Gen"],
    "fandoms": "Buffy the Vampire Slayer, Angel",
    "relationships": "Spike/Buffy Summers",
    "characters": "Buffy Summers, Spike",
    "freeforms": "Angst, Hurt/Comfort",
    "language": "en",
    "text_format": "plain",
    "summary": "A summary.",
    "notes": "Some notes.",
    "end_notes": "Thanks for reading!",
    "chapter_title": "Beginnings",
    "body": "First paragraph.\n\nSecond paragraph.",
}


@pytest.mark.django_db
def test_post_a_work_through_the_form(client, author):
    client.force_login(author)
    response = client.post("/works/new/", {**FORM, "post": "Post"})
    work = Work.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/works/{work.pk}/"
    assert work.status == Status.PUBLISHED
    page = client.get(response["Location"]).content.decode()
    for text in (
        "Once More, With Tags",
        "Teen And Up Audiences",
        "No Archive Warnings Apply",
        "Spike/Buffy Summers",
        "Hurt/Comfort",
        "Angel",
        "<p>Second paragraph.</p>",
        "Thanks for reading!",
        "Beginnings",
        "English",
    ):
        assert text in page, text
    assert "1/?" in client.get("/").content.decode()
    assert not EditorDraft.objects.exists()


@pytest.mark.django_db
def test_save_as_draft_then_publish(client, author):
    client.force_login(author)
    client.post("/works/new/", {**FORM, "save_draft": "1"})
    work = Work.objects.get()
    assert work.status == Status.DRAFT
    assert work.title in client.get("/works/drafts/").content.decode()
    client.post(f"/works/{work.pk}/publish/")
    work.refresh_from_db()
    assert work.status == Status.PUBLISHED


@pytest.mark.django_db
def test_over_the_limit_keeps_the_typed_text(client, author):
    client.force_login(author)
    long_title = "T" * 300
    response = client.post("/works/new/", {**FORM, "title": long_title, "body": "Precious words."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 255 characters" in page
    assert long_title in page and "Precious words." in page
    assert not Work.objects.exists()
    many = ", ".join(f"tag{i}" for i in range(80))
    page = client.post("/works/new/", {**FORM, "freeforms": many}).content.decode()
    assert "At most 75 additional tags" in page and "tag79" in page


@pytest.mark.django_db
def test_garbage_input_never_500(client, author):
    client.force_login(author)
    for bad in (
        {"rating": "nope"},
        {"language": "xx"},
        {"expected_chapters": "abc"},
        {"warnings": ["Made Up"]},
        {"text_format": "rtf"},
        {"body": "<div><<<p>"},
    ):
        response = client.post("/works/new/", {**FORM, **bad})
        assert response.status_code in (200, 302), bad


@pytest.mark.django_db
def test_edit_work_and_chapters(client, author):
    work = WorkFactory(by=author)
    client.force_login(author)
    page = client.get(f"/works/{work.pk}/edit/").content.decode()
    assert work.title in page
    data = {**FORM, "title": "Renamed", "complete": "on"}
    assert client.post(f"/works/{work.pk}/edit/", data).status_code == 302
    work.refresh_from_db()
    assert work.title == "Renamed" and work.complete
    # Add a chapter, then reorder through the manage form (works without JavaScript).
    response = client.post(
        f"/works/{work.pk}/chapters/new/",
        {"title": "Second", "body": "Two.", "text_format": "plain", "post": "1"},
    )
    assert response.status_code == 302
    first, second = work.chapters.all()
    client.post(
        f"/works/{work.pk}/chapters/manage/",
        {f"position-{first.pk}": "2", f"position-{second.pk}": "1"},
    )
    assert list(work.chapters.values_list("pk", flat=True)) == [second.pk, first.pk]
    response = client.post(
        f"/works/{work.pk}/chapters/manage/",
        {f"position-{first.pk}": "x", f"position-{second.pk}": "1"},
    )
    assert response.status_code == 200 and "is not a position number" in response.content.decode()
    client.post(
        f"/works/{work.pk}/chapters/{first.pk}/edit/",
        {"title": "Edited", "body": "New text.", "text_format": "plain"},
    )
    first.refresh_from_db()
    assert first.title == "Edited" and first.body_html == "<p>New text.</p>"


@pytest.mark.django_db
def test_autosave_keeps_and_restores(client, author):
    client.force_login(author)
    response = client.post(
        "/works/autosave/",
        {"autosave_key": "work-new", "title": "Half typed", "body": "Some words so far"},
    )
    assert response.status_code == 200 and ":" in response.json()["saved_at"]
    page = client.get("/works/new/").content.decode()
    assert "Half typed" in page and "Some words so far" in page and "Restored" in page
    client.post("/works/new/", {**FORM, "post": "1"})
    assert not EditorDraft.objects.exists()
    assert "Half typed" not in client.get("/works/new/").content.decode()


@pytest.mark.django_db
def test_autosave_requires_login(client):
    response = client.post("/works/autosave/", {"autosave_key": "work-new", "title": "x"})
    assert response.status_code == 401


@pytest.mark.django_db
def test_post_after_session_expired_is_restored_after_login(client, author):
    from tests.factories import PASSWORD

    response = client.post("/works/new/", {**FORM, "title": "Written while logged out"})
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert not Work.objects.exists()
    login = client.post(response["Location"], {"username": "author", "password": PASSWORD})
    assert login.status_code == 302
    page = client.get(login["Location"]).content.decode()
    assert "Written while logged out" in page and "Second paragraph." in page
    # The kept copy is used once.
    assert "Written while logged out" not in client.get(login["Location"]).content.decode()


@pytest.mark.django_db
def test_stale_csrf_token_keeps_the_form(author):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    response = client.post(
        "/works/new/",
        {**FORM, "title": "Kept despite CSRF", "csrfmiddlewaretoken": "stale"},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302 and "restore=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Kept despite CSRF" in page
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_autosave_with_csrf_checks_and_multipart(author):
    """The editor posts multipart form data with its CSRF token, as a browser does."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    page = client.get("/works/new/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/works/autosave/",
        {"autosave_key": "work-new", "title": "Kept", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200, response.content
    assert EditorDraft.objects.get().data["title"] == ["Kept"]
    too_big = client.post(
        "/works/autosave/",
        {"autosave_key": "work-new", "body": "x" * 4_100_000, "csrfmiddlewaretoken": token},
    )
    assert too_big.status_code == 413


@pytest.mark.django_db
def test_longest_chapter_in_cjk_is_accepted_through_the_form(client, author):
    client.force_login(author)
    body = "字" * 500_000
    response = client.post("/works/new/", {**FORM, "body": body, "text_format": "plain"})
    assert response.status_code == 302
    assert Work.objects.get().word_count == 500_000


@pytest.mark.django_db
def test_forged_cross_site_post_is_not_kept(author):
    from django.test import Client

    from fanfold.core.models import PendingSubmission

    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    forged = client.post(
        "/works/new/", {**FORM, "title": "PWNED"}, HTTP_ORIGIN="https://evil.example"
    )
    assert forged.status_code == 403
    no_origin = client.post("/works/new/", {**FORM, "title": "PWNED"})
    assert no_origin.status_code == 403
    script = client.post(
        "/works/autosave/",
        {"autosave_key": "work-new", "title": "x"},
        HTTP_X_CSRFTOKEN="stale",
        HTTP_ORIGIN="http://testserver",
    )
    assert script.status_code == 403 and "Reload" in script.json()["error"]
    assert not PendingSubmission.objects.exists()
