"""Keeping background jobs running: worker ids that say whose process a worker is, and
putting back in the queue the jobs a worker that is gone left RUNNING.

`manage.py run_worker` (fanfold/core/management/commands/run_worker.py) runs
`manage.py db_worker` as a child and starts it again whenever it exits. Each child gets the
worker id ``ff:<host>:<supervisor pid>:<n>``, which django-tasks-db stores in
``DBTaskResult.worker_ids`` when the worker claims a job. A job still RUNNING under the id
of a child that exited (or of a supervisor on this machine whose process is gone) will
never finish: ``tasks_requeue_orphaned`` makes it READY again so that a worker runs it
once more. Jobs are written to be run again safely (see fanfold/core/tasks.py), and the
email jobs claim each recipient before sending, so nothing is sent twice.

The supervisor also queues the jobs that run on a timer (``periodic_tasks_enqueue``), such
as importing the buffered hits, so that no page a reader opens has to queue them.
"""

import logging
import os
import socket
from collections.abc import Collection
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

PREFIX = "ff"
# A job RUNNING this long under a worker we cannot check (another machine, or a worker
# started with plain `db_worker`) is taken to be lost. Fanfold's jobs take seconds.
STALE_AFTER = timedelta(hours=1)


def host_name() -> str:
    return socket.gethostname().replace(":", "-")[:40] or "localhost"


def worker_id(*, supervisor_pid: int, number: int) -> str:
    """The id of the number-th worker started by this supervisor (at most 64 characters)."""
    return f"{PREFIX}:{host_name()}:{supervisor_pid}:{number}"


def _parse(wid: str) -> tuple[str, int] | None:
    """(host, supervisor pid) of a worker id made by ``worker_id``, else None."""
    parts = wid.split(":")
    if len(parts) != 4 or parts[0] != PREFIX or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def worker_gone(wid: str, *, live_worker_ids: Collection[str], supervisor_pid: int) -> bool | None:
    """Whether the worker with this id has certainly stopped; None when it can't be told.

    ``supervisor_pid`` is the supervisor asking and ``live_worker_ids`` the workers it has
    running now: its other workers have exited. A worker of another supervisor on this
    machine is gone when that supervisor's process is."""
    if wid in live_worker_ids:
        return False
    parsed = _parse(wid)
    if parsed is None or parsed[0] != host_name():
        return None
    pid = parsed[1]
    if pid == supervisor_pid:
        return True
    if not _pid_alive(pid):
        return True
    # Alive, but is it still that supervisor? After a restart of the machine the number may
    # belong to any process now.
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None  # no /proc here: can't tell
    return b"run_worker" not in command


@transaction.atomic
def tasks_requeue_orphaned(
    *,
    live_worker_ids: Collection[str] = (),
    supervisor_pid: int | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> list[str]:
    """Make READY again the jobs left RUNNING by workers that are gone; returns their ids.

    Run it again and it finds nothing more to do. A job whose worker can't be checked is
    requeued only once it has been RUNNING longer than ``stale_after``."""
    supervisor_pid = os.getpid() if supervisor_pid is None else supervisor_pid
    now = timezone.now()
    requeued = []
    running = DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "task_path")
    for result in running:
        wid = result.worker_ids[-1] if result.worker_ids else ""
        gone = worker_gone(wid, live_worker_ids=live_worker_ids, supervisor_pid=supervisor_pid)
        if gone is None:
            gone = result.started_at is None or now - result.started_at > stale_after
        if not gone:
            continue
        # Only if it is still RUNNING under the same worker: a finished job stays finished.
        changed = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
        if changed:
            requeued.append(str(result.pk))
            logger.warning(
                "Job %s (%s) was left running by worker %s, which is gone: queued again",
                result.pk,
                result.task_path,
                wid or "(unknown)",
            )
    return requeued


def periodic_tasks_enqueue(*, last_queued: dict[str, float], now: float) -> list[str]:
    """Queue each job of ``FANFOLD_PERIODIC_TASKS`` (dotted path: seconds) whose period has
    passed since this supervisor last looked, unless one is already waiting: so however many
    supervisors run (workers on several servers), one job waits, not one each. Pages never
    queue these jobs, so reading writes nothing. Returns the paths queued."""
    queued = []
    for path, period in settings.FANFOLD_PERIODIC_TASKS.items():
        if path in last_queued and now - last_queued[path] < period:
            continue
        last_queued[path] = now
        waiting = DBTaskResult.objects.ready().filter(task_path=path)
        if waiting.exists():
            continue
        import_string(path).enqueue()
        queued.append(path)
    return queued
