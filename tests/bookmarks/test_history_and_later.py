"""Reading history and Mark for later: history comes from the hit buffer at the next flush,
is private, and can be cleared or turned off (also for views still buffered)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fanfold.bookmarks.models import HistoryCut, LaterMark, ReadingRecord
from fanfold.bookmarks.services import (
    BookmarkInput,
    ReadingView,
    bookmark_save,
    later_set,
    reading_records_upsert,
)
from fanfold.stats.models import WorkDailyReader
from fanfold.stats.services import KEEP_HISTORY_CUT, hits_flush
from fanfold.works.models import Status, Work
from fanfold.works.services import work_refresh
from tests.factories import UserFactory, WorkFactory, add_chapter


@pytest.fixture(autouse=True)
def _flush_by_hand(settings):
    """The flush job a view queues is kept, not run: history reaches the database when a test
    flushes, as it does when the worker runs the job."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def flush() -> None:
    """What the worker does about once a minute."""
    assert not hits_flush().skipped


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def two_chapters(author):
    work = WorkFactory(by=author, title="Long Road Home")
    second = add_chapter(work, by=author, title="The Turn")
    return work, work.chapters.get(position=1), second


def view(user, work, chapter=None, *, seconds_ago: float = 0) -> ReadingView:
    return ReadingView(
        user_id=user.pk,
        work_id=work.pk,
        chapter_id=chapter.pk if chapter else None,
        at=timezone.now() - timedelta(seconds=seconds_ago),
    )


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


@pytest.mark.django_db
def test_reading_a_chapter_is_recorded_at_the_next_flush(client, reader, two_chapters):
    work, first, second = two_chapters
    client.force_login(reader)
    assert client.get(first.get_absolute_url()).status_code == 200
    assert not ReadingRecord.objects.exists()  # buffered, not written by the page view
    flush()
    record = ReadingRecord.objects.get()
    assert (record.user, record.work, record.chapter, record.visits) == (reader, work, first, 1)
    first_time = record.read_at

    assert client.get(second.get_absolute_url()).status_code == 200
    record.refresh_from_db()
    assert record.chapter == first and record.visits == 1
    flush()
    record.refresh_from_db()
    assert record.chapter == second and record.visits == 2 and record.read_at >= first_time
    assert ReadingRecord.objects.count() == 1

    page = client.get("/history/").content.decode()
    assert "Long Road Home" in page and "Chapter 2: The Turn" in page and "2 visits" in page

    client.get(f"/works/{work.pk}/full/")
    flush()
    record.refresh_from_db()
    assert record.chapter is None and record.visits == 3
    assert "the entire work" in client.get("/history/").content.decode()


@pytest.mark.django_db
def test_the_latest_chapter_read_between_two_flushes_is_kept(client, reader, two_chapters):
    work, first, second = two_chapters
    client.force_login(reader)
    for chapter in (first, second, first, first):  # back to the first, and reloaded
        assert client.get(chapter.get_absolute_url()).status_code == 200
    flush()
    record = ReadingRecord.objects.get()
    assert record.chapter == first and record.visits == 4


