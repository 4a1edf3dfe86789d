"""Several servers for real (docs/scaling.md): two app servers, each its own granian process
with its own data folder, on one PostgreSQL database and one Redis, with the same secret key.

PostgreSQL is the one of DATABASE_URL when that names PostgreSQL (CI's second run), else the
one at 127.0.0.1:5432 (user postgres); the tests create a database of their own there and drop
it afterwards. Without a reachable PostgreSQL they are skipped, or fail under CI=true.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import dj_database_url
import pytest

from tests.servers import fanfold_server, migrate

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
# fanfold.accounts.views.LoginView: 20 attempts per address, one back every 300 / 20 seconds.
LOGIN_LIMIT, LOGIN_WINDOW = 20, 300


# PostgreSQL and Redis for the cluster


def _postgres() -> dict:
    """Connection settings of the PostgreSQL server the test may create a database on."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        url = LOCAL_POSTGRES
    return dj_database_url.parse(url)


def _connect(db: dict, name: str):
    import psycopg

    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname=name,
        connect_timeout=5,
        autocommit=True,
    )


@pytest.fixture(scope="module")
def cluster_database() -> Iterator[str]:
    """A fresh PostgreSQL database of this test's own; yields its URL, drops it afterwards."""
    import psycopg
    from psycopg import sql

    db = _postgres()
    where = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    try:
        admin = _connect(db, "postgres")
    except psycopg.OperationalError as e:
        message = (
            f"PostgreSQL at {where} is unreachable ({str(e).strip()}): these tests run two "
            "app servers on one PostgreSQL database (set DATABASE_URL=postgres://... or start "
            "PostgreSQL on 127.0.0.1:5432)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"ff_cluster_test_{os.getpid()}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _url(db, name)
    finally:
        with _connect(db, "postgres") as admin:
            admin.execute(drop)


def _url(db: dict, name: str) -> str:
    user = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        user += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    if ":" in host:
        host = f"[{host}]"
    return f"postgres://{user}{'@' if user else ''}{host}:{db['PORT'] or 5432}/{name}"


# HTTP as a browser (or a proxy in front) sends it


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self):
        return json.loads(self.text)


@dataclass
class Browser:
    """Keeps cookies (for 127.0.0.1 whatever the port, as a browser does) unless anonymous."""

    anonymous: bool = False
    opener: urllib.request.OpenerDirector = field(init=False)

    def __post_init__(self):
        handlers: list = [NoRedirect()]
        if not self.anonymous:
            handlers.append(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.opener = urllib.request.build_opener(*handlers)

    def request(
        self, method: str, url: str, *, form=None, data=None, headers=None, token=None
    ) -> Response:
        headers = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
        elif data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=30) as r:
                return Response(r.status, {k.lower(): v for k, v in r.headers.items()}, _text(r))
        except urllib.error.HTTPError as e:
            return Response(e.code, {k.lower(): v for k, v in e.headers.items()}, _text(e))

    def get(self, url: str, **kw) -> Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw) -> Response:
        return self.request("POST", url, **kw)

    def csrf(self, url: str) -> str:
        page = self.get(url).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _text(response) -> str:
    return response.read().decode("utf-8", "replace")


# Two app servers


@dataclass
class Cluster:
    a: str
    b: str
    token: str  # an API token of the author, who signed up on a and made it on b

    def new_work(self, title: str, body: str = "The first chapter.") -> tuple[int, int]:
        response = Browser(anonymous=True).post(
            f"{self.a}/api/v1/works",
            token=self.token,
            data={
                "title": title,
                "rating": "general",
                "fandoms": ["Cluster Trials"],
                "summary": "Two servers, one archive.",
                "text_format": "markdown",
                "chapter": {"body": body, "text_format": "markdown"},
                "publish": True,
            },
        )
        assert response.status == 201, response.text
        work = response.json()
        return work["id"], work["chapters"][0]["id"]


@pytest.fixture(scope="module")
def cluster(cluster_database, redis_url, tmp_path_factory) -> Iterator[Cluster]:
    import redis

    shared_redis = redis_url.rsplit("/", 1)[0] + "/3"  # not the DB other tests flush
    redis.Redis.from_url(shared_redis).flushdb()
    shared = {
        "DATABASE_URL": cluster_database,
        "REDIS_URL": shared_redis,
        "SECRET_KEY": secrets.token_urlsafe(50),  # the same on every server; no file
    }
    first, second = tmp_path_factory.mktemp("server-a"), tmp_path_factory.mktemp("server-b")
    migrate(first, **shared)  # once, for the whole cluster
    with contextlib.ExitStack() as stack:
        a = stack.enter_context(fanfold_server(first, workers=1, **shared))
        b = stack.enter_context(fanfold_server(second, workers=1, **shared))
        assert a != b
        author = Browser()
        signup = author.post(
            f"{a}/signup/",
            form={
                "csrfmiddlewaretoken": author.csrf(f"{a}/signup/"),
                "username": "cluster_author",
                "email": "cluster_author@example.org",
                "password1": "two servers, one archive",
                "password2": "two servers, one archive",
            },
            headers={"X-Forwarded-For": "192.0.2.1"},
        )
        assert signup.status == 302, signup.text
        # The session made on a (in PostgreSQL) is good on b.
        made = author.post(
            f"{b}/profile/tokens/",
            form={"csrfmiddlewaretoken": author.csrf(f"{b}/profile/tokens/"), "name": "cluster"},
        )
        assert made.status == 200, made.text
        token = re.search(r'id="new-token">([^<]+)<', made.text).group(1)
        yield Cluster(a=a, b=b, token=token)
    redis.Redis.from_url(shared_redis).flushdb()


