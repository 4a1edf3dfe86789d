"""What a shared rate-limit check costs: one token taken per post, on each store.

Runs `rate_limited` many times against a fresh file-based SQLite archive (WAL, as `make run`
uses), PostgreSQL (CI's 127.0.0.1:5432 database `test`, if reachable) and Redis
(127.0.0.1:6379, if reachable), from one process and from two processes at once, and prints
microseconds per check and whether the limit held exactly across the processes.

    .venv/bin/python bench/ratelimit.py [--checks 2000]
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]
from common import ROOT, use_project_python  # noqa: E402

use_project_python(__file__, sys.argv[1:])


def _setup(store: str, data_dir: str) -> None:
    os.environ["FANFOLD_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    if store == "postgresql":
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/test"
    if store == "redis":
        os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanfold.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _worker(store: str, data_dir: str, checks: int, scope: str, out) -> None:
    _setup(store, data_dir)
    from fanfold.core.ratelimit import rate_limited

    allowed = 0
    start = time.perf_counter()
    for i in range(checks):
        # Half the checks on one hot bucket (the limit under test), half on fresh ones.
        if i % 2:
            allowed += rate_limited(scope, "hot", limit=100, window=3600) is None
        else:
            rate_limited(scope, f"reader-{os.getpid()}-{i}", limit=100, window=3600)
    out.put((time.perf_counter() - start, allowed))


def run(store: str, data_dir: str, checks: int, processes: int) -> tuple[float, int]:
    scope = f"bench-{time.time_ns()}"
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_worker, args=(store, data_dir, checks, scope, out))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    seconds = max(r[0] for r in results)
    return seconds * 1e6 / checks, sum(r[1] for r in results)


def reachable(store: str) -> bool:
    if store == "postgresql":
        return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0
    if store == "redis":
        import redis

        try:
            return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15").ping())
        except redis.RedisError:
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=2000)
    args = parser.parse_args()
    multiprocessing.set_start_method("spawn")
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "FANFOLD_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        if reachable("postgresql"):
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v0"],
                cwd=ROOT,
                env={**env, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"},
                check=True,
            )
        print(f"{'store':<12}{'processes':>10}{'µs/check':>10}{'hot allowed':>13}  limit 100")
        for store in ("sqlite", "postgresql", "redis"):
            if not reachable(store):
                print(f"{store:<12}  (not reachable, skipped)")
                continue
            for processes in (1, 2):
                micros, allowed = run(store, data_dir, args.checks, processes)
                verdict = "holds" if allowed == 100 else "BROKEN"
                print(f"{store:<12}{processes:>10}{micros:>10.0f}{allowed:>13}  {verdict}")


if __name__ == "__main__":
    main()
