"""The entire-work page and the API list every comment on a work, grouped by chapter."""

import pytest

from fanfold.accounts.services import api_token_create, user_mute_set
from fanfold.feedback.services import comment_create
from tests.factories import UserFactory, WorkFactory, add_chapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussed(author, other):
    work = WorkFactory(by=author, title="Three Voices")
    one = work.chapters.get()
    two = add_chapter(work, by=author, title="Second")
    draft = add_chapter(work, by=author, title="Not Yet", publish=False)
    loud = UserFactory(username="loud")
    whole = comment_create(work=work, chapter=None, by=other, body="On the whole thing.")
    first = comment_create(work=work, chapter=one, by=other, body="On chapter one.")
    reply = comment_create(work=work, chapter=one, by=author, body="Thanks!", parent=first)
    second = comment_create(work=work, chapter=two, by=loud, body="On chapter two.")
    hidden = comment_create(work=work, chapter=draft, by=author, body="Note to self.")
    return {
        "work": work,
        "chapters": (one, two, draft),
        "comments": (whole, first, reply, second, hidden),
        "loud": loud,
    }


def _section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


def test_entire_work_page_shows_every_chapters_comments(client, discussed):
    work = discussed["work"]
    one, two, draft = discussed["chapters"]
    html = client.get(f"/works/{work.pk}/full/").content.decode()
    assert "<dt>Comments</dt><dd>4</dd>" in html  # the count the blurb shows too
    whole = _section(html, "comments")
    assert "Comments on the whole work (1)" in whole and "On the whole thing." in whole
    assert f'href="#comments-chapter-{one.pk}">Chapter 1 (2)</a>' in whole
    first = _section(html, f"comments-chapter-{one.pk}")
    assert "Comments on Chapter 1 (2)" in first
    assert first.index("On chapter one.") < first.index("Thanks!")
    assert "Comments on Chapter 2: Second (1)" in _section(html, f"comments-chapter-{two.pk}")
    # A draft chapter and its comments stay the creator's.
    assert f"comments-chapter-{draft.pk}" not in html and "Note to self." not in html


def test_entire_work_page_keeps_the_readers_mutes(client, discussed, other):
    work = discussed["work"]
    user_mute_set(user=other, target=discussed["loud"], muted=True)
    client.force_login(other)
    html = client.get(f"/works/{work.pk}/full/").content.decode()
    assert "On chapter one." in html and "On chapter two." not in html
    two = discussed["chapters"][1]
    assert f'id="comments-chapter-{two.pk}"' not in html


def test_creator_sees_draft_chapter_comments_on_the_entire_work_page(client, discussed, author):
    client.force_login(author)
    html = client.get(f"/works/{discussed['work'].pk}/full/").content.decode()
    draft = discussed["chapters"][2]
    assert "Note to self." in _section(html, f"comments-chapter-{draft.pk}")


def test_api_lists_every_comment_with_its_chapter_by_default(client, discussed):
    work = discussed["work"]
    one, two, _ = discussed["chapters"]
    whole, first, reply, second, _ = discussed["comments"]
    listed = client.get(f"/api/v1/works/{work.pk}/comments").json()
    assert [(c["id"], c["chapter_id"]) for c in listed] == [
        (whole.pk, None),
        (first.pk, one.pk),
        (reply.pk, one.pk),
        (second.pk, two.pk),
    ]
    only_two = client.get(f"/api/v1/works/{work.pk}/comments?chapter_id={two.pk}").json()
    assert [c["id"] for c in only_two] == [second.pk]


def test_api_list_hides_draft_chapters_from_readers_not_the_creator(client, discussed, author):
    work = discussed["work"]
    draft = discussed["chapters"][2]
    hidden = discussed["comments"][4]
    assert hidden.pk not in [
        c["id"] for c in client.get(f"/api/v1/works/{work.pk}/comments").json()
    ]
    url = f"/api/v1/works/{work.pk}/comments?chapter_id={draft.pk}"
    assert client.get(url).status_code == 404
    token = api_token_create(user=author, name="t")[1]
    listed = client.get(
        f"/api/v1/works/{work.pk}/comments", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert listed[-1]["id"] == hidden.pk and listed[-1]["chapter_id"] == draft.pk
