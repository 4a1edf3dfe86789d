import time

import pytest
from django.test import Client

from fanfold.works import services
from fanfold.works.inputs import ChapterInput, WorkInput
from tests.factories import WorkFactory


@pytest.mark.django_db
def test_anonymous_pages_are_cached_and_never_stale(client, author, commit_hooks):
    work = commit_hooks(lambda: WorkFactory(by=author, body="<p>first version</p>"))
    chapter = work.chapters.get()
    url = chapter.get_absolute_url()
    assert client.get(url)["X-Fanfold-Cache"] == "miss"
    hit = client.get(url)
    assert hit["X-Fanfold-Cache"] == "hit" and "first version" in hit.content.decode()

    commit_hooks(
        lambda: services.chapter_update(
            chapter=chapter, by=author, data=ChapterInput(body="<p>second version</p>")
        )
    )
    fresh = client.get(url)
    assert (
        "second version" in fresh.content.decode() and "first version" not in fresh.content.decode()
    )


@pytest.mark.django_db
def test_listings_show_a_new_work_within_their_bound(settings, client, author, commit_hooks):
    settings.FANFOLD_LISTING_SECONDS = 1
    commit_hooks(lambda: WorkFactory(by=author, title="Already Here"))
    assert client.get("/")["X-Fanfold-Cache"] == "miss"
    assert client.get("/")["X-Fanfold-Cache"] == "hit"
    new = commit_hooks(lambda: WorkFactory(by=author, title="Brand New Work"))
    # Within the bound the listing may be the one already made (and it is, here)...
    assert new.title not in client.get("/").content.decode()
    time.sleep(1.05)
    # ...and never after it.
    assert new.title in client.get("/").content.decode()


@pytest.mark.django_db
def test_logged_in_and_personal_pages_are_not_cached(client, author, published_work):
    client.force_login(author)
    response = client.get(published_work.get_absolute_url())
    assert "X-Fanfold-Cache" not in response
    assert "Edit work" in response.content.decode()
    # An anonymous reader never gets the author's page from the cache.
    anon = Client()
    page = anon.get(published_work.get_absolute_url()).content.decode()
    assert "Edit work" not in page


@pytest.mark.django_db
def test_theme_cookie_is_part_of_the_key(client, published_work):
    url = published_work.get_absolute_url()
    client.get(url)
    client.cookies["ff_theme"] = "dark"
    page = client.get(url)
    assert page["X-Fanfold-Cache"] == "miss" and 'data-theme="dark"' in page.content.decode()


@pytest.mark.django_db
def test_publish_reaches_the_works_pages_at_once_and_listings_within_the_bound(
    settings, client, author, commit_hooks
):
    settings.FANFOLD_LISTING_SECONDS = 0  # listings made on every request
    work = commit_hooks(
        lambda: services.work_create(
            by=author,
            data=WorkInput(title="Soon", fandoms=["F"], rating="general"),
            chapter=ChapterInput(body="x"),
            publish=False,
        )
    )
    assert "Soon" not in client.get("/").content.decode()
    assert client.get(work.get_absolute_url()).status_code == 404
    commit_hooks(lambda: services.work_publish(work=work, by=author))
    assert "Soon" in client.get("/").content.decode()
    assert client.get(work.get_absolute_url()).status_code == 200


def _scoped_invalidation(client, author, other, commit_hooks):
    from fanfold.feedback.services import comment_create, kudos_leave

    a = commit_hooks(lambda: WorkFactory(by=author, title="Work A", body="<p>A text</p>"))
    b = commit_hooks(lambda: WorkFactory(by=author, title="Work B", body="<p>B text</p>"))
    pages = [a.get_absolute_url(), f"/works/{a.pk}/full/", b.get_absolute_url()]
    for url in pages:
        assert client.get(url)["X-Fanfold-Cache"] == "miss"
    # A kudos (a counter) makes no page again, not even its own work's.
    commit_hooks(lambda: kudos_leave(work=a, by=other))
    assert [client.get(url)["X-Fanfold-Cache"] for url in pages] == ["hit"] * 3
    # A comment on A makes A's pages again, with the comment in them; B's stay cached.
    commit_hooks(lambda: comment_create(work=a, chapter=None, by=other, body="Loved A!"))
    fresh = client.get(pages[1])
    assert fresh["X-Fanfold-Cache"] == "miss" and "Loved A!" in fresh.content.decode()
    assert client.get(pages[0])["X-Fanfold-Cache"] == "miss"
    assert client.get(pages[2])["X-Fanfold-Cache"] == "hit"
    # An edit of B reaches B's page at once, and leaves A's alone.
    chapter = b.chapters.get()
    commit_hooks(
        lambda: services.chapter_update(
            chapter=chapter, by=author, data=ChapterInput(body="<p>B edited</p>")
        )
    )
    page = client.get(pages[2])
    assert page["X-Fanfold-Cache"] == "miss" and "B edited" in page.content.decode()
    assert client.get(pages[0])["X-Fanfold-Cache"] == "hit"


@pytest.mark.django_db
def test_a_write_on_one_work_leaves_other_works_pages_cached(client, author, other, commit_hooks):
    _scoped_invalidation(client, author, other, commit_hooks)


@pytest.mark.django_db
def test_the_same_with_redis(settings, client, author, other, commit_hooks, redis_url):
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    redis.Redis.from_url(redis_url).flushdb()
    _scoped_invalidation(client, author, other, commit_hooks)


