"""The embedded cache: Django's local-memory cache, bounded by bytes as well as entries.

Each web worker keeps its own local-memory cache (pages for guests, the shared parts of
reading pages). Entries differ in size by a thousand times (a listing's versions, a long
chapter's page), so a bound on their number alone lets a worker grow past its memory budget
on a big archive. This one also keeps the pickled bytes it holds under ``MAX_BYTES`` (an
OPTIONS key; settings take it from FANFOLD_LOCAL_CACHE_MB), dropping the least recently used
entries first; an entry bigger than a tenth of the budget is not kept at all. Entries of
2 KB or more are kept compressed (zlib's fastest level): a page or a chapter's HTML takes a
quarter of the room, for a few hundredths of a millisecond on each read.
"""

import pickle
import time
import zlib
from collections import OrderedDict
from threading import Lock
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# Sizes of the entries of each named cache, and their total (shared like Django's own stores).
_sizes: dict[str, dict[str, int]] = {}
_totals: dict[str, list[int]] = {}
COMPRESS_FROM = 2048


class _Compressed(bytes):
    """A pickled value kept compressed."""


def _pack(value: Any) -> bytes:
    pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    if len(pickled) < COMPRESS_FROM:
        return pickled
    return _Compressed(zlib.compress(pickled, 1))


def _unpack(stored: bytes) -> Any:
    return pickle.loads(zlib.decompress(stored) if isinstance(stored, _Compressed) else stored)


class BoundedLocMemCache(LocMemCache):
    # Django's own stores (not in its type stubs).
    _cache: OrderedDict[str, bytes]
    _expire_info: dict[str, float | None]
    _lock: Lock

    def __init__(self, name: str, params: dict[str, Any]):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 64 * 2**20))
        self._sizes = _sizes.setdefault(name, {})
        self._total = _totals.setdefault(name, [0])

    @property
    def bytes_held(self) -> int:
        return self._total[0]

    # Django's add, get and set, with the values packed by _pack.
    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        packed = _pack(value)
        with self._lock:
            if self._has_expired(key):  # type: ignore[attr-defined]
                self._set(key, packed, timeout)
                return True
            return False

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):  # type: ignore[attr-defined]
                self._delete(key)
                return default
            stored = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return _unpack(stored)

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        packed = _pack(value)
        with self._lock:
            self._set(key, packed, timeout)

    def _forget(self, key: str) -> None:
        self._total[0] -= self._sizes.pop(key, 0)

    def _set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        size = len(value)
        self._forget(key)
        self._cache.pop(key, None)
        self._expire_info.pop(key, None)
        if size > self._max_bytes // 10:
            return
        if self._total[0] + size > self._max_bytes:
            # Room is made from expired entries first, then the least recently used (last).
            now = time.time()
            expired = [k for k, end in self._expire_info.items() if end is not None and end <= now]
            for old in expired:
                self._delete(old)
        while self._cache and self._total[0] + size > self._max_bytes:
            self._delete(next(reversed(self._cache)))
        super()._set(key, value, timeout)  # type: ignore[misc]
        self._sizes[key] = size
        self._total[0] += size

    def _cull(self) -> None:
        if not self._cull_frequency:
            self._clear_all()
            return
        for _ in range(len(self._cache) // self._cull_frequency):
            self._delete(next(reversed(self._cache)))

    def _clear_all(self) -> None:
        self._cache.clear()
        self._expire_info.clear()
        self._sizes.clear()
        self._total[0] = 0

    def _delete(self, key: str) -> bool:
        self._forget(key)
        return super()._delete(key)  # type: ignore[misc, no-any-return]

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        value = super().incr(key, delta, version)
        made = self.make_and_validate_key(key, version=version)
        with self._lock:
            if made in self._cache:
                self._forget(made)
                self._sizes[made] = len(self._cache[made])
                self._total[0] += self._sizes[made]
        return value

    def clear(self) -> None:
        with self._lock:
            self._clear_all()
