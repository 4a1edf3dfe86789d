"""Works rated Mature, Explicit or Not Rated sit behind a notice until the reader accepts it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.browser

TEXT = "The duel ended the way such things always end."


@pytest.fixture
def mature_work(db):
    author = UserFactory(username="mature_author")
    return WorkFactory(by=author, title="Rapier Weather", rating="mature", body=f"<p>{TEXT}</p>")


def test_anonymous_reader_sees_notice_then_work(page: Page, mature_work, live_server):
    page.goto(f"/works/{mature_work.pk}/")
    notice = page.locator("main .adult-notice")
    heading = notice.get_by_role("heading", level=1)
    expect(heading).to_have_text("This work could have adult content")
    expect(notice).to_contain_text("Rapier Weather is rated Mature.")
    expect(page.locator("main")).not_to_contain_text(TEXT)
    expect(page.locator(".userstuff")).to_have_count(0)

    page.get_by_role("link", name="Yes, continue").click()
    expect(page).to_have_url(re.compile(rf"/works/{mature_work.pk}/\?view_adult=1$"))
    expect(page.locator("h1.work-title")).to_have_text("Rapier Weather")
    expect(page.locator("main .userstuff")).to_have_text(TEXT)

    # The choice is remembered for this browser: the plain address shows the work now,
    # and so do the other reading pages.
    page.goto(f"/works/{mature_work.pk}/")
    expect(page.locator("main .userstuff")).to_have_text(TEXT)
    page.goto(f"/works/{mature_work.pk}/full/")
    expect(page.locator("main .userstuff")).to_have_text(TEXT)


def test_notice_is_per_browser(page: Page, new_context, mature_work, live_server):
    page.goto(f"/works/{mature_work.pk}/?view_adult=1")
    expect(page.locator("main .userstuff")).to_have_text(TEXT)

    # A different reader (fresh browser) still gets the notice, even though the
    # anonymous page cache has just seen the work shown.
    other = new_context().new_page()
    other.goto(f"/works/{mature_work.pk}/")
    expect(other.locator("main .adult-notice")).to_be_visible()
    expect(other.locator("main")).not_to_contain_text(TEXT)


def test_no_go_back_link_leaves_the_work(page: Page, mature_work, live_server):
    page.goto(f"/works/{mature_work.pk}/")
    page.get_by_role("link", name="No, go back").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Recent works")
    # The home page lists the work (its blurb) without showing its text.
    expect(page.locator(f"#work-{mature_work.pk}")).to_contain_text("Rapier Weather")
    expect(page.locator("main")).not_to_contain_text(TEXT)