@pytest.mark.django_db
def test_with_redis_every_server_shares_pages_and_their_invalidation(
    settings, client, author, commit_hooks, redis_url
):
    """With Redis the cached pages and the versions live in Redis itself: a page cached by
    one server is served by another, and an edit made on any server reaches them all."""
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    redis.Redis.from_url(redis_url).flushdb()
    from fanfold.core import pagecache

    work = commit_hooks(lambda: WorkFactory(by=author, body="<p>first on redis</p>"))
    chapter = work.chapters.get()
    url = chapter.get_absolute_url()
    assert client.get(url)["X-Fanfold-Cache"] == "miss"
    assert Client().get(url)["X-Fanfold-Cache"] == "hit"  # another reader, another process
    version_key = f":1:fanfold:version:{pagecache.work_scope(work.pk)}"
    before = redis.Redis.from_url(redis_url).get(version_key)
    commit_hooks(
        lambda: services.chapter_update(
            chapter=chapter, by=author, data=ChapterInput(body="<p>second on redis</p>")
        )
    )
    assert redis.Redis.from_url(redis_url).get(version_key) not in (None, before)
    fresh = client.get(url)
    assert fresh["X-Fanfold-Cache"] == "miss" and "second on redis" in fresh.content.decode()
    # A version Redis evicted never makes a page made from it current again.
    assert client.get(url)["X-Fanfold-Cache"] == "hit"
    redis.Redis.from_url(redis_url).delete(version_key)
    assert client.get(url)["X-Fanfold-Cache"] == "miss"


@pytest.mark.django_db
def test_cache_hits_keep_security_headers(client, published_work):
    url = published_work.get_absolute_url()
    miss = client.get(url)
    hit = client.get(url)
    assert hit["X-Fanfold-Cache"] == "hit"
    for header in ("Content-Type", "X-Frame-Options", "Content-Length", "Vary"):
        assert hit[header] == miss[header], header
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_takedown_in_the_admin_reaches_guests_at_once(client, author, commit_hooks):
    """Through WorkAdmin's action, as staff do it: the cached pages follow at once."""
    from fanfold.works.models import Work
    from tests.factories import UserFactory

    work = commit_hooks(lambda: WorkFactory(by=author, title="Taken Down Soon"))
    assert "Taken Down Soon" in client.get("/").content.decode()
    assert client.get("/")["X-Fanfold-Cache"] == "hit"
    staff = Client()
    staff.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    commit_hooks(
        lambda: staff.post(
            "/admin/works/work/",
            {"action": "take_down", "_selected_action": [work.pk]},
        )
    )
    assert Work.objects.get(pk=work.pk).hidden
    assert "Taken Down Soon" not in client.get("/").content.decode()
    assert client.get(work.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_with_redis_an_evicted_version_never_brings_back_an_older_page(
    settings, author, commit_hooks, redis_url
):
    import redis

    from fanfold.core import pagecache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    work = commit_hooks(lambda: WorkFactory(by=author, body="<p>before the edit</p>"))
    chapter = work.chapters.get()
    dark = Client()
    dark.cookies["ff_theme"] = "dark"
    assert dark.get(chapter.get_absolute_url())["X-Fanfold-Cache"] == "miss"  # made before
    commit_hooks(
        lambda: services.chapter_update(
            chapter=chapter, by=author, data=ChapterInput(body="<p>after the edit</p>")
        )
    )
    store.delete(f":1:fanfold:version:{pagecache.work_scope(work.pk)}")  # evicted
    page = dark.get(chapter.get_absolute_url())
    assert page["X-Fanfold-Cache"] == "miss" and "after the edit" in page.content.decode()


@pytest.mark.django_db
def test_privacy_changes_reach_guests_at_once(client, author, other, commit_hooks):
    """A bookmark made private and a work restricted leave guests' pages (and listings) at
    once, not when the entries expire."""
    from fanfold.accounts.services import user_profile_update
    from fanfold.bookmarks.services import BookmarkInput, bookmark_save, bookmark_update
    from fanfold.works.selectors import work_input_of

    work = commit_hooks(lambda: WorkFactory(by=author, title="Open Door"))
    bookmark, _ = commit_hooks(
        lambda: bookmark_save(user=other, work=work, data=BookmarkInput(note="My secret rec"))
    )
    bookmarks_url = f"/works/{work.pk}/bookmarks/"
    assert "My secret rec" in client.get(bookmarks_url).content.decode()
    commit_hooks(
        lambda: bookmark_update(
            bookmark=bookmark, by=other, data=BookmarkInput(note="My secret rec", private=True)
        )
    )
    assert "My secret rec" not in client.get(bookmarks_url).content.decode()

    assert "Open Door" in client.get("/").content.decode()
    data = work_input_of(work)
    data.restricted = True
    commit_hooks(lambda: services.work_update(work=work, by=author, data=data))
    assert "Open Door" not in client.get("/").content.decode()

    # A profile's bio shows on no cached page: saving it keeps them; a new name does not.
    assert client.get("/")["X-Fanfold-Cache"] == "hit"
    commit_hooks(
        lambda: user_profile_update(
            user=author, display_name=author.display_name, bio="New bio", links=[],
            email=author.email,
        )
    )  # fmt: skip
    assert client.get("/")["X-Fanfold-Cache"] == "hit"
    commit_hooks(
        lambda: user_profile_update(
            user=author, display_name="Renamed Author", bio="New bio", links=[],
            email=author.email,
        )
    )  # fmt: skip
    assert client.get("/")["X-Fanfold-Cache"] == "miss"
