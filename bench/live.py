#!/usr/bin/env python3
"""Live-archive benchmark: readers spread over 1,000+ chapter pages while writers post.

For each setup it builds a throw-away archive (migrations, demo data, --works generated
works through the real services, collectstatic, bench reader accounts), starts the servers
and one background worker (`manage.py run_worker`) as `make run` does, and measures with
wrk, every request a random chapter page out of every readable one (General or Teen,
published, not restricted):

- anonymous readers, then logged-in readers (each request carries the session cookie of one
  of --readers accounts that logged in through the login form), each with writers at every
  --rates writes per second: guest kudos, guest comments, chapter edits and new chapters,
  posted by threads of this process through the site's own forms, at a steady rate, on
  random works of the same archive (the pages being read included);
- the page cache off (FANFOLD_PAGE_CACHE_SECONDS=0, servers restarted): the raw render.

Setups: `sqlite` is `make run`'s shape (one granian server with 2 workers, SQLite in the
data folder, the local-memory cache); `pg` is several servers (PostgreSQL database ff_bench,
Redis database 7, 2 granian servers on two ports, each with its own data folder and one
worker by default; wrk's threads are split between the two servers).

It prints, per phase, requests/s, p99 latency, errors (responses >= 400 and socket errors),
the page-cache hit rate (the X-Fanfold-Cache header), the ratio to the run without writes
of the same readers and setup, and the writes sent and refused; then each web worker's RSS
and the issue-9 targets with PASS/FAIL. It always exits 0 (figures are reported, not
enforced; a setup that can't run, e.g. with no PostgreSQL, is reported and the others run).

    .venv/bin/python bench/live.py [--quick] [--setups sqlite,pg] [--rates 0,5,50]
                                   [--works 1000] [--seconds 10] [--keep]

Only 127.0.0.1 is used. The pg setup drops and creates the database ff_bench and flushes
Redis database 7 (nothing else), and drops ff_bench again at the end unless --keep.
"""

import argparse
import contextlib
import html.parser
import http.client
import itertools
import json
import os
import random
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
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
MANAGE = ROOT / "manage.py"
WRK = shutil.which("wrk") or "/usr/bin/wrk"

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "ff_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
REDIS_URL = "redis://127.0.0.1:6379/7"

# Issue 9's targets (this 2-core machine).
TARGET_ANON_RPS = 1600
TARGET_WRITE_RATIO = 0.8
TARGET_LOGGED_RPS = 500
TARGET_UNCACHED_RPS = 600
TARGET_RSS_MB = 150
# Cores used by other processes (PostgreSQL, Redis, this bench's writers, anything else on
# the machine) above which a phase is flagged.
NOISY_CORES = 0.35

# Made up for the bench's own accounts in a throw-away archive.
PASSWORD = "live-bench-reader-pw-7Q"
# What the writers post, and how often relative to each other.
WRITE_MIX = {"kudos": 40, "comment": 30, "edit": 15, "chapter": 15}

SCRUBBED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "FANFOLD_PAGE_CACHE_SECONDS",
    "FANFOLD_LISTING_SECONDS",
    "FANFOLD_MANIFEST_STATIC",
    "FANFOLD_TASK_BACKEND",
    "FANFOLD_COUNT_HITS",
    "FANFOLD_HITS_FLUSH_SECONDS",
    "FANFOLD_TRUSTED_PROXIES",
    "FANFOLD_COMMENT_RATE",
    "FANFOLD_KUDOS_RATE",
    "CSRF_TRUSTED_ORIGINS",
    "ACCESS_LOG",
    "GUNICORN_CMD_ARGS",
    "WEB_CONCURRENCY",
    "DJANGO_SETTINGS_MODULE",
)

