"""Reading history and Mark for later: recorded by reading, private, can be turned off."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fanfold.bookmarks.models import LaterMark, ReadingRecord
from fanfold.bookmarks.services import BookmarkInput, bookmark_save, later_set, reading_record
from fanfold.works.models import Status, Work
from fanfold.works.services import work_refresh
from tests.factories import UserFactory, WorkFactory, add_chapter


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def two_chapters(author):
    work = WorkFactory(by=author, title="Long Road Home")
    second = add_chapter(work, by=author, title="The Turn")
    return work, work.chapters.get(position=1), second


@pytest.mark.django_db
def test_reading_a_chapter_is_recorded(client, reader, two_chapters):
    work, first, second = two_chapters
    client.force_login(reader)
    assert client.get(first.get_absolute_url()).status_code == 200
    record = ReadingRecord.objects.get()
    assert (record.user, record.work, record.chapter, record.visits) == (reader, work, first, 1)
    first_time = record.read_at

    assert client.get(second.get_absolute_url()).status_code == 200
    record.refresh_from_db()
    assert record.chapter == second and record.visits == 2 and record.read_at >= first_time
    assert ReadingRecord.objects.count() == 1

    page = client.get("/history/").content.decode()
    assert "Long Road Home" in page and "Chapter 2: The Turn" in page and "2 visits" in page

    client.get(f"/works/{work.pk}/full/")
    record.refresh_from_db()
    assert record.chapter is None and record.visits == 3
    assert "the entire work" in client.get("/history/").content.decode()


@pytest.mark.django_db
def test_guests_leave_no_history(client, two_chapters):
    work, first, _ = two_chapters
    client.get(first.get_absolute_url())
    assert not ReadingRecord.objects.exists()


@pytest.mark.django_db
def test_recording_is_one_statement(reader, two_chapters, django_assert_num_queries):
    work, first, second = two_chapters
    with django_assert_num_queries(1):
        reading_record(user=reader, work=work, chapter=first)
    with django_assert_num_queries(1):
        reading_record(user=reader, work=work, chapter=second)
    record = ReadingRecord.objects.get()
    assert record.chapter_id == second.pk and record.visits == 2


@pytest.mark.django_db
def test_history_off_records_nothing_and_on_again(client, reader, two_chapters):
    work, first, _ = two_chapters
    client.force_login(reader)
    response = client.post("/history/settings/", {"enabled": "0"})
    assert response.status_code == 302 and response["Location"] == "/history/"
    reader.refresh_from_db()
    assert reader.keep_history is False
    client.get(first.get_absolute_url())
    assert not ReadingRecord.objects.exists()
    assert "History is <strong>off</strong>" in client.get("/history/").content.decode()

    client.post("/history/settings/", {"enabled": "1"})
    reader.refresh_from_db()
    assert reader.keep_history is True
    client.get(first.get_absolute_url())
    assert ReadingRecord.objects.filter(user=reader).count() == 1


@pytest.mark.django_db
def test_clear_history_and_remove_one(client, reader, author, two_chapters):
    work, first, _ = two_chapters
    other_work = WorkFactory(by=author, title="Second Story")
    client.force_login(reader)
    client.get(first.get_absolute_url())
    client.get(other_work.get_absolute_url())
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
def test_history_is_private(client, reader, other, two_chapters):
    work, first, _ = two_chapters
    client.force_login(reader)
    client.get(first.get_absolute_url())
    client.force_login(other)
    page = client.get("/history/").content.decode()
    assert "Long Road Home" not in page and "Your history is empty." in page
    # Clearing one's own history leaves the others' alone.
    client.post("/history/clear/")
    assert ReadingRecord.objects.filter(user=reader).count() == 1


@pytest.mark.django_db
def test_history_leaves_out_hidden_works(client, reader, two_chapters):
    work, first, _ = two_chapters
    client.force_login(reader)
    client.get(first.get_absolute_url())
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
            reading_record(user=reader, work=other_work, chapter=other_work.chapters.first())

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
