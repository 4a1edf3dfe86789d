"""Reviews, replies, moderation and kudos, driven through the real pages in Chromium.

Everything here is plain HTML forms and links, so the guest paths also run with JavaScript
switched off. The last tests run axe-core on the feedback pages and the work stats page.
"""

import re

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from fanfold.feedback.models import Comment
from fanfold.feedback.services import comment_approve, comment_create, kudos_leave
from fanfold.stats.services import hits_flush
from tests.browser.support import assert_accessible, log_in_context
from tests.factories import UserFactory, WorkFactory, add_chapter

pytestmark = pytest.mark.browser

COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")


# Helpers


def user_page(new_context, user, live_server, **context_kwargs) -> Page:
    ctx: BrowserContext = new_context(**context_kwargs)
    log_in_context(ctx, user, live_server.url)
    return ctx.new_page()


def guest_page(new_context, **context_kwargs) -> Page:
    return new_context(**context_kwargs).new_page()


def assert_scripts_off(page: Page) -> None:
    """Prove a context really runs no scripts (the probe would set the title)."""
    page.set_content("<title>off</title><script>document.title = 'on'</script>")
    assert page.title() == "off"


def comment_id_from_url(page: Page) -> int:
    """Wait for the redirect to a comment's anchor and return the comment's id."""
    page.wait_for_url(COMMENT_ANCHOR)
    match = COMMENT_ANCHOR.search(page.url)
    assert match, page.url
    return int(match.group(1))


def comment_item(page: Page, pk: int) -> Locator:
    return page.locator(f"li.comment#comment-{pk}")


def comment_head(page: Page, pk: int) -> Locator:
    return page.locator(f"#comment-{pk}-h")


def comment_actions(page: Page, pk: int) -> Locator:
    # The comment's own links and buttons, not those of the replies nested below it.
    return page.locator(f"#comment-{pk} > article")


def messages(page: Page) -> Locator:
    return page.locator(".messages")


def comments_section(page: Page) -> Locator:
    return page.locator("section#comments")


def kudos_section(page: Page) -> Locator:
    return page.locator("section#kudos")


def inbox_link(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Site").get_by_role(
        "link", name=re.compile(r"^Inbox")
    )


def post_inline_comment(page: Page, text: str) -> int:
    """Write a review with the form under a chapter (logged-in readers) and post it."""
    section = comments_section(page)
    section.get_by_label("Leave a comment").fill(text)
    section.get_by_role("button", name="Comment", exact=True).click()
    return comment_id_from_url(page)


# 1. Posting and replying


