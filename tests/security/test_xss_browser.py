"""Script-injection payloads in every field a user can write, rendered in real Chromium.

Each payload calls ``__xss(n)`` with a number naming the field and the payload; every page
that shows those fields is loaded with ``__xss`` recording its calls (and ``alert`` dialogs
counted too). After each load the DOM is also scanned for payload-made event-handler
attributes and ``javascript:``/``data:`` URLs, which would run on a click even if nothing ran
on load. Many payloads go into one object per field, so a page load tests many at once.
"""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from playwright.sync_api import Page

from fanfold.accounts.services import api_token_create
from fanfold.bookmarks.services import BookmarkInput, bookmark_save, later_set
from fanfold.feedback import services as feedback
from fanfold.stats.services import hits_flush
from fanfold.tags.models import Tag
from fanfold.works.models import Work
from tests.browser.support import log_in_context
from tests.factories import UserFactory, WorkFactory, add_chapter

pytestmark = pytest.mark.browser

# XSSN is replaced by the payload's number.
PAYLOADS = [
    "<script>__xss(XSSN)</script>",
    "<img src=x onerror=__xss(XSSN)>",
    '"><img src=x onerror=__xss(XSSN)>',
    "'><img src=x onerror=__xss(XSSN)>",
    "<svg onload=__xss(XSSN)>",
    "<svg><script>__xss(XSSN)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(XSSN)>",
    '<a href="javascript:__xss(XSSN)">j</a>',
    "[md](javascript:__xss(XSSN))",
    '![md](x"onerror="__xss(XSSN))',
    '<iframe srcdoc="<script>top.__xss(XSSN)</script>"></iframe>',
    '<iframe src="javascript:top.__xss(XSSN)"></iframe>',
    "</textarea><img src=x onerror=__xss(XSSN)>",
    "</title><img src=x onerror=__xss(XSSN)>",
    "</script><script>__xss(XSSN)</script>",
    '{{constructor.constructor("__xss(XSSN)")()}}',
    '<div style="width:expression(__xss(XSSN))">css</div>',
    '<object data="data:text/html,<script>top.__xss(XSSN)</script>"></object>',
    '<a href="data:text/html,<script>top.__xss(XSSN)</script>">d</a>',
    "<details open ontoggle=__xss(XSSN)>",
    "<input autofocus onfocus=__xss(XSSN)>",
    "<video><source onerror=__xss(XSSN)></video>",
    "<body onload=__xss(XSSN)>",
    '<base href="javascript:__xss(XSSN)//">',
    '<form action="javascript:__xss(XSSN)"><button>f</button></form>',
    "<ſcript>__xss(XSSN)</ſcript>",
    "＜script＞__xss(XSSN)＜/script＞",
    "&lt;img src=x onerror=__xss(XSSN)&gt;",
    '<noscript><p title="</noscript><img src=x onerror=__xss(XSSN)>">',
    '<!--<img src="--><img src=x onerror=__xss(XSSN)//">',
    "javascript:__xss(XSSN)",
    '<svg><a xlink:href="javascript:__xss(XSSN)"><text y=9>s</text></a></svg>',
    "<img src=x onerror=&#95;&#95;xss(XSSN)>",
    '";__xss(XSSN);//',
    "<marquee onstart=__xss(XSSN)>",
    "\u202e<img src=x oNeRrOr=__xss(XSSN)>",
]
# Links must pass the profile form (http or https); these try to break out of href anyway.
LINK_PAYLOADS = [
    'https://example.org/"><img/src=x/onerror=__xss(XSSN)>',
    "https://example.org/'><svg/onload=__xss(XSSN)>",
    'https://example.org/#"onmouseover="__xss(XSSN)"',
    "https://example.org/</a><script>__xss(XSSN)</script>",
    "https://example.org/?q=</textarea><img/src=x/onerror=__xss(XSSN)>",
]

FIELDS: list[str] = []  # field number -> name


def field(name: str) -> int:
    FIELDS.append(name)
    return len(FIELDS) - 1


def payloads(name: str, corpus=PAYLOADS) -> list[str]:
    f = field(name)
    return [p.replace("XSSN", str(f * 100 + i)) for i, p in enumerate(corpus)]


