"""Hits: one per reader per work (and per chapter) per day, buffered, flushed, never lost."""

import shutil
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from fanfold.stats import hits
from fanfold.stats.hits import hit_buffer
from fanfold.stats.models import (
    ChapterDailyReader,
    ChapterDay,
    ChapterReaders,
    HitBatch,
    WorkDailyReader,
    WorkDay,
    WorkReaders,
)
from fanfold.stats.services import KEEP_READER_DAYS, hits_flush, hits_prune
from fanfold.works.models import Work
from tests.factories import UserFactory
from tests.stats.conftest import guest


def chapter_hits(chapter) -> int:
    return sum(ChapterDay.objects.filter(chapter=chapter).values_list("hits", flat=True))


def hit_count(work) -> int:
    return Work.objects.values_list("hit_count", flat=True).get(pk=work.pk)


def spool_files(settings) -> list[str]:
    folder = settings.DATA_DIR / "hits"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.django_db
def test_viewing_a_chapter_counts_a_hit(settings, run_jobs, serial):
    settings.FANFOLD_HITS_FLUSH_SECONDS = 0  # the flush job runs right after every new view
    first = serial.chapters.order_by("position").first()
    assert guest("10.0.0.1").get(first.get_absolute_url()).status_code == 200
    assert hit_count(serial) == 1
    assert chapter_hits(first) == 1


@pytest.mark.django_db
def test_one_hit_per_reader_per_day(serial, other):
    ch1, ch2, ch3 = serial.chapters.order_by("position")
    alice = guest("10.0.0.1")
    for url in (ch1.get_absolute_url(), ch1.get_absolute_url(), ch2.get_absolute_url()):
        assert alice.get(url).status_code == 200
    alice.get(serial.get_absolute_url())  # the work page shows chapter 1 again
    guest("10.0.0.2").get(ch1.get_absolute_url())
    member = guest("10.0.0.1")  # same address as alice, but logged in: another reader
    member.force_login(other)
    member.get(ch1.get_absolute_url())
    member.get(ch1.get_absolute_url())
    member.get(f"/works/{serial.pk}/full/")  # entire work: a work hit, no chapter hit

    hits_flush()
    assert hit_count(serial) == 3
    assert (chapter_hits(ch1), chapter_hits(ch2), chapter_hits(ch3)) == (3, 1, 0)
    assert WorkDay.objects.get(work=serial).hits == 3
    assert WorkReaders.objects.get(work=serial).readers == 3
    assert ChapterReaders.objects.get(chapter=ch1).readers == 3
    assert ChapterReaders.objects.get(chapter=ch1).hits == 3

    # The same readers again the same day, seen by another server process: no new hit.
    hits._recorders.clear()
    alice.get(ch1.get_absolute_url())
    member.get(ch2.get_absolute_url())
    hits_flush()
    assert hit_count(serial) == 3
    assert (chapter_hits(ch1), chapter_hits(ch2)) == (3, 2)
    assert WorkReaders.objects.get(work=serial).readers == 3


@pytest.mark.django_db
def test_pages_from_the_page_cache_count_too(serial):
    url = serial.chapters.order_by("position").first().get_absolute_url()
    assert guest("10.0.0.1").get(url)["X-Fanfold-Cache"] == "miss"
    second = guest("10.0.0.2").get(url)
    assert second["X-Fanfold-Cache"] == "hit"
    third = guest("10.0.0.3").get(url)
    assert third["X-Fanfold-Cache"] == "hit"
    hits_flush()
    assert hit_count(serial) == 3


@pytest.mark.django_db
def test_a_creators_own_views_do_not_count(client, author, serial):
    client.force_login(author)
    for chapter in serial.chapters.all():
        assert client.get(chapter.get_absolute_url()).status_code == 200
    hits_flush()
    assert hit_count(serial) == 0
    assert not ChapterDay.objects.exists()
    assert not WorkDailyReader.objects.exists()
    guest("10.0.0.1").get(serial.get_absolute_url())  # anyone else counts
    hits_flush()
    assert hit_count(serial) == 1