def test_reader_reviews_a_chapter_and_the_creator_replies(new_context, live_server):
    author = UserFactory(username="fb1_author")
    reader = UserFactory(username="fb1_reader")
    work = WorkFactory(by=author, title="Lanterns on the Water", body="<p>The first night.</p>")
    second = add_chapter(work, by=author, title="Low Tide", body="<p>The second night.</p>")

    # The reader reviews the second chapter with the form under it.
    page = user_page(new_context, reader, live_server)
    page.goto(f"/works/{work.pk}/chapters/{second.pk}/")
    expect(comments_section(page).get_by_role("heading", level=2)).to_have_text(
        "Comments on Chapter 2: Low Tide (0)"
    )
    review = post_inline_comment(page, "The *tide* scene made me cry.")
    expect(page).to_have_url(
        re.compile(rf"/works/{work.pk}/chapters/{second.pk}/#comment-{review}$")
    )
    expect(messages(page)).to_contain_text("Your comment was posted.")
    item = comment_item(page, review)
    expect(item.locator(".comment-body em")).to_have_text("tide")
    expect(item.locator(".comment-body")).to_have_text("The tide scene made me cry.")
    expect(comment_head(page, review).get_by_role("link", name="fb1_reader")).to_be_visible()
    # The browser followed the anchor down to the new comment.
    expect(item).to_be_in_viewport()
    expect(comments_section(page).get_by_role("heading", level=2)).to_have_text(
        "Comments on Chapter 2: Low Tide (1)"
    )
    # A review of chapter 2 is not shown under chapter 1.
    page.goto(f"/works/{work.pk}/")
    expect(page.locator("main .userstuff").first).to_have_text("The first night.")
    expect(comments_section(page).locator("li.comment")).to_have_count(0)

    # The creator, in another browser, finds it through the inbox in the header.
    creator = user_page(new_context, author, live_server)
    creator.goto("/")
    expect(inbox_link(creator)).to_have_text("Inbox 1 unread")
    inbox_link(creator).click()
    expect(creator.get_by_role("heading", level=1)).to_have_text("Inbox")
    entry = creator.locator("ol.inbox > li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("fb1_reader")
    expect(entry.locator(".badge")).to_have_text("New")
    expect(entry.locator(".userstuff")).to_have_text("The tide scene made me cry.")
    entry.get_by_role("link", name="Lanterns on the Water, Chapter 2: Low Tide").click()

    # The comment's own page, where the creator replies.
    expect(creator).to_have_url(re.compile(rf"/comments/{review}/$"))
    expect(creator.get_by_role("heading", level=1)).to_have_text(
        "Comment on Lanterns on the Water, Chapter 2: Low Tide"
    )
    comment_actions(creator, review).get_by_role("link", name="Reply").click()
    expect(creator.get_by_role("heading", level=1)).to_have_text("Reply to fb1_reader")
    expect(creator.locator("blockquote.replying-to")).to_contain_text("The tide scene made me cry.")
    creator.get_by_label("Comment:", exact=True).fill("Thank you, that means a lot!")
    creator.get_by_role("button", name="Post reply").click()
    reply = comment_id_from_url(creator)
    expect(creator).to_have_url(
        re.compile(rf"/works/{work.pk}/chapters/{second.pk}/#comment-{reply}$")
    )
    expect(messages(creator)).to_contain_text("Your comment was posted.")

    # The reply sits in the review's list of replies, marked as the creator's.
    nested = creator.locator(f"#comment-{review} > ol.replies > li.comment#comment-{reply}")
    expect(nested).to_have_count(1)
    expect(nested).to_have_class(re.compile(r"\bby-creator\b"))
    expect(comment_head(creator, reply).locator(".badge.creator")).to_have_text("Creator")
    expect(comment_head(creator, reply).get_by_role("link", name="fb1_author")).to_be_visible()
    expect(nested.locator(".comment-body")).to_have_text("Thank you, that means a lot!")
    expect(comment_head(creator, review).locator(".badge.creator")).to_have_count(0)
    expect(comments_section(creator).locator("ol.comments > li.comment")).to_have_count(1)

    # The reader sees the reply too, and has it in their own inbox.
    page.goto(f"/works/{work.pk}/chapters/{second.pk}/")
    nested = page.locator(f"#comment-{review} > ol.replies > li.comment#comment-{reply}")
    expect(nested.locator(".badge.creator")).to_have_text("Creator")
    expect(inbox_link(page)).to_have_text("Inbox 1 unread")


# 2. Moderation


def test_moderated_comment_waits_for_the_creators_approval(new_context, live_server):
    author = UserFactory(username="fb2_author")
    reader = UserFactory(username="fb2_reader")
    work = WorkFactory(by=author, title="Gatekeeping", moderate_comments=True)
    chapter_url = f"/works/{work.pk}/"

    # A guest looks first, so the page cache holds the page without the comment.
    guest = guest_page(new_context)
    guest.goto(chapter_url)
    expect(comments_section(guest).get_by_role("heading", level=2)).to_have_text(
        "Comments on Chapter 1 (0)"
    )

    page = user_page(new_context, reader, live_server)
    page.goto(chapter_url)
    expect(comments_section(page)).to_contain_text(
        "Comments on this work appear once the creator approves them."
    )
    pending = post_inline_comment(page, "Hoping this gets through.")
    expect(messages(page)).to_contain_text(
        "Thank you! Your comment will appear once the creator approves it."
    )
    expect(comment_item(page, pending)).to_have_class(re.compile(r"\bpending\b"))
    expect(comment_head(page, pending).locator(".badge")).to_have_text("Awaiting approval")
    expect(comment_item(page, pending).locator(".comment-body")).to_have_text(
        "Hoping this gets through."
    )
    # Nobody replies to a comment that is not approved yet.
    expect(comment_actions(page, pending).get_by_role("link", name="Reply")).to_have_count(0)

    # Guests don't see it.
    guest.reload()
    expect(comment_item(guest, pending)).to_have_count(0)
    expect(comments_section(guest)).not_to_contain_text("Hoping this gets through.")
    expect(comments_section(guest).get_by_role("heading", level=2)).to_have_text(
        "Comments on Chapter 1 (0)"
    )
    # Nor its own page.
    response = guest.goto(f"/comments/{pending}/")
    assert response is not None and response.status == 404
    guest.goto(chapter_url)

    # The creator sees it waiting in the inbox and on the chapter, and approves it.
    creator = user_page(new_context, author, live_server)
    creator.goto("/inbox/")
    expect(creator.locator("ol.inbox > li .badge.draft")).to_have_text("Awaiting your approval")
    creator.goto(chapter_url)
    expect(comment_head(creator, pending).locator(".badge")).to_have_text("Awaiting approval")
    comment_actions(creator, pending).get_by_role("button", name="Approve").click()
    expect(messages(creator)).to_contain_text("The comment is approved and visible to everyone.")
    expect(creator).to_have_url(
        re.compile(rf"/works/{work.pk}/chapters/{work.chapters.get().pk}/#comment-{pending}$")
    )
    expect(comment_item(creator, pending)).not_to_have_class(re.compile(r"\bpending\b"))
    expect(comment_head(creator, pending)).not_to_contain_text("Awaiting approval")
    expect(comment_actions(creator, pending).get_by_role("button", name="Approve")).to_have_count(0)

    # Now a guest sees it (the cached page was replaced).
    guest.reload()
    expect(comment_item(guest, pending).locator(".comment-body")).to_have_text(
        "Hoping this gets through."
    )
    expect(comment_head(guest, pending)).not_to_contain_text("Awaiting approval")
    expect(comments_section(guest).get_by_role("heading", level=2)).to_have_text(
        "Comments on Chapter 1 (1)"
    )

    # The creator freezes the thread: the badge shows and nobody may reply any more.
    page.reload()
    expect(comment_actions(page, pending).get_by_role("link", name="Reply")).to_be_visible()
    comment_actions(creator, pending).get_by_role("button", name="Freeze thread").click()
    expect(messages(creator)).to_contain_text("The thread is frozen.")
    expect(comment_head(creator, pending).locator(".badge")).to_have_text("Thread frozen")
    expect(
        comment_actions(creator, pending).get_by_role("button", name="Unfreeze thread")
    ).to_be_visible()
    page.reload()
    expect(comment_head(page, pending).locator(".badge")).to_have_text("Thread frozen")
    expect(comment_actions(page, pending).get_by_role("link", name="Reply")).to_have_count(0)
    guest.reload()
    expect(comment_actions(guest, pending).get_by_role("link", name="Reply")).to_have_count(0)


def test_moderation_buttons_sit_with_the_other_comment_actions(new_context, live_server):
    """The creator's buttons are in the comment's row of actions, as parsed by the browser.

    A <form> is not allowed inside a <p>: the parser would close the paragraph before it
    and leave the buttons and the Report link outside the styled row.
    """
    author = UserFactory(username="fb2_author_row")
    reader = UserFactory(username="fb2_reader_row")
    work = WorkFactory(by=author, title="Tidy Rows", moderate_comments=True)
    pending = comment_create(work=work, chapter=work.chapters.get(), by=reader, body="Row?")
    creator = user_page(new_context, author, live_server)
    creator.goto(f"/works/{work.pk}/")
    row = creator.locator(f"#comment-{pending.pk} > article .comment-actions")
    expect(row.get_by_role("link", name="Delete")).to_be_visible()
    expect(row.get_by_role("button", name="Approve")).to_be_visible()
    expect(row.get_by_role("button", name="Freeze thread")).to_be_visible()
    expect(row.get_by_role("link", name="Report")).to_be_visible()


def test_deleting_comments(new_context, live_server):
    author = UserFactory(username="fb2_author_del")
    reader = UserFactory(username="fb2_reader_del")
    work = WorkFactory(by=author, title="Second Thoughts")
    chapter = work.chapters.get()
    answered = comment_create(work=work, chapter=chapter, by=reader, body="I take it back.")
    reply = comment_create(work=work, chapter=None, parent=answered, by=author, body="Too late!")
    spam = comment_create(
        work=work, chapter=chapter, by=None, guest_name="Spammer", body="Buy now.", ip="192.0.2.1"
    )

    # The reader deletes their own comment: its reply stays, under a placeholder.
    page = user_page(new_context, reader, live_server)
    page.goto(f"/works/{work.pk}/")
    comment_actions(page, answered.pk).get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Delete this comment on “Second Thoughts”?"
    )
    expect(page.locator("main")).to_contain_text("Its replies stay")
    page.get_by_role("button", name="Yes, delete comment").click()
    expect(messages(page)).to_contain_text("The comment was deleted.")
    expect(comment_head(page, answered.pk)).to_contain_text("Deleted comment")
    expect(comment_head(page, answered.pk)).not_to_contain_text(reader.username)
    expect(comments_section(page)).not_to_contain_text("I take it back.")
    expect(
        page.locator(f"#comment-{answered.pk} > ol.replies > li#comment-{reply.pk}")
    ).to_contain_text("Too late!")
    # Nobody else's comment offers the reader a Delete link.
    expect(comment_actions(page, spam.pk).get_by_role("link", name="Delete")).to_have_count(0)

    # The creator deletes a guest's comment.
    creator = user_page(new_context, author, live_server)
    creator.goto(f"/works/{work.pk}/")
    comment_actions(creator, spam.pk).get_by_role("link", name="Delete").click()
    creator.get_by_role("button", name="Yes, delete comment").click()
    expect(messages(creator)).to_contain_text("The comment was deleted.")
    expect(comment_item(creator, spam.pk)).to_have_count(0)
    expect(comments_section(creator).get_by_role("heading", level=2)).to_have_text(
        "Comments on Chapter 1 (1)"
    )


