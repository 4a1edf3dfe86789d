"""The reading pages: chapters with their navigation, the entire work, the adult notice,
display preferences, a creator's page and the byline of an imported work."""

import pytest

from tests.factories import WorkFactory, add_chapter


@pytest.mark.django_db
def test_chapter_navigation_and_full_work(client, author):
    work = WorkFactory(by=author, body="<p>alpha</p>")
    two = add_chapter(work, by=author, body="<p>beta</p>")
    three = add_chapter(work, by=author, body="<p>gamma</p>")
    page = client.get(two.get_absolute_url()).content.decode()
    assert "← Previous chapter" in page and "Next chapter →" in page
    assert three.get_absolute_url() in page and "beta" in page and "alpha" not in page
    full = client.get(f"/works/{work.pk}/full/").content.decode()
    assert full.index("alpha") < full.index("beta") < full.index("gamma")


@pytest.mark.django_db
def test_adult_notice(client, author):
    work = WorkFactory(by=author, rating="explicit", body="<p>adult words</p>")
    page = client.get(f"/works/{work.pk}/").content.decode()
    assert "could have adult content" in page and "adult words" not in page
    response = client.get(f"/works/{work.pk}/?view_adult=1")
    assert "adult words" in response.content.decode()
    # Accepted once for this browser session: the next page shows without the notice.
    assert "adult words" in client.get(f"/works/{work.pk}/full/").content.decode()


@pytest.mark.django_db
def test_adult_preference(client, author, other):
    work = WorkFactory(by=author, rating="mature", body="<p>adult words</p>")
    client.force_login(other)
    assert "adult words" not in client.get(f"/works/{work.pk}/").content.decode()
    client.post("/preferences/", {"view_adult": "on", "theme": "dark", "text_size": "large"})
    page = client.get(f"/works/{work.pk}/").content.decode()
    assert "adult words" in page and 'data-theme="dark"' in page and 'data-size="large"' in page


@pytest.mark.django_db
def test_display_preferences_for_anonymous_readers(client, published_work):
    response = client.get("/display/", {"theme": "dark", "size": "xlarge", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get(f"/works/{published_work.pk}/").content.decode()
    assert 'data-theme="dark"' in page and 'data-size="xlarge"' in page
    assert client.get("/display/", {"next": "https://evil.example/"})["Location"] == "/"


@pytest.mark.django_db
def test_a_creators_page_lists_what_this_reader_may_see(client, author):
    WorkFactory(by=author, title="Out in the open")
    WorkFactory(by=author, title="Not yet", publish=False)
    page = client.get(f"/users/{author.username}/").content.decode()
    assert "Out in the open" in page and "Not yet" not in page
    client.force_login(author)
    assert "Not yet" in client.get("/works/drafts/").content.decode()
    assert client.get("/users/nobody-by-that-name/").status_code == 404


@pytest.mark.django_db
def test_an_unclaimed_import_is_bylined_with_its_original_author(client, author, other):
    from django.utils import timezone

    from fanfold.imports.models import ImportedStory

    client.force_login(other)  # pages logged-in readers see are never cached

    work = WorkFactory(by=author, title="Found on a mailing list")
    story = ImportedStory.objects.create(work=work, author_name="Willow R.", content_hash="x" * 64)
    for url in ("/", work.get_absolute_url(), f"/users/{author.username}/"):
        assert "Willow R. (imported)" in client.get(url).content.decode(), url
    story.author_name = ""
    story.save()
    assert "Anonymous (imported)" in client.get("/").content.decode()
    story.claimed_by = author
    story.claimed_at = timezone.now()
    story.save()
    page = client.get("/").content.decode()
    assert "(imported)" not in page and f'href="/users/{author.username}/"' in page


@pytest.mark.django_db
def test_a_guest_page_asks_for_no_comments_or_kudos_when_the_kept_counts_say_none(
    settings, client, author, other, commit_hooks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fanfold.feedback.services import comment_create, kudos_leave

    settings.PAGE_CACHE_SECONDS = 0
    work = WorkFactory(by=author, body="<p>Quiet so far</p>")
    url = work.chapters.get().get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    asked = " ".join(q["sql"] for q in queries.captured_queries)
    assert "feedback_comment" not in asked and "feedback_kudos" not in asked
    commit_hooks(
        lambda: comment_create(work=work, chapter=work.chapters.get(), by=other, body="First!")
    )
    kudos_leave(work=work, by=other)  # changes no version: the kudos list is the reader's part
    page = client.get(url).content.decode()
    assert "First!" in page and other.username in page.split('id="kudos"')[1]
