"""Rate limits are token buckets every worker and server shares (the database, or Redis)."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from fanfold.core import ratelimit
from fanfold.core.ratelimit import rate_limited
from tests.servers import fanfold_server


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr(ratelimit.time, "time", clock)
    return clock


@pytest.fixture(params=["database", "redis"])
def store(request, settings, db):
    """Run each rule on both stores: the database (embedded setup) and Redis."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
        import redis

        redis.Redis.from_url(url).flushdb()
    return request.param


def attempts(n: int, **kw) -> list[int | None]:
    return [rate_limited("test", "someone", **kw) for _ in range(n)]


def test_the_limit_holds_and_says_when_to_retry(store, clock):
    waits = attempts(7, limit=5, window=60)
    assert waits[:5] == [None] * 5
    assert waits[5] == waits[6] == 12  # one token comes back every 60/5 seconds
    assert rate_limited("test", "someone else", limit=5, window=60) is None


def test_a_burst_across_a_window_edge_gets_the_limit_once(store, clock):
    clock.now = 1_800_000_059.9  # just before a fixed window would end
    before = attempts(10, limit=10, window=60)
    clock.now += 0.2  # just after it
    after = attempts(10, limit=10, window=60)
    assert before.count(None) + after.count(None) == 10


def test_tokens_come_back_at_the_rate(store, clock):
    assert attempts(3, limit=3, window=30).count(None) == 3
    clock.now += 9.9
    assert rate_limited("test", "someone", limit=3, window=30) is not None
    clock.now += 0.2  # 10 s after the burst: one attempt back
    assert rate_limited("test", "someone", limit=3, window=30) is None
    assert rate_limited("test", "someone", limit=3, window=30) is not None
    clock.now += 3600
    assert attempts(4, limit=3, window=30).count(None) == 3  # refills to the limit, no more


class FormClient:
    """A cookie-keeping HTTP client posting forms with their CSRF token, like a browser."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def token(self, path: str) -> str:
        page = self.opener.open(self.base + path, timeout=20).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path: str, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            return self.opener.open(self.base + path, body, timeout=20).status
        except urllib.error.HTTPError as e:
            return e.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def failed_logins(base: str, count: int) -> list[int]:
    """Wrong passwords from one address, four at a time, each on a fresh connection."""
    client = FormClient(base)
    token = client.token("/login/")
    data = {"csrfmiddlewaretoken": token, "username": "nobody", "password": "wrong"}
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda _: client.post("/login/", data), range(count)))


def test_two_web_workers_and_a_restart_share_the_login_limit(tmp_path):
    """The embedded setup's two granian workers, then a restart: 20 failed logins, not 40."""
    with fanfold_server(tmp_path) as base:
        statuses = failed_logins(base, 40)
    assert statuses.count(429) == 20, statuses
    assert set(statuses) == {200, 429}  # the login page again with its error, or 429
    with fanfold_server(tmp_path) as base:
        assert failed_logins(base, 3) == [429, 429, 429]


def test_a_server_with_a_slow_clock_refills_nothing_twice(store, clock):
    """Two servers whose clocks are 30 s apart, alternating: the time only counts once."""
    assert attempts(3, limit=3, window=30).count(None) == 3
    for _ in range(3):
        clock.now -= 30  # the other server's clock
        assert rate_limited("test", "someone", limit=3, window=30) is not None
        clock.now += 30
        assert rate_limited("test", "someone", limit=3, window=30) is not None
