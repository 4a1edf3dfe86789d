#!/usr/bin/env python3
"""Feedback benchmark: render times of a chapter with 1,000 threaded comments and of the
stats page of a 100-chapter work with a million recorded hits.

Builds a throw-away archive in a temporary data folder (migrations, a few users, the two
works, comments and hit data written with bulk_create straight into the tables the pages
read), then times GET requests through django.test.Client in this process, DEBUG off:

- the chapter page as a logged-in reader who is not the creator, and as a guest with the
  anonymous page cache off (FANFOLD_PAGE_CACHE_SECONDS=0), so every request renders;
- /works/<id>/stats/ as the work's creator.

It prints the median and p90 of each, the target and the ratio median/target, and exits 0
whatever the figures (targets are reported, not enforced).

    .venv/bin/python bench/feedback.py [--runs 20] [--comments 1000] [--hits 1000000] [--keep]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import drop_data_dir, use_project_python  # noqa: E402  (bench/)

TARGET_COMMENTS_MS = 150
COMMENT_MARK = b"I loved this chapter"
TARGET_STATS_MS = 200
SCRUBBED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "FANFOLD_TASK_BACKEND",
    "FANFOLD_COUNT_HITS",
    "DJANGO_SETTINGS_MODULE",
)


def step(message: str) -> None:
    print(f"== {message}", flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=20, help="timed requests per page (20)")
    p.add_argument("--comments", type=int, default=1000, help="comments on the chapter (1000)")
    p.add_argument("--chapters", type=int, default=100, help="chapters of the stats work (100)")
    p.add_argument("--hits", type=int, default=1_000_000, help="recorded hits (1,000,000)")
    p.add_argument("--days", type=int, default=730, help="days the hits spread over (730)")
    p.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = p.parse_args(argv)
    if args.runs < 1 or args.chapters < 1 or args.days < 1:
        p.error("--runs, --chapters and --days must be at least 1")
    return args


def prepare_environment(data_dir: Path) -> None:
    for name in SCRUBBED_ENV:
        os.environ.pop(name, None)
    os.environ.update(
        FANFOLD_DATA_DIR=str(data_dir),
        FANFOLD_DEBUG="0",
        FANFOLD_MANIFEST_STATIC="0",
        FANFOLD_PAGE_CACHE_SECONDS="0",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="fanfold.settings",
    )


def make_users():
    from fanfold.accounts.models import User

    author = User.objects.create_user("bench_author", "author@example.org", "x" * 20)
    reader = User.objects.create_user("bench_reader", "reader@example.org", "x" * 20)
    commenters = User.objects.bulk_create(
        [User(username=f"commenter{i}", email=f"c{i}@example.org") for i in range(50)]
    )
    return author, reader, commenters


def post_work(author, title: str, chapters: int, words: int = 2500):
    from fanfold.works import services
    from fanfold.works.inputs import ChapterInput, WorkInput

    rng = random.Random(title)
    vocab = [
        "the",
        "sea",
        "was",
        "quiet",
        "and",
        "the",
        "lantern",
        "burned",
        "low",
        "while",
        "she",
        "waited",
        "by",
        "the",
        "door",
    ]

    def body() -> str:
        paras = []
        for _ in range(max(1, words // 100)):
            paras.append("<p>" + " ".join(rng.choice(vocab) for _ in range(100)) + "</p>")
        return "\n".join(paras)

    work = services.work_create(
        by=author,
        data=WorkInput(title=title, fandoms=["Bench Fandom"], rating="general"),
        chapter=ChapterInput(body=body()),
        publish=True,
    )
    for _ in range(chapters - 1):
        services.chapter_create(work=work, by=author, data=ChapterInput(body=body()), publish=True)
    return work


def add_comments(work, chapter, commenters, count: int) -> int:
    """``count`` published comments in threads: 200 top-level comments and replies under
    them up to seven levels deep, every third one by a guest."""
    from fanfold.feedback.models import Comment
    from fanfold.works.models import Chapter
    from fanfold.works.services import work_comments_recount

    rng = random.Random(1000)
    made: list[Comment] = []
    level: list[Comment] = []
    tops = min(count, max(1, count // 5))

    def new(i: int, parent: Comment | None) -> Comment:
        text = f"Comment {i}: {COMMENT_MARK.decode()}, especially the part with the lantern."
        c = Comment(
            work=work,
            chapter=chapter,
            parent=parent,
            thread=parent.thread if parent else None,
            depth=(parent.depth + 1) if parent else 0,
            body=text,
            body_html=f"<p>{text}</p>",
            status="published",
        )
        if i % 3 == 0:
            c.guest_name = f"Guest {i}"
        else:
            c.user = commenters[i % len(commenters)]
        return c

    level = Comment.objects.bulk_create([new(i, None) for i in range(tops)])
    for c in level:
        c.thread = c
    Comment.objects.bulk_update(level, ["thread"])
    made.extend(level)
    while len(made) < count:
        parents = [c for c in made if c.depth < 7] or made
        batch = []
        for _ in range(min(len(parents), count - len(made))):
            batch.append(new(len(made) + len(batch), rng.choice(parents)))
        made.extend(Comment.objects.bulk_create(batch))
    # The counts feedback keeps, as its services would leave them.
    Chapter.objects.filter(pk=chapter.pk).update(comment_count=len(made))
    work_comments_recount(work=work)
    return len(made)


def add_hits(work, *, total: int, days: int) -> dict:
    """``total`` hits over ``days`` days, in the aggregate tables and sketches the stats page
    reads: readers drop off chapter by chapter, and come back on several days."""
    from django.utils import timezone

    from fanfold.feedback.models import Comment, Kudos
    from fanfold.stats.hll import HyperLogLog
    from fanfold.stats.models import ChapterDay, ChapterReaders, WorkDay, WorkReaders
    from fanfold.works.models import Work

    rng = random.Random(42)
    chapters = list(work.chapters.order_by("position"))
    n = len(chapters)
    # Share of the work's readers still reading at chapter k.
    keep = [0.93**k for k in range(n)]
    share = [k / sum(keep) for k in keep]
    today = timezone.localdate()
    day_weight = [1 + 0.5 * rng.random() + (2 if d < 14 else 0) for d in range(days)]
    total_weight = sum(day_weight)

    chapter_rows, work_rows = [], []
    for d in range(days):
        day = today - timedelta(days=d)
        day_hits = round(total * day_weight[d] / total_weight)
        work_rows.append(WorkDay(work=work, day=day, hits=max(1, day_hits // 3)))
        for c, s in zip(chapters, share, strict=True):
            chapter_rows.append(
                ChapterDay(chapter=c, work=work, day=day, hits=max(0, round(day_hits * s)))
            )
    # Rounding aside, exactly ``total`` chapter hits: the difference goes to the busiest day
    # (with few hits over many days the rounding could otherwise take a row below zero).
    busiest = max(chapter_rows, key=lambda r: r.hits)
    busiest.hits = max(0, busiest.hits + total - sum(r.hits for r in chapter_rows))
    WorkDay.objects.bulk_create(work_rows, batch_size=2000)
    ChapterDay.objects.bulk_create(chapter_rows, batch_size=2000)
    recorded = sum(r.hits for r in chapter_rows)

    # Distinct readers: reader i reads chapters 1..reach(i); build each chapter's sketch from
    # the one after it plus the readers who stopped there.
    readers = max(1, total // 15)
    stops: list[list[int]] = [[] for _ in range(n)]
    for _ in range(readers):
        k = 0
        while k + 1 < n and rng.random() < 0.93:
            k += 1
        stops[k].append(rng.getrandbits(64))
    per_chapter: dict[int, int] = {}
    for r in chapter_rows:
        per_chapter[r.chapter_id] = per_chapter.get(r.chapter_id, 0) + r.hits
    sketch = HyperLogLog()
    rows = []
    for index in range(n - 1, -1, -1):
        sketch.update(stops[index])
        hits = per_chapter[chapters[index].pk]
        rows.append(
            ChapterReaders(
                chapter=chapters[index],
                work=work,
                hits=hits,
                sketch=sketch.stored(),
                readers=sketch.estimate(),
            )
        )
    ChapterReaders.objects.bulk_create(rows)
    WorkReaders.objects.create(work=work, sketch=sketch.stored(), readers=sketch.estimate())

    kudos = Kudos.objects.bulk_create(
        [Kudos(work=work, ip_hash=f"bench-{i}") for i in range(min(5000, readers))]
    )
    for i, k in enumerate(kudos):
        k.created_at = timezone.now() - timedelta(days=i % days)
    Kudos.objects.bulk_update(kudos, ["created_at"], batch_size=2000)
    comments = Comment.objects.bulk_create(
        [
            Comment(
                work=work,
                chapter=chapters[i % n],
                depth=0,
                guest_name="Guest",
                body="Lovely.",
                body_html="<p>Lovely.</p>",
                status="published",
            )
            for i in range(2000)
        ]
    )
    for i, c in enumerate(comments):
        c.thread = c
        c.created_at = timezone.now() - timedelta(days=i % days)
    Comment.objects.bulk_update(comments, ["thread", "created_at"], batch_size=2000)
    work_hits = sum(r.hits for r in work_rows)
    Work.objects.filter(pk=work.pk).update(
        hit_count=work_hits, kudos_count=len(kudos), comment_count=len(comments)
    )
    return {
        "recorded": recorded,
        "work_hits": work_hits,
        "chapter_rows": len(chapter_rows),
        "readers": readers,
    }


def time_get(client, url: str, runs: int) -> tuple[list[float], int, bytes]:
    """Two warm-up requests, then ``runs`` timed ones: milliseconds, last status and body."""
    for _ in range(2):
        response = client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times, response.status_code, response.content


def report(label: str, times: list[float], target: float) -> float:
    median = statistics.median(times)
    p90 = sorted(times)[max(0, round(len(times) * 0.9) - 1)]
    print(
        f"{label:<34} median {median:7.1f} ms   p90 {p90:7.1f} ms   min {min(times):7.1f} ms"
        f"   target <= {target:g} ms   ratio {median / target:.2f}"
        f"   {'PASS' if median <= target else 'MISS'}"
    )
    return median


def run(args) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="fanfold-bench-feedback-"))
    try:
        step(f"data folder {data_dir}")
        prepare_environment(data_dir)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import transaction
        from django.test import Client

        assert not settings.DEBUG and settings.PAGE_CACHE_SECONDS == 0
        step("migrate")
        call_command("migrate", interactive=False, verbosity=0)

        step(f"a chapter with {args.comments:,} threaded comments")
        started = time.perf_counter()
        with transaction.atomic():
            author, reader, commenters = make_users()
            talked = post_work(author, "A Much Discussed Chapter", 1, words=3000)
            chapter = talked.chapters.get()
            made = add_comments(talked, chapter, commenters, args.comments)
        print(f"   {made:,} comments in {time.perf_counter() - started:.1f} s")

        step(f"a {args.chapters}-chapter work with {args.hits:,} hits over {args.days} days")
        started = time.perf_counter()
        with transaction.atomic():
            serial = post_work(author, "A Very Long Serial", args.chapters, words=1500)
            built = add_hits(serial, total=args.hits, days=args.days)
        print(
            f"   {built['recorded']:,} chapter hits in {built['chapter_rows']:,} daily rows"
            f" ({built['work_hits']:,} work hits), ~{built['readers']:,} readers,"
            f" in {time.perf_counter() - started:.1f} s"
        )

        member = Client()
        member.force_login(reader)
        creator = Client()
        creator.force_login(author)
        guest = Client()

        step(f"time {args.runs} requests per page (after 2 warm-up requests)")
        url = chapter.get_absolute_url()
        member_ms, status, body = time_get(member, url, args.runs)
        shown = body.count(COMMENT_MARK) if status == 200 else 0
        print(f"   {url} as a reader: HTTP {status}, {len(body):,} bytes")
        if shown < made // 2:
            print(
                f"   note: the page shows {shown:,} of the {made:,} comments (comments not"
                " rendered on chapter pages yet, or shown on later pages): the time below"
                " does not measure them all"
            )
        guest_ms, g_status, g_body = time_get(guest, url, args.runs)
        print(f"   {url} as a guest: HTTP {g_status}, {len(g_body):,} bytes")
        stats_url = f"/works/{serial.pk}/stats/"
        stats_ms, s_status, s_body = time_get(creator, stats_url, args.runs)
        print(f"   {stats_url} as the creator: HTTP {s_status}, {len(s_body):,} bytes")

        step("results")
        report(f"chapter, {made:,} comments, reader", member_ms, TARGET_COMMENTS_MS)
        report(f"chapter, {made:,} comments, guest", guest_ms, TARGET_COMMENTS_MS)
        report(f"stats, {args.chapters} ch., {built['recorded']:,} hits", stats_ms, TARGET_STATS_MS)
    finally:
        drop_data_dir(data_dir, keep=args.keep)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    use_project_python(__file__, argv)
    try:
        run(args)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
