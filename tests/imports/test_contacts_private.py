"""Imports never publish authors' contacts: email addresses, messenger handles and personal
sites go to the story's private contact, never into the title, byline, notes, tags or text."""

import re
import unicodedata
from pathlib import Path

import pytest
from ebooklib import epub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanfold.imports import selectors, services
from fanfold.imports.importers.contacts import keep_private, scrub
from fanfold.imports.importers.epub import parse_epub
from fanfold.imports.importers.html import parse_html
from fanfold.imports.importers.markdown import parse_markdown
from fanfold.imports.importers.story import ParsedChapter, ParsedStory, PrivateContact
from fanfold.imports.importers.text import parse_text
from fanfold.imports.models import ImportedStory

FIXTURES = Path(__file__).parent / "contact-fixtures"
ADDRESS = re.compile(r"[\w.+-]+\s*@\s*[\w-]+(?:\.[\w-]+)+")


def load(name: str) -> ParsedStory:
    path = FIXTURES / name
    raw = path.read_text(encoding="utf-8")
    if name.endswith(".html"):
        return parse_html(raw, source=name)
    if name.endswith(".md"):
        return parse_markdown(raw, source=name)
    return parse_text(raw, source=name)


def public_text(story: ParsedStory) -> str:
    """Everything of a parsed story that would be published."""
    parts = [story.title or "", story.summary or "", story.notes or ""]
    parts += story.creators + story.fandoms + story.relationships + story.characters
    parts += story.freeforms + story.categories + story.archive_warnings
    for chapter in story.chapters:
        parts += [chapter.title, chapter.text, chapter.html or "", *chapter.paragraphs]
    return "\n".join(parts)


def assert_private(story: ParsedStory, secrets: list[str]) -> None:
    published = public_text(story)
    assert not ADDRESS.search(published), ADDRESS.search(published)
    assert "mailto" not in published.lower()
    for secret in secrets:
        if secret.isupper():  # a messenger label: as a word, in capitals ("AIM", not "aim")
            assert not re.search(rf"\b{re.escape(secret)}\b", published), secret
        else:
            assert secret.lower() not in published.lower(), secret


# --- Plain-text postings ---------------------------------------------------------------------


def test_usenet_posting_feedback_line_an_byline_closing_plea_and_signature():
    story = load("paper-moons-usenet.txt")
    assert story.title == "Paper Moons"
    assert story.creators == ["Jane"]  # not "Jane (AIM: JaneFic99, ICQ 12345678)"
    assert_private(
        story,
        ["JaneFic99", "12345678", "aol.com", "geocities", "univ.example", "AIM", "ICQ"],
    )
    contact = story.private_contact
    # The header's addresses are the author's; one in the author's note may be anyone's.
    assert set(contact.email) == {"jdoe@univ.example.edu", "jdoe@example.edu"}
    assert contact.mentioned == ["jane@aol.com"]
    assert set(contact.im) == {"JaneFic99", "12345678"}
    assert set(contact.urls) == {
        "http://www.geocities.com/Area51/Vault/7777/",
        "http://www.geocities.com/~jdoe",
    }
    notes = story.notes or ""
    # The author's note and the plea keep their words; only the contacts went.
    assert "Thanks to my beta Kris for the commas!" in notes
    assert "Please send feedback" in notes
    assert "Chris Carter" in notes
    assert "Feedback:" not in notes  # a line that was only a contact goes whole
    text = story.chapters[0].text
    assert text.startswith("The motel in Bellefleur")
    assert text.endswith("she never told him what they were for.")
    assert "feedback" not in text.lower()


def test_obfuscated_addresses_messenger_labels_and_trailing_contact_lines():
    story = load("paper-cranes-obfuscated.txt")
    assert story.title == "Paper Cranes" and story.creators == ["Ravenna"]
    assert story.complete is False
    assert_private(
        story,
        [
            "RavennaWrites",
            "4455667",
            "ravenna_writes",
            "hotmail",
            "aol",
            "earthlink",
            "(at)",
            "[at]",
            "email me",
        ],
    )
    contact = story.private_contact
    assert {"ravenna@aol.com", "ravenna77@hotmail.com"} <= set(contact.email)
    assert "lyssa@earthlink.net" in contact.mentioned  # the beta reader's: never for claims
    assert "lyssa@earthlink.net" not in contact.email
    assert {"RavennaWrites", "4455667", "ravenna_writes"} <= set(contact.im)
    notes = story.notes or ""
    assert "Feedback welcome!" in notes  # a plea without an address stays
    assert "my beta Lyssa" in notes and "fixed all my commas." in notes
    text = story.chapters[0].text
    # Story words that only look like contacts are kept.
    assert "He took aim at the wastebasket" in text
    assert "She looked at him; he looked at the crane." in text
    assert text.endswith("only two of them were hers.")