@pytest.mark.django_db
def test_a_new_day_is_a_new_hit(serial):
    chapter = serial.chapters.order_by("position").first()
    guest("10.0.0.1").get(chapter.get_absolute_url())
    reader = hits.reader_key(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1"))
    yesterday = int(time.time()) - 86400
    hit_buffer().append(f"{yesterday} {serial.pk} {chapter.pk} {reader}\n".encode())
    hits_flush()
    assert hit_count(serial) == 2
    assert WorkDay.objects.filter(work=serial).count() == 2
    assert WorkReaders.objects.get(work=serial).readers == 1


@pytest.mark.django_db
def test_no_address_is_stored(serial):
    guest("198.51.100.77").get(serial.get_absolute_url())
    spooled = hit_buffer().current.read_text()
    assert "198.51.100.77" not in spooled
    hits_flush()
    assert WorkDailyReader.objects.count() == 1
    assert "198.51.100" not in str(list(WorkDailyReader.objects.values()))


@pytest.mark.django_db
def test_counting_can_be_switched_off(settings, serial):
    settings.FANFOLD_COUNT_HITS = False
    guest("10.0.0.1").get(serial.get_absolute_url())
    hits_flush()
    assert hit_count(serial) == 0
    assert spool_files(settings) in ([], ["flush.lock"])


@pytest.mark.django_db
def test_flush_is_idempotent_and_survives_a_crash(settings, serial):
    ch1 = serial.chapters.order_by("position").first()
    guest("10.0.0.1").get(ch1.get_absolute_url())
    guest("10.0.0.2").get(ch1.get_absolute_url())
    # A flush moved the buffer aside and died before importing it.
    hit_buffer().rotate()
    parts = [n for n in spool_files(settings) if n.endswith(".part")]
    assert len(parts) == 1
    kept = settings.DATA_DIR / "kept.part"
    shutil.copy(settings.DATA_DIR / "hits" / parts[0], kept)
    # Meanwhile a new reader arrives and goes into a new buffer.
    guest("10.0.0.3").get(ch1.get_absolute_url())

    hits_flush()
    assert hit_count(serial) == 3
    assert not [n for n in spool_files(settings) if n.endswith((".part", ".spool"))]

    # A flush that died after committing but before deleting the part it imported: the
    # next flush finds the part again and adds nothing.
    shutil.copy(kept, settings.DATA_DIR / "hits" / parts[0])
    hits_flush()
    hits_flush()
    assert hit_count(serial) == 3
    assert chapter_hits(ch1) == 3
    assert HitBatch.objects.filter(name__startswith=parts[0].removesuffix(".part")).count() == 1
    assert not [n for n in spool_files(settings) if n.endswith(".part")]


@pytest.mark.django_db
def test_the_import_is_idempotent_even_for_a_new_batch_name(serial):
    # The same views imported under two names (e.g. two flushes on different machines)
    # still count each reader once per day.
    chapter = serial.chapters.order_by("position").first()
    now = int(time.time())
    lines = [f"{now} {serial.pk} {chapter.pk} a{n:016x}\n".encode() for n in range(5)]
    for line in lines:
        hit_buffer().append(line)
    hits_flush()
    for line in lines:
        hit_buffer().append(line)
    hits_flush()
    assert hit_count(serial) == 5
    assert chapter_hits(chapter) == 5


@pytest.mark.django_db
def test_torn_lines_and_deleted_works_are_skipped(author, serial, commit_hooks):
    from fanfold.works import services

    chapter = serial.chapters.order_by("position").first()
    gone = serial.pk + 1000
    now = int(time.time())
    for line in (
        f"{now} {serial.pk} {chapter.pk} a0000000000000001\n",
        f"{now} {gone} 0 a0000000000000001\n",
        f"{now} {serial.pk} {chapter.pk + 999} a0000000000000002\n",  # no such chapter
        "garbage\n",
        f"{now} {serial.pk}",  # torn
    ):
        hit_buffer().append(line.encode())
    hits_flush()
    assert hit_count(serial) == 2  # both readers count for the work
    assert chapter_hits(chapter) == 1
    commit_hooks(lambda: services.work_delete(work=serial, by=author))
    assert not WorkDay.objects.exists() and not ChapterDay.objects.exists()


@pytest.mark.django_db
def test_prune_keeps_only_recent_reader_days(serial):
    chapter = serial.chapters.order_by("position").first()
    old = timezone.localdate() - timedelta(days=KEEP_READER_DAYS + 1)
    WorkDailyReader.objects.create(work=serial, day=old, reader=1)
    ChapterDailyReader.objects.create(chapter=chapter, day=old, reader=1)
    WorkDailyReader.objects.create(work=serial, day=timezone.localdate(), reader=2)
    hits_prune()
    assert list(WorkDailyReader.objects.values_list("reader", flat=True)) == [2]
    assert not ChapterDailyReader.objects.exists()


@pytest.mark.django_db
def test_flush_hits_command(serial, capsys):
    guest("10.0.0.1").get(serial.get_absolute_url())
    guest("10.0.0.2").get(serial.get_absolute_url())
    call_command("flush_hits")
    out = capsys.readouterr().out
    assert "work hits" in out
    assert hit_count(serial) == 2


@pytest.mark.django_db
def test_blurbs_show_the_flushed_hit_count(settings, run_jobs, serial):
    settings.FANFOLD_HITS_FLUSH_SECONDS = 0
    reader = UserFactory(username="blurb_reader")
    member = guest("10.0.0.9")
    member.force_login(reader)
    member.get(serial.get_absolute_url())
    assert hit_count(serial) == 1
    page = member.get(serial.get_absolute_url()).content.decode()
    assert "<dt>Hits</dt><dd>1</dd>" in page


@pytest.mark.django_db(transaction=True)
def test_views_queue_nothing_and_the_supervisor_queues_one_flush_a_period(settings, author):
    """Reading writes nothing, not even a job: the worker supervisor queues the flush on a
    timer, and however many supervisors run, one flush job waits at a time."""
    from django_tasks_db.models import DBTaskResult

    from fanfold.core.worker import periodic_tasks_enqueue
    from tests.factories import WorkFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.FANFOLD_PERIODIC_TASKS = {"fanfold.stats.tasks.hits_flush_task": 60}
    work = WorkFactory(by=author)
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        guest(ip).get(work.get_absolute_url())
    assert not DBTaskResult.objects.exists() and hit_count(work) == 0

    one, two = {}, {}  # two supervisors (two servers' workers)
    assert periodic_tasks_enqueue(last_queued=one, now=1000.0) == [
        "fanfold.stats.tasks.hits_flush_task"
    ]
    assert periodic_tasks_enqueue(last_queued=two, now=1000.5) == []  # one is waiting
    assert periodic_tasks_enqueue(last_queued=one, now=1030.0) == []  # not due yet
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    assert hit_count(work) == 3
    assert periodic_tasks_enqueue(last_queued=one, now=1061.0) != []  # due again


@pytest.mark.django_db
def test_a_flush_that_died_between_chunks_resumes_where_it_stopped(settings, serial):
    from fanfold.stats import services

    chapter = serial.chapters.order_by("position").first()
    now = int(time.time())
    total = services.CHUNK_LINES * 2 + 500
    for n in range(total):
        hit_buffer().append(f"{now} {serial.pk} {chapter.pk} a{n:016x}\n".encode())
    buffer = hit_buffer()
    buffer.rotate()
    ((name, lines),) = list(buffer.pending())
    # The first chunk was committed, then the worker died.
    services._import_chunk(
        name=f"{name}:0", lines=lines[: services.CHUNK_LINES], result=services.FlushResult()
    )
    assert hit_count(serial) == services.CHUNK_LINES
    result = hits_flush()
    assert result.lines == total - services.CHUNK_LINES
    assert hit_count(serial) == total
    assert chapter_hits(chapter) == total
    assert HitBatch.objects.filter(name__startswith=name).count() == 3
    assert abs(WorkReaders.objects.get(work=serial).readers - total) <= total * 0.05


# Reading history travels with the hits: written by the flush, in the chunk's transaction.


def history(user) -> list[tuple[int, int | None, int]]:
    from fanfold.bookmarks.models import ReadingRecord

    return list(
        ReadingRecord.objects.filter(user=user).values_list("work_id", "chapter_id", "visits")
    )


@pytest.mark.django_db
def test_history_is_imported_once_and_survives_a_crash(settings, serial, other):
    ch1, ch2, _ = serial.chapters.order_by("position")
    member = guest("10.0.0.1")
    member.force_login(other)
    member.get(ch1.get_absolute_url())
    member.get(ch2.get_absolute_url())
    # A flush moved the buffer aside and died before importing it.
    hit_buffer().rotate()
    (part,) = [n for n in spool_files(settings) if n.endswith(".part")]
    kept = settings.DATA_DIR / "kept.part"
    shutil.copy(settings.DATA_DIR / "hits" / part, kept)
    assert history(other) == []

    result = hits_flush()
    assert result.history == 1
    assert history(other) == [(serial.pk, ch2.pk, 2)]
    # Died after committing but before deleting the part: imported again, nothing changes.
    shutil.copy(kept, settings.DATA_DIR / "hits" / part)
    assert hits_flush().history == 0
    hits_flush()
    assert history(other) == [(serial.pk, ch2.pk, 2)]
    assert hit_count(serial) == 1


@pytest.mark.django_db
def test_a_chunk_imported_again_changes_no_history(serial, other):
    from fanfold.stats import services

    chapter = serial.chapters.order_by("position").first()
    now = time.time()
    lines = [f"{now:.3f} {serial.pk} {chapter.pk} u{other.pk}"] * 3
    for _ in range(2):
        services._import_chunk(name="same:0", lines=lines, result=services.FlushResult())
    assert history(other) == [(serial.pk, chapter.pk, 3)]


@pytest.mark.django_db
def test_a_flush_that_died_between_chunks_resumes_history_too(serial, other):
    from fanfold.stats import services

    ch1, ch2, _ = serial.chapters.order_by("position")
    now = int(time.time())
    total = services.CHUNK_LINES * 2 + 500
    for n in range(total):
        # Chapter 1 over and over, then chapter 2 a second later.
        stamp, chapter = (now + 1, ch2) if n == total - 1 else (now, ch1)
        hit_buffer().append(f"{stamp} {serial.pk} {chapter.pk} u{other.pk}\n".encode())
    buffer = hit_buffer()
    buffer.rotate()
    ((name, lines),) = list(buffer.pending())
    services._import_chunk(
        name=f"{name}:0", lines=lines[: services.CHUNK_LINES], result=services.FlushResult()
    )
    assert history(other) == [(serial.pk, ch1.pk, services.CHUNK_LINES)]
    hits_flush()
    assert history(other) == [(serial.pk, ch2.pk, total)]
    assert hit_count(serial) == 1


@pytest.mark.django_db
def test_history_is_kept_when_hits_are_not_counted(settings, serial, other):
    settings.FANFOLD_COUNT_HITS = False
    chapter = serial.chapters.order_by("position").first()
    guest("10.0.0.1").get(chapter.get_absolute_url())  # not buffered at all
    member = guest("10.0.0.2")
    member.force_login(other)
    member.get(chapter.get_absolute_url())
    assert len(hit_buffer().current.read_text().splitlines()) == 1
    result = hits_flush()
    assert (result.lines, result.work_hits, result.history) == (1, 0, 1)
    assert hit_count(serial) == 0
    assert not WorkDailyReader.objects.exists() and not ChapterDay.objects.exists()
    assert history(other) == [(serial.pk, chapter.pk, 1)]

    # A reader who keeps no history adds no line either.
    other.keep_history = False
    other.save(update_fields=["keep_history"])
    member.get(chapter.get_absolute_url())
    assert spool_files(settings) in ([], ["flush.lock"])


@pytest.mark.django_db
def test_lines_that_are_not_a_time_are_skipped(serial, other):
    chapter = serial.chapters.order_by("position").first()
    for stamp in ("nan", "inf", "1e30", "-1e30", "12x"):
        hit_buffer().append(f"{stamp} {serial.pk} {chapter.pk} u{other.pk}\n".encode())
    hit_buffer().append(f"{time.time():.3f} {serial.pk} {chapter.pk} u{other.pk}\n".encode())
    assert hits_flush().lines == 6
    assert hit_count(serial) == 1
    assert history(other) == [(serial.pk, chapter.pk, 1)]
