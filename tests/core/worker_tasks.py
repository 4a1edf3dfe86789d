"""A job for tests/core/test_worker.py, run by real `db_worker` processes."""

import os
import time
from pathlib import Path

from django.tasks import task


@task
def first_run_hangs_task(folder: str) -> int:
    """Note each run in the folder; the first run then hangs (until its worker is killed)."""
    number = len(list(Path(folder).glob("run-*"))) + 1
    Path(folder, f"run-{number}").write_text(str(os.getpid()))
    if number == 1:
        time.sleep(120)
    return number