def test_email_and_messenger_on_one_header_line_and_closing_feedback_line():
    story = load("aries-gambler.txt")  # modelled on the founding example
    assert story.private_contact.email == ["aries_gambler@example.com"]
    assert story.private_contact.im == ["AriesGambler"]
    assert_private(story, ["AriesGambler", "aries_gambler"])
    assert "Feedback welcome" in (story.notes or "")
    assert story.chapters[0].text.endswith("I will find him.")
    assert story.complete is False


@pytest.mark.parametrize(
    ("byline", "name", "handles"),
    [
        ("Jane (AIM: x, ICQ 123)", "Jane", ["x", "123"]),
        ("Jane Doe <jane@example.org>", "Jane Doe", []),
        ("Moonie [ICQ# 7654321]", "Moonie", ["7654321"]),
        ("Sparrow - YIM: sparrow_flies", "Sparrow", ["sparrow_flies"]),
        ("Lee, MSN: lee_writes@hotmail.com", "Lee", []),
    ],
)
def test_bylines_lose_their_contacts(byline, name, handles):
    story = parse_text(
        f"Title: Byline\nAuthor: {byline}\nRating: G\n\nOne line of story.\n", source="b.txt"
    )
    assert story.creators == [name]
    assert story.private_contact.im == handles
    assert_private(story, [*handles, "AIM", "ICQ", "YIM", "MSN"])


@pytest.mark.parametrize(
    "line",
    [
        "Feedback: jane@example.org",
        "Email: jane@example.org",
        "E-mail - jane at example dot org",
        "AIM: JaneWrites",
        "AOL Messenger: JaneWrites",
        "ICQ: 3141592",
        "Yahoo: jane_writes",
        "Homepage: http://members.aol.com/janewrites/",
        "Comments to jane (at) example (dot) org please",
    ],
)
@pytest.mark.parametrize("own_block", [False, True])
def test_header_contact_lines_never_reach_the_notes(line, own_block):
    header = "Title: Lines\nAuthor: Jane\nRating: G\n"
    header = f"{header}\n{line}\n" if own_block else f"{line}\n{header}"
    story = parse_text(f"{header}\nA story about the sea.\n", source="l.txt")
    assert story.creators == ["Jane"]
    private = story.private_contact.email + story.private_contact.im + story.private_contact.urls
    assert private, line
    assert_private(story, ["jane@", "JaneWrites", "3141592", "jane_writes", "members.aol"])
    assert story.chapters[0].text == "A story about the sea."


def test_story_words_that_look_like_contacts_survive():
    body = (
        "She took aim at the vampire and missed.\n\n"
        '"Yahoo!" Xander yelled. They met at the Bronze at nine, and at dot of ten they left.\n\n'
        "The sign read @home in chalk, and the ICQ of the matter was lost on her.\n\n"
        "Feedback welcome!"
    )
    story = parse_text(f"Title: Aim\nAuthor: Kit\nRating: G\n\n{body}\n", source="a.txt")
    text = story.chapters[0].text
    for words in (
        "She took aim at the vampire and missed.",
        '"Yahoo!" Xander yelled. They met at the Bronze at nine, and at dot of ten they left.',
        "The sign read @home in chalk",
    ):
        assert words in text
    assert story.private_contact == PrivateContact()
    assert not [r for r in story.review_needed if "contact" in r]


# --- Formatted imports -----------------------------------------------------------------------


