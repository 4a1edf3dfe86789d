"""Background-job helpers: enqueue after commit, retry with backoff."""

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.tasks import Task, task
from django.utils import timezone

logger = logging.getLogger(__name__)


def enqueue_on_commit(the_task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue a task once the surrounding transaction commits (never for rolled-back writes)."""
    transaction.on_commit(lambda: the_task.enqueue(*args, **kwargs))


def retrying_task(
    *, max_attempts: int = 5, backoff_seconds: int = 15
) -> Callable[[Callable], Task]:
    """Declare a task that is queued again with exponential backoff when it raises."""

    def decorate(func: Callable) -> Task:
        @functools.wraps(func)
        def run(*args: Any, _attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception:
                if _attempt >= max_attempts:
                    logger.exception("%s failed after %s attempts", func.__name__, _attempt)
                    raise
                retry = the_task
                if retry.get_backend().supports_defer:
                    delay = timedelta(seconds=backoff_seconds * 2 ** (_attempt - 1))
                    retry = retry.using(run_after=timezone.now() + delay)
                logger.warning("%s failed (attempt %s); queued again", func.__name__, _attempt)
                retry.enqueue(*args, _attempt=_attempt + 1, **kwargs)
                raise

        the_task = task(run)
        return the_task

    return decorate
