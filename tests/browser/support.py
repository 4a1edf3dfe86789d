"""Fixtures for the browser tests: one Chromium per session, a fresh context per test.

Playwright's sync API runs an asyncio loop in the test thread, and Django then refuses
ORM calls from that thread ("SynchronousOnlyOperation"). The tests only touch the
database between browser steps, never concurrently with it, so that check is switched off.
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.test import Client  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

from tests.factories import PASSWORD  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Playwright's default is 30 s; a local live server answers in milliseconds, so fail sooner.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (separate cookie jars and storage) for the live server."""
    made: list[BrowserContext] = []

    def make(**kwargs) -> BrowserContext:
        kwargs.setdefault("base_url", live_server.url)
        ctx = browser.new_context(**kwargs)
        ctx.set_default_timeout(TIMEOUT_MS)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        # Cut the network first: closing a page fires "visibilitychange", and an autosave
        # sent then could reach the live server while the database is being emptied for
        # the next test (the in-memory SQLite connection is shared with the server thread).
        ctx.set_offline(True)
        ctx.close()
    # A request the browser sent just before (a debounced autosave, say) may still be
    # running in the server thread: let it finish before the database is emptied.
    _wait_for_requests_to_finish()


# The live server's request threads now inside a request. A thread whose browser went away
# mid-answer may never finish its request: only threads still alive are waited for.
_busy: dict[int, threading.Thread] = {}
_busy_lock = threading.Lock()


def _request_started(**kwargs) -> None:
    thread = threading.current_thread()
    if thread is not threading.main_thread():  # the test client's own requests are done
        with _busy_lock:
            _busy[thread.ident or 0] = thread


def _request_finished(**kwargs) -> None:
    with _busy_lock:
        _busy.pop(threading.get_ident(), None)


request_started.connect(_request_started, dispatch_uid="fanfold-tests-in-flight-start")
request_finished.connect(_request_finished, dispatch_uid="fanfold-tests-in-flight-end")


def _server_quiet() -> bool:
    from django.db import connection

    with _busy_lock:
        for ident, thread in list(_busy.items()):
            if not thread.is_alive():
                del _busy[ident]
        busy = bool(_busy)
    # The in-memory SQLite connection is shared with the server's threads: one of them may
    # be inside a transaction on it (a request accepted just after the browser went away).
    return not busy and not connection.in_atomic_block


def _wait_for_requests_to_finish(timeout: float = 10.0, quiet_for: float = 0.3) -> None:
    """Until no request is running, and none has started, for ``quiet_for`` seconds: a
    request the browser sent just before going offline may reach the server a moment after
    the last one finished."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        if _server_quiet():
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_for:
                return
        else:
            quiet_since = None
        time.sleep(0.02)


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def log_in_context(ctx: BrowserContext, user, live_server_url: str) -> None:
    """Give a browser context the session of ``user`` without going through the form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    ctx.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server_url, "httpOnly": True}]
    )


def log_in_with_form(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map(n => ({ target: n.target, summary: n.failureSummary })),
  }));
}"""


def axe_violations(page: Page, axe_source: str) -> list[dict]:
    """Run axe-core on the page as it is now."""
    page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE)


def assert_accessible(page: Page, axe_source: str) -> None:
    """Fail on any serious or critical axe-core violation, listing them."""
    found = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING]
    assert not found, f"axe violations on {page.url}:\n" + json.dumps(found, indent=2)
