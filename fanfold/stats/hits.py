"""Hit counting: one per reader per work (and per chapter) per day, buffered and flushed by a
background job.

Reading views mark their response with ``mark_hit``; the page cache keeps the mark with the
cached page, and ``HitCounterMiddleware`` (just outside the page cache) records every marked
page it sends, whether the view rendered it or the cache served it. Recording appends one
short line (time, work, chapter, reader) to a buffer and never touches the database:

- embedded default: ``DATA_DIR/hits/current.spool``, shared by every process on the machine
  and written with O_APPEND under a shared ``flock``;
- with Redis as the cache (``REDIS_URL``): the Redis list ``fanfold:hits``.

``fanfold.stats.services.hits_flush`` imports the buffer: it first moves it aside under a
unique "processing" name (so new hits start a new buffer), imports it in chunks, each in one
transaction together with a ``HitBatch`` row naming it, and deletes it only afterwards.
A flush that dies half way leaves the processing part behind; the next flush imports the
chunks that have no ``HitBatch`` yet, so no hit is lost and none is counted twice.

The same lines are the logged-in readers' reading history: the flush adds their views to it
in the same transaction as the chunk (``fanfold.bookmarks.services.reading_records_upsert``),
so recording a logged-in reader's view writes nothing to the database either. The flush job
is queued every FANFOLD_HITS_FLUSH_SECONDS by the worker supervisor (``manage.py run_worker``,
``FANFOLD_PERIODIC_TASKS``), never by a page view; only with FANFOLD_HITS_FLUSH_SECONDS=0 does
each view queue it, to count at once.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fanfold.core.ratelimit import client_ip
from fanfold.core.shared import redis_url

logger = logging.getLogger(__name__)

# Distinct (work, chapter, reader) a process remembers per day, so that a reader reloading a
# page adds no line at all (the flush would drop the duplicate anyway).
SEEN_MAX = 20_000
LOCK_WAIT_SECONDS = 120


def mark_hit(response: HttpResponse, *, work_id: int, chapter_id: int | None) -> HttpResponse:
    """Mark a reading page so the hit is counted (also when the page cache serves it)."""
    response.fanfold_hit = (work_id, chapter_id)  # type: ignore[attr-defined]
    return response


# Readers


@lru_cache(maxsize=4)
def _ip_key(secret: str) -> bytes:
    return hashlib.blake2b(secret.encode(), digest_size=32, person=b"fanfold-hit-ip").digest()


def reader_key(request: HttpRequest) -> str:
    """ "u<id>" for a logged-in reader, else a keyed hash of the address (never the address)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    digest = hashlib.blake2b(
        client_ip(request).encode(), key=_ip_key(settings.SECRET_KEY), digest_size=8
    )
    return "a" + digest.hexdigest()


# Buffers


