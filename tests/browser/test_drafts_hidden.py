"""An author signs up, posts a work and keeps a second chapter as a draft; another reader
must see the posted chapter and nothing of the draft."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import log_in_with_form
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

TITLE = "The Lighthouse Keeper's Ledger"
CHAPTER_ONE = "The lamp was lit at dusk, as it had been for ninety years."
DRAFT_TITLE = "Secret Tides Unposted"
DRAFT_TEXT = "Nobody but the author may read this unfinished paragraph."


def sign_up(page: Page, username: str) -> None:
    page.goto("/signup/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=email]").fill(f"{username}@example.org")
    page.locator("input[name=password1]").fill("a-long-and-unusual-passphrase-42")
    page.locator("input[name=password2]").fill("a-long-and-unusual-passphrase-42")
    page.locator("main").get_by_role("button", name="Sign up").click()
    expect(page.locator(".messages")).to_contain_text(f"Welcome, {username}!")
    expect(page.get_by_role("navigation", name="Site")).to_contain_text(username)


def test_draft_chapter_is_hidden_from_other_readers(page: Page, live_server):
    sign_up(page, "quillwright")

    # Post a work with its first chapter.
    page.get_by_role("link", name="Post a work").click()
    expect(page).to_have_url(re.compile(r"/works/new/$"))
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_rating").select_option(label="General Audiences")
    page.locator("#id_fandoms").fill("Original Work")
    page.locator("#id_body").fill(f"<p>{CHAPTER_ONE}</p>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page).to_have_url(re.compile(r"/works/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("Your work was posted.")
    expect(page.locator("h1.work-title")).to_have_text(TITLE)
    work_id = int(re.search(r"/works/(\d+)/$", page.url).group(1))

    # Add a second chapter, kept as a draft.
    page.get_by_role("link", name="Add chapter").click()
    expect(page).to_have_url(re.compile(rf"/works/{work_id}/chapters/new/$"))
    page.locator("#id_title").fill(DRAFT_TITLE)
    page.locator("#id_body").fill(f"<p>{DRAFT_TEXT}</p>")
    page.get_by_role("button", name="Save as draft").click()
    expect(page).to_have_url(re.compile(rf"/works/{work_id}/chapters/\d+/$"))
    draft_id = int(re.search(r"/chapters/(\d+)/$", page.url).group(1))
    draft_heading = page.locator(f"#chapter-{draft_id}-title")
    expect(draft_heading).to_contain_text(DRAFT_TITLE)
    expect(draft_heading.locator(".badge.draft")).to_have_text("Draft")
    expect(page.locator(f"#chapter-{draft_id} .userstuff")).to_have_text(DRAFT_TEXT)

    # The author still sees both chapters everywhere (so the checks below can fail).
    page.goto(f"/works/{work_id}/full/")
    expect(page.locator("main")).to_contain_text(CHAPTER_ONE)
    expect(page.locator("main")).to_contain_text(DRAFT_TEXT)
    page.goto(f"/works/{work_id}/navigate/")
    expect(page.locator(".chapter-index li")).to_have_count(2)

    # Log out.
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Log in")
    ).to_be_visible()

    # Another reader logs in.
    UserFactory(username="bystander")
    log_in_with_form(page, "bystander")
    expect(page.get_by_role("navigation", name="Site")).to_contain_text("bystander")

    # Work page: chapter 1 only, no link onward to the draft.
    page.goto(f"/works/{work_id}/")
    main = page.locator("main")
    expect(page.locator("h1.work-title")).to_have_text(TITLE)
    expect(main.locator(".userstuff")).to_have_text(CHAPTER_ONE)
    expect(main).not_to_contain_text(DRAFT_TITLE)
    expect(main).not_to_contain_text(DRAFT_TEXT)
    expect(main.locator("a[rel=next]")).to_have_count(0)
    expect(main.locator(f"a[href*='/chapters/{draft_id}/']")).to_have_count(0)
    expect(main.locator(".work-meta")).to_contain_text(re.compile(r"Chapters\s*1/"))
    expect(main.get_by_role("link", name="Add chapter")).to_have_count(0)

    # Chapter index: one chapter.
    page.goto(f"/works/{work_id}/navigate/")
    expect(page.locator(".chapter-index li")).to_have_count(1)
    expect(page.locator(".chapter-index")).to_contain_text("Chapter 1")
    expect(page.locator("main")).not_to_contain_text(DRAFT_TITLE)
    expect(page.locator("main .badge.draft")).to_have_count(0)

    # Entire work: chapter 1's text, nothing of the draft.
    page.goto(f"/works/{work_id}/full/")
    expect(page.locator("main")).to_contain_text(CHAPTER_ONE)
    expect(page.locator("main article.chapter")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text(DRAFT_TITLE)
    expect(page.locator("main")).not_to_contain_text(DRAFT_TEXT)

    # The draft chapter's own address is not found.
    response = page.goto(f"/works/{work_id}/chapters/{draft_id}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.locator("body")).not_to_contain_text(DRAFT_TEXT)
