"""The background worker is supervised, and jobs a dead worker left RUNNING run again.

The supervisor test runs `manage.py run_worker` for real against its own file-based
SQLite archive (so it runs the same in the PostgreSQL job), kills its worker with SIGKILL
in the middle of a job and checks that a new worker comes up, runs that job again and
runs new ones. The other tests use the test database and the real django-tasks-db worker.
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fanfold.core.worker import tasks_requeue_orphaned, worker_id
from fanfold.feedback.models import InboxItem
from fanfold.feedback.tasks import comment_email_task
from tests.servers import ROOT, server_env


def _wait_for(what, check, timeout: float = 30.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) is gone too.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def _dead_pid() -> int:
    """The pid of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


class Supervisor:
    def __init__(self, data_dir: Path, **env: str):
        self.db = data_dir / "fanfold.sqlite3"
        self.env = server_env(data_dir, DJANGO_SETTINGS_MODULE="fanfold.settings", **env)
        self.log = data_dir / "run_worker.log"
        self.log_file = self.log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text()

    def workers(self) -> list[tuple[int, str]]:
        found = re.findall(r"started db_worker pid (\d+) as (\S+)", self.text())
        return [(int(pid), wid) for pid, wid in found]

    def enqueue(self, folder: Path) -> str:
        code = (
            "import django; django.setup()\n"
            "from tests.core.worker_tasks import first_run_hangs_task as t\n"
            f"print(t.enqueue({str(folder)!r}).id)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip().replace("-", "")

    def job(self, job_id: str) -> tuple[str, list[str]] | None:
        with sqlite3.connect(self.db, timeout=10) as conn:
            row = conn.execute(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?",
                (job_id,),
            ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()


@pytest.fixture
def supervisor(sqlite_archive):
    sup = Supervisor(sqlite_archive)
    yield sup
    for pid, _ in sup.workers():
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
    sup.close()


def test_supervisor_restarts_a_killed_worker_which_reruns_its_lost_job(supervisor, tmp_path):
    sup = supervisor
    pid1, id1 = _wait_for("the first worker", lambda: sup.workers())[0]
    runs = tmp_path / "runs"
    runs.mkdir()
    job = sup.enqueue(runs)
    _wait_for("the job to start", lambda: (runs / "run-1").exists())
    assert sup.job(job) == ("RUNNING", [id1])

    os.kill(pid1, signal.SIGKILL)  # the worker dies in the middle of the job
    pid2, id2 = _wait_for("a new worker", lambda: sup.workers()[1:])[0]
    assert pid2 != pid1 and id2 != id1
    assert re.search(rf"db_worker pid {pid1} exited with code -9 .*restarting in 1 s", sup.text())
    # The lost job was queued again and the new worker ran it (and it ran twice in all).
    _wait_for("the job to finish", lambda: sup.job(job) == ("SUCCESSFUL", [id1, id2]))
    assert sorted(p.name for p in runs.iterdir()) == ["run-1", "run-2"]
    assert (runs / "run-2").read_text() == str(pid2)
    assert "was left running by worker " + id1 in sup.text()

    # A new job is run by the new worker.
    job2 = sup.enqueue(runs)
    _wait_for("the new job", lambda: sup.job(job2) == ("SUCCESSFUL", [id2]))

    # Killed again soon after: the supervisor backs off longer.
    os.kill(pid2, signal.SIGKILL)
    pid3, _ = _wait_for("a third worker", lambda: sup.workers()[2:], timeout=20)[0]
    assert re.search(rf"db_worker pid {pid2} exited with code -9 .*restarting in 2 s", sup.text())

    # Ctrl-C stops the supervisor and its worker.
    sup.proc.send_signal(signal.SIGINT)
    assert sup.proc.wait(timeout=30) == 0
    _wait_for("the worker to stop", lambda: not _pid_alive(pid3), timeout=10)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _running(result_id, *, worker: str, started_ago: timedelta = timedelta(0)) -> None:
    DBTaskResult.objects.filter(pk=result_id).update(
        status="RUNNING", worker_ids=[worker], started_at=timezone.now() - started_ago
    )


def test_the_supervisor_queues_the_hit_flush_on_a_timer(sqlite_archive):
    """No page queues the flush: the supervisor does, every FANFOLD_HITS_FLUSH_SECONDS, and
    its worker runs it."""
    sup = Supervisor(sqlite_archive, FANFOLD_HITS_FLUSH_SECONDS="1")
    try:

        def flushes() -> int:
            with sqlite3.connect(sup.db, timeout=10) as conn:
                (n,) = conn.execute(
                    "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult"
                    " WHERE task_path LIKE '%hits_flush_task' AND status = 'SUCCESSFUL'"
                ).fetchone()
            return n

        _wait_for("two flushes a second apart", lambda: flushes() >= 2, timeout=30)
    finally:
        for pid, _ in sup.workers():
            if _pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        sup.close()


@pytest.mark.django_db
def test_only_jobs_of_workers_that_are_gone_are_requeued(db_tasks):
    from tests.core.worker_tasks import first_run_hangs_task

    me = os.getpid()
    ours_dead = first_run_hangs_task.enqueue("a").id  # an earlier worker of this supervisor
    ours_live = first_run_hangs_task.enqueue("b").id  # the worker this supervisor runs now
    other_gone = first_run_hangs_task.enqueue("c").id  # supervisor process is gone
    other_live = first_run_hangs_task.enqueue("d").id  # another live supervisor here
    reused = first_run_hangs_task.enqueue("g").id  # its pid now belongs to another program
    unknown_new = first_run_hangs_task.enqueue("e").id  # a plain db_worker, just started
    unknown_old = first_run_hangs_task.enqueue("f").id  # a plain db_worker, hours ago
    live = worker_id(supervisor_pid=me, number=2)
    _running(ours_dead, worker=worker_id(supervisor_pid=me, number=1))
    _running(ours_live, worker=live)
    _running(other_gone, worker=worker_id(supervisor_pid=_dead_pid(), number=1))
    supervisor = subprocess.Popen(  # a live process that is a run_worker supervisor
        [sys.executable, "-c", "import time; time.sleep(120)", "run_worker"]
    )
    _running(other_live, worker=worker_id(supervisor_pid=supervisor.pid, number=1))
    _running(reused, worker=worker_id(supervisor_pid=os.getppid(), number=1))
    _running(unknown_new, worker="x" * 32)
    _running(unknown_old, worker="y" * 32, started_ago=timedelta(hours=2))

    try:
        requeued = tasks_requeue_orphaned(live_worker_ids={live}, supervisor_pid=me)
    finally:
        supervisor.kill()
        supervisor.wait()
    expected = {ours_dead, other_gone, unknown_old, reused}
    assert {r.replace("-", "") for r in requeued} == {e.replace("-", "") for e in expected}
    status = dict(DBTaskResult.objects.values_list("id", "status"))
    by_id = {str(k).replace("-", ""): v for k, v in status.items()}
    for e in expected:
        assert by_id[e.replace("-", "")] == "READY"
    for r in (ours_live, other_live, unknown_new):
        assert by_id[r.replace("-", "")] == "RUNNING"
    # Idempotent: nothing more to do the second time (the other supervisor is gone now).
    again = tasks_requeue_orphaned(live_worker_ids={live}, supervisor_pid=me)
    assert [r.replace("-", "") for r in again] == [str(other_live).replace("-", "")]
    assert tasks_requeue_orphaned(live_worker_ids={live}, supervisor_pid=me) == []


@pytest.mark.django_db(transaction=True)
def test_a_requeued_comment_email_job_sends_nothing_twice(db_tasks, author, other):
    from fanfold.feedback.services import comment_create

    author.email_on_comment = True
    author.save(update_fields=["email_on_comment"])
    work = _work(author)
    comment_create(work=work, chapter=None, by=other, body="Lovely.")
    job = DBTaskResult.objects.get(task_path__endswith="comment_email_task")
    call_command("db_worker", batch=True, interval=0, verbosity=0, reload=False)
    assert len(mail.outbox) == 1
    assert InboxItem.objects.get(user=author).emailed

    # The worker was killed after the email went out but before it marked the job done:
    # the job is still RUNNING under a worker that is gone.
    gone = worker_id(supervisor_pid=_dead_pid(), number=1)
    _running(job.pk, worker=gone)
    assert [r.replace("-", "") for r in tasks_requeue_orphaned()] == [str(job.pk).replace("-", "")]
    call_command("db_worker", batch=True, interval=0, verbosity=0, reload=False)
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.return_value == 0  # ran again, sent nothing
    assert len(mail.outbox) == 1
    assert comment_email_task.name == "comment_email_task"


def _work(author):
    from tests.factories import WorkFactory

    return WorkFactory(by=author, publish=True)