def test_html_mailto_links_homepage_and_author_note():
    story = load("starlight-inn.html")
    assert story.title == "Starlight Inn" and story.creators == ["Mira"]
    assert_private(story, ["angelfire", "99887766", "mira&#64;", "Drop me a line"])
    assert {"mira@example.org", "mira.writes@example.org"} <= set(story.private_contact.email)
    assert "99887766" in story.private_contact.im
    assert "http://www.angelfire.com/mi/mira/" in story.private_contact.urls
    assert "Huge thanks to Sam!" in (story.notes or "")
    html = story.chapters[0].html or ""
    assert "<i>one by one</i>" in html and "pointed at the star above the door." in html


def test_markdown_front_matter_and_mailto_in_the_body():
    story = load("harbor-lights.md")
    assert story.creators == ["Kestrel"]
    assert_private(story, ["KestrelFic", "5566778", "kestrel@", "livejournal"])
    assert "kestrel@example.net" in story.private_contact.email
    assert {"KestrelFic", "5566778"} <= set(story.private_contact.im)
    assert "Thanks, Dee!" in (story.notes or "")
    html = story.chapters[0].html or ""
    assert "Daniel counted the harbor lights" in html
    assert "if you liked it" in html  # the sentence keeps its other words
    assert any("contact" in r for r in story.review_needed)


def test_epub_creator_summary_and_chapter(tmp_path):
    book = epub.EpubBook()
    book.set_identifier("contacts-epub")
    book.set_title("Quiet Storm")
    book.set_language("en")
    book.add_author("Chaya (chaya@example.com)")
    book.add_metadata("DC", "description", "<p>A storm. AIM: ChayaWrites</p>")
    one = epub.EpubHtml(
        title="1",
        file_name="ch1.xhtml",
        content=(
            "<html><body><h2>Chapter 1</h2><p>Daniel watched the storm.</p>"
            '<p>Feedback to <a href="mailto:chaya@example.com">chaya@example.com</a>, '
            "please!</p></body></html>"
        ),
    )
    book.add_item(one)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = [one]
    path = tmp_path / "q.epub"
    epub.write_epub(str(path), book)
    story = parse_epub(path.read_bytes(), source="q.epub")
    assert story.creators == ["Chaya"]
    assert story.summary == "A storm."
    assert_private(story, ["ChayaWrites", "chaya@"])
    assert story.private_contact.email == ["chaya@example.com"]
    assert story.private_contact.im == ["ChayaWrites"]
    assert "Daniel watched the storm." in (story.chapters[0].html or "")
    assert "please!" in (story.chapters[0].html or "")


# --- The final guard -------------------------------------------------------------------------


