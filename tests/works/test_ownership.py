"""Only a work's creators change it; anyone else gets 403 or 404, never a 500."""

import pytest

from fanfold.works.models import Chapter, Work
from tests.factories import add_chapter


def _urls(work, chapter):
    w, c = work.pk, chapter.pk
    return [
        ("get", f"/works/{w}/edit/"),
        ("post", f"/works/{w}/edit/"),
        ("get", f"/works/{w}/delete/"),
        ("post", f"/works/{w}/delete/"),
        ("post", f"/works/{w}/publish/"),
        ("post", f"/works/{w}/complete/"),
        ("get", f"/works/{w}/chapters/new/"),
        ("post", f"/works/{w}/chapters/new/"),
        ("get", f"/works/{w}/chapters/manage/"),
        ("post", f"/works/{w}/chapters/manage/"),
        ("get", f"/works/{w}/chapters/{c}/edit/"),
        ("post", f"/works/{w}/chapters/{c}/edit/"),
        ("get", f"/works/{w}/chapters/{c}/delete/"),
        ("post", f"/works/{w}/chapters/{c}/delete/"),
        ("post", f"/works/{w}/chapters/{c}/publish/"),
    ]


@pytest.mark.django_db
def test_other_user_gets_403_on_published_work(client, published_work, other):
    chapter = add_chapter(published_work, by=published_work.creators.get(), publish=True)
    client.force_login(other)
    for method, url in _urls(published_work, chapter):
        response = getattr(client, method)(url, {"title": "Hijacked", "body": "x", "fandoms": "F"})
        assert response.status_code == 403, (method, url)
    published_work.refresh_from_db()
    assert published_work.title != "Hijacked"
    assert Work.objects.filter(pk=published_work.pk).exists()
    assert Chapter.objects.filter(work=published_work).count() == 2


@pytest.mark.django_db
def test_other_user_gets_404_on_draft(client, draft_work, other):
    client.force_login(other)
    for method, url in _urls(draft_work, draft_work.chapters.get()):
        assert getattr(client, method)(url).status_code == 404, (method, url)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, published_work):
    for method, url in _urls(published_work, published_work.chapters.get()):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/login/"), (method, url)
    assert Work.objects.filter(pk=published_work.pk).exists()


@pytest.mark.django_db
def test_creator_can_delete(client, published_work, author):
    client.force_login(author)
    assert client.get(f"/works/{published_work.pk}/delete/").status_code == 200
    response = client.post(f"/works/{published_work.pk}/delete/")
    assert response.status_code == 302
    assert not Work.objects.filter(pk=published_work.pk).exists()


@pytest.mark.django_db
def test_missing_things_are_404_not_500(client, author):
    client.force_login(author)
    for url in (
        "/works/999999/",
        "/works/999999/edit/",
        "/works/1/chapters/999/",
        "/tags/nonsense/Foo/",
        "/users/nobody/",
        "/works/abc/",
    ):
        assert client.get(url).status_code == 404, url