# The wrk script: every request a random path of FFLIVE_PATHS (one a line), with the cookie
# of a random line of FFLIVE_COOKIES if given; threads spread over the ports of FFLIVE_PORTS
# (round robin). It counts statuses and X-Fanfold-Cache answers and prints one line
# "FFLIVE key=value ..." that live.py parses.
LUA = r"""
local threads = {}

function setup(thread)
   local ports = {}
   for p in string.gmatch(os.getenv("FFLIVE_PORTS"), "%d+") do
      table.insert(ports, p)
   end
   table.insert(threads, thread)
   local port = ports[((#threads - 1) % #ports) + 1]
   thread.addr = wrk.lookup("127.0.0.1", port)[1]
   thread:set("id", #threads)
   thread:set("port", port)
end

function init(args)
   math.randomseed(os.time() * 1009 + id * 7919)
   for _ = 1, 10 do math.random() end
   wrk.headers["Host"] = "127.0.0.1:" .. port
   paths = {}
   for line in io.lines(os.getenv("FFLIVE_PATHS")) do
      if line ~= "" then table.insert(paths, line) end
   end
   heads = {}
   local cookies = os.getenv("FFLIVE_COOKIES") or ""
   if cookies ~= "" then
      for line in io.lines(cookies) do
         if line ~= "" then
            table.insert(heads, {Host = wrk.headers["Host"], Cookie = line})
         end
      end
   end
   ok, bad, s3, s4, s5, hit, miss = 0, 0, 0, 0, 0, 0, 0
end

function request()
   local path = paths[math.random(#paths)]
   if #heads > 0 then
      return wrk.format("GET", path, heads[math.random(#heads)])
   end
   return wrk.format("GET", path)
end

function response(status, headers, body)
   if status >= 200 and status < 400 then
      ok = ok + 1
      if status >= 300 then s3 = s3 + 1 end
      local c = headers["X-Fanfold-Cache"] or headers["x-fanfold-cache"]
      if c == "hit" then
         hit = hit + 1
      elseif c == "miss" then
         miss = miss + 1
      end
   else
      bad = bad + 1
      if status >= 500 then s5 = s5 + 1 else s4 = s4 + 1 end
   end
end

function done(summary, latency, requests)
   local t = {ok = 0, bad = 0, s3 = 0, s4 = 0, s5 = 0, hit = 0, miss = 0}
   for _, thread in ipairs(threads) do
      for k, _ in pairs(t) do
         t[k] = t[k] + (thread:get(k) or 0)
      end
   end
   local e = summary.errors
   io.write(string.format(
      "FFLIVE requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d"
         .. " ok=%d bad=%d s3=%d s4=%d s5=%d hit=%d miss=%d"
         .. " p50_us=%d p99_us=%d max_us=%d\n",
      summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
      t.ok, t.bad, t.s3, t.s4, t.s5, t.hit, t.miss,
      latency:percentile(50), latency:percentile(99), latency.max
   ))
end
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--works", type=int, help="works to generate per setup (1000)")
    p.add_argument("--seconds", type=int, help="seconds of wrk per phase (10; --quick 3)")
    p.add_argument("--setups", default="sqlite,pg", help="sqlite, pg or both (sqlite,pg)")
    p.add_argument("--rates", default="0,5,50", help="writes per second, one phase each (0,5,50)")
    p.add_argument(
        "--quick",
        action="store_true",
        help="short phases (3 s) and a short warm-up: a trial that everything works",
    )
    p.add_argument("--readers", type=int, default=8, help="logged-in reader accounts (8)")
    p.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    p.add_argument(
        "--sqlite-workers", type=int, default=2, help="granian workers, sqlite setup (2)"
    )
    p.add_argument("--pg-servers", type=int, default=2, help="granian servers, pg setup (2)")
    p.add_argument(
        "--pg-workers",
        type=int,
        default=1,
        help="granian workers per server, pg setup (1: as many workers in all as sqlite's)",
    )
    p.add_argument(
        "--warmup",
        type=float,
        help="at most this many seconds of warm-up until 95%% of pages come from the cache"
        " (60; --quick 20)",
    )
    p.add_argument("--keep", action="store_true", help="keep the data folders and ff_bench")
    p.add_argument("--build-into", help=argparse.SUPPRESS)  # internal: the build child
    p.add_argument("--static-only", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.works is None:
        args.works = 1000
    if args.seconds is None:
        args.seconds = 3 if args.quick else 10
    if args.warmup is None:
        args.warmup = 20 if args.quick else 60
    try:
        args.rate_list = sorted({float(r) for r in args.rates.split(",") if r.strip()})
    except ValueError:
        p.error("--rates takes numbers separated by commas, e.g. 0,5,50")
    if any(r < 0 for r in args.rate_list) or not args.rate_list:
        p.error("--rates must be 0 or more")
    args.setup_list = [s.strip() for s in args.setups.split(",") if s.strip()]
    if not args.setup_list or set(args.setup_list) - {"sqlite", "pg"}:
        p.error("--setups takes sqlite, pg or sqlite,pg")
    for name in ("seconds", "connections", "threads", "sqlite_workers", "pg_servers"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.works < 1 or args.readers < 1 or args.pg_workers < 1:
        p.error("--works, --readers and --pg-workers must be at least 1")
    return args


# The archive, built in a child process (each setup has its own settings)


def build(out_path: str, works: int, readers: int, static_only: bool) -> None:
    """Runs in the child: make the archive and write what the bench needs to know of it."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    assert not settings.DEBUG
    if static_only:  # a second server's own data folder on the same database
        call_command("collectstatic", interactive=False, verbosity=0)
        return
    step("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    step("load demo data")
    call_command("load_demo", if_empty=True)
    from corpus import generate_works

    step(f"generate {works:,} works")
    made = generate_works(works)
    print(
        f"   {made.works:,} works, {made.chapters:,} chapters, {made.words:,} words"
        f" in {made.seconds:.1f} s",
        flush=True,
    )
    step("collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)

    from django.contrib.auth.hashers import make_password

    from fanfold.accounts.models import User
    from fanfold.works.models import Chapter, Rating, Status

    # The generated authors get a password (to edit and add chapters through the forms),
    # and the readers are new accounts; one hash for all (hashing is slow on purpose).
    hashed = make_password(PASSWORD)
    User.objects.filter(username__startswith="bench_author_").update(password=hashed)
    for i in range(readers):
        User.objects.update_or_create(
            username=f"bench_reader_{i:02d}",
            defaults={
                "email": f"reader{i:02d}@example.invalid",
                "display_name": f"Bench Reader {i}",
                "password": hashed,
            },
        )
    rows = (
        Chapter.objects.filter(
            status=Status.PUBLISHED,
            work__status=Status.PUBLISHED,
            work__restricted=False,
            work__rating__in=[Rating.GENERAL, Rating.TEEN],
            work__creators__username__startswith="bench_author_",
        )
        .order_by("work_id", "position")
        .values_list("work_id", "pk", "work__creators__username")
    )
    plan: dict[int, dict] = {}
    for work_id, chapter_id, author in rows:
        plan.setdefault(work_id, {"id": work_id, "author": author, "chapters": []})
        if chapter_id not in plan[work_id]["chapters"]:
            plan[work_id]["chapters"].append(chapter_id)
    Path(out_path).write_text(
        json.dumps(
            {
                "works": list(plan.values()),
                "readers": [f"bench_reader_{i:02d}" for i in range(readers)],
                "generated": {"works": made.works, "chapters": made.chapters},
            }
        )
    )
    from django.db import connections

    connections.close_all()


def run_build(env: dict[str, str], out: Path, args, *, static_only: bool = False) -> dict | None:
    cmd = [sys.executable, __file__, "--build-into", str(out), "--works", str(args.works)]
    cmd += ["--readers", str(args.readers)] + (["--static-only"] if static_only else [])
    proc = subprocess.run(cmd, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"Building the archive failed (status {proc.returncode}).")
    return None if static_only else json.loads(out.read_text())


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env = {k: v for k, v in env.items() if not k.startswith("GRANIAN_")}
    env.update(
        FANFOLD_DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="fanfold.settings",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]),
    )
    return env


