import pytest
from django.core.cache import cache

from tests.factories import UserFactory, WorkFactory


@pytest.fixture(autouse=True)
def _fanfold_test_settings(settings, tmp_path):
    """Run background tasks synchronously, serve static files without a manifest,
    keep the page-cache generation file per test, and start with an empty cache."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def author(db):
    return UserFactory(username="author")


@pytest.fixture
def other(db):
    return UserFactory(username="other")


@pytest.fixture
def published_work(author):
    return WorkFactory(by=author, publish=True)


@pytest.fixture
def draft_work(author):
    return WorkFactory(by=author, publish=False)


@pytest.fixture
def restricted_work(author):
    return WorkFactory(by=author, publish=True, restricted=True)


@pytest.fixture
def commit_hooks(django_capture_on_commit_callbacks):
    """Run a write and its on-commit hooks (page-cache invalidation), as a real request would."""

    def run(fn):
        with django_capture_on_commit_callbacks(execute=True):
            return fn()

    return run
