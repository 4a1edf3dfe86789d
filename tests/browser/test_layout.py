"""Layout on a phone and on a desktop: the header menu, the work's tags, spacing of controls."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import assert_accessible, log_in_context
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MANY = {
    "fandoms": [f"Long Fandom Name Number {i}" for i in range(6)],
    "relationships": [f"Character {i}/Character {i + 1}" for i in range(8)],
    "characters": [f"Character {i}" for i in range(12)],
    "freeforms": [f"A Rather Long Additional Tag {i}" for i in range(20)],
}


@pytest.fixture
def tagged_work(db):
    author = UserFactory(username="layout_author")
    work = WorkFactory(by=author, title="Much Tagged", **MANY)
    return author, work


def _page(new_context, live_server, user, viewport, javascript=True) -> Page:
    ctx = new_context(viewport=viewport, java_script_enabled=javascript)
    if user is not None:
        log_in_context(ctx, user, live_server.url)
    return ctx.new_page()


def _rows(page: Page, selector: str) -> int:
    """How many lines the visible items of the header take."""
    middles = page.evaluate(
        """sel => [...document.querySelectorAll(sel)]
            .filter(e => e.getClientRects().length)
            .map(e => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; })""",
        selector,
    )
    middles.sort()
    return 1 + sum(b - a > 10 for a, b in zip(middles, middles[1:], strict=False))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_shows_the_title_first_and_a_compact_menu(
    new_context, live_server, tagged_work, axe_source, javascript
):
    author, work = tagged_work
    page = _page(new_context, live_server, author, PHONE, javascript)
    page.goto(work.get_absolute_url())
    title = page.locator("h1.work-title")
    box = title.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    byline = page.locator(".byline").bounding_box()
    meta = page.locator(".work-meta").bounding_box()
    assert byline is not None and meta is not None and byline["y"] < meta["y"]

    # The header: the site name and a "Menu", on one line (at most two).
    nav = page.get_by_role("navigation", name="Site")
    assert _rows(page, ".site-header nav > a, .site-header nav > details > summary") <= 2
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] <= 2 * 40
    expect(nav.get_by_role("link", name="Drafts")).to_be_hidden()
    nav.get_by_text("Menu").click()
    expect(nav.get_by_role("link", name="Drafts")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    if javascript:  # axe-core runs as a script
        assert_accessible(page, axe_source)
    nav.get_by_role("link", name="Drafts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your drafts")

    # Each tag type takes one line until opened.
    page.goto(work.get_absolute_url())
    freeforms = page.locator(".work-meta details.tag-group").last
    summary = freeforms.locator("summary")
    font = summary.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert summary.bounding_box()["height"] <= font * 2  # type: ignore[index]
    tag = freeforms.get_by_role("link", name="A Rather Long Additional Tag 19")
    expect(tag).to_be_hidden()
    summary.click()
    expect(tag).to_be_visible()
    if javascript:
        assert_accessible(page, axe_source)


def test_phone_guest_page_is_accessible(new_context, live_server, tagged_work, axe_source):
    _, work = tagged_work
    page = _page(new_context, live_server, None, PHONE)
    page.goto(work.get_absolute_url())
    assert page.locator("h1.work-title").bounding_box()["y"] < PHONE["height"]  # type: ignore[index]
    assert _rows(page, ".site-header nav > a, .site-header nav li") == 1
    assert_accessible(page, axe_source)


def test_desktop_keeps_the_link_row_and_all_tags_shown(new_context, live_server, tagged_work):
    author, work = tagged_work
    page = _page(new_context, live_server, author, DESKTOP)
    page.goto(work.get_absolute_url())
    nav = page.get_by_role("navigation", name="Site")
    expect(nav.get_by_role("link", name="Drafts")).to_be_visible()
    expect(nav.get_by_text("Menu")).to_be_hidden()
    meta = page.locator(".work-meta")
    expect(meta.locator("summary").first).to_be_hidden()
    expect(meta.get_by_role("link", name="A Rather Long Additional Tag 19")).to_be_visible()
    expect(meta.get_by_role("link", name="Long Fandom Name Number 0")).to_be_visible()
    # The metadata block still comes before the title.
    meta_box, title_box = meta.bounding_box(), page.locator("h1.work-title").bounding_box()
    assert meta_box is not None and title_box is not None
    assert meta_box["y"] + meta_box["height"] <= title_box["y"]


def _gap(page: Page, first: str, second: str) -> float:
    a = page.get_by_role("link", name=first).bounding_box()
    b = page.get_by_role("link", name=second).bounding_box()
    assert a is not None and b is not None
    if abs(a["y"] - b["y"]) < a["height"]:  # side by side
        return b["x"] - (a["x"] + a["width"])
    return b["y"] - (a["y"] + a["height"])  # wrapped below


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_adult_notice_choices_do_not_touch(new_context, live_server, viewport):
    work = WorkFactory(by=UserFactory(username="spacing_author"), rating="mature")
    page = _page(new_context, live_server, None, viewport)
    page.goto(work.get_absolute_url())
    assert _gap(page, "Yes, continue", "No, go back") >= 8


def test_mark_complete_matches_the_work_action_links(new_context, live_server):
    author = UserFactory(username="spacing_creator")
    work = WorkFactory(by=author)
    page = _page(new_context, live_server, author, DESKTOP)
    page.goto(work.get_absolute_url())
    actions = page.get_by_role("navigation", name="Work actions")
    size = "e => getComputedStyle(e).fontSize"
    family = "e => getComputedStyle(e).fontFamily"
    button = actions.get_by_role("button", name="Mark complete")
    link = actions.get_by_role("link", name="Add chapter")
    assert button.evaluate(size) == link.evaluate(size)
    assert button.evaluate(family) == link.evaluate(family)
    a, b = button.bounding_box(), link.bounding_box()
    assert a is not None and b is not None and abs(a["height"] - b["height"]) <= 1