# 3. Guests, with and without JavaScript


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_guest_comments_and_replies(new_context, live_server, javascript):
    suffix = "js" if javascript else "nojs"
    author = UserFactory(username=f"fb3_author_{suffix}")
    work = WorkFactory(by=author, title="Open Door", body="<p>Anyone may knock.</p>")
    second = add_chapter(work, by=author, title="Knock Knock")
    chapter_url = f"/works/{work.pk}/chapters/{second.pk}/"

    page = guest_page(new_context, java_script_enabled=javascript)
    if not javascript:
        page.goto("/")
        assert_scripts_off(page)

    page.goto(chapter_url)
    # Guests get a link to the comment page, not the inline form.
    expect(comments_section(page).get_by_label("Leave a comment")).to_have_count(0)
    comments_section(page).get_by_role("link", name="Comment as a guest").click()
    expect(page).to_have_url(re.compile(rf"/works/{work.pk}/comment/\?chapter={second.pk}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Comment on Chapter 2: Knock Knock of “Open Door”"
    )
    page.get_by_label("Your name").fill("Passing Stranger")
    page.get_by_label("Comment:", exact=True).fill("Knock knock. **Who's there?**")
    page.get_by_role("button", name="Post comment").click()
    first = comment_id_from_url(page)
    expect(page).to_have_url(re.compile(rf"{chapter_url}#comment-{first}$"))
    expect(messages(page)).to_contain_text("Your comment was posted.")
    head = comment_head(page, first)
    expect(head).to_contain_text("Passing Stranger")
    expect(head.locator(".badge")).to_have_text("Guest")
    expect(comment_item(page, first).locator(".comment-body strong")).to_have_text("Who's there?")

    # A form left without a name keeps what was typed and says what is missing.
    comment_actions(page, first).get_by_role("link", name="Reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Passing Stranger")
    page.get_by_label("Comment:", exact=True).fill("Me again.")
    if javascript:
        # The browser itself refuses the empty required field...
        page.get_by_role("button", name="Post reply").click()
        expect(page.get_by_label("Your name")).to_have_js_property("validity.valueMissing", True)
        page.get_by_label("Your name").fill("   ")  # ...which spaces get past.
    else:
        page.get_by_label("Your name").fill("   ")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".field.has-errors")).to_contain_text("This field is required.")
    expect(page.locator(".field.has-errors").get_by_label("Your name")).to_be_visible()
    expect(page.get_by_label("Comment:", exact=True)).to_have_value("Me again.")

    # The reply nests under the first comment, also a guest's.
    page.get_by_label("Your name").fill("Second Stranger")
    page.get_by_label("Comment:", exact=True).fill("Me again, *still* knocking.")
    page.get_by_role("button", name="Post reply").click()
    reply = comment_id_from_url(page)
    nested = page.locator(f"#comment-{first} > ol.replies > li.comment#comment-{reply}")
    expect(nested.locator(".comment-body")).to_have_text("Me again, still knocking.")
    expect(comment_head(page, reply)).to_contain_text("Second Stranger")
    expect(comment_head(page, reply).locator(".badge")).to_have_text("Guest")
    expect(comments_section(page).get_by_role("heading", level=2)).to_have_text(
        "Comments on Chapter 2: Knock Knock (2)"
    )

    # The creator sees them as guests' comments too.
    creator = user_page(new_context, author, live_server)
    creator.goto(chapter_url)
    expect(comment_head(creator, first).locator(".badge")).to_have_text("Guest")
    expect(inbox_link(creator)).to_have_text("Inbox 2 unread")
    assert Comment.objects.filter(work=work, user=None).count() == 2