def packed(name: str, limit: int) -> list[str]:
    """The corpus for a short field, packed into as few values of at most ``limit`` chars."""
    out: list[str] = []
    for p in payloads(name):
        if out and len(out[-1]) + 1 + len(p) <= limit:
            out[-1] += " " + p
        else:
            out.append(p)
    return out


def every(name: str) -> str:
    return "\n\n".join(payloads(name))


def describe(n: int) -> str:
    f, i = divmod(int(n), 100)
    corpus = LINK_PAYLOADS if FIELDS[f] == "profile links" else PAYLOADS
    return f"{FIELDS[f]} / payload {i} {corpus[i]!r}"


INIT = """
window.__xss_hits = [];
window.__xss = (n) => { (window.top.__xss_hits || window.__xss_hits).push(String(n)); };
"""
SCAN = r"""() => {
  const found = [];
  const urlAttrs = new Set(["href", "src", "action", "formaction", "data", "xlink:href",
                            "background", "poster", "codebase", "srcdoc"]);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["script", "iframe", "object", "embed", "base"].includes(tag)
        && el.outerHTML.includes("__xss"))
      found.push(`<${tag}> element: ${el.outerHTML.slice(0, 120)}`);
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value;
      if (!value.includes("__xss")) continue;
      const scheme = value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
      if (name.startsWith("on") || name === "style" || name === "srcdoc"
          || (urlAttrs.has(name) && /^(javascript|data|vbscript):/.test(scheme)))
        found.push(`<${tag} ${name}="${value.slice(0, 100)}">`);
    }
  }
  return found;
}"""


def check(page: Page, url: str, problems: list[str], dialogs: list[str]) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_timeout(120)  # toggle, focus and media error events fire just after load
    hits = page.evaluate("window.__xss_hits")
    for n in sorted(set(hits)):
        problems.append(f"{url}: RAN {describe(n)}")
    for found in page.evaluate(SCAN):
        ids = re.findall(r"__xss\((\d+)\)", found) or ["?"]
        what = describe(ids[0]) if ids[0] != "?" else ""
        problems.append(f"{url}: injected {found} ({what})")
    while dialogs:
        problems.append(f"{url}: a dialog opened: {dialogs.pop()!r}")
    assert "Server Error" not in page.title(), f"{url} gave a server error"
    # Each page is loaded because it shows some of the payloads (as text, escaped).
    if "__xss(" not in page.content():
        problems.append(f"{url}: shows none of the payloads (check the test's data)")


def make_context(new_context, live_server, user=None):
    ctx = new_context()
    ctx.add_init_script(INIT)
    if user is not None:
        log_in_context(ctx, user, live_server.url)
    page = ctx.new_page()
    dialogs: list[str] = []

    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    return page, dialogs