@pytest.mark.django_db
def test_a_logged_in_chapter_view_writes_nothing(settings, client, reader, two_chapters):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    work, first, second = two_chapters
    client.force_login(reader)
    # Not even a job: the worker supervisor queues the flush on a timer.
    for url in (
        first.get_absolute_url(),
        second.get_absolute_url(),
        work.get_absolute_url(),
        f"/works/{work.pk}/full/",
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # Not even the session: a page view changes nothing in it, so Django saves nothing.
        assert writes(queries) == [], url
    assert not ReadingRecord.objects.exists()
    flush()
    assert ReadingRecord.objects.get().visits == 4


@pytest.mark.django_db
def test_guests_leave_no_history(client, two_chapters):
    work, first, _ = two_chapters
    client.get(first.get_absolute_url())
    flush()
    assert not ReadingRecord.objects.exists()


@pytest.mark.django_db
def test_creators_own_views_are_in_their_history_but_no_hit(client, author, two_chapters):
    work, first, _ = two_chapters
    client.force_login(author)
    client.get(first.get_absolute_url())
    flush()
    assert ReadingRecord.objects.get().user == author
    assert not WorkDailyReader.objects.exists()


@pytest.mark.django_db
def test_the_import_takes_the_same_statements_for_more_views(reader, author, two_chapters):
    work, first, second = two_chapters
    others = [UserFactory() for _ in range(5)]
    works = [WorkFactory(by=author) for _ in range(5)]

    def statements(views) -> int:
        with CaptureQueriesContext(connection) as queries:
            reading_records_upsert(views=views)
        return len(queries)

    few = statements([view(reader, work, first)])
    many = statements(
        [view(u, w, w.chapters.first()) for u in [reader, *others] for w in works for _ in "ab"]
    )
    assert few == many
    assert ReadingRecord.objects.count() == 1 + 6 * 5
    assert set(ReadingRecord.objects.exclude(work=work).values_list("visits", flat=True)) == {2}


@pytest.mark.django_db
def test_a_view_imported_late_adds_a_visit_but_keeps_the_latest_chapter(reader, two_chapters):
    work, first, second = two_chapters
    reading_records_upsert(views=[view(reader, work, second)])
    latest = ReadingRecord.objects.get().read_at
    reading_records_upsert(views=[view(reader, work, first, seconds_ago=600)])
    record = ReadingRecord.objects.get()
    assert (record.chapter, record.read_at, record.visits) == (second, latest, 2)


@pytest.mark.django_db
def test_history_off_records_nothing_and_on_again(client, reader, two_chapters):
    work, first, _ = two_chapters
    client.force_login(reader)
    response = client.post("/history/settings/", {"enabled": "0"})
    assert response.status_code == 302 and response["Location"] == "/history/"
    reader.refresh_from_db()
    assert reader.keep_history is False
    client.get(first.get_absolute_url())
    flush()
    assert not ReadingRecord.objects.exists()
    assert "History is <strong>off</strong>" in client.get("/history/").content.decode()

    client.post("/history/settings/", {"enabled": "1"})
    reader.refresh_from_db()
    assert reader.keep_history is True
    client.get(first.get_absolute_url())
    flush()
    assert ReadingRecord.objects.filter(user=reader).count() == 1


@pytest.mark.django_db
def test_views_buffered_before_history_was_turned_off_never_arrive(client, reader, two_chapters):
    work, first, second = two_chapters
    client.force_login(reader)
    client.get(first.get_absolute_url())
    client.post("/history/settings/", {"enabled": "0"})
    flush()
    assert not ReadingRecord.objects.exists()

    # Off and on again before the flush: the views from before stay out, later ones count.
    client.get(second.get_absolute_url())
    client.post("/history/settings/", {"enabled": "0"})
    client.get(second.get_absolute_url())
    client.post("/history/settings/", {"enabled": "1"})
    flush()
    assert not ReadingRecord.objects.exists()
    client.get(first.get_absolute_url())
    flush()
    record = ReadingRecord.objects.get()
    assert record.chapter == first and record.visits == 1


@pytest.mark.django_db
def test_clear_history_and_remove_one(client, reader, author, two_chapters):
    work, first, _ = two_chapters
    other_work = WorkFactory(by=author, title="Second Story")
    client.force_login(reader)
    client.get(first.get_absolute_url())
    client.get(other_work.get_absolute_url())
    flush()
    assert ReadingRecord.objects.filter(user=reader).count() == 2

    response = client.post("/history/clear/", {"work": str(work.pk)})
    assert response.status_code == 302
    assert list(ReadingRecord.objects.values_list("work_id", flat=True)) == [other_work.pk]
    assert client.post("/history/clear/", {"work": "abc"}).status_code == 404
    assert client.get("/history/clear/").status_code == 405

    client.post("/history/clear/")
    assert not ReadingRecord.objects.exists()
    assert "Your history is empty." in client.get("/history/").content.decode()


@pytest.mark.django_db
def test_views_buffered_before_a_clear_never_come_back(client, reader, author, two_chapters):
    work, first, second = two_chapters
    other_work = WorkFactory(by=author, title="Second Story")
    client.force_login(reader)
    client.get(first.get_absolute_url())
    client.get(other_work.get_absolute_url())
    flush()
    # Read both again, then remove one work before the flush: the other keeps its new visit.
    client.get(second.get_absolute_url())
    client.get(other_work.get_absolute_url())
    client.post("/history/clear/", {"work": str(work.pk)})
    flush()
    assert list(ReadingRecord.objects.values_list("work_id", "visits")) == [(other_work.pk, 2)]
    # Read the removed work after the clear: it is back, from this view on.
    client.get(first.get_absolute_url())
    flush()
    assert ReadingRecord.objects.get(work=work).visits == 1

    # The whole history cleared with views still buffered.
    client.get(second.get_absolute_url())
    client.get(other_work.get_absolute_url())
    client.post("/history/clear/")
    flush()
    assert not ReadingRecord.objects.exists()
    assert "Your history is empty." in client.get("/history/").content.decode()


@pytest.mark.django_db
def test_cuts_are_forgotten_once_a_flush_has_imported_everything_before_them(
    client, reader, two_chapters
):
    work, _, _ = two_chapters
    client.force_login(reader)
    client.post("/history/clear/", {"work": str(work.pk)})
    old = HistoryCut.objects.get()
    HistoryCut.objects.filter(pk=old.pk).update(
        at=timezone.now() - KEEP_HISTORY_CUT - timedelta(seconds=1)
    )
    client.post("/history/clear/")
    flush()
    assert list(HistoryCut.objects.values_list("work_id", flat=True)) == [None]


@pytest.mark.django_db
def test_history_is_private(client, reader, other, two_chapters):
    work, first, _ = two_chapters
    client.force_login(reader)
    client.get(first.get_absolute_url())
    flush()
    client.force_login(other)
    page = client.get("/history/").content.decode()
    assert "Long Road Home" not in page and "Your history is empty." in page
    # Clearing one's own history leaves the others' alone.
    client.post("/history/clear/")
    flush()
    assert ReadingRecord.objects.filter(user=reader).count() == 1


@pytest.mark.django_db
def test_history_leaves_out_hidden_works(client, reader, two_chapters):
    work, first, _ = two_chapters
    client.force_login(reader)
    client.get(first.get_absolute_url())
    flush()
    Work.objects.filter(pk=work.pk).update(status=Status.DRAFT)
    work_refresh(work=Work.objects.get(pk=work.pk))
    assert "Long Road Home" not in client.get("/history/").content.decode()


@pytest.mark.django_db
def test_mark_for_later_toggle(client, reader, other, two_chapters):
    work, first, _ = two_chapters
    client.force_login(reader)
    response = client.post(
        f"/works/{work.pk}/later/", {"marked": "1", "next": first.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    assert LaterMark.objects.filter(user=reader, work=work).exists()
    # Marking twice keeps one mark.
    client.post(f"/works/{work.pk}/later/", {"marked": "1"})
    assert LaterMark.objects.count() == 1

    # Reading the work leaves it marked.
    client.get(first.get_absolute_url())
    later = client.get("/later/").content.decode()
    assert "Long Road Home" in later

    client.force_login(other)
    assert "Long Road Home" not in client.get("/later/").content.decode()

    client.force_login(reader)
    response = client.post(
        f"/works/{work.pk}/later/", {"marked": "0", "next": "https://evil.example/"}
    )
    assert response["Location"] == work.get_absolute_url()
    assert not LaterMark.objects.exists()
    assert "Nothing marked for later" in client.get("/later/").content.decode()
    assert client.get(f"/works/{work.pk}/later/").status_code == 405


@pytest.mark.django_db
def test_guest_mark_for_later_goes_to_login(client, two_chapters):
    work, _, _ = two_chapters
    response = client.post(f"/works/{work.pk}/later/", {"marked": "1"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not LaterMark.objects.exists()


@pytest.mark.django_db
def test_list_pages_take_the_same_queries_for_more_rows(client, reader, author):
    work = WorkFactory(by=author)

    def add(n):
        for _ in range(n):
            bookmark_save(user=UserFactory(), work=work, data=BookmarkInput(tags=["x", "y"]))
            other_work = WorkFactory(by=author, freeforms=["One", "Two"])
            bookmark_save(user=reader, work=other_work, data=BookmarkInput(tags=["x", "y"]))
            later_set(user=reader, work=other_work, marked=True)
            reading_records_upsert(views=[view(reader, other_work, other_work.chapters.first())])

    client.force_login(reader)
    urls = ("/users/reader/bookmarks/", "/history/", "/later/", f"/works/{work.pk}/bookmarks/")

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    add(2)
    few = counts()
    add(4)
    assert counts() == few
