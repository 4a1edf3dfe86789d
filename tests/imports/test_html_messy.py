"""Messy real-world HTML, read as a tree (lxml) the way a browser reads it: the cases that
patterns over the markup got wrong."""

import io

from ebooklib import epub

from fanfold.imports.importers import markup
from fanfold.imports.importers.epub import parse_epub
from fanfold.imports.importers.html import parse_html


def html_of(story) -> str:
    return "\n".join(c.html or "" for c in story.chapters)


def text_of(story) -> str:
    return "\n\n".join(markup.html_text(c.html or "") for c in story.chapters)


def test_angle_bracket_inside_attribute_values():
    story = parse_html(
        "<html><head><title>The Gate</title></head>\n"
        '<body bgcolor="black" onload="if (screen.width > 640) resize(640)">\n'
        '<div title="Part 1 > Part 2">\n'
        '<p title="rated 13 > 12">Author: Kestrel</p>\n'
        "<p>Daniel ran for the gate.</p>\n"
        "<p>Jack followed him.</p>\n"
        "</div></body></html>",
        source="gate.html",
    )
    assert story.title == "The Gate" and story.creators == ["Kestrel"]
    assert text_of(story) == "Daniel ran for the gate.\n\nJack followed him."
    assert html_of(story) == "<p>Daniel ran for the gate.</p>\n<p>Jack followed him.</p>"


def test_comments_holding_tags_are_no_markup():
    story = parse_html(
        "<html><head>\n"
        "<!-- old template: <title>Kestrel's Page</title> -->\n"
        "<title>The Long Night</title>\n"
        '<!-- <meta name="author" content="Webmaster"> -->\n'
        '<meta name="author" content="Kestrel">\n'
        "</head>\n"
        "<!-- <body bgcolor=white> -->\n"
        "<body>\n"
        "<p>Willow waited by the window.</p>\n"
        "<!-- <p>Title: A Draft Title</p> <h2>Chapter 9</h2> -->\n"
        "<p>Tara came home at dawn.</p>\n"
        "</body></html>",
        source="long-night.html",
    )
    assert story.title == "The Long Night"
    assert story.creators == ["Kestrel"]
    assert [c.title for c in story.chapters] == [""]
    assert text_of(story) == "Willow waited by the window.\n\nTara came home at dawn."


def test_upper_case_tags_and_unquoted_attributes():
    story = parse_html(
        "<HTML><HEAD><TITLE>Paper Moons</TITLE>\n"
        "<META NAME=Author CONTENT=Jane>\n"
        "<META CONTENT='Mulder &amp; Scully, on the road' NAME=DESCRIPTION></HEAD>\n"
        "<BODY BGCOLOR=#000000><CENTER>\n"
        "<P><B>Rating:</B> PG-13<BR>\n"
        "<B>Fandom:</B> The X-Files</P>\n"
        "<H2>Chapter 1</H2>\n"
        "<P>Mulder folded the map.\n"
        "<P>Scully <I>sighed</I>.\n"
        "<H2>Chapter 2</H2>\n"
        "<P>The motel was quiet.\n"
        "</CENTER></BODY></HTML>",
        source="paper-moons.html",
    )
    assert story.title == "Paper Moons" and story.creators == ["Jane"]
    assert story.summary == "Mulder & Scully, on the road"
    assert story.rating == "Teen And Up Audiences" and story.fandoms == ["The X-Files"]
    assert [c.title for c in story.chapters] == ["Chapter 1", "Chapter 2"]
    assert (
        story.chapters[0].html == "<p>Mulder folded the map.\n</p>\n<p>Scully <i>sighed</i>.\n</p>"
    )


def test_unclosed_paragraphs_and_every_kind_of_line_break():
    story = parse_html(
        "<body>\n"
        "<p>Title: Lanterns<br>Author: Mira<BR>Rating: G<br/>Fandom: Firefly<br />\n"
        "<p>One lantern.<br><br>Two lanterns.<BR><BR>Three lanterns.<br/> <br />Four.\n"
        '<p>Five<br clear="all">and six.\n'
        "<p>The End\n",
        source="lanterns.html",
    )
    assert story.title == "Lanterns" and story.creators == ["Mira"]
    assert story.rating == "General Audiences" and story.fandoms == ["Firefly"]
    assert story.complete is True
    assert html_of(story) == (
        "<p>One lantern.</p>\n<p>Two lanterns.</p>\n<p>Three lanterns.</p>\n"
        "<p>Four.</p>\n<p>Five<br>and six.\n</p>"
    )


