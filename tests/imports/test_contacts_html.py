"""The contact guard on messy real-world HTML: story HTML is read as a tree, so entities,
upper-case tags, a ">" inside an attribute, comments and an address split over several
elements hide no contact from it."""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanfold.core.text import sanitize_html
from fanfold.imports.importers import markup
from fanfold.imports.importers.contacts import keep_private, link_urls, mailto_addresses
from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.story import ParsedChapter, ParsedStory, PrivateContact

ADDRESS = re.compile(r"[\w.+-]+\s*@\s*[\w-]+(?:\.[\w-]+)+")


def guarded(html: str) -> ParsedStory:
    story = ParsedStory(
        source="messy.html", format="html", chapters=[ParsedChapter("", [], html=html)]
    )
    return keep_private(story)


def published(story: ParsedStory) -> str:
    """The chapter as stored (its HTML) and as read (its plain text)."""
    chapter = story.chapters[0]
    return f"{chapter.html}\n{chapter.text}"


def test_address_split_between_a_mailto_link_and_entities():
    story = guarded(
        "<p>Thanks for reading! Write to "
        '<a href="mailto:jane&#64;example&#x2E;org?subject=Fic">jane</a><b>&#x40;</b>'
        "example&#46;org</p>"
        "<p>Buffy ran.</p>"
    )
    out = published(story)
    assert not ADDRESS.search(out), out
    assert "mailto" not in out and "example" not in out
    assert story.chapters[0].html == "<p>Thanks for reading!</p><p>Buffy ran.</p>"
    assert story.private_contact.mentioned == ["jane@example.org"]


def test_percent_encoded_mailto_link_is_read():
    story = guarded('<p>Buffy ran. <a href="MAILTO:jane%40example.org">Write me</a>.</p>')
    assert story.chapters[0].html == "<p>Buffy ran. Write me.</p>"
    assert story.private_contact.mentioned == ["jane@example.org"]


def test_feedback_cue_and_address_in_different_elements():
    # The cue ("Feedback to") and the address ("jane at aol.com") are read as one sentence.
    story = guarded("<p>Xander ran.</p><p>The end. Feedback to <b>jane at aol.com</b> please!</p>")
    out = published(story)
    assert "aol" not in out
    assert story.chapters[0].text == "Xander ran.\n\nThe end. Feedback please!"
    assert story.private_contact.mentioned == ["jane@aol.com"]


def test_handles_in_title_and_alt_attributes():
    story = guarded(
        '<p title="AIM: JaneFic99">Buffy ran.</p>'
        "<p><img src=\"moon.gif\" alt='ICQ# 1234567'> The moon rose.</p>"
    )
    assert story.chapters[0].html == '<p>Buffy ran.</p><p><img src="moon.gif"> The moon rose.</p>'
    assert set(story.private_contact.im) == {"JaneFic99", "1234567"}
    assert "contact details removed from chapter 1" in story.review_needed


def test_greater_than_sign_inside_attribute_values():
    story = guarded(
        "<p>Buffy ran <span title='AIM: JaneFic99 -> ICQ# 1234567'>fast</span>.</p>"
        '<p title="a > b">Drop me a line: jane@example.org</p>'
        '<p title="x > y">Willow <i title="YIM: willow_r0x">smiled</i>.</p>'
    )
    out = published(story)
    assert "JaneFic99" not in out and "1234567" not in out and "willow_r0x" not in out
    assert not ADDRESS.search(out), out
    # The paragraph of only a contact goes whole; nothing of the tags leaks into the text.
    assert story.chapters[0].html == (
        '<p>Buffy ran <span>fast</span>.</p><p title="x &gt; y">Willow <i>smiled</i>.</p>'
    )
    assert story.chapters[0].text == "Buffy ran fast.\n\nWillow smiled."
    assert set(story.private_contact.im) == {"JaneFic99", "1234567", "willow_r0x"}


def test_contacts_in_comments_do_not_survive():
    story = guarded(
        "<p>Buffy ran.<!-- AIM: JaneFic99, mail me at jane@example.org --></p>"
        "<!-- <p>Feedback: <a href='mailto:ann@example.net'>Ann</a></p> -->"
        "<p>Willow <!-- a comment with no contact -->smiled.</p>"
    )
    html = story.chapters[0].html or ""
    assert "JaneFic99" not in html and "example" not in html and "mailto" not in html
    assert html == "<p>Buffy ran.</p><p>Willow <!-- a comment with no contact -->smiled.</p>"
    assert set(story.private_contact.mentioned) == {"jane@example.org", "ann@example.net"}
    assert story.private_contact.im == ["JaneFic99"]


def test_upper_case_and_unclosed_tags():
    story = guarded(
        "<P>Giles cleaned his glasses.<BR>Feedback: "
        '<A HREF="MAILTO:Giles@Example.ORG">Giles@Example.ORG</A>'
        '<P TITLE="YIM: ripper_1970">Ethan laughed.'
        "<LI>Email: <B>giles@example.org</B></LI>"
    )
    out = published(story)
    assert "ripper_1970" not in out and "MAILTO" not in out.upper()
    assert not ADDRESS.search(out), out
    assert story.chapters[0].html == "<p>Giles cleaned his glasses.<br></p><p>Ethan laughed.</p>"
    assert story.chapters[0].text == "Giles cleaned his glasses.\n\nEthan laughed."
    assert story.private_contact.mentioned == ["Giles@Example.ORG", "giles@example.org"]


