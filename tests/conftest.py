import shutil
import socket
import subprocess
import time

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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A private redis-server on a free port (skipped where Redis is not installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
