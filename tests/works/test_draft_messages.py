"""A draft work says what its counts will be once posted, and what "Post" on a chapter did."""

import pytest

from fanfold.works.models import Status
from tests.factories import WorkFactory, add_chapter

pytestmark = pytest.mark.django_db

CHAPTER = {"title": "", "text_format": "plain", "body": "Three more words."}


@pytest.fixture
def draft(author):
    work = WorkFactory(by=author, publish=False, body="<p>One two three four five.</p>")
    add_chapter(work, by=author, body="<p>Six seven.</p>")
    return work


def test_draft_work_page_shows_the_counts_it_will_have_when_posted(client, author, draft):
    client.force_login(author)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert '<dt>Words</dt><dd>7 <span class="when-posted">when posted</span></dd>' in html
    assert '<dt>Chapters</dt><dd>2/? <span class="when-posted">when posted</span></dd>' in html
    assert "Posting it makes all its 2 chapters public." in html
    assert "<dt>Words</dt><dd>0</dd>" not in html


def test_drafts_list_shows_the_counts_it_will_have_when_posted(client, author, draft):
    client.force_login(author)
    html = client.get("/works/drafts/").content.decode()
    assert '<dt>Chapters</dt><dd>2/? <span class="when-posted">when posted</span></dd>' in html


def test_posted_work_counts_are_unchanged(client, published_work):
    html = client.get(published_work.get_absolute_url()).content.decode()
    assert "when posted" not in html
    assert "<dt>Chapters</dt><dd>1/?</dd>" in html


def test_posting_a_chapter_of_a_draft_work_says_the_work_is_still_a_draft(client, author, draft):
    client.force_login(author)
    form = client.get(f"/works/{draft.pk}/chapters/new/").content.decode()
    assert "This work is a draft. “Post” saves the chapter" in form
    page = client.post(
        f"/works/{draft.pk}/chapters/new/", {**CHAPTER, "post": "Post"}, follow=True
    ).content.decode()
    assert "Chapter saved. The work is still a draft: post the work to make it public." in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_posting_a_chapter_of_a_posted_work_just_saves(client, author, published_work):
    client.force_login(author)
    form = client.get(f"/works/{published_work.pk}/chapters/new/").content.decode()
    assert "This work is a draft" not in form
    page = client.post(
        f"/works/{published_work.pk}/chapters/new/", {**CHAPTER, "post": "Post"}, follow=True
    ).content.decode()
    assert "Chapter saved." in page and "still a draft" not in page
    kept = client.post(
        f"/works/{published_work.pk}/chapters/new/", {**CHAPTER, "save_draft": "1"}, follow=True
    ).content.decode()
    assert "Chapter saved as a draft: only you can see it." in kept


@pytest.mark.django_db
def test_posting_a_draft_chapter_of_a_draft_work_says_the_work_went_public(client, author):
    from fanfold.works.models import Status, Work
    from tests.factories import WorkFactory, add_chapter
    from tests.works.test_views import FORM

    work = WorkFactory(by=author, publish=False)
    second = add_chapter(work, by=author, publish=False)
    client.force_login(author)
    page = client.get(f"/works/{work.pk}/chapters/{second.pk}/edit/").content.decode()
    assert "posts this chapter and the work with it" in page
    data = {k: FORM[k] for k in ("body", "text_format")} | {"title": "", "publish": "1"}
    response = client.post(f"/works/{work.pk}/chapters/{second.pk}/edit/", data, follow=True)
    assert Work.objects.get(pk=work.pk).status == Status.PUBLISHED
    assert "it is public now" in response.content.decode()
