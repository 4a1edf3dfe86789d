"""The parts of a chapter page every reader shares (reading.parts): kept by the work's
version, never stale, never another reader's, and the page around them asks little."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fanfold.accounts.services import user_mute_set
from fanfold.core.pagecache import bump_version, work_scope
from fanfold.core.pagecache import cached_for_versions as versioned
from fanfold.feedback.services import kudos_leave
from fanfold.works import services
from fanfold.works.inputs import ChapterInput
from fanfold.works.models import Work
from tests.factories import WorkFactory, add_chapter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Every page here is rendered, for guests too: what is kept is the shared parts alone.
    settings.PAGE_CACHE_SECONDS = 0


def _tables_asked(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries], response.content.decode()


def test_parts_are_made_once_and_shared_by_guests_and_readers(client, author, other):
    work = WorkFactory(by=author, body="<p>Shared text</p>", fandoms=["Parts Fandom"])
    url = work.chapters.get().get_absolute_url()
    asked, page = _tables_asked(client, url)
    assert "Shared text" in page and any("tags_tag" in q for q in asked)
    # Made once: a second guest and a logged-in reader take the header and the chapter as kept.
    reader = Client()
    reader.force_login(other)
    for c in (Client(), reader):
        asked, page = _tables_asked(c, url)
        assert "Shared text" in page and "Parts Fandom" in page
        assert not any("tags_tag" in q or "works_chapter" in q for q in asked), asked


def test_a_logged_in_chapter_view_asks_five_queries_at_most(client, author, other):
    work = WorkFactory(by=author, body="<p>Counted</p>")
    url = work.chapters.get().get_absolute_url()
    client.force_login(other)
    client.get(url)  # the shared parts are made
    asked, page = _tables_asked(client, url)
    # The session, the user, their mutes, the work's row with their kudos, comments, bookmark
    # and mark, and the inbox's unread count.
    assert "Counted" in page and len(asked) <= 5, asked


def test_an_edit_reaches_every_reader_at_once(client, author, other):
    work = WorkFactory(by=author, body="<p>first version</p>")
    chapter = work.chapters.get()
    reader = Client()
    reader.force_login(other)
    for c in (client, reader):
        assert "first version" in c.get(chapter.get_absolute_url()).content.decode()
    author_client = Client()
    author_client.force_login(author)
    author_client.post(
        f"/works/{work.pk}/chapters/{chapter.pk}/edit/",
        {"title": "", "body": "<p>second version</p>", "text_format": "html"},
    )
    assert "second version" in Work.objects.get(pk=work.pk).chapters.get().body_html
    for c in (client, reader):
        page = c.get(chapter.get_absolute_url()).content.decode()
        assert "second version" in page and "first version" not in page


def test_counts_are_each_readers_own_and_fresh_while_the_parts_are_kept(client, author, other):
    work = WorkFactory(by=author)
    url = work.chapters.get().get_absolute_url()
    assert "<dt>Kudos</dt><dd>0</dd>" in client.get(url).content.decode()
    kudos_leave(work=work, by=other)  # changes no version
    page = client.get(url).content.decode()
    assert "<dt>Kudos</dt><dd>1</dd>" in page and other.username in page.split('id="kudos"')[1]
    reader = Client()
    reader.force_login(other)
    assert "You have already left kudos here." in reader.get(url).content.decode()


def test_creators_get_their_own_parts_and_nobody_else_does(client, author, other, commit_hooks):
    work = WorkFactory(by=author, body="<p>Posted one</p>")
    draft = commit_hooks(
        lambda: add_chapter(work, by=author, publish=False, body="<p>Unposted</p>")
    )
    url = work.chapters.first().get_absolute_url()
    creator = Client()
    creator.force_login(author)
    # The creator first, then a reader and a guest: the creator's parts are never kept.
    page = creator.get(url).content.decode()
    assert "Edit work" in page and "Next chapter" in page  # to the unposted chapter
    assert "Unposted" in creator.get(draft.get_absolute_url()).content.decode()
    reader = Client()
    reader.force_login(other)
    for c in (reader, client):
        page = c.get(url).content.decode()
        assert "Posted one" in page and "Edit work" not in page and "Next chapter" not in page
        assert c.get(draft.get_absolute_url()).status_code == 404
    # And the other way round: the kept parts never hide the creator's own.
    assert "Edit work" in creator.get(url).content.decode()


@pytest.mark.parametrize("change", ["takedown", "restrict", "unpost", "mute", "delete"])
def test_who_may_read_is_asked_each_time_not_kept_with_the_parts(client, author, other, change):
    work = WorkFactory(by=author, body="<p>Visible</p>")
    url = work.chapters.get().get_absolute_url()
    reader = Client()
    reader.force_login(other)
    for c in (client, reader):
        assert c.get(url).status_code == 200
    # Straight to the database (no version changes, unlike the services): the row decides.
    if change == "takedown":
        Work.objects.filter(pk=work.pk).update(hidden=True)
    elif change == "restrict":
        Work.objects.filter(pk=work.pk).update(restricted=True)
    elif change == "unpost":
        Work.objects.filter(pk=work.pk).update(status="draft")
    elif change == "mute":
        user_mute_set(user=other, target=author, muted=True)
    else:
        Work.objects.filter(pk=work.pk).delete()
    expected = {
        "takedown": (404, 404),
        "restrict": (404, 200),
        "unpost": (404, 404),
        "mute": (200, 404),
        "delete": (404, 404),
    }[change]
    assert (client.get(url).status_code, reader.get(url).status_code) == expected
    creator = Client()
    creator.force_login(author)
    assert creator.get(url).status_code == (404 if change == "delete" else 200)


def test_a_chapter_posted_or_edited_changes_the_navigation_of_every_chapter(client, author):
    work = WorkFactory(by=author, body="<p>One</p>")
    first = work.chapters.get()
    assert "Next chapter" not in client.get(first.get_absolute_url()).content.decode()
    author_client = Client()
    author_client.force_login(author)
    author_client.post(
        f"/works/{work.pk}/chapters/new/",
        {"title": "Two", "body": "<p>Two</p>", "text_format": "html", "post": "Post"},
    )
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Next chapter" in page, "the new chapter's navigation"


def test_cached_for_versions_makes_again_when_the_work_or_site_changes(settings):
    made = []

    def make():
        made.append(1)
        return len(made)

    def cached_for_versions(key, **kwargs):
        return versioned(key, **kwargs)[0]

    assert cached_for_versions("parts:test:1", work_id=1, make=make) == 1
    assert cached_for_versions("parts:test:1", work_id=1, make=make) == 1
    bump_version(work_scope(2))  # another work: kept
    assert cached_for_versions("parts:test:1", work_id=1, make=make) == 1
    bump_version(work_scope(1))
    assert cached_for_versions("parts:test:1", work_id=1, make=make) == 2
    bump_version("site")
    assert cached_for_versions("parts:test:1", work_id=1, make=make) == 3
    settings.FANFOLD_FRAGMENT_SECONDS = 0
    assert cached_for_versions("parts:test:1", work_id=1, make=make) == 4
    assert cached_for_versions("parts:test:1", work_id=1, make=make) == 5


def test_cached_for_versions_with_redis(settings, redis_url):
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    redis.Redis.from_url(redis_url).flushdb()
    test_cached_for_versions_makes_again_when_the_work_or_site_changes(settings)


def test_chapter_edit_through_the_service_outside_a_request(client, author, commit_hooks):
    work = WorkFactory(by=author, body="<p>old words</p>")
    chapter = work.chapters.get()
    client.get(chapter.get_absolute_url())
    commit_hooks(
        lambda: services.chapter_update(
            chapter=chapter, by=author, data=ChapterInput(body="<p>new words</p>")
        )
    )
    assert "new words" in client.get(chapter.get_absolute_url()).content.decode()


def test_a_chapter_part_made_from_parts_read_before_a_change_is_never_kept_past_it(
    client, author, commit_hooks
):
    """The header and the chapter list are read, then a chapter is posted, then the chapter's
    part is made from what was read: it belongs to the versions read, so the next reader gets
    both made again, never the old navigation under the new version."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from fanfold.reading.parts import reading_parts, shared_parts
    from fanfold.reading.selectors import work_row_or_404

    work = WorkFactory(by=author, body="<p>One</p>")
    first = work.chapters.get()
    before = shared_parts(work.pk)
    commit_hooks(lambda: add_chapter(work, by=author, body="<p>Two</p>"))
    request = RequestFactory().get(first.get_absolute_url())
    request.user = AnonymousUser()
    row = work_row_or_404(viewer=request.user, work_id=work.pk, creator_ids=before.creator_ids)
    stale = reading_parts(request=request, work=row, shared=before, chapter_id=first.pk)
    assert "Next chapter" not in stale.chapter_html  # as the parts it was made with
    assert "Next chapter" in client.get(first.get_absolute_url()).content.decode()
