"""The spool file buffer: several processes append while a flush moves it aside."""

import multiprocessing
import time

from fanfold.stats.hits import SpoolBuffer

WRITERS = 4
LINES = 3000


def _write(folder, writer: int) -> None:
    buffer = SpoolBuffer(folder)
    for n in range(LINES):
        buffer.append(f"{writer} {n} {'x' * (n % 50)}\n".encode())


def test_no_line_is_lost_or_torn_while_flushes_rotate(tmp_path):
    folder = tmp_path / "hits"
    context = multiprocessing.get_context("spawn")  # no fork: the suite runs threads
    writers = [context.Process(target=_write, args=(folder, w)) for w in range(WRITERS)]
    for p in writers:
        p.start()
    flusher = SpoolBuffer(folder)
    seen: list[str] = []

    def drain() -> None:
        flusher.rotate()
        for name, lines in flusher.pending():
            seen.extend(lines)
            flusher.discard(name)

    while any(p.is_alive() for p in writers):
        drain()  # hundreds of flushes a second, where the real one runs once a minute
        time.sleep(0.002)
    for p in writers:
        p.join()
        assert p.exitcode == 0
    drain()
    expected = {f"{w} {n} {'x' * (n % 50)}" for w in range(WRITERS) for n in range(LINES)}
    assert len(seen) == len(expected) and set(seen) == expected
    assert not list(folder.glob("*.part"))
