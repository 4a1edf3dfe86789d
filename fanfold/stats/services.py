"""Writes for hits: importing the hit buffer into the daily tables, sketches and counters,
and the logged-in readers' views into their reading history."""

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fanfold.bookmarks.services import (
    ReadingView,
    reading_history_cuts_prune,
    reading_records_upsert,
)
from fanfold.stats.hits import hit_buffer
from fanfold.stats.hll import HyperLogLog
from fanfold.stats.models import (
    ChapterDailyReader,
    ChapterDay,
    ChapterReaders,
    HitBatch,
    WorkDailyReader,
    WorkDay,
    WorkReaders,
)
from fanfold.works.models import Chapter, Work, WorkCreator

logger = logging.getLogger(__name__)

# Lines imported per transaction: short transactions keep SQLite writers from waiting, and
# every IN (...) list under its variable limit.
CHUNK_LINES = 2_000
# Days for which "this reader was already counted today" rows are kept. A buffer older than
# this (a flush outage of a week) is still imported, but may count a reader twice that day.
KEEP_READER_DAYS = 7
KEEP_BATCH_DAYS = 30
# A history clear or switch is remembered until a flush that began this much later has
# imported every buffered view: room for views written just as the buffer was moved aside,
# and for servers whose clocks differ a little.
KEEP_HISTORY_CUT = timedelta(minutes=10)


@dataclass
class FlushResult:
    lines: int = 0
    work_hits: int = 0
    chapter_hits: int = 0
    history: int = 0  # reading-history lines written (one per reader and work in a chunk)
    skipped: bool = False  # another flush held the lock


@dataclass(frozen=True)
class _Hit:
    day: date
    work_id: int
    chapter_id: int | None
    reader: str
    at: float  # seconds since the epoch
    user_id: int | None  # a logged-in reader's account


@lru_cache(maxsize=4)
def _reader_key(secret: str) -> bytes:
    return hashlib.blake2b(secret.encode(), digest_size=32, person=b"fanfold-reader").digest()