def test_guard_cleans_every_public_field_and_asks_for_review():
    story = ParsedStory(
        source="x.txt",
        format="text",
        title="Moonrise (jane@example.org)",
        creators=["Jane <jane@example.org>", "jane2@example.org"],
        fandoms=["Buffy the Vampire Slayer"],
        relationships=["Spike/Buffy"],
        characters=["Buffy Summers"],
        freeforms=["Angst", "AIM: JaneTags1", "mail jane at example dot org"],
        summary="Buffy at dawn. Questions? jane [at] example [dot] org",
        notes="Beta'd by Ann (ann@example.net). Visit my site: http://www.tripod.com/~jane",
        chapters=[
            ParsedChapter("Part 1 - jane@example.org", ["Buffy ran.", "IM me: JaneIM42"]),
            ParsedChapter(
                "Part 2",
                [],
                html='<p>Spike <a href="mailto:jane@example.org">wrote</a> back.</p>'
                '<p title="jane@example.org">She read <b>ann@example.net</b>.</p>',
            ),
        ],
    )
    keep_private(story)
    assert_private(story, ["JaneTags1", "JaneIM42", "tripod", "example dot org"])
    assert story.title == "Moonrise"
    assert story.creators == ["Jane"]
    assert story.freeforms == ["Angst"]
    assert story.summary == "Buffy at dawn. Questions?"
    assert story.notes is not None and story.notes.startswith("Beta'd by Ann")
    assert story.chapters[0].title == "Part 1"
    assert story.chapters[0].paragraphs == ["Buffy ran."]
    assert "Spike wrote back." in story.chapters[1].text
    assert "She read" in story.chapters[1].text
    # The byline's addresses are the author's; the rest may be anyone's (Ann is the beta).
    assert set(story.private_contact.email) == {"jane@example.org", "jane2@example.org"}
    assert set(story.private_contact.mentioned) == {"jane@example.org", "ann@example.net"}
    assert set(story.private_contact.im) == {"JaneTags1", "JaneIM42"}
    assert story.private_contact.urls == ["http://www.tripod.com/~jane"]
    reasons = " ".join(story.review_needed)
    for field in ("title", "creators", "summary", "notes", "tags", "chapter"):
        assert field in reasons, field
    # Running it again changes nothing and asks nothing more.
    before = (public_text(story), list(story.review_needed))
    keep_private(story)
    assert (public_text(story), story.review_needed) == before


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("jane at aol dot com", "jane@aol.com"),
        ("jane[at]aol.com", "jane@aol.com"),
        ("jane (at) aol (dot) com", "jane@aol.com"),
        ("jane AT aol DOT com", "jane@aol.com"),
        ("jane {at} aol {dot} co {dot} uk", "jane@aol.co.uk"),
        ("mailto:jane@aol.com", "jane@aol.com"),
        ("JANE@AOL.COM", "JANE@AOL.COM"),
    ],
)
def test_obfuscated_addresses_are_read_back(text, found):
    contact = PrivateContact()
    assert scrub(f"Write me: {text}", contact) == ""
    assert contact.email == [found]


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="abcdefghij .,!?\n", max_size=30),
            st.sampled_from(
                [
                    "jo@ex.org",
                    "AIM: Jo99",
                    "jo (at) ex (dot) org",
                    "ICQ# 555123",
                    "http://www.geocities.com/~jo",
                    "Feedback: jo@ex.org",
                ]
            ),
        ),
        max_size=12,
    )
)
def test_scrub_never_leaves_an_address_or_handle(pieces):
    contact = PrivateContact()
    cleaned = scrub(" ".join(pieces), contact)
    assert not ADDRESS.search(cleaned)
    for secret in ("Jo99", "555123", "geocities", "(at)"):
        assert secret not in cleaned