def test_an_edit_on_one_server_is_seen_on_the_other_at_once(cluster):
    work_id, chapter_id = cluster.new_work("Before the edit", "The words before.")
    reader = Browser(anonymous=True)
    pages = [f"/works/{work_id}/", f"/works/{work_id}/chapters/{chapter_id}/"]
    for page in pages:
        for server in (cluster.b, cluster.a, cluster.b):
            response = reader.get(server + page)
            assert response.status == 200 and "Before the edit" in response.text
        # The reader has it from the page cache, which both servers share.
        assert response.headers.get("x-fanfold-cache") == "hit", page

    edit = Browser(anonymous=True).request(
        "PATCH",
        f"{cluster.a}/api/v1/works/{work_id}",
        token=cluster.token,
        data={"title": "After the edit"},
    )
    assert edit.status == 200, edit.text
    for page in pages:
        response = reader.get(cluster.b + page)
        assert response.status == 200
        assert "After the edit" in response.text and "Before the edit" not in response.text, page

    # And the other way round: the chapter's text edited on b, read on a.
    assert "The words before." in reader.get(cluster.a + pages[1]).text
    edit = Browser(anonymous=True).request(
        "PATCH",
        f"{cluster.b}/api/v1/works/{work_id}/chapters/{chapter_id}",
        token=cluster.token,
        data={"body": "The words after."},
    )
    assert edit.status == 200, edit.text
    text = reader.get(cluster.a + pages[1]).text
    assert "The words after." in text and "The words before." not in text


def test_a_guest_kudos_sent_to_both_servers_counts_once(cluster):
    work_id, _ = cluster.new_work("Kudos on two servers")

    def kudos(server: str, address: str) -> int:
        # Through a proxy in front (127.0.0.1, trusted), from the reader's own page.
        headers = {"X-Forwarded-For": address, "Origin": server}
        return (
            Browser(anonymous=True)
            .post(f"{server}/works/{work_id}/kudos/", form={}, headers=headers)
            .status
        )

    with ThreadPoolExecutor(2) as pool:  # both at once
        statuses = list(pool.map(kudos, (cluster.a, cluster.b), ("203.0.113.7",) * 2))
    assert statuses == [302, 302]
    assert kudos(cluster.a, "203.0.113.7") == 302  # and once more, later
    counted = Browser(anonymous=True).get(f"{cluster.b}/api/v1/works/{work_id}/kudos").json()
    assert (counted["total"], counted["guests"]) == (1, 1)

    assert kudos(cluster.b, "203.0.113.8") == 302  # another guest's does count
    counted = Browser(anonymous=True).get(f"{cluster.a}/api/v1/works/{work_id}/kudos").json()
    assert (counted["total"], counted["guests"]) == (2, 2)


def test_the_login_limit_is_shared_by_both_servers(cluster):
    """Wrong passwords from one address: alternated between the servers, refused after as
    many attempts as against one server alone, not twice as many; then both refuse."""
    refill = LOGIN_WINDOW / LOGIN_LIMIT  # seconds until the bucket gets one attempt back

    def attempts_until_refused(servers: list[str], address: str) -> tuple[int, float]:
        client = Browser()
        form = {
            "csrfmiddlewaretoken": client.csrf(f"{servers[0]}/login/"),
            "username": "cluster_author",
            "password": "not the password",
        }
        started = time.monotonic()
        for n in range(1, 3 * LOGIN_LIMIT):
            server = servers[n % len(servers)]
            status = client.post(
                f"{server}/login/", form=form, headers={"X-Forwarded-For": address}
            ).status
            if status == 429:
                return n, time.monotonic() - started
            assert status == 200, status  # the login page again, saying it was wrong
        raise AssertionError("never refused")

    def refused_everywhere(address: str) -> bool:
        statuses = set()
        for server in (cluster.a, cluster.b):
            client = Browser()
            form = {"csrfmiddlewaretoken": client.csrf(f"{server}/login/"), "username": "x"}
            headers = {"X-Forwarded-For": address}
            statuses.add(client.post(f"{server}/login/", form=form, headers=headers).status)
        return statuses == {429}

    alone, took_alone = attempts_until_refused([cluster.a], "203.0.113.20")
    alternating, took = attempts_until_refused([cluster.a, cluster.b], "203.0.113.21")
    # Each attempt hashes a password: on a busy machine 20 of them may take long enough for
    # the bucket to give attempts back (one per `refill` seconds). Normally they take ~3 s.
    assert LOGIN_LIMIT + 1 <= alone <= LOGIN_LIMIT + 1 + int(took_alone // refill)
    assert LOGIN_LIMIT + 1 <= alternating <= LOGIN_LIMIT + 1 + int(took // refill)
    if took < refill / 2:  # and no attempt can have come back since: both servers refuse
        assert refused_everywhere("203.0.113.21")
