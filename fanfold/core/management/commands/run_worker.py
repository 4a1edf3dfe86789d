"""Run the background worker (`manage.py db_worker`) and start it again whenever it stops."""

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from fanfold.core.worker import periodic_tasks_enqueue, tasks_requeue_orphaned, worker_id

logger = logging.getLogger("fanfold.core.worker")

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """On Linux, have the kernel send the worker SIGTERM if the supervisor is killed."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"{code} (killed by {signal.Signals(-code).name})"
        except ValueError:
            return str(code)
    return str(code)


class Command(BaseCommand):
    help = (
        "Run `db_worker` and restart it when it exits, waiting 1 s, 2 s, 4 s… (at most "
        "--max-backoff) between restarts; put back in the queue the jobs a dead worker "
        "left running. SIGINT or SIGTERM stops the worker (after its current job) and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="db_worker --interval")
        parser.add_argument(
            "--max-backoff", type=float, default=60.0, help="Longest wait between restarts (s)."
        )
        parser.add_argument(
            "--healthy-after",
            type=float,
            default=60.0,
            help="A worker that ran this long (s) was healthy: the next wait is 1 s again.",
        )
        parser.add_argument(
            "--check-every",
            type=float,
            default=60.0,
            help="How often (s) to look for jobs left running by workers that are gone.",
        )
        parser.add_argument(
            "--busy-ms",
            type=int,
            default=30_000,
            help="How long the worker waits for SQLite's write lock (ms) before giving up.",
        )
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=30.0,
            help="On stop, how long (s) the worker may finish its job before it is killed.",
        )

    def handle(self, *args, **options):
        if options["verbosity"] >= 1:
            logger.setLevel(logging.INFO)
        self.options = options
        self.stopping = False
        self.child: subprocess.Popen | None = None
        self.last_queued: dict[str, float] = {}
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        backoff = 1.0
        number = 0
        last_check = time.monotonic()
        while not self.stopping:
            number += 1
            wid = worker_id(supervisor_pid=os.getpid(), number=number)
            self._requeue(live={wid})
            started = time.monotonic()
            self.child = self._start(wid)
            logger.info("run_worker: started db_worker pid %s as %s", self.child.pid, wid)
            while not self.stopping:
                try:
                    self.child.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if time.monotonic() - last_check >= options["check_every"]:
                    last_check = time.monotonic()
                    self._requeue(live={wid})
                self._periodic()
            if self.stopping:
                break
            code = self.child.returncode
            ran = time.monotonic() - started
            if ran >= options["healthy_after"]:
                backoff = 1.0
            logger.warning(
                "run_worker: db_worker pid %s exited with code %s after %.1f s; restarting in %g s",
                self.child.pid,
                _describe(code),
                ran,
                backoff,
            )
            self._pause(backoff)
            backoff = min(backoff * 2, options["max_backoff"])
        self._stop_child()

    def _start(self, wid: str) -> subprocess.Popen:
        cmd = [
            sys.executable,
            str(MANAGE),
            "db_worker",
            "--interval",
            str(self.options["interval"]),
            "--worker-id",
            wid,
            "--no-reload",
            "--no-startup-delay",
            "-v",
            str(self.options["verbosity"]),
        ]
        env = {**os.environ, "FANFOLD_SQLITE_BUSY_MS": str(self.options["busy_ms"])}
        # Its own process group: Ctrl-C in a terminal reaches only the supervisor, which
        # stops the worker with one SIGTERM (a second signal would abort its current job).
        return subprocess.Popen(
            cmd,
            env=env,
            process_group=0,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def _periodic(self) -> None:
        try:
            periodic_tasks_enqueue(last_queued=self.last_queued, now=time.monotonic())
        except DatabaseError as e:  # e.g. locked for longer than the busy timeout: next time
            logger.warning("run_worker: could not queue the periodic jobs: %s", e)
        finally:
            close_old_connections()

    def _requeue(self, *, live: set[str]) -> None:
        try:
            tasks_requeue_orphaned(live_worker_ids=live)
        except DatabaseError as e:  # e.g. locked for longer than the busy timeout: next time
            logger.warning("run_worker: could not look for lost jobs: %s", e)
        finally:
            close_old_connections()

    def _pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            logger.info("run_worker: %s received, stopping", signal.Signals(signum).name)
        self.stopping = True

    def _stop_child(self) -> None:
        child = self.child
        if child is None or child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(timeout=self.options["stop_timeout"])
        except subprocess.TimeoutExpired:
            logger.warning("run_worker: db_worker pid %s did not stop; killing it", child.pid)
            child.kill()
            child.wait()
        logger.info("run_worker: db_worker stopped")