class SpoolBuffer:
    """An append-only file in the data folder shared by the processes of one machine."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.current = folder / "current.spool"
        self._fd: int | None = None
        self._ino = (0, 0)
        self._pid = 0
        # Threads of one process share the descriptor: one may not close it under another.
        self._lock = threading.Lock()

    def _open(self) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        fd = os.open(self.current, flags, 0o600)
        st = os.fstat(fd)
        self._fd, self._ino, self._pid = fd, (st.st_dev, st.st_ino), os.getpid()
        return fd

    def _close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = None

    def append(self, data: bytes) -> None:
        with self._lock:
            self._append(data)

    def _append(self, data: bytes) -> None:
        # Each retry means a flush moved the file aside just now; with flushes a minute
        # apart one retry is already rare.
        for _ in range(100):
            fd = self._fd if self._fd is not None and self._pid == os.getpid() else self._open()
            # Shared lock: writers never wait for each other, only for a flush that has just
            # moved the file aside and is making sure no write to it is still under way.
            fcntl.flock(fd, fcntl.LOCK_SH)
            try:
                try:
                    st = os.stat(self.current)
                    live = (st.st_dev, st.st_ino) == self._ino
                except FileNotFoundError:
                    live = False
                if live:
                    os.write(fd, data)
                    return
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._close()  # the flush took the file: write to a new one
        raise OSError(f"could not append to {self.current}")

    def rotate(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.rename(self.current, self.folder / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.part")

    def pending(self) -> Iterator[tuple[str, list[str]]]:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.part")):
            with open(path, "rb") as fh:
                # Waits for any writer that opened the file before it was moved aside.
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
                data = fh.read()
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            yield path.stem, data.decode("utf-8", "replace").splitlines()

    def discard(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.folder / f"{name}.part")

    @contextlib.contextmanager
    def flush_lock(self, wait: bool) -> Iterator[bool]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "flush.lock", "a") as fh:
            deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait else 0)
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.05)
            try:
                yield True
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class RedisBuffer:
    """A Redis list shared by every server that uses the same Redis."""

    KEY = "fanfold:hits"

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)

    def append(self, data: bytes) -> None:
        self.client.rpush(self.KEY, data)

    def rotate(self) -> None:
        import redis

        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        with contextlib.suppress(redis.ResponseError):  # no hits since the last flush
            self.client.rename(self.KEY, f"{self.KEY}:part:{name}")

    def pending(self) -> Iterator[tuple[str, list[str]]]:
        prefix = f"{self.KEY}:part:"
        keys = sorted(k.decode() for k in self.client.scan_iter(match=prefix + "*", count=1000))
        for key in keys:
            lines = [
                b.decode("utf-8", "replace") if isinstance(b, bytes) else b
                for b in self.client.lrange(key, 0, -1)
            ]
            yield key.removeprefix(prefix), lines

    def discard(self, name: str) -> None:
        self.client.delete(f"{self.KEY}:part:{name}")

    @contextlib.contextmanager
    def flush_lock(self, wait: bool) -> Iterator[bool]:
        lock = self.client.lock(
            f"{self.KEY}:flush-lock",
            timeout=600,
            blocking=wait,
            blocking_timeout=LOCK_WAIT_SECONDS if wait else None,
        )
        if not lock.acquire():
            yield False
            return
        try:
            yield True
        finally:
            with contextlib.suppress(Exception):
                lock.release()


HitBuffer = SpoolBuffer | RedisBuffer


def _location() -> str:
    # On every hit: os.path is several times faster than pathlib here.
    return redis_url() or os.path.join(settings.DATA_DIR, "hits")


class _Recorder:
    def __init__(self, buffer: HitBuffer):
        self.buffer = buffer
        self.seen: set[tuple[int, int, str]] = set()
        self.seen_until = 0.0


_recorders: dict[str, _Recorder] = {}


def _recorder() -> _Recorder:
    location = _location()
    recorder = _recorders.get(location)
    if recorder is None:
        url = redis_url()
        buffer = RedisBuffer(url) if url else SpoolBuffer(Path(location))
        recorder = _recorders[location] = _Recorder(buffer)
    return recorder


def hit_buffer() -> HitBuffer:
    """The buffer this process records hits into (and a flush reads)."""
    return _recorder().buffer


def _next_midnight(now: float) -> float:
    today = timezone.localdate(datetime.fromtimestamp(now, tz=UTC))
    midnight = datetime.combine(today + timedelta(days=1), datetime.min.time())
    return timezone.make_aware(midnight).timestamp()


def _keeps_history(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and getattr(user, "keep_history", False))


def record_hit(request: HttpRequest, *, work_id: int, chapter_id: int | None) -> bool:
    """Buffer one page view; True when a line was added.

    A reader's views of the same page on the same day make one line per process (the flush
    counts one hit however many), except for a logged-in reader who keeps a history: each of
    their views is a line (the latest chapter, the time and the visits of their history), also
    when hits are not counted.
    """
    history = _keeps_history(request)
    if not settings.FANFOLD_COUNT_HITS and not history:
        return False
    recorder = _recorder()
    now = time.time()
    if now >= recorder.seen_until:
        recorder.seen.clear()
        recorder.seen_until = _next_midnight(now)
    reader = reader_key(request)
    key = (work_id, chapter_id or 0, reader)
    if not history and key in recorder.seen:
        return False
    if len(recorder.seen) >= SEEN_MAX:
        recorder.seen.clear()
    # The time to the millisecond, rounded down: a view is never later than it happened.
    ms = int(now * 1000)
    recorder.buffer.append(
        f"{ms // 1000}.{ms % 1000:03d} {work_id} {chapter_id or 0} {reader}\n".encode()
    )
    recorder.seen.add(key)
    if not settings.FANFOLD_HITS_FLUSH_SECONDS:
        # Counted at once, at the cost of a queued job per view (FANFOLD_PERIODIC_TASKS: the
        # worker supervisor queues the flush on a timer otherwise, and a view writes nothing).
        _flush_now()
    return True


def _flush_now() -> None:
    from fanfold.stats.tasks import hits_flush_task

    hits_flush_task.enqueue()


class HitCounterMiddleware:
    """Record the hit of every reading page sent, including pages the page cache served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        hit = getattr(response, "fanfold_hit", None)
        if hit is not None and request.method == "GET" and response.status_code == 200:
            try:
                record_hit(request, work_id=hit[0], chapter_id=hit[1])
            except Exception:
                # Counting must never cost a reader the page.
                logger.exception("could not record a hit")
        return response
