from fanfold.core.tasks import retrying_task
from fanfold.stats import services


@retrying_task(max_attempts=5)
def hits_flush_task() -> None:
    """Import the buffered hits and reading history into the database (re-running it adds
    nothing twice)."""
    if services.hits_flush().skipped:
        # Another flush held the lock for minutes: try again later rather than leave hits.
        raise RuntimeError("another hit flush is still running")