# --- End to end: import, then the published page ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "emails", "handles"),
    [
        ("paper-moons-usenet.txt", ["jdoe@univ.example.edu", "jane@aol.com"], ["JaneFic99"]),
        (
            "paper-cranes-obfuscated.txt",
            ["ravenna@aol.com", "ravenna77@hotmail.com"],
            ["RavennaWrites", "4455667", "ravenna_writes"],
        ),
        ("starlight-inn.html", ["mira@example.org", "mira.writes@example.org"], ["99887766"]),
        ("harbor-lights.md", ["kestrel@example.net"], ["KestrelFic", "5566778"]),
    ],
)
def test_published_work_page_shows_no_contacts(client, name, emails, handles):
    story = load(name)
    raw = (FIXTURES / name).read_bytes()
    work = services.story_import(story=story, digest=selectors.content_hash(raw))
    imported = ImportedStory.objects.get(work=work)
    assert set(emails) <= set(imported.emails) | set(imported.mentioned_emails)
    assert set(handles) <= set(imported.ims)
    for url in (work.get_absolute_url(), "/", f"/api/v1/works/{work.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert story.title and story.title in page, url
        assert not ADDRESS.search(page), (url, ADDRESS.search(page))
        assert "mailto:" not in page
        for secret in handles:
            assert secret not in page, (url, secret)


@pytest.mark.django_db
def test_only_the_authors_own_addresses_let_them_claim():
    """The From: and Feedback: addresses are the author's; one met in an author's note (a
    beta reader's, a friend's) stays private but never hands the work to its owner."""
    from fanfold.imports.selectors import imported_stories_claimable
    from tests.factories import UserFactory

    name = "paper-moons-usenet.txt"
    raw = (FIXTURES / name).read_bytes()
    work = services.story_import(story=load(name), digest=selectors.content_hash(raw))
    imported = ImportedStory.objects.get(work=work)
    assert "jdoe@univ.example.edu" in imported.emails
    assert "jane@aol.com" in imported.mentioned_emails
    assert "jane@aol.com" not in imported.emails
    noted = UserFactory(username="noted", email="jane@aol.com", email_verified=True)
    author = UserFactory(username="jdoe", email="JDoe@univ.example.edu", email_verified=True)
    assert imported_stories_claimable(user=noted) == []
    assert [s.work for s in imported_stories_claimable(user=author)] == [work]


# --- Addresses written "x at host.tld" next to a request for mail --------------------------


@pytest.mark.parametrize(
    "closing",
    [
        "The end. Feedback to jane at aol.com please!",
        "The end. Comments to jane at aol.com, please.",
        "Send flames to jane at aol.com.",
        "C&C welcome at jane at aol.com!",
        "You can reach me at jane at aol.com any time.",
        "Write to jane at aol dot com if you liked it.",
        "Comments? jane at aol.com",
    ],
)
def test_story_text_with_a_feedback_cue_loses_the_plain_at_address(closing):
    story = parse_text(
        f"Title: Cue\nAuthor: Jo\nRating: G\n\nShe walked home in the rain.\n\n{closing}\n",
        source="cue.txt",
    )
    assert "aol" not in public_text(story).lower(), closing
    assert story.chapters[0].text.startswith("She walked home in the rain.")
    # A closing line of only a plea is the author's (as a signature is); either way private.
    contact = story.private_contact
    assert "jane@aol.com" in contact.email + contact.mentioned


def test_feedback_address_in_the_last_paragraph_of_story_text():
    story = parse_text(
        "Title: Cue\nAuthor: Jo\nRating: G\n\nShe walked home in the rain. She worked at "
        "aol.com then.\n\nThe end. Feedback to jane at aol.com please!\n",
        source="cue.txt",
    )
    text = story.chapters[0].text
    assert text == (
        "She walked home in the rain. She worked at aol.com then.\n\nThe end. Feedback please!"
    )
    # Met in the story text: private, but never the author's for claiming.
    assert story.private_contact.mentioned == ["jane@aol.com"]
    assert story.private_contact.email == []
    assert "contact details removed from chapter 1" in story.review_needed


def test_feedback_cue_in_html_story_text():
    story = parse_html(
        "<html><head><title>Cue</title></head><body><p>Xander ran.</p>"
        "<p>The end. Feedback to jane at aol.com please!</p></body></html>",
        source="cue.html",
    )
    assert "aol" not in public_text(story).lower()
    assert "Xander ran." in (story.chapters[0].html or "")
    assert story.private_contact.mentioned == ["jane@aol.com"]


@pytest.mark.parametrize(
    "prose",
    [
        "She worked at aol.com for a year before the layoffs.",
        "He once sent a fax to a man who worked at aol.com.",  # "sent" is not a request
        "They met at the Bronze at nine.",
    ],
)
def test_plain_at_in_narrative_without_a_cue_is_kept(prose):
    contact = PrivateContact()
    assert scrub(prose, contact, strict=True) == prose
    assert contact == PrivateContact()


# --- Look-alike characters -----------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "jane\uff20example.com",  # full-width @
        "jane\uff20example\uff0ecom",  # full-width @ and full stop
        "jane\ufe6bexample.com",  # small commercial at
        "jane@example\ufe52com",  # small full stop
        "jane@example\u3002com",  # ideographic full stop
        "jane@exam\u200bple.com",  # a zero-width space inside
        "\uff4a\uff41\uff4e\uff45\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d",
    ],
)
def test_look_alike_characters_do_not_hide_an_address(address):
    story = ParsedStory(
        source="x.txt",
        format="text",
        title="Moonrise",
        summary=f"Buffy at dawn. Questions? {address}",
        notes=f"Thanks to my beta Ann ({address}) for the commas.",
        chapters=[ParsedChapter("One", ["Buffy ran."])],
    )
    keep_private(story)
    assert story.summary == "Buffy at dawn. Questions?"
    assert story.notes == "Thanks to my beta Ann for the commas."
    assert story.private_contact.mentioned == ["jane@example.com"]
    assert "notes" in " ".join(story.review_needed)