# HTTP from the bench (never through a proxy; new connection per request)


@dataclass
class Resp:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                c: SimpleCookie = SimpleCookie()
                with contextlib.suppress(Exception):
                    c.load(v)
                jar.update({name: morsel.value for name, morsel in c.items()})
        return jar


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 30,
) -> Resp:
    headers = dict(headers or {})
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return Resp(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


class Forms(html.parser.HTMLParser):
    """The fields of every form of a page, as a browser would send them unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._text: str | None = None
        self._name = ""
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1][a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and a.get("name"):
            self._text, self._name = "", a["name"]
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            form = self.forms[-1]
            if self._select not in form or "selected" in a:
                form[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._text is not None and self.forms:
            # A browser drops the one newline that may follow <textarea>.
            self.forms[-1][self._name] = self._text.removeprefix("\n")
            self._text = None
        elif tag == "select":
            self._select = None


def form_with(body: bytes, name: str) -> dict[str, str] | None:
    parser = Forms()
    parser.feed(body.decode("utf-8", "replace"))
    return next((f for f in parser.forms if name in f), None)


def login(port: int, username: str, ip: str) -> dict[str, str]:
    """Log in through the login form as a browser does; the cookies of the session."""
    page = request(port, "GET", "/login/", headers={"X-Forwarded-For": ip})
    jar = page.cookies()
    fields = form_with(page.body, "password")
    if page.status != 200 or fields is None:
        raise SystemExit(f"GET /login/ answered {page.status} without a login form.")
    fields.update(username=username, password=PASSWORD)
    done = request(
        port,
        "POST",
        "/login/",
        headers={"Cookie": cookie_header(jar), "X-Forwarded-For": ip},
        form=fields,
    )
    jar.update(done.cookies())
    if done.status not in (302, 303) or "sessionid" not in jar:
        raise SystemExit(f"Logging in as {username} answered {done.status}.")
    jar.pop("messages", None)
    return jar


# Servers and the background worker


@dataclass
class Server:
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C reaches the bench only
        )


def stop(proc: subprocess.Popen | None, timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the group this bench started
        proc.wait(timeout=5)


def start_server(env: dict[str, str], workers: int, log: Path) -> Server:
    port = free_port()
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    return Server(port, spawn(["sh", str(SERVE)], env, log), log)


def wait_up(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            sys.stdout.write(server.log.read_text(errors="replace")[-3000:])
            raise SystemExit(f"The server exited with status {server.proc.returncode}.")
        with contextlib.suppress(OSError):
            if request(server.port, "GET", "/healthz", timeout=2).status == 200:
                return
        time.sleep(0.1)
    raise SystemExit(f"The server on port {server.port} did not answer within {timeout:.0f} s.")


def _proc_stats():
    """(pid, the fields of /proc/<pid>/stat after the command name) of every live process."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        yield int(name), stat[stat.rfind(")") + 2 :].split()


def _proc_children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pid, fields in _proc_stats():
        children.setdefault(int(fields[1]), []).append(pid)
    return children


def rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def web_workers(server: Server) -> list[tuple[int, int]]:
    """(pid, RSS in kB) of each granian worker process of the server (its Python children)."""
    found = []
    for pid in _proc_children().get(server.proc.pid, []):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" in cmdline:  # multiprocessing's helper, not a worker
            continue
        if (kb := rss_kb(pid)) is not None:
            found.append((pid, kb))
    return found


# CPU use during a phase


