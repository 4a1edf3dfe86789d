"""The embedded cache keeps within its byte budget, dropping the least recently used."""

import os
import time

from fanfold.core.cache import BoundedLocMemCache

KB = 1024


def cache(max_kb: int, name: str) -> BoundedLocMemCache:
    c = BoundedLocMemCache(name, {"OPTIONS": {"MAX_BYTES": max_kb * KB, "MAX_ENTRIES": 1000}})
    c.clear()
    return c


def test_bytes_held_stay_within_the_budget_and_recent_entries_stay():
    c = cache(100, "budget")
    for i in range(50):
        c.set(f"k{i}", os.urandom(9 * KB))
        assert c.bytes_held <= 100 * KB
        if i % 5 == 0:
            assert c.get("k0") is not None  # used often: always the most recent
    assert c.get("k0") is not None and c.get("k49") is not None
    assert c.get("k1") is None and c.get("k20") is None  # the least recently used went
    assert 90 * KB <= c.bytes_held <= 100 * KB


def test_replacing_deleting_and_clearing_keep_the_count_right():
    c = cache(100, "count")
    c.set("a", os.urandom(5 * KB))
    before = c.bytes_held
    c.set("a", os.urandom(2 * KB))
    assert c.bytes_held < before
    c.delete("a")
    assert c.bytes_held == 0
    c.set("n", 1)
    c.incr("n", 10**30)
    assert c.bytes_held == len(c._cache[c.make_and_validate_key("n")])
    c.clear()
    assert c.bytes_held == 0 and c.get("n") is None


def test_an_entry_too_big_is_not_kept_and_evicts_nothing():
    c = cache(100, "big")
    c.set("small", os.urandom(KB))
    c.set("huge", os.urandom(20 * KB))  # over a tenth of the budget
    assert c.get("huge") is None and c.get("small") is not None


def test_expired_entries_go_before_any_recent_one():
    c = cache(200, "expiry")
    c.set("old", os.urandom(19 * KB), timeout=0.05)
    for i in range(9):
        c.set(f"k{i}", os.urandom(19 * KB))
    assert c.get("old") is not None  # now the most recently used...
    time.sleep(0.1)  # ...and expired
    c.set("new", os.urandom(19 * KB))  # needs room: the expired entry gives it
    assert all(c.get(f"k{i}") is not None for i in range(9)) and c.get("new") is not None
    assert c.bytes_held <= 200 * KB


def test_big_values_are_kept_compressed_and_come_back_whole():
    c = cache(100, "compressed")
    page = "<p>It was a dark and stormy night.</p>\n" * 2000  # 78 KB, as a long chapter
    c.set("page", {"body": page})
    assert c.get("page") == {"body": page}
    assert c.bytes_held < 10 * KB  # kept in a fraction of the room
    assert c.add("page", "other") is False and c.get("page") == {"body": page}
    c.set("n", 5)
    assert c.incr("n") == 6 and c.get("n") == 6  # small values as before
