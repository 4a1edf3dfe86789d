import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

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


@pytest.fixture(autouse=True)
def _requests_commit(monkeypatch):
    """A test client's request runs the on-commit hooks it queued when it returns, as the
    request's own commit would on a server (page versions, queued jobs), even inside the
    test's transaction; each runs once, and hooks queued by the test itself wait as before."""
    request = Client.request

    def committing(self, **kwargs):
        connection = connections[DEFAULT_DB_ALIAS]
        if not connection.in_atomic_block:
            return request(self, **kwargs)  # no transaction around it: hooks ran already
        start = len(connection.run_on_commit)
        try:
            return request(self, **kwargs)
        finally:
            while len(connection.run_on_commit) > start:
                queued = connection.run_on_commit[start:]
                del connection.run_on_commit[start:]
                for _, hook, robust in queued:
                    if robust:
                        try:
                            hook()
                        except Exception:
                            logging.getLogger(__name__).exception("on-commit hook failed")
                    else:
                        hook()

    monkeypatch.setattr(Client, "request", committing)


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