def test_look_alike_cut_leaves_the_rest_of_the_text_as_written():
    """The cut is found in a folded copy but made in the original: the characters around
    it (full-width letters, ligatures, accents) are published exactly as written."""
    text = (
        "\uff21\uff4e\uff4e\u2019s \ufb01nal note \u2014 caf\u00e9 \u2460: "
        "jane\uff20example\uff0ecom, thanks!"
    )
    contact = PrivateContact()
    cleaned = scrub(text, contact)
    assert cleaned == "\uff21\uff4e\uff4e\u2019s \ufb01nal note \u2014 caf\u00e9 \u2460, thanks!"
    assert contact.email == ["jane@example.com"]


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="ab\uff41\uff42\ufb01\u00e9\u200b\u2460 .,!?\n", max_size=20),
            st.sampled_from(["jo\uff20ex\uff0eorg", "jo@ex\u3002org", "AIM\uff1a Jo99"]),
        ),
        max_size=10,
    )
)
def test_look_alike_cuts_keep_every_other_character(pieces):
    text = " ".join(pieces)
    cleaned = scrub(text, PrivateContact())
    folded = unicodedata.normalize("NFKC", cleaned).replace("\u3002", ".")
    assert not ADDRESS.search(folded) and "Jo99" not in folded
    if not any(p.startswith(("jo", "AIM")) for p in pieces):
        assert cleaned == text
    else:  # what is left was in the text, in order
        rest = iter(text)
        assert all(c in rest for c in cleaned.replace("\n\n", "\n") if not c.isspace())


# --- Clean punctuation where contacts were cut ---------------------------------------------


@pytest.mark.parametrize(
    ("note", "cleaned"),
    [
        (
            "Thanks to my beta Ann, ann_beta@yahoo.co.uk, and my MSN is AnnB_99.",
            "Thanks to my beta Ann.",
        ),
        ("Thanks to Ann, ann@example.net, for the beta.", "Thanks to Ann, for the beta."),
        ("Beta'd by Ann, ann@example.net.", "Beta'd by Ann."),
    ],
)
def test_cut_contacts_leave_no_doubled_or_dangling_punctuation(note, cleaned):
    story = ParsedStory(
        source="x.txt", format="text", notes=note, chapters=[ParsedChapter("", ["Text."])]
    )
    keep_private(story)
    assert story.notes == cleaned
    assert_private(story, ["AnnB_99", "ann_beta", "MSN"])


# --- Characters that can't be stored -------------------------------------------------------


def test_guard_replaces_characters_that_cannot_be_stored():
    story = ParsedStory(
        source="x.txt",
        format="text",
        title="Moon\x00rise",
        creators=["Jane\ud800"],
        summary="A \ufdd0summary\uffff.",
        notes="Notes \U0010ffff here.",
        freeforms=["Angst\udfff"],
        chapters=[ParsedChapter("One\x00", ["Buffy\x00 ran.", "Willow \ud83d walked."])],
    )
    keep_private(story)
    published = public_text(story)
    assert not re.search("[\x00\ud800-\udfff\ufdd0-\ufdef\uffff\U0010ffff]", published)
    assert story.title == "Moon\ufffdrise"
    assert story.chapters[0].paragraphs == ["Buffy\ufffd ran.", "Willow \ufffd walked."]
    assert "some characters could not be read and were replaced" in story.review_needed


# --- Postings in several parts -------------------------------------------------------------


def test_every_parts_contacts_and_review_reasons_are_kept(db):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "import_stories",
        str(FIXTURES / "river-days-2.txt"),
        str(FIXTURES / "river-days-1.txt"),
        "--json",
        "--with-text",
        stdout=out,
        stderr=io.StringIO(),
    )
    [story] = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    assert story["title"] == "River Days" and len(story["chapters"]) == 2
    contact = story["private_contact"]
    # Both From: headers are the author's; the beta reader's address, in part 2's note, is not.
    assert contact["email"] == ["tamsin@example.org", "tvale@home.example.net"]
    assert contact["mentioned"] == ["ann.beta@example.com", "tvale@home.example.net"]
    # Part 2's reasons are kept, its "chapter 1" named as the merged work's chapter 2.
    assert "contact details removed from notes" in story["review_needed"]
    assert "contact details removed from chapter 2" in story["review_needed"]
    assert "contact details removed from chapter 1" not in story["review_needed"]
    assert "tvale" not in json.dumps(story["chapters"])
    imported = ImportedStory.objects.get(work_id=story["work_id"])
    assert set(imported.emails) == {"tamsin@example.org", "tvale@home.example.net"}
    assert imported.mentioned_emails == ["ann.beta@example.com", "tvale@home.example.net"]
