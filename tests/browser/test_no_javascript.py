"""Reading and posting are plain HTML: they must work with JavaScript switched off."""

import re

import pytest
from playwright.sync_api import Page, expect

from fanfold.works.models import EditorDraft, Work
from tests.browser.support import log_in_context
from tests.factories import UserFactory, WorkFactory, add_chapter

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(new_context) -> Page:
    ctx = new_context(java_script_enabled=False)
    page = ctx.new_page()
    # Not the home page: a listing made now could be served for a few seconds more
    # (FANFOLD_LISTING_SECONDS), without the works the test is about to post.
    page.goto("/healthz")
    # Prove scripts really are off in this context (the probe would set the title).
    page.set_content("<title>off</title><script>document.title = 'on'</script>")
    assert page.title() == "off"
    return page


def test_reading_a_work_without_javascript(no_js_page: Page, live_server):
    author = UserFactory(username="plainreader_author")
    work = WorkFactory(
        by=author,
        title="Paper Boats",
        rating="general",
        body="<p>They folded boats from old maps.</p>",
    )
    second = add_chapter(work, by=author, title="Downstream", body="<p>The river took them.</p>")
    page = no_js_page

    page.goto("/")
    page.get_by_role("link", name="Paper Boats").click()
    expect(page).to_have_url(re.compile(rf"/works/{work.pk}/$"))
    expect(page.locator("h1.work-title")).to_have_text("Paper Boats")
    expect(page.locator("main .userstuff")).to_have_text("They folded boats from old maps.")

    page.get_by_role("navigation", name="Chapters (top)").get_by_role(
        "link", name="Next chapter →"
    ).click()
    expect(page).to_have_url(re.compile(rf"/works/{work.pk}/chapters/{second.pk}/$"))
    expect(page.locator("main .userstuff")).to_have_text("The river took them.")

    page.get_by_role("navigation", name="Chapters (bottom)").get_by_role(
        "link", name="Entire work"
    ).click()
    expect(page.locator("main article.chapter")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("They folded boats from old maps.")
    expect(page.locator("main")).to_contain_text("The river took them.")


def test_adult_notice_without_javascript(no_js_page: Page, live_server):
    author = UserFactory(username="plainreader_author2")
    work = WorkFactory(by=author, rating="explicit", body="<p>Behind the notice.</p>")
    page = no_js_page
    page.goto(f"/works/{work.pk}/")
    expect(page.locator("main")).not_to_contain_text("Behind the notice.")
    page.get_by_role("link", name="Yes, continue").click()
    expect(page.locator("main .userstuff")).to_have_text("Behind the notice.")


def test_posting_a_work_without_javascript(no_js_page: Page, live_server):
    user = UserFactory(username="plainposter")
    page = no_js_page
    log_in_context(page.context, user, live_server.url)

    page.goto("/works/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Post a new work")
    page.get_by_label("Title:", exact=True).fill("Written by Hand")
    page.get_by_label("Rating").select_option("teen")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Original Work, Paper Crafts")
    page.get_by_label("Characters").fill("The Cartographer")
    page.get_by_label("Summary").fill("A summary with *no* scripts.")
    page.get_by_label("I am writing in").select_option(label="Plain text")
    page.get_by_label("Work text").fill("First paragraph.\n\nSecond paragraph.")
    page.get_by_role("button", name="Post", exact=True).click()

    expect(page).to_have_url(re.compile(r"/works/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("Your work was posted.")
    expect(page.locator("h1.work-title")).to_have_text("Written by Hand")
    paragraphs = page.locator("main .userstuff p")
    expect(paragraphs).to_have_text(["First paragraph.", "Second paragraph."])
    meta = page.locator(".work-meta")
    expect(meta).to_contain_text("Teen And Up Audiences")
    expect(meta).to_contain_text("No Archive Warnings Apply")
    expect(meta.get_by_role("link", name="Paper Crafts")).to_be_visible()
    expect(meta.get_by_role("link", name="The Cartographer")).to_be_visible()

    work = Work.objects.get(title="Written by Hand")
    assert not work.is_draft
    assert page.url.endswith(f"/works/{work.pk}/")
    # Without scripts nothing was autosaved behind the author's back.
    assert not EditorDraft.objects.filter(user=user).exists()


def test_form_errors_keep_the_text_without_javascript(no_js_page: Page, live_server):
    user = UserFactory(username="plainforgetful")
    page = no_js_page
    log_in_context(page.context, user, live_server.url)
    page.goto("/works/new/")
    page.get_by_label("Title:", exact=True).fill("No Fandom Given")
    page.get_by_label("Work text").fill("Text that must survive a form error.")
    page.get_by_role("button", name="Post", exact=True).click()

    expect(page.get_by_role("alert").first).to_contain_text("Please fix the marked fields")
    expect(page.locator(".field-fandoms .errorlist")).to_be_visible()
    expect(page.get_by_label("Work text")).to_have_value("Text that must survive a form error.")
    expect(page.get_by_label("Title:", exact=True)).to_have_value("No Fandom Given")
    assert not Work.objects.exists()