def build():
    """Put the corpus in every field, through the services and the real forms."""
    FIELDS.clear()
    author = UserFactory(username="xauthor")
    reader = UserFactory(username="xreader")
    staff = UserFactory(username="xstaff", is_staff=True, is_superuser=True)

    # Profile through the real form: display name, bio, links.
    form_client = Client()
    form_client.force_login(author)
    response = form_client.post(
        "/profile/",
        {
            "display_name": packed("display name", 100)[0],
            "email": "xauthor@example.org",
            "bio": every("bio"),
            "links": "\n".join(payloads("profile links", LINK_PAYLOADS)),
        },
    )
    assert response.status_code == 302, "the profile form refused the payloads"
    author.refresh_from_db()
    assert len(author.links) == len(LINK_PAYLOADS)

    # Works: one per packed title, each with summary and notes in a different text format.
    titles = packed("work title", 255)
    summaries = packed("work summary", 1250)
    formats = ["html", "markdown", "plain"]
    tags = {t: payloads(f"{t} tags") for t in ("fandom", "relationship", "character")}
    freeforms = payloads("freeform tags")
    notes = {fmt: every(f"work notes ({fmt})") for fmt in formats}
    end_notes = {fmt: every(f"work end notes ({fmt})") for fmt in formats}
    works = []
    for i, title in enumerate(titles):
        fmt = formats[i % 3]
        works.append(
            WorkFactory(
                by=author,
                title=title,
                summary=summaries[i % len(summaries)],
                notes=notes[fmt],
                end_notes=end_notes[fmt],
                text_format=fmt,
                rating="mature" if i == len(titles) - 1 else "general",
                fandoms=tags["fandom"],
                relationships=tags["relationship"],
                characters=tags["character"],
                freeforms=freeforms if i == 0 else ["x"],
                body="<p>first</p>",
            )
        )
    work = works[0]
    # Chapters: the body in each format, chapter titles packed.
    chapter_titles = packed("chapter title", 255)
    chapters = []
    for i, fmt in enumerate(["html", "markdown", "plain"]):
        chapters.append(
            add_chapter(
                work,
                by=author,
                title=chapter_titles[i % len(chapter_titles)],
                body=every(f"chapter body ({fmt})"),
                summary=every(f"chapter summary ({fmt})")[:1250],
                notes=every(f"chapter notes ({fmt})"),
                end_notes=every(f"chapter end notes ({fmt})"),
                text_format=fmt,
            )
        )
    for title in chapter_titles[3:]:
        add_chapter(work, by=author, title=title, body="<p>more</p>")
    draft = WorkFactory(by=author, publish=False, title=titles[0][:200], body="<p>draft</p>")

    # Comments: markdown and HTML, a reply, guest names packed.
    md = feedback.comment_create(
        work=work, chapter=chapters[0], by=reader, body=every("comment (markdown)")
    )
    html = feedback.comment_create(
        work=work,
        chapter=chapters[0],
        by=reader,
        body=every("comment (html)"),
        text_format="html",
        parent=md,
    )
    for name in packed("guest comment name", 100):
        feedback.comment_create(
            work=work, chapter=chapters[0], by=None, body="guest words", guest_name=name
        )
    # Bookmarks: note in markdown and HTML, the bookmarker's tags; bookmarkers' display names.
    bookmark, _ = bookmark_save(
        user=reader,
        work=work,
        data=BookmarkInput(
            note=every("bookmark note (markdown)"), tags=payloads("bookmark tags")[:30]
        ),
    )
    bookmark_save(
        user=author,
        work=works[1],
        data=BookmarkInput(note=every("bookmark note (html)"), text_format="html", rec=True),
    )
    for i, name in enumerate(packed("bookmarker display name", 100)):
        fan = UserFactory(username=f"fan{i}", display_name=name)
        bookmark_save(user=fan, work=work, data=BookmarkInput(note="nice"))
    for name in packed("API token name", 100)[:19]:
        api_token_create(user=author, name=name)
    report = feedback.report_file(by=reader, work=work, reason="other", details=every("report"))
    feedback.report_file(by=None, comment=md, reason="spam", details=every("report (guest)"))
    later_set(user=author, work=works[1], marked=True)
    return {
        "author": author,
        "reader": reader,
        "staff": staff,
        "works": works,
        "work": work,
        "draft": draft,
        "chapters": chapters,
        "comment": md,
        "reply": html,
        "bookmark": bookmark,
        "report": report,
    }


IMPORT_TEXT = """---
title: {title}
author: {author}
fandom: {fandom}
summary: {summary}
tags: {tags}
---

{body}
"""


