"""Background jobs: queued on commit, run by the real django-tasks-db worker, retried on failure."""

import pytest
from django.core.management import call_command
from django.db import transaction

from fanfold.core.tasks import enqueue_on_commit, retrying_task

ATTEMPTS: list[int] = []


@retrying_task(max_attempts=3, backoff_seconds=0)
def flaky_task(fail_times: int) -> str:
    ATTEMPTS.append(1)
    if len(ATTEMPTS) <= fail_times:
        raise RuntimeError("temporary failure")
    return "done"


@pytest.fixture
def db_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ATTEMPTS.clear()


def _run_worker():
    call_command("db_worker", batch=True, interval=0, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_task_is_queued_only_on_commit(db_backend):
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        enqueue_on_commit(flaky_task, 0)
        assert DBTaskResult.objects.count() == 0
    assert DBTaskResult.objects.count() == 1

    try:
        with transaction.atomic():
            enqueue_on_commit(flaky_task, 0)
            raise ValueError("rolled back")
    except ValueError:
        pass
    assert DBTaskResult.objects.count() == 1
    _run_worker()
    assert ATTEMPTS == [1]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_failed_task_is_retried_by_the_worker(db_backend):
    from django_tasks_db.models import DBTaskResult

    flaky_task.enqueue(2)
    _run_worker()
    assert len(ATTEMPTS) == 3
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "FAILED", "SUCCESSFUL"]


@pytest.mark.django_db(transaction=True)
def test_retries_stop_after_max_attempts(db_backend):
    from django_tasks_db.models import DBTaskResult

    flaky_task.enqueue(10)
    _run_worker()
    assert len(ATTEMPTS) == 3
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"FAILED"}
