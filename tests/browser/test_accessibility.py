"""axe-core finds no serious or critical accessibility violation on the main pages,
in the light and the dark theme."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import assert_accessible, axe_violations, log_in_context
from tests.factories import UserFactory, WorkFactory, add_chapter

pytestmark = pytest.mark.browser

THEMES = ["light", "dark"]


@pytest.fixture
def story(db):
    """A General work with everything a work page can show, and a second chapter."""
    author = UserFactory(username="axe_author", display_name="Axe Author")
    work = WorkFactory(
        by=author,
        title="A Study in Contrast",
        rating="general",
        warnings=["No Archive Warnings Apply"],
        categories=["Gen"],
        fandoms=["Original Work"],
        relationships=["Reader & Writer"],
        characters=["The Reader"],
        freeforms=["Fluff"],
        summary="A short summary with a [link](https://example.org/).",
        notes="Some notes before the work.",
        end_notes="Thanks for reading.",
        text_format="markdown",
        body="It began *quietly*.\n\nThen, with [a link](https://example.org/), it went on.",
    )
    second = add_chapter(
        work, by=author, title="Second Light", body="<p>The second chapter's text.</p>"
    )
    return work, second


def anonymous_page(new_context, theme: str, live_server) -> Page:
    ctx: BrowserContext = new_context()
    ctx.add_cookies([{"name": "ff_theme", "value": theme, "url": live_server.url}])
    return ctx.new_page()


def expect_theme(page: Page, theme: str) -> None:
    expect(page.locator("html")).to_have_attribute("data-theme", theme)


@pytest.mark.parametrize("theme", THEMES)
def test_home_page(new_context, axe_source, story, theme, live_server):
    page = anonymous_page(new_context, theme, live_server)
    page.goto("/")
    expect_theme(page, theme)
    expect(page.locator(".blurb")).to_have_count(1)
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
def test_work_page(new_context, axe_source, story, theme, live_server):
    work, _ = story
    page = anonymous_page(new_context, theme, live_server)
    page.goto(f"/works/{work.pk}/")
    expect_theme(page, theme)
    expect(page.locator("main .userstuff em")).to_have_text("quietly")
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
def test_chapter_page(new_context, axe_source, story, theme, live_server):
    work, second = story
    page = anonymous_page(new_context, theme, live_server)
    page.goto(f"/works/{work.pk}/chapters/{second.pk}/")
    expect_theme(page, theme)
    expect(page.locator("main .userstuff")).to_have_text("The second chapter's text.")
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
def test_posting_page(new_context, axe_source, theme, live_server):
    user = UserFactory(username="axe_poster", theme=theme)
    ctx = new_context()
    log_in_context(ctx, user, live_server.url)
    page = ctx.new_page()
    page.goto("/works/new/")
    expect_theme(page, theme)
    expect(page.get_by_role("heading", level=1)).to_have_text("Post a new work")
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(
    "path",
    [
        "/login/",
        "/signup/",
        "adult-notice",
        "chapter-index",
        "entire-work",
    ],
)
def test_other_reader_pages(new_context, axe_source, story, path, theme, live_server):
    work, _ = story
    if path == "adult-notice":
        adult = WorkFactory(by=work.creators.get(), title="Grown-up Matters", rating="explicit")
        path = f"/works/{adult.pk}/"
    elif path == "chapter-index":
        path = f"/works/{work.pk}/navigate/"
    elif path == "entire-work":
        path = f"/works/{work.pk}/full/"
    page = anonymous_page(new_context, theme, live_server)
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect_theme(page, theme)
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
def test_add_chapter_page(new_context, axe_source, story, theme, live_server):
    work, _ = story
    author = work.creators.get()
    author.theme = theme
    author.save(update_fields=["theme"])
    ctx = new_context()
    log_in_context(ctx, author, live_server.url)
    page = ctx.new_page()
    page.goto(f"/works/{work.pk}/chapters/new/")
    expect_theme(page, theme)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a chapter")
    assert_accessible(page, axe_source)


def test_axe_reports_planted_violations(page: Page, axe_source, story, live_server):
    """The harness itself: axe runs in the page and sees what is wrong with it."""
    page.goto("/")
    page.evaluate(
        """() => {
      const main = document.querySelector("main");
      main.insertAdjacentHTML("beforeend",
        '<p style="color:#f3efe4">Hard to read</p><img src="/static/none.png">'
        + '<input type="text" name="unlabelled">');
    }"""
    )
    found = {v["id"]: v["impact"] for v in axe_violations(page, axe_source)}
    assert found.get("color-contrast") == "serious"
    assert found.get("image-alt") == "critical"
    assert found.get("label") == "critical"
    with pytest.raises(AssertionError, match="color-contrast"):
        assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
def test_import_pages(new_context, axe_source, theme, live_server):
    user = UserFactory(username="axe_importer", theme=theme)
    ctx = new_context()
    log_in_context(ctx, user, live_server.url)
    page = ctx.new_page()
    page.goto("/works/import/")
    expect_theme(page, theme)
    assert_accessible(page, axe_source)
    page.get_by_label("…or paste the story").fill(
        "Title: Paste Test\nAuthor: Someone\nRating: PG\n\n"
        "Buffy walked. Willow talked.\n\nThe End\n"
    )
    page.get_by_role("button", name="Show what you found").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.locator("#id_title")).to_have_value("Paste Test")
    assert_accessible(page, axe_source)
    page.get_by_role("button", name="Keep as a draft").click()
    # Too short to guess a fandom: the preview says so and keeps everything typed.
    expect(page.locator(".field-fandoms")).to_contain_text("This field is required.")
    expect(page.locator("#id_title")).to_have_value("Paste Test")
    page.locator("#id_fandoms").fill("Buffy the Vampire Slayer")
    page.get_by_role("button", name="Keep as a draft").click()
    expect(page.locator("h1.work-title")).to_have_text("Paste Test")
    expect(page.locator(".userstuff")).to_contain_text("Buffy walked. Willow talked.")