def _cpu_by_group(pgids: set[int]) -> dict[int, float]:
    """CPU seconds used so far by the live processes of each process group."""
    ticks = dict.fromkeys(pgids, 0)
    for _, fields in _proc_stats():
        if (pgid := int(fields[2])) in ticks:
            ticks[pgid] += int(fields[11]) + int(fields[12])
    hz = os.sysconf("SC_CLK_TCK")
    return {pgid: t / hz for pgid, t in ticks.items()}


def _groups_cpu_seconds(pgids: set[int]) -> float:
    return sum(_cpu_by_group(pgids).values())


@dataclass
class Cores:
    app: float  # web servers and the background worker
    servers: list[float]  # each web server
    wrk: float
    others: float  # PostgreSQL, Redis, this bench's writers, anything else


class CpuMeter:
    def __init__(self, servers: list[int], worker: int):
        self.servers, self.worker = servers, worker
        self.app0 = _cpu_by_group({*servers, worker})
        self.machine0 = machine_ticks()
        self.children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.started = time.monotonic()

    def read(self) -> Cores | None:
        machine1 = machine_ticks()
        if self.machine0 is None or machine1 is None:
            return None
        wall = time.monotonic() - self.started
        c0, c1 = self.children0, resource.getrusage(resource.RUSAGE_CHILDREN)
        app1 = _cpu_by_group({*self.servers, self.worker})
        used = {g: (app1[g] - self.app0[g]) / wall for g in app1}
        app = sum(used.values())
        wrk = (c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime) / wall
        busy = (machine1[0] - self.machine0[0]) / max(1, machine1[1] - self.machine0[1])
        others = max(0.0, busy * (os.cpu_count() or 1) - app - wrk)
        return Cores(app, [used[g] for g in self.servers], wrk, others)


# wrk


@dataclass
class Reading:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    bad: int  # responses >= 400
    s5: int
    ok: int
    hit: int
    miss: int

    @property
    def errors(self) -> int:
        return self.socket_errors + self.bad

    @property
    def hit_rate(self) -> float | None:
        return self.hit / self.ok if self.ok else None


def run_wrk(
    servers: list[Server],
    seconds: int,
    args,
    files: dict[str, Path],
    *,
    logged_in: bool,
) -> Reading:
    threads = max(args.threads, len(servers))
    threads += -threads % len(servers)  # as many threads on each server
    connections = max(args.connections, threads)
    cmd = [
        WRK,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={files['lua']}",
        servers[0].base + "/",
    ]
    env = {
        **os.environ,
        "FFLIVE_PORTS": ",".join(str(s.port) for s in servers),
        "FFLIVE_PATHS": str(files["paths"]),
        "FFLIVE_COOKIES": str(files["cookies"]) if logged_in else "",
    }
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 60)
    v = wrk_figures(out, "FFLIVE")
    return Reading(
        requests=int(v["requests"]),
        seconds=v["seconds"],
        rps=v["rps"],
        p50_ms=v["p50_us"] / 1000,
        p99_ms=v["p99_us"] / 1000,
        max_ms=v["max_us"] / 1000,
        socket_errors=int(v["socket_errors"]),
        bad=int(v["bad"]),
        s5=int(v["s5"]),
        ok=int(v["ok"]),
        hit=int(v["hit"]),
        miss=int(v["miss"]),
    )


# Writers


