"""Real Fanfold servers for tests where sharing between processes matters.

`fanfold_server` migrates a fresh file-based SQLite archive in its own data folder and
serves it with granian and the default two worker processes (scripts/serve.sh), as
`make run` does. It uses SQLite unless the caller passes a `DATABASE_URL` (and `REDIS_URL`)
of its own, as tests/core/test_cluster.py does for several servers sharing one PostgreSQL
database and one Redis: the test run's own DATABASE_URL and REDIS_URL never reach a server.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"FANFOLD_DATA_DIR": str(data_dir), "FANFOLD_DEBUG": "0", **extra})
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(data_dir: Path, *command: str, **extra: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=server_env(data_dir, **extra),
        check=True,
    )


def migrate(data_dir: Path, **extra: str) -> None:
    """Set the data folder up as `make run` does: the database and the static files."""
    manage(data_dir, "migrate", "--noinput", "-v0", **extra)
    manage(data_dir, "collectstatic", "--noinput", "-v0", **extra)


@contextlib.contextmanager
def fanfold_server(data_dir: Path, *, workers: int = 2, **extra: str) -> Iterator[str]:
    """Serve the archive in data_dir (migrated if new); yields its base URL.

    With a DATABASE_URL in `extra` the database is shared: the caller migrates it once
    (`migrate`), and a new data folder only gets its static files here."""
    if extra.get("DATABASE_URL"):
        if not (data_dir / "static" / "staticfiles.json").exists():
            manage(data_dir, "collectstatic", "--noinput", "-v0", **extra)
    elif not (data_dir / "fanfold.sqlite3").exists():
        migrate(data_dir, **extra)
    port = free_port()
    env = server_env(data_dir, PORT=str(port), WEB_CONCURRENCY=str(workers), **extra)
    log = (data_dir / "server.log").open("ab")
    proc = subprocess.Popen(
        ["scripts/serve.sh"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data_dir / "server.log").read_text()) from None
                time.sleep(0.1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
