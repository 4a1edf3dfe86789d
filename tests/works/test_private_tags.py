"""A tag that only drafts or private bookmarks carry answers exactly like an unknown tag."""

import pytest

from fanfold.bookmarks.services import BookmarkInput, bookmark_save
from fanfold.core.pagecache import content_changed
from fanfold.works.models import Status, Work
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


def _answer(client, name):
    """Status, headers that could tell, and the page with the tag's own name taken out."""
    response = client.get(f"/tags/freeform/{name}/")
    page = response.content.decode().replace(name.replace(" ", "%20"), "NAME")
    return response.status_code, response.get("Content-Type"), response.get("Cache-Control"), page


def test_a_tag_only_on_a_draft_is_like_an_unknown_tag(client, author, other):
    WorkFactory(by=author, publish=False, freeforms=["Secret Draft Trope"])
    unknown = _answer(client, "No Such Tag Anywhere")
    assert unknown[0] == 404
    assert _answer(client, "Secret Draft Trope") == unknown
    client.force_login(other)
    assert client.get("/tags/freeform/Secret Draft Trope/").status_code == 404
    client.force_login(author)  # the creator sees their own draft under it
    assert client.get("/tags/freeform/Secret Draft Trope/").status_code == 200


def test_a_tag_only_on_a_private_bookmark_is_like_an_unknown_tag(client, author, other):
    work = WorkFactory(by=author, publish=True)
    bookmark_save(
        user=other, work=work, data=BookmarkInput(tags=["My Private Shelf"], private=True)
    )
    assert client.get("/tags/freeform/My Private Shelf/").status_code == 404
    client.force_login(author)
    assert client.get("/tags/freeform/My Private Shelf/").status_code == 404
    client.force_login(other)  # the bookmarker's own private bookmark shows it to them
    assert client.get("/tags/freeform/My Private Shelf/").status_code == 200


def test_a_tag_on_a_public_bookmark_or_a_posted_work_has_a_page(
    client, author, other, commit_hooks
):
    work = WorkFactory(by=author, publish=True, freeforms=["Public Trope"])
    bookmark_save(user=other, work=work, data=BookmarkInput(tags=["Shared Shelf"]))
    assert client.get("/tags/freeform/Public Trope/").status_code == 200
    assert client.get("/tags/freeform/Shared Shelf/").status_code == 200
    # Once the work is a draft again, neither tag can be seen by others.
    Work.objects.filter(pk=work.pk).update(status=Status.DRAFT)
    commit_hooks(content_changed)
    assert client.get("/tags/freeform/Public Trope/").status_code == 404
    assert client.get("/tags/freeform/Shared Shelf/").status_code == 404