@dataclass
class WriteStats:
    rate: float
    seconds: float = 0.0
    sent: int = 0
    ok: int = 0
    skipped: int = 0  # not sent: every writer thread was still waiting for the server
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # latencies (ms) per kind
    failures: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.sent - self.ok + self.skipped

    @property
    def achieved(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def p99_ms(self) -> float | None:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else None
        return statistics.quantiles(self.latencies_ms, n=100)[98]


class Writers:
    """Posts at a steady rate (an open loop: a slow answer does not delay the next post)
    through the site's forms, from a pool of threads, spread over the servers."""

    MAX_IN_FLIGHT = 32

    def __init__(self, rate: float, ctx: "SetupContext", seed: int):
        self.rate = rate
        self.ctx = ctx
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stats = WriteStats(rate)
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=self.MAX_IN_FLIGHT)
        self.in_flight = 0
        self.thread = threading.Thread(target=self._schedule, daemon=True)
        self.kinds = list(WRITE_MIX)
        self.weights = [WRITE_MIX[k] for k in self.kinds]

    def __enter__(self) -> "Writers":
        self.started = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()
        self.stats.seconds = time.monotonic() - self.started
        self.pool.shutdown(wait=True, cancel_futures=False)

    def _schedule(self) -> None:
        interval = 1 / self.rate
        due = time.monotonic()
        n = 0
        while not self.stopping.is_set():
            wait = due - time.monotonic()
            if wait > 0 and self.stopping.wait(wait):
                break
            with self.lock:
                busy = self.in_flight >= self.MAX_IN_FLIGHT
                if not busy:
                    self.in_flight += 1
            if busy:
                self.stats.skipped += 1
            else:
                kind = self.rng.choices(self.kinds, self.weights)[0]
                server = self.ctx.servers[n % len(self.ctx.servers)]
                seed = self.rng.getrandbits(32)
                self.pool.submit(self._one, kind, server, seed)
            n += 1
            due += interval

    def _one(self, kind: str, server: Server, seed: int) -> None:
        started = time.perf_counter()
        try:
            problem = getattr(self, f"_{kind}")(server.port, random.Random(seed))
        except Exception as e:  # a refused connection, a timeout: a failed write
            problem = type(e).__name__
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.in_flight -= 1
            self.stats.sent += 1
            self.stats.by_kind.setdefault(kind, []).append(elapsed)
            self.stats.latencies_ms.append(elapsed)
            if problem:
                self.stats.failures[f"{kind}: {problem}"] += 1
            else:
                self.stats.ok += 1

    @staticmethod
    def _posted(r: Resp) -> str | None:
        """None if the post was taken (a redirect, as after every successful form), else why."""
        if r.status in (302, 303) and "/login/" not in r.header("Location"):
            return None
        if r.status in (302, 303):
            return "redirected to log in"
        return f"status {r.status}"

    def _kudos(self, port: int, rng: random.Random) -> str | None:
        work = rng.choice(self.ctx.works)
        chapter = rng.choice(work["chapters"])
        return self._posted(
            request(
                port,
                "POST",
                f"/works/{work['id']}/kudos/",
                headers={
                    "Origin": f"http://127.0.0.1:{port}",
                    "X-Forwarded-For": self.ctx.next_ip(),
                },
                form={"next": f"/works/{work['id']}/chapters/{chapter}/"},
            )
        )

    def _comment(self, port: int, rng: random.Random) -> str | None:
        from corpus import prose_sentence

        work = rng.choice(self.ctx.works)
        token = self.ctx.guest_csrf
        return self._posted(
            request(
                port,
                "POST",
                f"/works/{work['id']}/comment/",
                headers={"Cookie": f"csrftoken={token}", "X-Forwarded-For": self.ctx.next_ip()},
                form={
                    "chapter": str(rng.choice(work["chapters"])),
                    "guest_name": f"Guest {rng.randrange(10_000)}",
                    "guest_email": "",
                    "body": " ".join(prose_sentence(rng) for _ in range(rng.randint(1, 4))),
                    "text_format": "markdown",
                    "website": "",
                    "csrfmiddlewaretoken": token,
                },
            )
        )

    def _author(self, rng: random.Random) -> tuple[dict, dict[str, str]]:
        work = rng.choice(self.ctx.works)
        return work, self.ctx.authors[work["author"]]

    def _edit(self, port: int, rng: random.Random) -> str | None:
        work, jar = self._author(rng)
        chapter = rng.choice(work["chapters"])
        path = f"/works/{work['id']}/chapters/{chapter}/edit/"
        page = request(port, "GET", path, headers={"Cookie": cookie_header(jar)})
        fields = form_with(page.body, "body") if page.status == 200 else None
        if fields is None:
            return f"edit form: status {page.status}"
        line = f"Edited by the live bench ({secrets.token_hex(4)})."
        sep = "\n<p>{}</p>" if fields.get("text_format") == "html" else "\n\n{}"
        fields["body"] = fields.get("body", "") + sep.format(line)
        fields["csrfmiddlewaretoken"] = jar["csrftoken"]
        return self._posted(
            request(port, "POST", path, headers={"Cookie": cookie_header(jar)}, form=fields)
        )

    def _chapter(self, port: int, rng: random.Random) -> str | None:
        from corpus import prose_sentence, prose_text

        work, jar = self._author(rng)
        return self._posted(
            request(
                port,
                "POST",
                f"/works/{work['id']}/chapters/new/",
                headers={"Cookie": cookie_header(jar)},
                form={
                    "title": prose_sentence(rng)[:60].rstrip(".!?"),
                    "summary": "",
                    "notes": "",
                    "body": prose_text(rng, rng.randint(500, 1500)),
                    "end_notes": "",
                    "text_format": "markdown",
                    "csrfmiddlewaretoken": jar["csrftoken"],
                },
            )
        )


# One setup


@dataclass
class Phase:
    label: str
    readers: str  # "anon", "logged" or "cache off"
    rate: float
    reading: Reading
    writes: WriteStats | None
    cores: Cores | None
    ratio: float | None = None


@dataclass
class SetupResult:
    name: str
    shape: str
    pages: int
    phases: list[Phase] = field(default_factory=list)
    rss: list[tuple[str, int, int]] = field(default_factory=list)  # (when, pid, kB)
    notes: list[str] = field(default_factory=list)

    def phase(self, readers: str, rate: float) -> Phase | None:
        return next((p for p in self.phases if p.readers == readers and p.rate == rate), None)


class SetupContext:
    def __init__(self, plan: dict, servers: list[Server], ip_prefix: int):
        self.works = plan["works"]
        self.servers = servers
        self.authors: dict[str, dict[str, str]] = {}
        self.guest_csrf = ""
        self._ips = itertools.count(1)
        self._ip_lock = threading.Lock()
        self.ip_prefix = ip_prefix

    def next_ip(self) -> str:
        """A new reader's address for every post (forwarded by the trusted local proxy), so
        per-address limits and the once-per-address kudos rule treat them as many readers."""
        with self._ip_lock:
            n = next(self._ips)
        return f"{self.ip_prefix}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def rate_label(rate: float) -> str:
    return f"{rate:g} w/s"


