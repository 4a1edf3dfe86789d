#!/usr/bin/env python3
"""Read benchmark: an anonymous chapter page against a trivial page of the same size.

Builds a throw-away archive in a temporary data folder (migrations, demo data, --works
generated works, static files), starts the production server as `make run` does
(scripts/serve.sh: granian, DEBUG off) with FANFOLD_BENCH_VIEWS=1 on a free 127.0.0.1
port, then runs wrk against a General-rated chapter page and against
/bench/trivial/<same size>/, and prints requests/s, p99 latency and errors for both, their
ratio and PASS/MISS per target. Then
it edits the chapter through the services and checks that readers get the new text. Last,
it measures what counting hits costs a chapter view: the server restarted with
FANFOLD_COUNT_HITS=0 and then =1 (server CPU per view, off against on), and in this process
the recorder itself for views that are each by a new reader (the costliest case: every view
appends a line to the hit buffer).

    .venv/bin/python bench/read.py [--duration 10] [--connections 64] [--workers N]

It only talks to 127.0.0.1, never touches the usual data folder, and always exits 0 once
it has measured (targets are reported, not enforced).
"""

import argparse
import contextlib
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from common import (  # noqa: E402  (bench/)
    BENCH,
    ROOT,
    drop_data_dir,
    free_port,
    machine_ticks,
    run_stoppable,
    step,
    use_project_python,
    wrk_figures,
)

SERVE = ROOT / "scripts" / "serve.sh"
GRANIAN = ROOT / ".venv" / "bin" / "granian"
WRK = shutil.which("wrk") or "/usr/bin/wrk"

TARGET_RPS = 1600
TARGET_RATIO = 0.8
TARGET_HIT_MS = 1.0  # what counting hits may add to one chapter view
# Cores used by other processes during a run above which the figures are flagged.
NOISY_CORES = 0.2
# Settings that could point the bench at someone's real database, cache or options.
SCRUBBED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "FANFOLD_PAGE_CACHE_SECONDS",
    "FANFOLD_MANIFEST_STATIC",
    "FANFOLD_TASK_BACKEND",
    "FANFOLD_COUNT_HITS",
    "FANFOLD_HITS_FLUSH_SECONDS",
    "GUNICORN_CMD_ARGS",
    "WEB_CONCURRENCY",
    "DJANGO_SETTINGS_MODULE",
)