def test_logged_in_review_without_javascript(new_context, live_server):
    author = UserFactory(username="fb3_author_inline")
    reader = UserFactory(username="fb3_reader_inline")
    work = WorkFactory(by=author, title="No Scripts Needed")
    page = user_page(new_context, reader, live_server, java_script_enabled=False)
    page.goto("/")
    assert_scripts_off(page)
    page.goto(f"/works/{work.pk}/full/")
    expect(comments_section(page).get_by_role("heading", level=2)).to_have_text(
        "Comments on the whole work (0)"
    )
    review = post_inline_comment(page, "Read it all in one go.")
    expect(page).to_have_url(re.compile(rf"/works/{work.pk}/full/#comment-{review}$"))
    expect(comment_item(page, review).locator(".comment-body")).to_have_text(
        "Read it all in one go."
    )
    # A review of the whole work is not one of a chapter's.
    page.goto(f"/works/{work.pk}/")
    expect(comment_item(page, review)).to_have_count(0)
    comments_section(page).get_by_role("link", name="Comments on the whole work").click()
    expect(comment_item(page, review)).to_be_visible()


# 4. Kudos


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_kudos_from_a_reader_and_a_guest(new_context, live_server, javascript):
    suffix = "js" if javascript else "nojs"
    author = UserFactory(username=f"fb4_author_{suffix}")
    reader = UserFactory(username=f"fb4_reader_{suffix}")
    work = WorkFactory(by=author, title="Applause", body="<p>Take a bow.</p>")
    second = add_chapter(work, by=author, title="Encore")
    chapter_url = f"/works/{work.pk}/chapters/{second.pk}/"

    # A logged-in reader presses the button under the chapter.
    page = user_page(new_context, reader, live_server, java_script_enabled=javascript)
    page.goto(chapter_url)
    expect(kudos_section(page).locator(".kudos-list")).to_have_count(0)
    kudos_section(page).get_by_role("button", name="Kudos ♥").click()
    expect(page).to_have_url(re.compile(rf"{chapter_url}#kudos$"))
    # Said where the page lands, beside the kudos.
    expect(kudos_section(page).get_by_role("status")).to_have_text(
        "You left kudos on this work. Thank you!"
    )
    expect(kudos_section(page).get_by_role("button", name="Kudos ♥")).to_have_count(0)
    kudos_list = kudos_section(page).locator(".kudos-list")
    expect(kudos_list).to_have_text(f"{reader.username} left kudos on this work!")
    expect(kudos_list.get_by_role("link", name=reader.username)).to_have_attribute(
        "href", re.compile(rf"/users/{reader.username}/?$")
    )
    page.reload()
    expect(kudos_section(page)).to_contain_text("You have already left kudos here.")

    # A guest leaves kudos in one click, from a page another guest's visit put in the cache.
    guest_page(new_context).goto(chapter_url)
    guest = guest_page(new_context, java_script_enabled=javascript)
    if not javascript:
        assert_scripts_off(guest)
    response = guest.goto(chapter_url)
    assert response is not None and response.headers.get("x-fanfold-cache") == "hit"
    expect(kudos_section(guest).locator(".kudos-list")).to_have_text(
        f"{reader.username} left kudos on this work!"
    )
    kudos_section(guest).get_by_role("button", name="Kudos ♥").click()
    expect(guest).to_have_url(re.compile(rf"{chapter_url}#kudos$"))
    expect(kudos_section(guest).get_by_role("status")).to_have_text(
        "You left kudos on this work. Thank you!"
    )
    expect(kudos_section(guest).locator(".kudos-list")).to_have_text(
        f"{reader.username} as well as 1 guest left kudos on this work!"
    )

    # The same guest again is told so, not counted twice.
    guest.goto(chapter_url)
    kudos_section(guest).get_by_role("button", name="Kudos ♥").click()
    expect(kudos_section(guest).get_by_role("status")).to_have_text(
        "You have already left kudos here."
    )
    expect(kudos_section(guest).locator(".kudos-list")).to_contain_text(
        "1 guest left kudos on this work!"
    )

    # The creator gets no kudos button on their own work, but sees who left kudos.
    creator = user_page(new_context, author, live_server)
    creator.goto(chapter_url)
    expect(kudos_section(creator).get_by_role("button", name="Kudos ♥")).to_have_count(0)
    expect(kudos_section(creator).get_by_role("link", name="Kudos ♥")).to_have_count(0)
    expect(kudos_section(creator).locator(".kudos-list")).to_have_text(
        f"{reader.username} as well as 1 guest left kudos on this work!"
    )