def test_no_payload_runs_anywhere(new_context, live_server):
    d = build()
    work, chapters, works = d["work"], d["chapters"], d["works"]
    problems: list[str] = []
    tag_urls = [
        Tag.objects.filter(type=t, name__contains="__xss").first().get_absolute_url()
        for t in ("fandom", "relationship", "character", "freeform")
    ]
    reflected = packed("query string", 200)[0]

    # A guest: the reading pages, listings, tags, profiles, bookmarks, forms with the text.
    page, dialogs = make_context(new_context, live_server)
    check(page, f"/works/{works[-1].pk}/", problems, dialogs)  # the adult-content notice
    guest_urls = [
        "/",
        *[f"/works/{w.pk}/" for w in works[:-1]],
        *[c.get_absolute_url() for c in chapters],
        f"/works/{work.pk}/full/",
        f"/works/{work.pk}/navigate/",
        *tag_urls,
        "/users/xauthor/",
        "/users/xreader/bookmarks/",
        "/users/xauthor/bookmarks/",
        f"/works/{work.pk}/bookmarks/",
        f"/comments/{d['comment'].pk}/",
        f"/works/{work.pk}/comment/?parent={d['reply'].pk}",
        f"/report/?comment={d['reply'].pk}",
        f"/works/{work.pk}/kudos/",
        f"/users/xreader/bookmarks/?tag={quote(reflected)}",
        f"/?page={quote(reflected)}",
        f"/login/?next={quote(reflected)}",
        f"/signup/?next={quote(reflected)}",
    ]
    for url in guest_urls:
        check(page, url, problems, dialogs)

    # The creator: editing forms (text in inputs and textareas), inbox, stats, lists.
    page, dialogs = make_context(new_context, live_server, d["author"])
    for url in [
        f"/works/{work.pk}/",
        f"/works/{work.pk}/edit/",
        f"/works/{work.pk}/chapters/{chapters[0].pk}/edit/",
        f"/works/{work.pk}/chapters/{chapters[1].pk}/edit/",
        f"/works/{work.pk}/chapters/manage/",
        f"/works/{work.pk}/delete/",
        f"/works/{work.pk}/chapters/{chapters[2].pk}/delete/",
        "/works/drafts/",
        "/inbox/",
        "/stats/",
        f"/works/{work.pk}/stats/",
        "/profile/",
        "/profile/tokens/",
        "/later/",
        f"/comments/{d['reply'].pk}/delete/",
        f"/works/{works[1].pk}/bookmark/",
    ]:
        check(page, url, problems, dialogs)
    # The worker's next flush brings the works the creator read into their history.
    hits_flush()
    check(page, "/history/", problems, dialogs)

    # An import: the story file's header and text, on the check page and the draft it makes.
    page.goto("/works/import/")
    text = IMPORT_TEXT.format(
        title=packed("import title", 250)[0].replace('"', "'"),
        author=packed("import author", 250)[0].replace('"', "'"),
        fandom="Import Fandom",
        summary=packed("import summary", 900)[0].replace('"', "'"),
        tags=packed("import tags", 140)[0].replace(",", " ").replace('"', "'"),
        body=every("import text"),
    )
    page.locator("textarea[name=text]").fill(text)
    page.locator("form").filter(has=page.locator("textarea[name=text]")).locator(
        "button[type=submit], input[type=submit]"
    ).first.click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(120)
    for n in sorted(set(page.evaluate("window.__xss_hits"))):
        problems.append(f"import check page: RAN {describe(n)}")
    problems += [f"import check page: injected {f}" for f in page.evaluate(SCAN)]
    imported_before = Work.objects.count()
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state("load")
    assert Work.objects.count() == imported_before + 1, "the import was not kept"
    check(page, page.url, problems, dialogs)

    # The reader: their bookmark's edit form.
    page, dialogs = make_context(new_context, live_server, d["reader"])
    for url in [f"/bookmarks/{d['bookmark'].pk}/edit/", f"/works/{work.pk}/bookmark/"]:
        check(page, url, problems, dialogs)

    # Staff in the admin.
    page, dialogs = make_context(new_context, live_server, d["staff"])
    for url in [
        "/admin/works/work/",
        f"/admin/works/work/{work.pk}/change/",
        "/admin/feedback/comment/",
        f"/admin/feedback/comment/{d['comment'].pk}/change/",
        "/admin/feedback/report/",
        f"/admin/feedback/report/{d['report'].pk}/change/",
        "/admin/bookmarks/bookmark/",
        f"/admin/accounts/user/{d['author'].pk}/change/",
        "/admin/tags/tag/",
        "/admin/accounts/apitoken/",
    ]:
        check(page, url, problems, dialogs)

    # The checks can fail: a page with a real payload in it is caught.
    page.evaluate("window.__xss_hits = []")
    page.set_content('<img src=x onerror=__xss(0)><a href="javascript:__xss(1)">x</a>')
    page.wait_for_timeout(50)
    assert page.evaluate("window.__xss_hits") == ["0"]
    assert len(page.evaluate(SCAN)) == 2
    assert not problems, f"{len(problems)} injection(s):\n" + "\n".join(problems)
