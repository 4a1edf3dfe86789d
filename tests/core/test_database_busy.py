"""A write that cannot get SQLite's write lock in time is answered 503 with Retry-After.

The lock is held by this test process (``BEGIN IMMEDIATE`` on its own sqlite3 connection)
while a second process, with its own file-based archive and a 1 s busy timeout, posts a
bookmark page form and an API request through the whole middleware stack. SQLite-only by
nature; it runs on its own SQLite archive whatever DATABASE_URL says, so it runs in the
PostgreSQL job too.
"""

import json
import sqlite3
import subprocess
import sys

from tests.servers import ROOT, server_env

PROBE = """
import json, sys, time
import django
django.setup()
from django.test import Client
from fanfold.accounts.services import api_token_create
from tests.factories import UserFactory, WorkFactory

reader = UserFactory(username="reader")
work = WorkFactory(by=UserFactory(username="writer"), publish=True, title="Locked out")
_, key = api_token_create(user=reader, name="probe")
client = Client()
client.force_login(reader)
print("ready", flush=True)
sys.stdin.readline()  # the test holds the write lock from now on

def answer(response, started):
    return {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "type": response["Content-Type"],
        "body": response.content.decode(),
        "seconds": time.monotonic() - started,
    }

out = {}
started = time.monotonic()
page = client.post(
    f"/works/{work.pk}/bookmark/", {"note": "mine", "text_format": "plain", "tags": "x"}
)
out["page"] = answer(page, started)
started = time.monotonic()
api = client.post(
    "/api/v1/works",
    data=json.dumps({"title": "Half", "fandoms": ["F"], "chapter": {"body": "text"}}),
    content_type="application/json",
    headers={"Authorization": f"Bearer {key}"},
)
out["api"] = answer(api, started)
print(json.dumps(out), flush=True)
"""


def test_a_write_that_waits_too_long_for_the_lock_gets_503(sqlite_archive):
    env = server_env(
        sqlite_archive,
        DJANGO_SETTINGS_MODULE="fanfold.settings",
        FANFOLD_SQLITE_BUSY_MS="1000",
        FANFOLD_MANIFEST_STATIC="0",
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    db = sqlite3.connect(sqlite_archive / "fanfold.sqlite3", isolation_level=None)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "ready", proc.communicate()[1]
        db.execute("BEGIN IMMEDIATE")  # hold the write lock, as a long import used to
        proc.stdin.write("go\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        db.execute("ROLLBACK")
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        db.close()
    assert line, err
    result = json.loads(line)

    page, api = result["page"], result["api"]
    assert page["status"] == 503, page["body"][:500]
    assert page["retry_after"] == "5"
    assert page["type"].startswith("text/html")
    assert "The archive is busy" in page["body"] and "try again" in page["body"]
    assert "<html" in page["body"]  # the site's page, like the 429 one
    assert page["seconds"] < 4  # waited about the busy timeout, then answered

    assert api["status"] == 503
    assert api["retry_after"] == "5"
    assert api["type"] == "application/json"
    assert "try again" in json.loads(api["body"])["detail"]

    # Nothing of either write was saved.
    with sqlite3.connect(sqlite_archive / "fanfold.sqlite3") as check:
        assert check.execute("SELECT count(*) FROM bookmarks_bookmark").fetchone() == (0,)
        titles = [t for (t,) in check.execute("SELECT title FROM works_work")]
    assert titles == ["Locked out"]