def show_phase(p: Phase) -> None:
    r = p.reading
    hit = "-" if r.hit_rate is None or p.readers == "logged" else f"{r.hit_rate:.1%}"
    line = (
        f"   {p.label:<22} {r.rps:>8,.0f} req/s  p99 {r.p99_ms:>7.1f} ms  errors {r.errors:>4}"
        f" ({r.bad} >=400, {r.socket_errors} socket)  cache hits {hit}"
    )
    if p.writes is not None:
        w = p.writes
        p99 = w.p99_ms()
        line += (
            f"\n   {'':<22} writes {w.sent} in {w.seconds:.1f} s ({w.achieved:.1f}/s), ok {w.ok},"
            f" errors {w.errors}"
            + (f" ({w.skipped} not sent: writers saturated)" if w.skipped else "")
            + (f", p99 {p99:,.0f} ms" if p99 is not None else "")
        )
        kinds = ", ".join(
            f"{k} {len(ms)} (median {statistics.median(ms):,.0f} ms)"
            for k, ms in sorted(w.by_kind.items())
        )
        line += f"\n   {'':<22} by kind: {kinds}"
        for what, n in w.failures.most_common(4):
            line += f"\n   {'':<22}   {n} x {what}"
    if p.cores:
        c = p.cores
        each = ""
        if len(c.servers) > 1:
            each = f" (web servers {' + '.join(f'{x:.2f}' for x in c.servers)})"
        line += (
            f"\n   {'':<22} cores: app {c.app:.2f}{each}, wrk {c.wrk:.2f}, other {c.others:.2f}"
            + ("  <- busy machine: figures low" if c.others > NOISY_CORES else "")
        )
    print(line, flush=True)


def warm_up(servers, args, files, budget: float) -> float:
    """Read every page until the cache answers 95% of them (or the time is up)."""
    started = time.monotonic()
    rate = None
    while time.monotonic() - started < budget:
        r = run_wrk(servers, 2, args, files, logged_in=False)
        rate = r.hit_rate or 0.0
        if rate >= 0.95:
            break
    took = time.monotonic() - started
    rate = rate or 0.0
    print(
        f"   warm-up {took:.0f} s: cache hit rate {rate:.1%} in the last 2 s"
        + ("" if rate >= 0.95 else f" (stopped after --warmup {budget:g} s)"),
        flush=True,
    )
    run_wrk(servers, 1, args, files, logged_in=True)  # the logged-in path too, once
    return rate


