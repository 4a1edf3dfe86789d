"""Autosave in the work editor (fanfold/core/static/fanfold/autosave.js): the server copy
is posted every few seconds, the browser copy on every keystroke; a reload restores both."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from fanfold.works.models import EditorDraft
from tests.browser.support import log_in_context
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

# The editor posts at most every 4 s; allow for one full interval plus the round trip.
SAVE_WAIT_MS = 9_000
OFFLINE = "Offline: your text is kept in this browser"


@pytest.fixture
def writer(db):
    # A fresh name per test: a get-or-create on a fixed name could pick up a row that
    # outlived the previous test, with that test's autosaved draft.
    return UserFactory()


@pytest.fixture
def writer_page(context: BrowserContext, writer, live_server) -> Page:
    log_in_context(context, writer, live_server.url)
    page = context.new_page()
    page.goto("/works/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Post a new work")
    return page


def type_and_wait_for_server_save(page: Page, **fields: str) -> None:
    """Fill fields (by id suffix), then wait for the autosave POST that carries all of them.

    A save may fire between two fills and carry only part of the text; that one is skipped,
    the next (4 s later) has everything. Any failed save ends the wait at once.
    """
    last = list(fields.values())[-1]

    def carries_everything_or_failed(response) -> bool:
        if not response.url.endswith("/works/autosave/"):
            return False
        return response.status != 200 or last in (response.request.post_data or "")

    with page.expect_response(carries_everything_or_failed, timeout=SAVE_WAIT_MS) as saved:
        for name, value in fields.items():
            page.locator(f"#id_{name}").fill(value)
    response = saved.value
    assert response.status == 200, f"autosave answered {response.status}: {response.text()[:300]}"
    expect(page.locator("#autosave-status")).to_contain_text(re.compile(r"^Saved at \d\d:\d\d$"))


def server_draft(user) -> dict[str, list[str]] | None:
    draft = EditorDraft.objects.filter(user=user, key="work-new").first()
    return draft.data if draft else None


def test_server_autosave_survives_reload(writer_page: Page, writer, new_context, live_server):
    page = writer_page
    status = page.locator("#autosave-status")
    expect(status).to_have_text("Changes are saved as you type.")

    type_and_wait_for_server_save(
        page, title="Autosaved Title", body="First line of a story that must not be lost."
    )
    saved = server_draft(writer)
    assert saved is not None
    assert saved["title"] == ["Autosaved Title"]
    assert saved["body"] == ["First line of a story that must not be lost."]

    # Forget this browser's copy, so only the server's can bring the text back.
    page.evaluate("() => localStorage.clear()")
    page.reload()
    expect(page.locator("#id_title")).to_have_value("Autosaved Title")
    expect(page.locator("#id_body")).to_have_value("First line of a story that must not be lost.")
    expect(status).to_contain_text("Restored your autosaved changes from")
    expect(page.locator(".messages")).to_contain_text("Restored your unsaved changes from")

    # Another browser of the same author gets it from the server too.
    other = new_context()
    log_in_context(other, writer, live_server.url)
    other_page = other.new_page()
    other_page.goto("/works/new/")
    expect(other_page.locator("#id_title")).to_have_value("Autosaved Title")
    expect(other_page.locator("#id_body")).to_have_value(
        "First line of a story that must not be lost."
    )


def test_browser_copy_restores_text_the_server_never_got(writer_page: Page, writer):
    page = writer_page
    status = page.locator("#autosave-status")

    # A first version reaches the server.
    type_and_wait_for_server_save(page, title="Draft One", body="Words the server has.")

    # Then the connection to the server is lost.
    page.route("**/works/autosave/", lambda route: route.abort("internetdisconnected"))
    page.locator("#id_title").fill("Draft Two")
    page.locator("#id_body").fill("Words the server has. And words typed while offline.")
    expect(status).to_contain_text(OFFLINE, timeout=SAVE_WAIT_MS)

    page.reload()
    # The browser's newer copy wins over the older server copy.
    expect(page.locator("#id_title")).to_have_value("Draft Two")
    expect(page.locator("#id_body")).to_have_value(
        "Words the server has. And words typed while offline."
    )
    expect(status).to_contain_text("Restored unsaved changes from this browser")
    # ...and it really came from this browser: the server still has the first version.
    assert server_draft(writer)["title"] == ["Draft One"]


def test_text_typed_just_before_reload_is_kept(writer_page: Page, writer):
    """Typed and reloaded well within one autosave interval: only the browser copy has it."""
    page = writer_page
    # Keep any save triggered while the page unloads from reaching the server.
    page.route("**/works/autosave/", lambda route: route.abort())
    page.locator("#id_title").fill("Quick Title")
    page.locator("#id_fandoms").fill("Quick Fandom")
    page.locator("#id_body").press_sequentially("typed fast")
    page.reload()
    expect(page.locator("#id_title")).to_have_value("Quick Title")
    expect(page.locator("#id_fandoms")).to_have_value("Quick Fandom")
    expect(page.locator("#id_body")).to_have_value("typed fast")
    # The page says where the text came from: this browser's copy, not the server's (a save
    # the browser managed to send while reloading on a slow machine would be older anyway).
    expect(page.locator("#autosave-status")).to_contain_text(
        "Restored unsaved changes from this browser"
    )


def test_text_typed_offline_reaches_the_server_when_back_online(writer_page: Page, writer):
    page = writer_page
    status = page.locator("#autosave-status")
    page.context.set_offline(True)
    page.locator("#id_title").fill("Written on a Train")
    page.locator("#id_body").fill("No signal in the tunnel.")
    expect(status).to_contain_text(OFFLINE, timeout=SAVE_WAIT_MS)
    assert server_draft(writer) is None

    # Coming back online saves at once (the "online" event), without a new keystroke.
    with page.expect_response("**/works/autosave/", timeout=SAVE_WAIT_MS) as saved:
        page.context.set_offline(False)
    assert saved.value.status == 200, f"autosave answered {saved.value.status}"
    expect(status).to_contain_text("Saved at")
    assert server_draft(writer)["body"] == ["No signal in the tunnel."]

    page.reload()
    expect(page.locator("#id_title")).to_have_value("Written on a Train")
    expect(page.locator("#id_body")).to_have_value("No signal in the tunnel.")