def test_guest_kudos_on_the_entire_work_page_returns_there(new_context, live_server):
    author = UserFactory(username="fb4_author_full")
    work = WorkFactory(by=author, title="All at Once")
    add_chapter(work, by=author, title="And Then")
    guest = guest_page(new_context)
    guest.goto(f"/works/{work.pk}/full/")
    kudos_section(guest).get_by_role("button", name="Kudos ♥").click()
    expect(guest).to_have_url(re.compile(rf"/works/{work.pk}/full/#kudos$"))
    expect(kudos_section(guest).locator(".kudos-list")).to_have_text(
        "1 guest left kudos on this work!"
    )


# 5. Accessibility


THEMES = ["light", "dark"]


@pytest.fixture
def discussed_work(db):
    """A work with chapters, kudos and threads: nested replies, a guest's and a waiting one."""
    author = UserFactory(username="fb5_author", display_name="Axe Author")
    readers = [UserFactory(username=f"fb5_reader{i}") for i in range(3)]
    work = WorkFactory(
        by=author,
        title="Many Voices",
        summary="Readers talk back.",
        body="<p>The first chapter, where it starts.</p>",
    )
    first = work.chapters.get()
    second = add_chapter(work, by=author, title="Answers", body="<p>The second chapter.</p>")
    add_chapter(work, by=author, title="Echoes", body="<p>The third chapter.</p>")

    top = comment_create(
        work=work, chapter=second, by=readers[0], body="What a *turn*!\n\n> quoted line"
    )
    reply = comment_create(
        work=work, chapter=None, parent=top, by=author, body="Glad you liked it."
    )
    comment_create(
        work=work,
        chapter=None,
        parent=reply,
        by=None,
        guest_name="Lurker",
        body="Me too, [really](https://example.org/).",
        ip="203.0.113.9",
    )
    comment_create(work=work, chapter=second, by=readers[1], body="A second thread.")
    comment_create(work=work, chapter=first, by=readers[1], body="On the first chapter.")
    comment_create(work=work, chapter=None, by=readers[2], body="On the whole work.")
    # From now on comments wait for the creator.
    work.moderate_comments = True
    work.save(update_fields=["moderate_comments"])
    pending = comment_create(work=work, chapter=second, by=readers[2], body="Still waiting.")
    approved_later = comment_create(
        work=work, chapter=second, by=readers[0], body="Approved after a while."
    )
    comment_approve(comment=approved_later, by=author)
    for reader in readers[:2]:
        kudos_leave(work=work, by=reader)
    kudos_leave(work=work, by=None, ip="203.0.113.9")
    return {
        "author": author,
        "readers": readers,
        "work": work,
        "chapters": [first, second],
        "top": top,
        "pending": pending,
    }