# Only ever 127.0.0.1, and never through a proxy from the environment.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    p.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        help="server worker processes (2: measured best on 2 cores, see bench/README.md)",
    )
    p.add_argument("--works", type=int, default=1000, help="extra works to generate (1000)")
    p.add_argument("--warmup", type=float, default=2, help="seconds of wrk warm-up per URL (2)")
    p.add_argument(
        "--access-log",
        action="store_true",
        help="log every request as ACCESS_LOG=1 make run does (off by default, as in make run)",
    )
    p.add_argument(
        "--uncached",
        action="store_true",
        help="also measure the chapter page with every request missing the page cache",
    )
    p.add_argument(
        "--no-hits",
        action="store_true",
        help="skip measuring the cost of hit counting (two more wrk runs and restarts)",
    )
    p.add_argument(
        "--hit-rounds",
        type=int,
        default=2,
        help="server restarts with hit counting off then on, medians taken (2)",
    )
    p.add_argument(
        "--hit-views",
        type=int,
        default=20_000,
        help="views by distinct readers recorded in-process to time the recorder (20000)",
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = p.parse_args(argv)
    for name in ("duration", "connections", "threads", "workers"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    if args.works < 0:
        p.error("--works must be 0 or more")
    if args.hit_rounds < 1 or args.hit_views < 1:
        p.error("--hit-rounds and --hit-views must be at least 1")
    if args.threads > args.connections:
        p.error("--threads can't exceed --connections")
    return args


# The archive


def prepare_environment(data_dir: Path) -> dict[str, str]:
    for name in list(os.environ):
        if name in SCRUBBED_ENV or name.startswith("GRANIAN_"):
            del os.environ[name]
    os.environ.update(
        FANFOLD_DATA_DIR=str(data_dir),
        FANFOLD_DEBUG="0",
        FANFOLD_BENCH_VIEWS="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="fanfold.settings",
        PYTHONUNBUFFERED="1",
    )
    return dict(os.environ)


def build_archive(works: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    assert Path(settings.DATA_DIR) == Path(os.environ["FANFOLD_DATA_DIR"]).resolve()
    assert not settings.DEBUG
    step("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    step("load demo data")
    call_command("load_demo", if_empty=True)
    if works:
        from corpus import generate_works

        step(f"generate {works:,} works")
        made = generate_works(works)
        print(
            f"   {made.works:,} works, {made.chapters:,} chapters, {made.words:,} words"
            f" in {made.seconds:.1f} s"
        )
    step("collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connections

    connections.close_all()


@dataclass
class Target:
    path: str
    work_id: int
    chapter_id: int
    title: str
    words: int


def pick_chapter() -> Target:
    """A published chapter (not the first) of a General, unrestricted, multi-chapter work,
    of about 3,000 words; failing that any General chapter."""
    from django.db.models import F, Func, Value

    from fanfold.works.models import Chapter, Rating, Status

    base = Chapter.objects.filter(
        status=Status.PUBLISHED,
        work__status=Status.PUBLISHED,
        work__rating=Rating.GENERAL,
        work__restricted=False,
    )
    distance = Func(F("word_count") - Value(3000), function="ABS")
    chapter = (
        base.filter(position__gte=2, work__posted_chapter_count__gte=3)
        .annotate(distance=distance)
        .order_by("distance", "pk")
        .select_related("work")
        .first()
    ) or base.order_by("pk").select_related("work").first()
    if chapter is None:
        raise SystemExit("No General-rated published chapter to read.")
    return Target(
        path=f"/works/{chapter.work_id}/chapters/{chapter.pk}/",
        work_id=chapter.work_id,
        chapter_id=chapter.pk,
        title=chapter.work.title,
        words=chapter.word_count,
    )


def edit_chapter(target: Target, marker: str) -> None:
    """Append a paragraph to the chapter through the service, as its author would."""
    from fanfold.works.models import Chapter
    from fanfold.works.selectors import chapter_input_of
    from fanfold.works.services import chapter_update

    chapter = Chapter.objects.select_related("work").get(pk=target.chapter_id)
    author = chapter.work.creators.first()
    data = chapter_input_of(chapter)
    if data.text_format == "html":
        data.body += f"\n<p>{marker}</p>"
    else:
        data.body += f"\n\n{marker}"
    chapter_update(chapter=chapter, by=author, data=data)


@dataclass
class RecorderCost:
    views: int
    record_ms: float  # per view, each by a new reader
    flush_ms: float  # the whole background import of those views


def measure_recorder(target: Target, views: int) -> RecorderCost:
    """Record ``views`` views of the chapter, each from a new address, through the same code
    the server runs for every reading page, then import them as the background job does."""
    from django.test import RequestFactory

    from fanfold.stats.hits import record_hit
    from fanfold.stats.services import hits_flush

    factory = RequestFactory()
    requests = [
        factory.get(target.path, REMOTE_ADDR=f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
        for i in range(views)
    ]
    started = time.perf_counter()
    for request in requests:
        record_hit(request, work_id=target.work_id, chapter_id=target.chapter_id)
    record_ms = (time.perf_counter() - started) * 1000 / max(1, views)
    started = time.perf_counter()
    hits_flush()
    flush_ms = (time.perf_counter() - started) * 1000
    from django.db import connections

    connections.close_all()
    return RecorderCost(views, record_ms, flush_ms)


def cpu_ms_per_view(r: "Result") -> float | None:
    """Server CPU time per request in ms (None where /proc is not available)."""
    if r.cpu is None or not r.rps:
        return None
    return r.cpu.server / r.rps * 1000


def median_cpu_ms(results: list["Result"]) -> float | None:
    values = [v for v in map(cpu_ms_per_view, results) if v is not None]
    return statistics.median(values) if values else None


# The server


def server_command(args, port: int) -> list[str]:
    # The very command `make run` serves with (scripts/serve.sh), on a private port.
    return ["sh", str(SERVE)]


def server_env(args, env: dict[str, str], port: int) -> dict[str, str]:
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(args.workers)}
    if args.access_log:
        env["ACCESS_LOG"] = "1"
    else:
        env.pop("ACCESS_LOG", None)
    return env


def start_server(args, env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    cmd = server_command(args, port)
    env = server_env(args, env, port)
    extra = (
        " FANFOLD_COUNT_HITS=" + env["FANFOLD_COUNT_HITS"] if "FANFOLD_COUNT_HITS" in env else ""
    )
    step(f"start: {' '.join(cmd[1:])} (PORT={port}, WEB_CONCURRENCY={args.workers}{extra})")
    with open(log_path, "ab") as log:  # the server keeps its own copy of the descriptor
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the bench only; the bench stops it
        )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    step("stop server")
    # SIGTERM: a graceful shutdown; the workers are idle by now.
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        print("   server did not stop in 15 s; killing it", flush=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def fetch(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """GET from the bench server: status, headers (names in lower case) and body."""
    try:
        with _http.open(url, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def wait_until_up(proc: subprocess.Popen, base: str, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.stdout.write(log_path.read_text(errors="replace")[-3000:])
            raise SystemExit(f"The server exited with status {proc.returncode}.")
        try:
            if fetch(base + "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"The server did not answer within {timeout:.0f} s.")


# wrk


@dataclass
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    non2xx: int
    cpu: "CpuUse | None" = None

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non2xx


@dataclass
class CpuUse:
    """Cores used during a wrk run by the server, by wrk, and by everything else."""

    server: float
    wrk: float
    others: float


def _group_cpu_seconds(pgid: int) -> float:
    """CPU seconds of the live processes in a process group (the server and its workers)."""
    ticks = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    server_pgid: int | None = None,
    uncached: bool = False,
) -> Result:
    cmd = [
        WRK,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=5s",
        f"--script={BENCH / 'summary.lua'}",
        url,
        *(["--", "uncached"] if uncached else []),
    ]
    measure = server_pgid is not None and os.path.exists("/proc/stat")
    if measure:
        server0 = _group_cpu_seconds(server_pgid)
        machine0 = machine_ticks()
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    cpu = None
    if measure:
        wall = time.monotonic() - started
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine1 = machine_ticks()
        server = (_group_cpu_seconds(server_pgid) - server0) / wall
        wrk = (
            children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime
        ) / wall
        busy = (machine1[0] - machine0[0]) / max(1, machine1[1] - machine0[1])
        cpu = CpuUse(server, wrk, max(0.0, busy * (os.cpu_count() or 1) - server - wrk))
    v = wrk_figures(out, "FFBENCH")
    return Result(
        requests=int(v["requests"]),
        seconds=v["seconds"],
        rps=v["rps"],
        p50_ms=v["p50_us"] / 1000,
        p99_ms=v["p99_us"] / 1000,
        max_ms=v["max_us"] / 1000,
        socket_errors=int(v["socket_errors"]),
        non2xx=int(v["non2xx"]),
        cpu=cpu,
    )


def show(label: str, r: Result) -> None:
    print(
        f"{label:<9} {r.rps:>9,.0f} req/s   p99 {r.p99_ms:>7.1f} ms   (p50 {r.p50_ms:.1f} ms,"
        f" max {r.max_ms:.1f} ms)   errors {r.errors}"
        f" ({r.non2xx} non-2xx, {r.socket_errors} socket)   {r.requests:,} requests"
    )
    if r.cpu:
        print(
            f"          cores used: server {r.cpu.server:.2f}, wrk {r.cpu.wrk:.2f},"
            f" other processes {r.cpu.others:.2f} of {os.cpu_count()}"
            + (
                "  <- the machine was busy with other work: figures are low"
                if r.cpu.others > NOISY_CORES
                else ""
            )
        )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def run(args) -> None:
    if not GRANIAN.exists():
        raise SystemExit(f"{GRANIAN} is missing: run `make run` once to install Fanfold.")
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed (apt install wrk).")
    data_dir = Path(tempfile.mkdtemp(prefix="fanfold-bench-"))
    proc = None
    try:
        step(f"data folder {data_dir}")
        env = prepare_environment(data_dir)
        build_archive(args.works)
        target = pick_chapter()
        recorder = None
        if not args.no_hits:
            step(f"hit recorder: {args.hit_views:,} chapter views, each by a new reader")
            recorder = measure_recorder(target, args.hit_views)
            print(
                f"   recording: {recorder.record_ms * 1000:.1f} µs per view;"
                f" background import: {recorder.flush_ms:,.0f} ms for {recorder.views:,} views"
                f" ({recorder.flush_ms * 1000 / max(1, recorder.views):.0f} µs each)"
            )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = data_dir / "server.log"
        proc = start_server(args, env, port, log_path)
        wait_until_up(proc, base, log_path)

        status, headers, body = fetch(base + target.path)
        if status != 200:
            raise SystemExit(f"GET {target.path} answered {status}.")
        size = len(body)
        trivial = f"/bench/trivial/{size}/"
        t_status, _, t_body = fetch(base + trivial)
        if t_status != 200 or len(t_body) != size:
            raise SystemExit(f"GET {trivial} answered {t_status} with {len(t_body)} bytes.")
        print(
            f"   chapter page {target.path} ({target.words:,} words of “{target.title}”):"
            f" {size:,} bytes; trivial page {trivial}"
        )
        opts = dict(connections=args.connections, threads=args.threads, server_pgid=proc.pid)
        if args.warmup > 0:
            step(f"warm up ({args.warmup:g} s per page)")
            run_wrk(base + target.path, seconds=args.warmup, **opts)
            run_wrk(base + trivial, seconds=args.warmup, **opts)
        cache_states = [fetch(base + target.path)[1].get("x-fanfold-cache", "-") for _ in range(6)]
        print(f"   page cache on the chapter page: {', '.join(cache_states)}")

        step(
            f"wrk {args.duration} s, {args.connections} connections, {args.threads} threads,"
            f" granian with {args.workers} workers"
        )
        chapter = run_wrk(base + target.path, seconds=args.duration, **opts)
        show("chapter", chapter)
        plain = run_wrk(base + trivial, seconds=args.duration, **opts)
        show("trivial", plain)
        ratio = chapter.rps / plain.rps if plain.rps else 0.0
        print(f"ratio     {ratio:.2f} (chapter/trivial)")
        if args.uncached:
            missed = run_wrk(base + target.path, seconds=args.duration, uncached=True, **opts)
            show("uncached", missed)
            print("          (the chapter page rendered on every request; no target)")

        step("edit the chapter, then read it")
        marker = f"Bench edit {uuid.uuid4().hex}"
        edit_chapter(target, marker)
        # Several requests (new connections) so that every worker's cache is asked.
        checks = [fetch(base + target.path) for _ in range(max(8, 4 * args.workers))]
        stale = sum(1 for st, _, b in checks if st != 200 or marker.encode() not in b)
        fresh = stale == 0
        print(
            f"fresh after edit: {'yes' if fresh else 'no'}"
            + ("" if fresh else f" ({stale} of {len(checks)} responses lack the new text)")
        )

        hits_on = hits_off = None
        if not args.no_hits:
            step(
                f"hit counting off, then on, {args.hit_rounds} time(s): the chapter page again"
                " on a restarted server"
            )
            runs: dict[str, list[Result]] = {"hits off": [], "hits on": []}
            for _ in range(args.hit_rounds):
                for label, value in (("hits off", "0"), ("hits on", "1")):
                    stop_server(proc)
                    port = free_port()
                    base = f"http://127.0.0.1:{port}"
                    proc = start_server(args, {**env, "FANFOLD_COUNT_HITS": value}, port, log_path)
                    wait_until_up(proc, base, log_path)
                    opts["server_pgid"] = proc.pid
                    if args.warmup > 0:
                        run_wrk(base + target.path, seconds=args.warmup, **opts)
                    runs[label].append(run_wrk(base + target.path, seconds=args.duration, **opts))
                    show(label, runs[label][-1])
            hits_off, hits_on = runs["hits off"], runs["hits on"]
            off_ms, on_ms = median_cpu_ms(hits_off), median_cpu_ms(hits_on)
            if off_ms is not None and on_ms is not None:
                print(
                    f"server CPU per view (median of {args.hit_rounds}): {on_ms:.3f} ms with"
                    f" hits counted, {off_ms:.3f} ms without: counting costs"
                    f" {on_ms - off_ms:+.3f} ms per view (ratio {on_ms / off_ms:.2f};"
                    " run-to-run spread is about ±10 %)"
                )

        step("targets")
        print(
            f"{verdict(chapter.rps >= TARGET_RPS and chapter.errors == 0)}"
            f"  chapter page >= {TARGET_RPS:,} req/s with 0 errors:"
            f" {chapter.rps:,.0f} req/s, {chapter.errors} errors"
        )
        print(
            f"{verdict(ratio >= TARGET_RATIO)}  ratio chapter/trivial >= {TARGET_RATIO}:"
            f" {ratio:.2f}"
        )
        print(f"{verdict(fresh)}  fresh after edit")
        if recorder is not None:
            print(
                f"{verdict(recorder.record_ms <= TARGET_HIT_MS)}  counting a hit <= "
                f"{TARGET_HIT_MS:g} ms per chapter view, every view by a new reader:"
                f" {recorder.record_ms:.4f} ms"
            )
        if hits_on is not None and hits_off is not None:
            off_ms, on_ms = median_cpu_ms(hits_off), median_cpu_ms(hits_on)
            if off_ms is not None and on_ms is not None:
                print(
                    f"{verdict(on_ms - off_ms <= TARGET_HIT_MS)}  counting hits <= "
                    f"{TARGET_HIT_MS:g} ms per chapter view on the server (CPU, on - off):"
                    f" {on_ms - off_ms:+.3f} ms"
                )
            else:
                print("n/a   counting hits on the server: no /proc to measure CPU")
    finally:
        if proc is not None:
            stop_server(proc)
        drop_data_dir(data_dir, keep=args.keep)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    use_project_python(__file__, argv)
    return run_stoppable(run, args, "server")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