def test_entities_are_decoded_once():
    story = parse_html(
        "<html><head><title>Tom &amp;amp; Jerry&#8217;s Night</title>\n"
        '<meta name="description" content="Jane O\'Neil&#8217;s story &amp; more"></head>\n'
        "<body><p>Author: Jane O&#8217;Neil</p>\n"
        "<p>&ldquo;Fish &amp; chips,&rdquo; she said&nbsp;&mdash; &amp;amp; left.</p>"
        "</body></html>",
        source="night.html",
    )
    assert story.title == "Tom &amp; Jerry\u2019s Night"
    assert story.summary == "Jane O'Neil\u2019s story & more"
    assert story.creators == ["Jane O\u2019Neil"]
    assert text_of(story) == "\u201cFish & chips,\u201d she said \u2014 &amp; left."
    assert "she said&nbsp;\u2014 &amp;amp; left." in html_of(story)


def test_the_page_title_is_the_heads_title_and_a_heading_stays_a_chapter_heading():
    # No <title> in the head: the one of an inline icon is not the story's.
    story = parse_html(
        "<html><head><meta charset=utf-8></head><body>\n"
        '<a href="/"><svg viewBox="0 0 8 8"><title>Home</title><path d="M0 0"/></svg></a>\n'
        "<h1>Chapter 1: Storm</h1><p>Daniel watched the storm.</p>\n"
        "<h1>Chapter 2: Calm</h1><p>By morning the gate was quiet.</p>\n"
        "</body></html>",
        source="the-quiet-gate.html",
    )
    assert story.title == "The Quiet Gate" and "title" in story.review_needed
    assert [c.title for c in story.chapters] == ["Chapter 1: Storm", "Chapter 2: Calm"]
    # A page with both: the <title> names the work, the <h1> stays its first chapter's heading.
    story = parse_html(
        "<html><head><title>Kestrel&#8217;s Archive: The Quiet Gate</title></head><body>\n"
        "<h1>Chapter 1</h1><p>Daniel watched the storm.</p></body></html>",
        source="page.html",
    )
    assert story.title == "Kestrel\u2019s Archive: The Quiet Gate"
    assert [c.title for c in story.chapters] == ["Chapter 1"]


def test_an_inline_element_around_paragraphs_is_opened():
    story = parse_html(
        "<body><font face=Arial><b>\n"
        "<p>Title: Wrapped</p><p>Author: Mira</p>\n"
        "</b><i><p>Once.</p><p>Twice.</p></i></font></body>",
        source="wrapped.html",
    )
    assert story.title == "Wrapped" and story.creators == ["Mira"]
    assert html_of(story) == "<p>Once.</p>\n<p>Twice.</p>"


def test_markup_text_reads_the_tree():
    assert markup.html_text('<p title="a > b">Hi <!-- <p>not</p> --> there</p>') == "Hi there"
    assert markup.html_text("<P>one<BR>two<hr>three</P>") == "one\n\ntwo\n\n* * *\n\nthree"
    assert markup.html_text("&amp;amp; &#8217; &nbsp;x") == "&amp; \u2019 x"
    page = markup.parse_page('<?xml version="1.0" encoding="iso-8859-1"?><p>caf\u00e9\x0c\x00</p>')
    assert markup.text_of(markup.page_body(page)) == "caf\u00e9"
    assert markup.text_of(markup.page_body(markup.parse_page(""))) == ""


def test_epub_tag_list_with_links_and_nested_labels(tmp_path):
    book = epub.EpubBook()
    book.set_identifier("fanfold-messy-epub")
    book.set_title("The Quiet Gate")
    book.set_language("en")
    preface = epub.EpubHtml(
        title="Preface",
        file_name="preface.xhtml",
        content=(
            "<html><body><dl>"
            '<dt><span class="x">Rating:</span></dt><dd><a href="/r" title="Rated > G">'
            "Teen And Up Audiences</a></dd>"
            '<dt>Fandom:</dt><dd><a href="/t" title="Fandom > TV">Stargate SG-1</a></dd>'
            "<dt>Relationship:</dt><dd>Daniel Jackson &amp; Teal'c</dd>"
            "<dt>Summary:</dt><dd><p>A storm.</p><p>A <b>quiet</b> gate.</p></dd>"
            "</dl></body></html>"
        ),
    )
    chapter = epub.EpubHtml(
        title="1",
        file_name="ch1.xhtml",
        content=(
            '<html><body><!-- <h1>Old heading</h1> --><h2 title="1 > 0">Chapter 1</h2>'
            "<p>Daniel watched the storm.</p></body></html>"
        ),
    )
    for item in (preface, chapter):
        book.add_item(item)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = [preface, chapter]
    out = io.BytesIO()
    epub.write_epub(out, book)
    story = parse_epub(out.getvalue(), source="gate.epub")
    assert story.rating == "Teen And Up Audiences"
    assert story.fandoms == ["Stargate SG-1"]
    assert story.relationships == ["Daniel Jackson & Teal'c"]
    assert story.summary == "A storm. A quiet gate."
    assert [c.title for c in story.chapters] == ["Chapter 1"]
    assert story.chapters[0].html == "<p>Daniel watched the storm.</p>"
