"""The HyperLogLog sketch behind the unique-reader estimates."""

import random

from fanfold.stats.hll import HyperLogLog, M
from fanfold.stats.services import reader_hash


def _items(n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.getrandbits(64) for _ in range(n)]


def test_ten_thousand_distinct_readers_within_a_few_percent():
    for seed in range(3):
        sketch = HyperLogLog()
        sketch.update(_items(10_000, seed))
        assert abs(sketch.estimate() - 10_000) <= 500, seed  # 5 %; the standard error is 1.6 %


def test_reader_hashes_feed_it_well():
    sketch = HyperLogLog()
    for n in range(10_000):
        sketch.add(reader_hash(f"u{n}") & (2**64 - 1))
    assert abs(sketch.estimate() - 10_000) <= 500


def test_small_counts_are_near_exact_and_repeats_add_nothing():
    sketch = HyperLogLog()
    assert sketch.estimate() == 0
    items = _items(20, 7)
    sketch.update(items)
    sketch.update(items)
    assert abs(sketch.estimate() - 20) <= 1  # two of 20 may share a register


def test_storage_round_trip_and_merge():
    a, b = HyperLogLog(), HyperLogLog()
    a.update(_items(3_000, 1))
    b.update(_items(3_000, 2))
    stored = a.stored()
    assert len(stored) < M  # compressed
    again = HyperLogLog.from_stored(stored)
    assert again.registers == a.registers
    again.merge(b)
    assert abs(again.estimate() - 6_000) <= 300
    assert HyperLogLog.from_stored(b"").estimate() == 0