def themed_user_page(new_context, user, theme: str, live_server) -> Page:
    user.theme = theme
    user.save(update_fields=["theme"])
    return user_page(new_context, user, live_server)


def themed_guest_page(new_context, theme: str, live_server) -> Page:
    ctx = new_context()
    ctx.add_cookies([{"name": "ff_theme", "value": theme, "url": live_server.url}])
    return ctx.new_page()


def expect_theme(page: Page, theme: str) -> None:
    expect(page.locator("html")).to_have_attribute("data-theme", theme)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewer", ["creator", "reader", "guest"])
def test_chapter_page_with_threads_is_accessible(
    new_context, axe_source, discussed_work, viewer, theme, live_server
):
    d = discussed_work
    work, second, top, pending = d["work"], d["chapters"][1], d["top"], d["pending"]
    if viewer == "creator":
        page = themed_user_page(new_context, d["author"], theme, live_server)
    elif viewer == "reader":
        # The reader who wrote the waiting comment sees it, and the inline form.
        page = themed_user_page(new_context, d["readers"][2], theme, live_server)
    else:
        page = themed_guest_page(new_context, theme, live_server)
    page.goto(f"/works/{work.pk}/chapters/{second.pk}/")
    expect_theme(page, theme)
    expect(page.locator(f"#comment-{top.pk} ol.replies ol.replies li.comment")).to_have_count(1)
    expect(page.locator(".kudos-list")).to_contain_text("1 guest left kudos")
    if viewer == "guest":
        expect(comment_item(page, pending.pk)).to_have_count(0)
    else:
        expect(comment_head(page, pending.pk).locator(".badge.draft")).to_have_text(
            "Awaiting approval"
        )
    if viewer == "creator":
        expect(
            comment_actions(page, pending.pk).get_by_role("button", name="Approve")
        ).to_be_visible()
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewer", ["creator", "guest"])
def test_comment_page_is_accessible(
    new_context, axe_source, discussed_work, viewer, theme, live_server
):
    d = discussed_work
    if viewer == "creator":
        page = themed_user_page(new_context, d["author"], theme, live_server)
    else:
        page = themed_guest_page(new_context, theme, live_server)
    page.goto(f"/comments/{d['top'].pk}/")
    expect_theme(page, theme)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Comment on Many Voices")
    expect(page.locator("li.comment")).to_have_count(3)
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("form", ["review", "reply"])
def test_guest_comment_form_is_accessible(
    new_context, axe_source, discussed_work, form, theme, live_server
):
    d = discussed_work
    work = d["work"]
    query = f"chapter={d['chapters'][1].pk}" if form == "review" else f"parent={d['top'].pk}"
    page = themed_guest_page(new_context, theme, live_server)
    page.goto(f"/works/{work.pk}/comment/?{query}")
    expect_theme(page, theme)
    expect(page.get_by_label("Your name")).to_be_visible()
    assert_accessible(page, axe_source)
    # ...and with the errors shown after posting an empty form.
    page.get_by_label("Your name").fill(" ")
    page.get_by_label("Comment:", exact=True).fill(" ")
    page.get_by_role("button", name=re.compile(r"^Post ")).click()
    expect(page.locator(".has-errors").first).to_be_visible()
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
def test_inbox_is_accessible(new_context, axe_source, discussed_work, theme, live_server):
    page = themed_user_page(new_context, discussed_work["author"], theme, live_server)
    page.goto("/")
    inbox_link(page).click()
    expect_theme(page, theme)
    expect(page.locator("ol.inbox > li")).to_have_count(7)
    expect(page.locator("ol.inbox .badge.draft")).to_have_count(1)
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
def test_kudos_left_in_one_click_is_accessible(
    new_context, axe_source, discussed_work, theme, live_server
):
    work = discussed_work["work"]
    page = themed_guest_page(new_context, theme, live_server)
    page.goto(f"/works/{work.pk}/")
    kudos_section(page).get_by_role("button", name="Kudos ♥").click()
    expect_theme(page, theme)
    expect(kudos_section(page).get_by_role("status")).to_have_text(
        "You left kudos on this work. Thank you!"
    )
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("theme", THEMES)
def test_work_stats_page_is_accessible(new_context, axe_source, discussed_work, theme, live_server):
    d = discussed_work
    work = d["work"]
    # Readers read: hits for the charts, and a retention funnel over the chapters.
    reader = user_page(new_context, d["readers"][0], live_server)
    reader.goto(f"/works/{work.pk}/")
    reader.get_by_role("navigation", name="Chapters (bottom)").get_by_role(
        "link", name="Next chapter →"
    ).click()
    expect(reader.locator("main .userstuff").first).to_have_text("The second chapter.")
    guest = guest_page(new_context)
    guest.goto(f"/works/{work.pk}/full/")
    expect(guest.locator("main article.chapter")).to_have_count(3)
    hits_flush()  # as the worker does about once a minute

    page = themed_user_page(new_context, d["author"], theme, live_server)
    response = page.goto(f"/works/{work.pk}/stats/")
    assert response is not None and response.status == 200, (
        f"/works/{work.pk}/stats/ answered {response.status if response else None}"
    )
    expect_theme(page, theme)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stats for Many Voices")
    chapters = page.locator("section[aria-labelledby=chapters-h]")
    expect(chapters.locator("table tbody tr")).to_have_count(3)
    # The retention chart is drawn (and checked) too: two chapters had readers.
    expect(chapters.get_by_role("heading", name="Retention")).to_be_visible()
    assert_accessible(page, axe_source)