def reader_hash(reader: str) -> int:
    """A keyed 64-bit hash of a reader key, as a signed integer (for a BigIntegerField)."""
    digest = hashlib.blake2b(
        reader.encode(), key=_reader_key(settings.SECRET_KEY), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def _unsigned(value: int) -> int:
    return value & 0xFFFF_FFFF_FFFF_FFFF


def _parse(lines: Iterable[str]) -> list[_Hit]:
    hits = []
    days: dict[int, date] = {}
    for line in lines:
        parts = line.split()
        if len(parts) != 4:
            continue  # a torn or foreign line
        try:
            # Seconds, with milliseconds since history was recorded this way.
            at, work_id, chapter_id = float(parts[0]), int(parts[1]), int(parts[2])
            second = int(at)
            day = days.get(second)
            if day is None:
                day = days[second] = timezone.localdate(datetime.fromtimestamp(second, tz=UTC))
        except (ValueError, OverflowError, OSError):
            continue  # not a number, or not a time
        reader = parts[3]
        user_id = int(reader[1:]) if reader[:1] == "u" and reader[1:].isdigit() else None
        hits.append(_Hit(day, work_id, chapter_id or None, reader, at, user_id))
    return hits


def hits_flush(*, wait: bool = True, prune: bool = True) -> FlushResult:
    """Import every buffered hit into the database, and the logged-in readers' views into their
    history; safe to re-run after a crash."""
    buffer = hit_buffer()
    result = FlushResult()
    with buffer.flush_lock(wait) as locked:
        if not locked:
            result.skipped = True
            return result
        started = timezone.now()
        buffer.rotate()
        for name, lines in buffer.pending():
            for part, start in enumerate(range(0, len(lines), CHUNK_LINES)):
                _import_chunk(
                    name=f"{name}:{part}", lines=lines[start : start + CHUNK_LINES], result=result
                )
            buffer.discard(name)
        if prune:
            hits_prune()
            # Every view buffered before the rotation is imported now.
            reading_history_cuts_prune(before=started - KEEP_HISTORY_CUT)
    return result


def hits_prune(*, today: date | None = None) -> None:
    """Forget which readers were counted on days that no longer need it."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=KEEP_READER_DAYS)
    WorkDailyReader.objects.filter(day__lt=cutoff).delete()
    ChapterDailyReader.objects.filter(day__lt=cutoff).delete()
    HitBatch.objects.filter(
        imported_at__lt=timezone.now() - timedelta(days=KEEP_BATCH_DAYS)
    ).delete()


@transaction.atomic
def _import_chunk(*, name: str, lines: list[str], result: FlushResult) -> None:
    if HitBatch.objects.filter(name=name).exists():
        return  # imported before a crash or by another flush
    HitBatch.objects.create(name=name, lines=len(lines))
    result.lines += len(lines)
    hits = _parse(lines)
    if settings.FANFOLD_COUNT_HITS:
        _count_hits(hits, result)
    # In the chunk's transaction, with its HitBatch row: each view reaches history once.
    result.history += reading_records_upsert(
        views=[
            ReadingView(
                user_id=h.user_id,
                work_id=h.work_id,
                chapter_id=h.chapter_id,
                at=datetime.fromtimestamp(h.at, tz=UTC),
            )
            for h in hits
            if h.user_id is not None
        ]
    )


def _count_hits(hits: list[_Hit], result: FlushResult) -> None:
    if not hits:
        return
    work_ids = {h.work_id for h in hits}
    works = set(Work.objects.filter(pk__in=work_ids).values_list("pk", flat=True))
    chapter_work = dict(
        Chapter.objects.filter(pk__in={h.chapter_id for h in hits if h.chapter_id}).values_list(
            "pk", "work_id"
        )
    )
    user_ids = {h.user_id for h in hits if h.user_id is not None}
    # A creator reading their own work is not a hit (it is in their history, though).
    creators = set(
        WorkCreator.objects.filter(work_id__in=works, user_id__in=user_ids).values_list(
            "work_id", "user_id"
        )
    )
    hashes: dict[str, int] = {}
    work_keys: set[tuple[int, date, int]] = set()
    chapter_keys: set[tuple[int, date, int]] = set()
    for h in hits:
        if h.work_id not in works:
            continue  # deleted since
        if h.user_id is not None and (h.work_id, h.user_id) in creators:
            continue
        rh = hashes.get(h.reader)
        if rh is None:
            rh = hashes[h.reader] = reader_hash(h.reader)
        work_keys.add((h.work_id, h.day, rh))
        if h.chapter_id and chapter_work.get(h.chapter_id) == h.work_id:
            chapter_keys.add((h.chapter_id, h.day, rh))

    new_work = _new_keys(WorkDailyReader, "work_id", work_keys)
    new_chapter = _new_keys(ChapterDailyReader, "chapter_id", chapter_keys)
    WorkDailyReader.objects.bulk_create(
        [WorkDailyReader(work_id=w, day=d, reader=r) for w, d, r in new_work], batch_size=2000
    )
    ChapterDailyReader.objects.bulk_create(
        [ChapterDailyReader(chapter_id=c, day=d, reader=r) for c, d, r in new_chapter],
        batch_size=2000,
    )
    _add_day_hits(WorkDay, "work_id", Counter((w, d) for w, d, _ in new_work), {})
    _add_day_hits(
        ChapterDay, "chapter_id", Counter((c, d) for c, d, _ in new_chapter), chapter_work
    )

    per_work = Counter(w for w, _, _ in new_work)
    by_amount: dict[int, list[int]] = defaultdict(list)
    for work_id, n in per_work.items():
        by_amount[n].append(work_id)
    for n, ids in by_amount.items():
        Work.objects.filter(pk__in=ids).update(hit_count=F("hit_count") + n)

    work_readers: dict[int, set[int]] = defaultdict(set)
    for w, _, r in new_work:
        work_readers[w].add(r)
    chapter_readers: dict[int, set[int]] = defaultdict(set)
    for c, _, r in new_chapter:
        chapter_readers[c].add(r)
    _add_readers(WorkReaders, "work_id", work_readers, {})
    _add_readers(
        ChapterReaders,
        "chapter_id",
        chapter_readers,
        chapter_work,
        hits=Counter(c for c, _, _ in new_chapter),
    )
    result.work_hits += len(new_work)
    result.chapter_hits += len(new_chapter)


def _new_keys[Daily: (WorkDailyReader, ChapterDailyReader)](
    model: type[Daily], field: str, keys: set[tuple[int, date, int]]
) -> set[tuple[int, date, int]]:
    """The (object, day, reader) keys not counted yet."""
    if not keys:
        return set()
    existing = set(
        model.objects.filter(
            **{
                f"{field}__in": {k[0] for k in keys},
                "day__in": {k[1] for k in keys},
                "reader__in": {k[2] for k in keys},
            }
        ).values_list(field, "day", "reader")
    )
    return keys - existing


def _add_day_hits[Day: (WorkDay, ChapterDay)](
    model: type[Day],
    field: str,
    counts: Counter[tuple[int, date]],
    chapter_work: dict[int, int],
) -> None:
    """Add new hits to the per-day rows, creating the missing ones."""
    if not counts:
        return
    rows = model.objects.select_for_update().filter(
        **{f"{field}__in": {k[0] for k in counts}, "day__in": {k[1] for k in counts}}
    )
    found: set[tuple[int, date]] = set()
    changed: list[Day] = []
    for row in rows:
        key = (getattr(row, field), row.day)
        if key in counts:
            row.hits += counts[key]
            found.add(key)
            changed.append(row)
    model.objects.bulk_update(changed, ["hits"], batch_size=1000)
    created: list[Day] = []
    for (obj, day), n in counts.items():
        if (obj, day) not in found:
            extra = {"work_id": chapter_work[obj]} if chapter_work else {}
            created.append(model(**{field: obj, "day": day, "hits": n, **extra}))
    model.objects.bulk_create(created, batch_size=1000)


def _add_readers[Readers: (WorkReaders, ChapterReaders)](
    model: type[Readers],
    field: str,
    readers: dict[int, set[int]],
    chapter_work: dict[int, int],
    hits: Counter[int] | None = None,
) -> None:
    """Add reader hashes to the sketches (and new hits to the chapter totals)."""
    if not readers:
        return
    rows = {
        getattr(r, field): r
        for r in model.objects.select_for_update().filter(**{f"{field}__in": readers})
    }
    changed: list[Readers] = []
    created: list[Readers] = []
    for obj, hashes in readers.items():
        row = rows.get(obj)
        if row is None:
            extra = {"work_id": chapter_work[obj]} if chapter_work else {}
            row = model(**{field: obj, **extra})
            created.append(row)
        else:
            changed.append(row)
        sketch = HyperLogLog.from_stored(row.sketch)
        for rh in hashes:
            sketch.add(_unsigned(rh))
        row.sketch = sketch.stored()
        row.readers = sketch.estimate()
        if hits is not None and isinstance(row, ChapterReaders):
            row.hits += hits[obj]
    fields = ["sketch", "readers", *(["hits"] if hits is not None else [])]
    model.objects.bulk_update(changed, fields, batch_size=500)
    model.objects.bulk_create(created, batch_size=500)
