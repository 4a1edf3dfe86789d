"""Bookmarks through the pages: creating, editing, deleting, who sees what, bad input."""

from urllib.parse import unquote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from fanfold.accounts.models import UserRelation
from fanfold.bookmarks.models import Bookmark
from fanfold.bookmarks.services import (
    NOTE_MAX,
    RATE_LIMIT,
    BookmarkInput,
    bookmark_rate_check,
    bookmark_save,
)
from fanfold.works.models import Status, Work
from fanfold.works.services import work_refresh
from tests.factories import UserFactory, WorkFactory

FORM = {
    "note": "A *lovely* read. <script>alert(1)</script>",
    "text_format": "markdown",
    "tags": "comfort read, Favourites",
    "rec": "on",
}


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", display_name="Rae Reader")


def _count(work: Work) -> int:
    work.refresh_from_db()
    return work.bookmark_count


@pytest.mark.django_db
def test_bookmark_a_work_edit_it_and_delete_it(client, reader, published_work):
    client.force_login(reader)
    page = client.get(f"/works/{published_work.pk}/bookmark/")
    assert page.status_code == 200 and "Add bookmark" in page.content.decode()

    back = f"/works/{published_work.pk}/"
    response = client.post(f"/works/{published_work.pk}/bookmark/", {**FORM, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    bookmark = Bookmark.objects.get()
    assert bookmark.user == reader and bookmark.rec and not bookmark.private
    assert "<em>lovely</em>" in bookmark.note_html and "<script" not in bookmark.note_html
    assert sorted(t.name for t in bookmark.tags.all()) == ["Favourites", "comfort read"]
    assert {t.type for t in bookmark.tags.all()} == {"freeform"}
    assert _count(published_work) == 1

    # The form for the existing bookmark shows what was saved.
    edit = client.get(f"/bookmarks/{bookmark.pk}/edit/").content.decode()
    assert "comfort read, Favourites" in edit and "Save bookmark" in edit
    response = client.post(
        f"/bookmarks/{bookmark.pk}/edit/",
        {"note": "Changed my mind.", "text_format": "plain", "tags": "", "private": "on"},
    )
    assert response.status_code == 302
    bookmark.refresh_from_db()
    assert bookmark.private and not bookmark.rec and bookmark.note_html == "<p>Changed my mind.</p>"
    assert not bookmark.tags.exists()
    assert _count(published_work) == 0

    assert (
        "Delete your bookmark" in client.get(f"/bookmarks/{bookmark.pk}/delete/").content.decode()
    )
    response = client.post(f"/bookmarks/{bookmark.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/users/reader/bookmarks/"
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_bookmarking_twice_edits_the_one_bookmark(client, reader, published_work):
    client.force_login(reader)
    url = f"/works/{published_work.pk}/bookmark/"
    client.post(url, {**FORM, "note": "first"})
    response = client.post(url, {**FORM, "note": "second"})
    assert response.status_code == 302
    bookmark = Bookmark.objects.get()
    assert bookmark.note == "second"
    assert _count(published_work) == 1
    # The bookmark page of a work already bookmarked edits that bookmark.
    assert "Edit your bookmark" in client.get(url).content.decode()


@pytest.mark.django_db
def test_bookmark_count_counts_only_public_bookmarks(client, author, reader, published_work):
    for i in range(3):
        bookmark_save(user=UserFactory(), work=published_work, data=BookmarkInput(private=i == 0))
    assert _count(published_work) == 2
    private = Bookmark.objects.get(private=True)
    bookmark_save(user=private.user, work=published_work, data=BookmarkInput(private=False))
    assert _count(published_work) == 3
    assert "<dt>Bookmarks</dt><dd>3</dd>" in client.get("/").content.decode()


@pytest.mark.django_db
def test_private_bookmarks_only_for_their_owner(client, reader, other, published_work):
    bookmark_save(
        user=reader,
        work=published_work,
        data=BookmarkInput(note="My secret shelf", private=True, tags=["hidden-tag"]),
    )
    second = WorkFactory(by=other, title="Openly Loved")
    bookmark_save(user=reader, work=second, data=BookmarkInput(note="Everyone may know"))
    pages = ("/users/reader/bookmarks/", f"/works/{published_work.pk}/bookmarks/")

    for viewer in (None, other):
        c = Client()
        if viewer:
            c.force_login(viewer)
        mine = c.get(pages[0]).content.decode()
        assert "Everyone may know" in mine and "Openly Loved" in mine
        assert "My secret shelf" not in mine and published_work.title not in mine
        assert "1 bookmark" in mine
        on_work = c.get(pages[1]).content.decode()
        assert "My secret shelf" not in on_work and "No public bookmarks yet." in on_work

    client.force_login(reader)
    mine = client.get(pages[0]).content.decode()
    assert "My secret shelf" in mine and "Private" in mine and "2 bookmarks" in mine
    assert "My secret shelf" in client.get(pages[1]).content.decode()


@pytest.mark.django_db
def test_bookmarks_of_a_hidden_work_are_hidden(
    client, author, reader, other, published_work, commit_hooks
):
    bookmark_save(user=reader, work=published_work, data=BookmarkInput(note="Great story"))
    restricted = WorkFactory(by=author, title="Members Only", restricted=True)
    bookmark_save(user=reader, work=restricted, data=BookmarkInput(note="Members note"))

    # Restricted works: guests see neither the work nor the bookmark; logged-in readers do.
    guest_page = client.get("/users/reader/bookmarks/").content.decode()
    assert "Great story" in guest_page and "Members note" not in guest_page
    assert client.get(f"/works/{restricted.pk}/bookmarks/").status_code == 404
    client.force_login(other)
    assert "Members note" in client.get("/users/reader/bookmarks/").content.decode()

    # A takedown back to draft (as the admin does it) hides the work and its bookmarks.
    Work.objects.filter(pk=published_work.pk).update(status=Status.DRAFT)
    commit_hooks(lambda: work_refresh(work=Work.objects.get(pk=published_work.pk)))
    for c in (client, Client()):
        page = c.get("/users/reader/bookmarks/").content.decode()
        assert "Great story" not in page and published_work.title not in page
        assert c.get(f"/works/{published_work.pk}/bookmarks/").status_code == 404
    # The bookmarker does not see it either, nor edit it.
    client.force_login(reader)
    assert "Great story" not in client.get("/users/reader/bookmarks/").content.decode()
    bookmark = Bookmark.objects.get(work=published_work)
    assert client.get(f"/bookmarks/{bookmark.pk}/edit/").status_code == 404
    # The creator still sees their draft, but not the reader's bookmark of it on the list.
    client.force_login(author)
    assert "Great story" in client.get(f"/works/{published_work.pk}/bookmarks/").content.decode()


@pytest.mark.django_db
def test_bookmarking_a_hidden_work_is_404(client, reader, draft_work, restricted_work):
    client.force_login(reader)
    for url in (f"/works/{draft_work.pk}/bookmark/", f"/works/{draft_work.pk}/later/"):
        assert client.post(url, FORM).status_code == 404
    assert client.get(f"/works/{draft_work.pk}/bookmark/").status_code == 404
    assert client.get("/works/999999/bookmark/").status_code == 404
    assert not Bookmark.objects.exists()
    # Restricted works are for logged-in readers, who may bookmark them.
    assert client.post(f"/works/{restricted_work.pk}/bookmark/", FORM).status_code == 302


@pytest.mark.django_db
def test_someone_elses_bookmark_cannot_be_edited_or_deleted(client, reader, other, published_work):
    bookmark, _ = bookmark_save(user=reader, work=published_work, data=BookmarkInput(note="mine"))
    client.force_login(other)
    for url in (f"/bookmarks/{bookmark.pk}/edit/", f"/bookmarks/{bookmark.pk}/delete/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"note": "hijacked", "text_format": "plain"}).status_code == 404
    bookmark.refresh_from_db()
    assert bookmark.note == "mine"


@pytest.mark.django_db
def test_note_too_long_keeps_the_typed_text(client, reader, published_work):
    client.force_login(reader)
    long_note = "Ever so long. " * (NOTE_MAX // 10)
    response = client.post(
        f"/works/{published_work.pk}/bookmark/", {**FORM, "note": long_note, "tags": "kept tag"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"at most {NOTE_MAX:,} characters" in page
    assert long_note.strip() in page and "kept tag" in page
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_garbage_input_is_a_form_error_not_a_500(client, reader, published_work):
    client.force_login(reader)
    url = f"/works/{published_work.pk}/bookmark/"
    for bad in (
        {"note": "x", "text_format": "klingon"},
        {"note": "nul \x00 byte", "text_format": "plain"},
        {"note": "x", "text_format": "plain", "tags": ", ".join(f"t{i}" for i in range(40))},
        {"note": "x", "text_format": "plain", "tags": "a" * 200},
    ):
        response = client.post(url, bad)
        assert response.status_code == 200, bad
        assert "Please fix the marked fields" in response.content.decode()
    assert not Bookmark.objects.exists()
    assert client.get("/users/nobody-here/bookmarks/").status_code == 404
    assert client.get("/users/reader/bookmarks/?page=zzz&rec=maybe&tag=").status_code == 200


@pytest.mark.django_db
def test_rate_limit_keeps_the_typed_text(client, reader, published_work):
    client.force_login(reader)
    for _ in range(RATE_LIMIT):
        assert bookmark_rate_check(user=reader) is None
    response = client.post(
        f"/works/{published_work.pk}/bookmark/", {**FORM, "note": "Typed with care"}
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "Typed with care" in page and "Nothing was saved" in page
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_missing_csrf_token_is_refused(reader, published_work):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post(f"/works/{published_work.pk}/bookmark/", FORM)
    assert response.status_code == 403
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_guests_are_sent_to_log_in(client, published_work):
    response = client.get(f"/works/{published_work.pk}/bookmark/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    for url in ("/bookmarks/", "/history/", "/later/"):
        assert client.get(url)["Location"].startswith("/login/"), url
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_my_bookmarks_filters_and_redirect(client, reader, author):
    loved = WorkFactory(by=author, title="Loved Work")
    liked = WorkFactory(by=author, title="Liked Work")
    bookmark_save(user=reader, work=loved, data=BookmarkInput(rec=True, tags=["Fluff"]))
    bookmark_save(user=reader, work=liked, data=BookmarkInput(tags=["Angst"]))
    client.force_login(reader)
    assert client.get("/bookmarks/")["Location"] == "/users/reader/bookmarks/"
    recs = client.get("/users/reader/bookmarks/?rec=1").content.decode()
    assert "Loved Work" in recs and "Liked Work" not in recs and "Rec" in recs
    tagged = client.get("/users/reader/bookmarks/?tag=angst").content.decode()
    assert "Liked Work" in tagged and "Loved Work" not in tagged


@pytest.mark.django_db
def test_guest_pages_show_new_bookmarks(client, reader, published_work, commit_hooks):
    url = f"/works/{published_work.pk}/bookmarks/"
    assert client.get(url)["X-Fanfold-Cache"] == "miss"
    assert client.get(url)["X-Fanfold-Cache"] == "hit"
    commit_hooks(
        lambda: bookmark_save(
            user=reader, work=published_work, data=BookmarkInput(note="Fresh praise")
        )
    )
    # Saving a bookmark makes no page again: guests see it once the page is made again (at
    # most FANFOLD_PAGE_CACHE_SECONDS later; here the entries are cleared as if they expired).
    assert "Fresh praise" not in client.get(url).content.decode()
    cache.clear()
    page = client.get(url).content.decode()
    assert "Fresh praise" in page and "1 bookmark" in page
    assert "<dt>Bookmarks</dt><dd>1</dd>" in client.get("/").content.decode()


def _actions(user, work) -> str:
    request = RequestFactory().get(f"/works/{work.pk}/")
    request.user = user
    return render_to_string(
        "bookmarks/_work_actions.html", {"work": work, "user": user}, request=request
    )


@pytest.mark.django_db
def test_work_actions_for_guests_and_readers(reader, published_work):
    guest = _actions(AnonymousUser(), published_work)
    assert "Log in to bookmark" in guest
    assert "csrfmiddlewaretoken" not in guest and "Mark for later" not in guest

    html = _actions(reader, published_work)
    assert ">Bookmark</a>" in html and "Mark for later" in html and "csrfmiddlewaretoken" in html
    bookmark_save(user=reader, work=published_work, data=BookmarkInput(private=True))
    html = _actions(reader, published_work)
    assert "Edit bookmark" in html and "Private" in html


@pytest.mark.django_db
def test_a_bookmark_sent_after_the_session_ended_is_kept(client, reader, published_work):
    url = f"/works/{published_work.pk}/bookmark/"
    response = client.post(url, {**FORM, "note": "Typed while logged out"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not Bookmark.objects.exists()
    client.force_login(reader)
    back = response["Location"].split("next=", 1)[1]
    page = client.get(unquote(back)).content.decode()
    assert "Typed while logged out" in page and "comfort read, Favourites" in page


@pytest.mark.django_db
def test_muting_hides_the_muted_users_works_and_bookmarks(client, author, reader, other):
    work = WorkFactory(by=author, title="By The Muted Author")
    bookmark_save(user=reader, work=work, data=BookmarkInput(note="Reader liked it"))
    own = WorkFactory(by=reader, title="Reader's Own Work")
    bookmark_save(user=other, work=own, data=BookmarkInput(note="Noisy note"))
    UserRelation.objects.create(user=reader, target=author, kind=UserRelation.Kind.MUTE)
    UserRelation.objects.create(user=reader, target=other, kind=UserRelation.Kind.MUTE)

    client.force_login(reader)
    assert "By The Muted Author" not in client.get("/users/reader/bookmarks/").content.decode()
    page = client.get(f"/works/{own.pk}/bookmarks/").content.decode()
    assert "Noisy note" not in page and "0 bookmarks" in page
    client.force_login(author)
    assert "Noisy note" in client.get(f"/works/{own.pk}/bookmarks/").content.decode()


@pytest.mark.django_db
def test_reading_page_offers_bookmark_and_later(client, reader, published_work):
    url = published_work.get_absolute_url()
    assert "Log in to bookmark" in client.get(url).content.decode()
    client.force_login(reader)
    page = client.get(url).content.decode()
    assert f'href="/works/{published_work.pk}/bookmark/?next=' in page
    assert "Mark for later" in page
    client.post(f"/works/{published_work.pk}/bookmark/", FORM)
    client.post(f"/works/{published_work.pk}/later/", {"marked": "1"})
    page = client.get(f"/works/{published_work.pk}/full/").content.decode()
    assert "Edit bookmark" in page and "Marked for later" in page
