#!/usr/bin/env python3
"""How long a big import holds SQLite's write lock, and whether other writers wait.

Generates one Markdown story of --chapters chapters (1,200 by default, ~12 MB), imports it
with `manage.py import_stories` into a throw-away SQLite database (WAL, as `make run` uses),
and meanwhile runs a second process that makes a tiny write every 50 ms, as a bookmark or
a worker claiming a task would. It prints:

- the total import time;
- the longest write transaction the import held (BEGIN to COMMIT on its connection) and how
  many write transactions it made;
- the longest time the concurrent small write waited, and whether it waited more than 1 s.

    .venv/bin/python bench/import_lock.py [--chapters 1200] [--chapter-kb 10] [--keep]
"""

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import drop_data_dir, use_project_python  # noqa: E402

TEXT = (
    "the night was quiet and the slayer walked alone past the old crypt while rain fell on "
    "stone she thought about her friends and the library and the long road home a vampire "
    "laughed somewhere behind the trees"
)
WORDS = TEXT.split(" ")


def make_story(path: Path, *, chapters: int, chapter_kb: int) -> int:
    rng = random.Random(7)
    parts = [
        "---\ntitle: The Long Road Home\nauthor: Bench Writer\nfandom: Buffy the Vampire "
        "Slayer\nrating: PG-13\nsummary: A very long story, for measuring imports.\n---\n"
    ]
    for n in range(1, chapters + 1):
        parts.append(f"\n# Chapter {n}: Night {n}\n")
        size = 0
        while size < chapter_kb * 1024:
            para = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120))).capitalize()
            parts.append("\n" + para + ".\n")
            size += len(para) + 3
    data = "".join(parts).encode()
    path.write_bytes(data)
    return len(data)


def probe(db: str, stop: str) -> None:
    """Make a tiny write every 50 ms until the stop file appears; print the longest wait."""
    conn = sqlite3.connect(db, timeout=120, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    waits: list[float] = []
    while not os.path.exists(stop):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO bench_probe (at) VALUES (?)", (time.time(),))
        conn.execute("COMMIT")
        waits.append(time.perf_counter() - t0)
        time.sleep(0.05)
    print(f"{max(waits, default=0):.4f} {len(waits)} {sum(w > 1 for w in waits)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=1200)
    parser.add_argument("--chapter-kb", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="Keep the data folder.")
    parser.add_argument("--probe", nargs=2, metavar=("DB", "STOPFILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(*args.probe)
        return

    data_dir = Path(tempfile.mkdtemp(prefix="fanfold-import-lock-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ["FANFOLD_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fanfold.settings"
    os.environ.setdefault("FANFOLD_MANIFEST_STATIC", "0")
    try:
        run(args, data_dir)
    finally:
        drop_data_dir(data_dir, keep=args.keep)


def run(args: argparse.Namespace, data_dir: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fanfold.imports.models import ImportedStory
    from fanfold.works.models import Work

    call_command("migrate", verbosity=0)
    story = data_dir / "long-road.md"
    size = make_story(story, chapters=args.chapters, chapter_kb=args.chapter_kb)
    print(f"story: {args.chapters:,} chapters, {size / 1e6:.1f} MB")

    db = connection.settings_dict["NAME"]
    with sqlite3.connect(db) as setup:
        setup.execute("CREATE TABLE bench_probe (id INTEGER PRIMARY KEY, at REAL)")
    stop = data_dir / "stop-probe"
    prober = subprocess.Popen(
        [sys.executable, __file__, "--probe", db, str(stop)], stdout=subprocess.PIPE, text=True
    )

    held: list[float] = []
    began: list[float] = []

    def trace(sql: str) -> None:
        word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if word == "BEGIN":
            began.append(time.perf_counter())
        elif word in {"COMMIT", "ROLLBACK"} and began:
            held.append(time.perf_counter() - began.pop())

    connection.ensure_connection()
    connection.connection.set_trace_callback(trace)
    time.sleep(0.5)  # let the probe start writing
    t0 = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("import_stories", str(story), verbosity=0, stdout=quiet)
    total = time.perf_counter() - t0
    connection.connection.set_trace_callback(None)
    time.sleep(0.3)
    stop.touch()
    out, _ = prober.communicate(timeout=120)
    longest_wait, probes, slow = out.split()

    work = Work.objects.get(imported_story__in=ImportedStory.objects.all())
    print(f"imported: work {work.pk}, {work.status}, {work.posted_chapter_count:,} chapters")
    print(f"total import time:              {total:8.2f} s")
    print(
        f"longest write transaction held: {max(held, default=0):8.3f} s"
        f"  ({len(held)} write transactions)"
    )
    print(f"concurrent small write, longest wait: {float(longest_wait):8.3f} s")
    print(
        f"concurrent small write waited > 1 s: {'yes' if int(slow) else 'no'}"
        f"  ({slow} of {probes} writes)"
    )


if __name__ == "__main__":
    use_project_python(__file__, sys.argv[1:])
    main()