def settle(pgids: set[int], limit: float = 30) -> None:
    """Wait until the servers have answered what the last wrk left in their queues (wrk
    closes its connections, but the requests already read are still rendered): their CPU
    use drops."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = _groups_cpu_seconds(pgids)
        time.sleep(0.5)
        if (_groups_cpu_seconds(pgids) - before) / 0.5 < 0.1:
            return


def measure(
    label: str,
    readers: str,
    rate: float,
    ctx: SetupContext,
    args,
    files,
    worker: int,
    seed: int,
) -> Phase:
    settle({s.proc.pid for s in ctx.servers})
    meter = CpuMeter([s.proc.pid for s in ctx.servers], worker)
    logged = readers == "logged"
    if rate > 0:
        with Writers(rate, ctx, seed) as writers:
            reading = run_wrk(ctx.servers, args.seconds, args, files, logged_in=logged)
        writes: WriteStats | None = writers.stats
    else:
        reading = run_wrk(ctx.servers, args.seconds, args, files, logged_in=logged)
        writes = None
    phase = Phase(label, readers, rate, reading, writes, meter.read())
    show_phase(phase)
    return phase


def run_setup(name: str, args, root: Path) -> SetupResult:
    env = base_env()
    pg = name == "pg"
    n_servers = args.pg_servers if pg else 1
    workers = args.pg_workers if pg else args.sqlite_workers
    dirs = [root / name / f"server-{i + 1}" for i in range(n_servers if pg else 1)]
    for d in dirs:
        d.mkdir(parents=True)
    if pg:
        shape = (
            f"PostgreSQL ({PG_DB}) + Redis (db 7), {n_servers} granian servers x {workers}"
            " worker(s), each with its own data folder, 1 background worker"
        )
        pg_recreate()
        redis_flush()
        env.update(DATABASE_URL=PG_URL, REDIS_URL=REDIS_URL, SECRET_KEY=secrets.token_urlsafe(50))
    else:
        shape = f"SQLite (WAL), local-memory cache, 1 granian server x {workers} workers,"
        shape += " 1 background worker"
    step(f"setup {name}: {shape}")
    envs = [{**env, "FANFOLD_DATA_DIR": str(d)} for d in dirs]
    plan = run_build(envs[0], root / name / "plan.json", args)
    assert plan is not None
    for extra in envs[1:]:
        run_build(extra, root / name / "plan.json", args, static_only=True)
    paths = [f"/works/{w['id']}/chapters/{c}/" for w in plan["works"] for c in w["chapters"]]
    result = SetupResult(name, shape, len(paths))
    print(
        f"   {len(paths):,} chapter pages to read (General or Teen, published) in"
        f" {len(plan['works']):,} works",
        flush=True,
    )
    if len(paths) < 1000:
        result.notes.append(f"only {len(paths):,} chapter pages (< 1,000): use more --works")
    files = {
        "lua": root / name / "live.lua",
        "paths": root / name / "paths.txt",
        "cookies": root / name / "cookies.txt",
    }
    files["lua"].write_text(LUA)
    files["paths"].write_text("\n".join(paths) + "\n")

    bg = servers = None
    try:
        bg = spawn(
            [sys.executable, str(MANAGE), "run_worker", "--interval", "1"],
            envs[0],
            root / name / "worker.log",
        )

        def start_all(extra: dict[str, str]) -> list[Server]:
            started = [
                start_server({**e, **extra}, workers, root / name / f"server-{i + 1}.log")
                for i, e in enumerate(envs[:n_servers] if pg else envs)
            ]
            for s in started:
                wait_up(s)
            return started

        servers = start_all({})
        print(f"   serving on ports {', '.join(str(s.port) for s in servers)}", flush=True)
        ctx = SetupContext(plan, servers, ip_prefix=10 if pg else 11)
        step(f"log in {len(plan['readers'])} readers and the works' authors through the form")
        readers = [login(servers[0].port, u, ctx.next_ip()) for u in plan["readers"]]
        files["cookies"].write_text("".join(cookie_header(j) + "\n" for j in readers))
        for author in sorted({w["author"] for w in plan["works"]}):
            ctx.authors[author] = login(servers[-1].port, author, ctx.next_ip())
        check = request(
            servers[-1].port, "GET", paths[0], headers={"Cookie": cookie_header(readers[0])}
        )
        if check.status != 200 or b"/logout/" not in check.body:
            result.notes.append("a logged-in reader's chapter page did not show the logout form")
        guest = request(servers[0].port, "GET", f"/works/{plan['works'][0]['id']}/comment/")
        ctx.guest_csrf = guest.cookies().get("csrftoken", "")
        if not ctx.guest_csrf:
            result.notes.append("no CSRF cookie for guests: guest comments will fail")

        step(f"warm up (at most {args.warmup:g} s)")
        warmed = warm_up(servers, args, files, args.warmup)
        if warmed < 0.95:
            result.notes.append(
                f"the cache was still filling after the warm-up ({warmed:.0%} hits): the"
                " anonymous figures and ratios are low; give more --warmup"
            )
        step(
            f"phases of {args.seconds} s: wrk {args.connections} connections, random chapter"
            f" pages; writers {', '.join(rate_label(r) for r in args.rate_list)}"
        )
        for readers_kind in ("anon", "logged"):
            for i, rate in enumerate(args.rate_list):
                label = f"{'anonymous' if readers_kind == 'anon' else 'logged-in'} {rate:g} w/s"
                result.phases.append(
                    measure(label, readers_kind, rate, ctx, args, files, bg.pid, seed=i)
                )
        for s in servers:
            result.rss += [("after the phases", pid, kb) for pid, kb in web_workers(s)]
        for s in servers:
            stop(s.proc)

        step("page cache off (FANFOLD_PAGE_CACHE_SECONDS=0): servers restarted")
        if pg:  # the pages cached in Redis outlive the servers
            redis_flush()
        servers = start_all({"FANFOLD_PAGE_CACHE_SECONDS": "0"})
        ctx.servers = servers
        run_wrk(servers, 2, args, files, logged_in=False)  # load the code and templates
        off = measure("cache off 0 w/s", "cache off", 0.0, ctx, args, files, bg.pid, seed=99)
        if off.reading.hit:
            result.notes.append(f"cache off: {off.reading.hit} responses still said 'hit'")
        result.phases.append(off)
        for s in servers:
            result.rss += [("after cache off", pid, kb) for pid, kb in web_workers(s)]
        if bg.poll() is not None:
            result.notes.append(f"the background worker exited with status {bg.returncode}")
        log_errors = sum(s.log.read_text(errors="replace").count("Traceback") for s in servers)
        if log_errors:
            result.notes.append(f"{log_errors} tracebacks in the server logs ({root / name})")
    finally:
        for s in servers or []:
            stop(s.proc)
        stop(bg)
        if pg and not args.keep:
            with contextlib.suppress(Exception):
                redis_flush()
                pg_drop()
    for p in result.phases:
        base = result.phase("anon" if p.readers == "cache off" else p.readers, 0.0)
        if base and base.reading.rps:
            p.ratio = p.reading.rps / base.reading.rps
    return result


# PostgreSQL and Redis (only the bench's own database and Redis db 7)


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def pg_recreate() -> None:
    pg_drop()
    pg_admin(f"CREATE DATABASE {PG_DB}")


def pg_drop() -> None:
    pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# Report


def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")


def report(result: SetupResult) -> None:
    step(f"{result.name}: {result.shape}; {result.pages:,} chapter pages")
    print(
        f"   {'phase':<20} {'req/s':>8} {'p99 ms':>8} {'errors':>7} {'hits':>7} {'ratio':>6}"
        f"  {'writes/s sent':>13} {'write err':>9} {'write p99':>9}"
    )
    for p in result.phases:
        r, w = p.reading, p.writes
        hit = "-" if p.readers == "logged" or r.hit_rate is None else f"{r.hit_rate:.1%}"
        ratio = "-" if p.ratio is None else f"{p.ratio:.2f}"
        wp99 = w.p99_ms() if w else None
        print(
            f"   {p.label:<20} {r.rps:>8,.0f} {r.p99_ms:>8.1f} {r.errors:>7} {hit:>7} {ratio:>6}"
            f"  {(f'{w.achieved:.1f}' if w else '-'):>13} {(w.errors if w else '-'):>9}"
            f" {(f'{wp99:,.0f} ms' if wp99 is not None else '-'):>9}"
        )
    print("   (ratio: to the run with no writes of the same readers; cache off: to anonymous)")
    for when, pid, kb in result.rss:
        print(f"   web worker {pid} RSS {kb / 1024:,.0f} MB ({when})")

    def errors(p: Phase) -> int:
        return p.reading.errors + (p.writes.errors if p.writes else 0)

    a0, a5, a50 = (result.phase("anon", r) for r in (0.0, 5.0, 50.0))
    lines = []
    if a5 and a0 and a0.reading.rps:
        ok = a5.reading.rps >= TARGET_WRITE_RATIO * a0.reading.rps
        ok = ok and a5.reading.rps >= TARGET_ANON_RPS
        lines.append(
            (
                ok,
                f"anonymous, 5 w/s >= {TARGET_WRITE_RATIO:.0%} of 0 w/s and >= {TARGET_ANON_RPS:,}"
                f" req/s: {a5.reading.rps:,.0f} req/s, {a5.reading.rps / a0.reading.rps:.1%}",
            )
        )
    else:
        lines.append((None, "anonymous, 5 w/s against 0 w/s: needs --rates with 0 and 5"))
    if a50:
        ok = a50.reading.rps >= TARGET_ANON_RPS and errors(a50) == 0
        lines.append(
            (
                ok,
                f"anonymous, 50 w/s >= {TARGET_ANON_RPS:,} req/s, 0 errors:"
                f" {a50.reading.rps:,.0f} req/s, {a50.reading.errors} read errors,"
                f" {a50.writes.errors if a50.writes else 0} write errors"
                + (
                    f" ({a50.writes.skipped} not sent, {a50.writes.achieved:.1f} writes/s sent)"
                    if a50.writes and a50.writes.skipped
                    else ""
                ),
            )
        )
    else:
        lines.append((None, "anonymous, 50 w/s: needs --rates with 50"))
    for p in result.phases:
        if p.readers == "logged":
            lines.append(
                (
                    p.reading.rps >= TARGET_LOGGED_RPS,
                    f"logged-in, {p.rate:g} w/s >= {TARGET_LOGGED_RPS} req/s:"
                    f" {p.reading.rps:,.0f} req/s",
                )
            )
    off = result.phase("cache off", 0.0)
    if off:
        lines.append(
            (
                off.reading.rps >= TARGET_UNCACHED_RPS,
                f"cache off, chapter page >= {TARGET_UNCACHED_RPS} req/s:"
                f" {off.reading.rps:,.0f} req/s",
            )
        )
    if result.rss:
        top = max(kb for _, _, kb in result.rss) / 1024
        lines.append((top <= TARGET_RSS_MB, f"web worker <= {TARGET_RSS_MB} MB RSS: {top:,.0f} MB"))
    for ok, text in lines:
        print(f"   {verdict(ok)}  {text}")
    for note in result.notes:
        print(f"   note: {note}")


def run(args) -> None:
    if not GRANIAN.exists():
        raise SystemExit(f"{GRANIAN} is missing: run `make run` once to install Fanfold.")
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed (apt install wrk).")
    root = Path(tempfile.mkdtemp(prefix="fanfold-live-"))
    step(
        f"data in {root}; setups {', '.join(args.setup_list)}; {args.works:,} works;"
        f" {args.seconds} s per phase" + (" (quick: trial figures)" if args.quick else "")
    )
    results = []
    try:
        for name in args.setup_list:
            try:
                results.append(run_setup(name, args, root))
            except SystemExit as e:
                print(f"!! setup {name} failed: {e}", flush=True)
                failed = SetupResult(name, "not measured", 0)
                failed.notes.append(f"failed: {e}")
                results.append(failed)
            except Exception as e:  # report it, and go on with the other setups
                traceback.print_exc()
                print(f"!! setup {name} failed: {e}", flush=True)
                failed = SetupResult(name, "not measured", 0)
                failed.notes.append(f"failed: {e}")
                results.append(failed)
    finally:
        drop_data_dir(root, keep=args.keep)
    for result in results:
        report(result)
    if args.quick:
        print("(--quick: short phases on a possibly busy machine: trial figures only)")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    use_project_python(__file__, argv)
    if args.build_into:  # the child that builds one setup's archive
        build(args.build_into, args.works, args.readers, args.static_only)
        return 0
    return run_stoppable(run, args, "servers")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