def test_a_block_of_only_contacts_goes_whole():
    story = guarded(
        "<ul><li><p>Email: <b>jane@example.org</b><br></p></li><li>Buffy</li></ul>"
        '<p><img src="x.gif">AIM: JaneFic99<br></p>'
        "<p>Buffy ran.</p>"
    )
    assert story.chapters[0].html == "<ul><li>Buffy</li></ul><p>Buffy ran.</p>"


def test_a_long_paragraph_keeps_all_its_formatting_but_the_contact():
    # Only what was cut changes, however long the paragraph and many its elements.
    rng = random.Random(3)
    words = [
        "the", "night", "was", "quiet", "and", "the", "slayer", "walked", "alone", "past", "the",
        "old", "crypt",
    ]  # fmt: skip
    chunks = []
    for n in range(1500):
        chunks.append(" ".join(rng.choice(words) for _ in range(8)))
        chunks.append("<i>x</i>" if n % 2 else "<b>y</b>")
    sentences = [f"Buffy ran <b>fast</b> past crypt <i>{n}</i>." for n in range(300)]
    run_on = " ".join(chunks)
    html = (
        "<p>"
        + " ".join([*sentences[:150], "Write to <i>jane@example.org</i>.", *sentences[150:]])
        + "</p><p>"
        + run_on.replace(chunks[1000], chunks[1000] + " feedback to jane at aol.com please", 1)
        + "</p>"
    )
    assert len(html) > 50_000
    story = guarded(html)
    pleaded = run_on.replace(chunks[1000], chunks[1000] + " feedback please", 1)  # it stays
    assert story.chapters[0].html == "<p>" + " ".join(sentences) + f"</p><p>{pleaded}</p>"
    assert story.private_contact.mentioned == ["jane@example.org", "jane@aol.com"]


def test_sanitized_html_without_contacts_comes_back_exactly_as_it_was():
    html = sanitize_html(
        "<P class=indent title='a > b'>Buffy &amp; Faith&nbsp;<I>ran</I>.<BR/>\n"
        "<hr/><p>At dawn at the Bronze.<p>Email was new then."
    )
    assert "&nbsp;" in html and "&gt;" in html  # as the sanitizer writes them
    story = guarded(html)
    assert story.chapters[0].html == html
    assert story.review_needed == []
    assert story.private_contact == PrivateContact()


def test_other_html_without_contacts_comes_back_as_it_was_read():
    # Only what was read is published: HTML the tree doesn't say as it was is written out
    # from the tree (here libxml2 closes the <i> at the first <p>), and no review is asked.
    html = "<I><P>Once.</P><P>Twice.<!-- no contact --></P></I>"
    story = guarded(html)
    assert story.chapters[0].html == "<i></i><p>Once.</p><p>Twice.<!-- no contact --></p>"
    assert story.chapters[0].text == "Once.\n\nTwice."
    assert story.review_needed == []


@pytest.mark.parametrize(
    "outside",
    [
        "<!DOCTYPE jane@example.org>",  # dropped
        "<body title='AIM: JaneFic99'>",  # a second <body>: its attributes are dropped
        "</html><!-- ann@example.net -->",  # after the page
        "</body></html>ann@example.net",  # after the page
    ],
)
def test_what_libxml2_leaves_out_of_the_tree_is_not_published(outside):
    # Nothing there is read, so nothing there is cut: it must still not come back.
    story = guarded(f"<p>Buffy ran.</p>{outside}")
    assert story.chapters[0].html == "<p>Buffy ran.</p>"


def test_html_nested_too_deeply_to_read_is_refused():
    with pytest.raises(ImportRefused, match="could not be read to its end"):
        guarded("<b>" * 300 + "Email: jane@example.org" + "</b>" * 300 + "<p>Buffy ran.</p>")


_INLINE = st.sampled_from(["b", "i", "em", "span", "a", "sup"])


@settings(max_examples=60, deadline=None)
@given(
    cuts=st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=3, unique=True),
    tags=st.lists(_INLINE, min_size=3, max_size=3),
    entity=st.booleans(),
)
def test_an_address_split_over_inline_elements_never_survives(cuts, tags, entity):
    address = "jane@example.org"
    at = "&#64;" if entity else "@"
    pieces, last = [], 0
    for cut, tag in zip(sorted(cuts), tags, strict=False):
        pieces.append(address[last:cut])
        pieces.append(f"<{tag}>")
        last = cut
    pieces.append(address[last:])
    inner = "".join(pieces).replace("@", at)
    story = guarded(f"<p>Buffy ran. Write to {inner} if you liked it.</p>")
    out = published(story)
    assert not ADDRESS.search(out), out
    assert "jane" not in out
    assert "Buffy ran." in story.chapters[0].text
    assert story.private_contact.mentioned == [address]


def test_mailto_and_link_urls_are_read_from_the_tree():
    fragment = (
        "<P>By <A TITLE='a > b' HREF='MAILTO:jane&#64;example.org'>Jane</A>"
        ' <a href="mailto:Jane%40Example.ORG?subject=hi">again</a>'
        ' and <a title="x>y" href=" http://www.geocities.com/~jane ">her site</a></P>'
        '<p>href="http://in-the-text.example/" mailto:text@example.org</p>'
    )
    assert mailto_addresses(fragment) == ["jane@example.org", "Jane@Example.ORG"]
    assert link_urls(fragment) == ["http://www.geocities.com/~jane"]
    assert markup.html_text(fragment).startswith("By Jane again and her site\n\n")
