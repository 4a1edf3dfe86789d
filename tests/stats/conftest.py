import pytest
from django.test import Client

from tests.factories import WorkFactory, add_chapter


@pytest.fixture(autouse=True)
def _flush_by_hand(settings):
    """Queued flush jobs are kept, not run, so that each test flushes when it means to
    (a test that wants the job to run sets FANFOLD_HITS_FLUSH_SECONDS = 0 and
    ``run_jobs``)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def run_jobs(settings):
    """Run background jobs synchronously again, as the rest of the suite does."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def serial(author, commit_hooks):
    """A published three-chapter work by ``author``."""

    def make():
        work = WorkFactory(by=author, title="The Long Road", fandoms=["Sample Fandom"])
        add_chapter(work, by=author, title="Middle")
        add_chapter(work, by=author, title="End")
        return work

    return commit_hooks(make)


def guest(ip: str) -> Client:
    """An anonymous reader coming from ``ip``."""
    return Client(REMOTE_ADDR=ip)
