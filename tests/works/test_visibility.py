"""Each visibility state for an anonymous reader, another user and the creator, everywhere."""

import pytest

from fanfold.accounts.services import api_token_create
from fanfold.works.models import Work
from tests.factories import WorkFactory, add_chapter

STATES = {
    "published": dict(publish=True),
    "draft": dict(publish=False),
    "restricted": dict(publish=True, restricted=True),
    "hidden": dict(publish=True),  # then hidden by staff
}
# Who sees what: (state, viewer) -> visible
EXPECTED = {
    ("published", "anonymous"): True,
    ("published", "other"): True,
    ("published", "creator"): True,
    ("draft", "anonymous"): False,
    ("draft", "other"): False,
    ("draft", "creator"): True,
    ("restricted", "anonymous"): False,
    ("restricted", "other"): True,
    ("restricted", "creator"): True,
    ("hidden", "anonymous"): False,
    ("hidden", "other"): False,
    ("hidden", "creator"): True,
}


def _client_for(viewer, client, author, other):
    """A client logged in as the viewer; API calls carry the viewer's personal token."""
    user = {"creator": author, "other": other}.get(viewer)
    if user is not None:
        client.force_login(user)
        _, raw = api_token_create(user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.mark.parametrize("state,viewer", list(EXPECTED))
@pytest.mark.django_db
def test_work_pages(state, viewer, client, author, other):
    work = WorkFactory(
        by=author, title="Secret Garden Story", fandoms=["Vis Fandom"], **STATES[state]
    )
    if state == "hidden":
        Work.objects.filter(pk=work.pk).update(hidden=True)
    chapter = work.chapters.get()
    visible = EXPECTED[(state, viewer)]
    c = _client_for(viewer, client, author, other)

    for url in (
        f"/works/{work.pk}/",
        f"/works/{work.pk}/chapters/{chapter.pk}/",
        f"/works/{work.pk}/full/",
        f"/works/{work.pk}/navigate/",
    ):
        response = c.get(url)
        assert response.status_code == (200 if visible else 404), url

    for url in ("/", "/tags/fandom/Vis%20Fandom/", f"/users/{author.username}/"):
        body = c.get(url).content.decode()
        assert ("Secret Garden Story" in body) is visible, url

    # Counts go through the same rule; a tag only hidden works carry is unknown to this reader.
    tag_page = c.get("/tags/fandom/Vis%20Fandom/")
    if visible:
        assert "1 work" in tag_page.content.decode()
    else:
        assert tag_page.status_code == 404

    api = c.get("/api/v1/works").json()
    assert (work.pk in [w["id"] for w in api["items"]]) is visible
    assert api["count"] == (1 if visible else 0)
    assert c.get(f"/api/v1/works/{work.pk}").status_code == (200 if visible else 404)
    assert c.get(f"/api/v1/works/{work.pk}/chapters/{chapter.pk}").status_code == (
        200 if visible else 404
    )


@pytest.mark.parametrize("viewer", ["anonymous", "other", "creator"])
@pytest.mark.django_db
def test_draft_chapter_of_published_work(viewer, client, author, other):
    work = WorkFactory(by=author, publish=True)
    draft = add_chapter(
        work,
        by=author,
        publish=False,
        title="Hidden Chapter Title",
        body="<p>hidden words here</p>",
    )
    c = _client_for(viewer, client, author, other)
    creator = viewer == "creator"
    assert c.get(draft.get_absolute_url()).status_code == (200 if creator else 404)
    for url in (f"/works/{work.pk}/full/", f"/works/{work.pk}/navigate/"):
        body = c.get(url).content.decode()
        assert ("Hidden Chapter Title" in body) is creator, url
    first_page = c.get(f"/works/{work.pk}/").content.decode()
    assert ("Next chapter" in first_page) is creator
    full = c.get(f"/works/{work.pk}/full/").content.decode()
    assert ("hidden words here" in full) is creator
    detail = c.get(f"/api/v1/works/{work.pk}").json()
    assert (draft.pk in [ch["id"] for ch in detail["chapters"]]) is creator
    assert c.get(f"/api/v1/works/{work.pk}/chapters/{draft.pk}").status_code == (
        200 if creator else 404
    )
    # The work's counts only include posted chapters, for everyone.
    assert detail["chapters_posted"] == 1


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.django_db
def test_the_rule_on_a_row_answers_as_the_rule_in_queries(state, author, other):
    """``work_visible`` (for a row at hand, as the reading pages use it) and
    ``work_visibility_q`` give the same answer in every state, for every kind of reader,
    a reader who muted the creator included."""
    from django.contrib.auth.models import AnonymousUser

    from fanfold.accounts.services import user_mute_set
    from fanfold.works.models import work_visibility_q, work_visible
    from tests.factories import UserFactory

    work = WorkFactory(by=author, **STATES[state])
    if state == "hidden":
        Work.objects.filter(pk=work.pk).update(hidden=True)
    muter = UserFactory(username="muter")
    user_mute_set(user=muter, target=author, muted=True)
    row = Work.objects.get(pk=work.pk)
    for viewer in (None, AnonymousUser(), other, author, muter):
        in_queries = Work.objects.filter(work_visibility_q(viewer), pk=work.pk).exists()
        on_row = work_visible(
            viewer,
            status=row.status,
            hidden=row.hidden,
            restricted=row.restricted,
            creator_ids=row.creator_ids,
        )
        assert on_row == in_queries, (state, viewer)
    # The matrix above, and the muter never sees it.
    assert not Work.objects.filter(work_visibility_q(muter), pk=work.pk).exists()
