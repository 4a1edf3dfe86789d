"""HTML read as a tree with lxml, never with regular expressions: whole pages as old sites
wrote them, sanitized fragments, and their plain text."""

import html
import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

# Ends of these elements (and every <br> and <hr>) start a new paragraph of plain text.
_BLOCK_ENDS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "table"}
)
_EMPTY_PAGE = b"<html><body></body></html>"
_BLANK_LINE = re.compile(r"\n\s*\n")  # on plain text, once the markup is gone
# Characters no lxml tree may hold: a form feed is white space, the others go.
_CONTROLS: dict[int, str | None] = {
    c: None for c in [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]
}
_CONTROLS[0x0C] = " "


def _parser() -> lxml.html.HTMLParser:
    # One per parse, so that no parser (which keeps state) is shared between threads.
    return lxml.html.HTMLParser(encoding="utf-8")


class Unreadable(ValueError):
    """HTML that libxml2 stopped reading part way (nested more than 256 elements deep, or
    text too long for it): all that follows is missing from its tree."""


def parse_page(raw: str, *, whole: bool = False) -> lxml.html.HtmlElement:
    """A whole HTML page as a tree (its <html> element), whatever its state: unclosed and
    upper-case tags, comments, an XML declaration, stray control characters. Text with
    no markup at all is the body's text; empty text is an empty page.

    With `whole`, raises `Unreadable` rather than give a tree with only the start of the
    page, for a reader that must see all of it."""
    # Parsed as UTF-8 bytes: the text is already decoded, so a declared encoding
    # (<?xml encoding=...?>, <meta charset=...>) must not apply again.
    data = raw.translate(_CONTROLS).encode("utf-8", errors="replace")
    parser = _parser()
    try:
        page = lxml.html.document_fromstring(data, parser=parser)
    except etree.ParserError:  # nothing but white space
        page = lxml.html.document_fromstring(_EMPTY_PAGE, parser=_parser())
    if whole and (fatal := [e for e in parser.error_log if e.level_name == "FATAL"]):
        raise Unreadable(fatal[0].message)
    if page.find("body") is None:
        etree.SubElement(page, "body")
    return page


def page_body(page: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The <body> of a page from `parse_page` (which always has one)."""
    body = page.find("body")
    assert body is not None
    return body


def parse_fragment(fragment: str, *, whole: bool = False) -> lxml.html.HtmlElement:
    """An HTML fragment (a page's body, sanitized story HTML) as the content of a <body>.
    `whole` as for `parse_page`."""
    return page_body(parse_page(f"<html><body>{fragment}</body></html>", whole=whole))


def outer_html(element: lxml.html.HtmlElement) -> str:
    """An element as HTML, without the text that follows it."""
    return lxml.html.tostring(element, encoding="unicode", with_tail=False)


def inner_html(element: lxml.html.HtmlElement) -> str:
    """An element's content as HTML."""
    text = html.escape(element.text or "", quote=False)
    return text + "".join(lxml.html.tostring(c, encoding="unicode") for c in element)


# Where a piece of an element's plain text is: the element holding it, and "text" or "tail".
type TextPlace = tuple[lxml.html.HtmlElement, str]
PARAGRAPH_BREAK = "\n\n"
RULE = "\n\n* * *\n\n"


def reading_order(element: lxml.html.HtmlElement) -> Iterator[TextPlace | str]:
    """Where an element's plain text is, in reading order: each piece as a `TextPlace`, and
    between them `PARAGRAPH_BREAK` before and after each paragraph, heading, list item,
    quotation or table row and at each <br>, `RULE` for each <hr>. Comments hold no text;
    the element's own tail is left out.

    A break before a block too, not only after: libxml2 closes a heading at a <p> or <table>
    inside it ("<h2><p>T</p>tail</h2><p>B</p>" is read as "<h2></h2><p>T</p>tail<p>B</p>"),
    and "tail" must still be a paragraph of its own, as the browser shows it. (Where loose
    text follows such a heading, "<h2><p>T</p>tail</h2>Next", the tree no longer says where
    the heading ended: "tailNext" is one piece of text.)"""
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(element, False)]
    while stack:  # depth first, without recursion: trees can be deep
        node, ended = stack.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else None  # None: a comment
        if not ended:
            if tag == "hr":
                yield RULE
            elif tag == "br" or tag in _BLOCK_ENDS:
                yield PARAGRAPH_BREAK
            if tag is not None and node.text:
                yield node, "text"
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node))
            continue
        if tag in _BLOCK_ENDS:
            yield PARAGRAPH_BREAK
        if node is not element and node.tail:
            yield node, "tail"


def text_runs(element: lxml.html.HtmlElement) -> list[list[TextPlace]]:
    """The places of an element's text, run by run: a run is all the text between two
    paragraph breaks or rules, what `text_of` reads as one paragraph (or more, where the
    text itself has a blank line)."""
    runs: list[list[TextPlace]] = [[]]
    for place in reading_order(element):
        if isinstance(place, str):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(place)
    return [run for run in runs if run]


def text_of(element: lxml.html.HtmlElement) -> str:
    """An element's plain text: a blank line between paragraphs (before and after each
    paragraph, heading, list item, quotation, and at each <br>), "* * *" for each rule,
    white space collapsed within paragraphs. Comments are no text; the element's own tail
    is left out."""
    text = "".join(
        place if isinstance(place, str) else getattr(*place) for place in reading_order(element)
    )
    paragraphs = (" ".join(p.split()) for p in _BLANK_LINE.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def html_text(fragment: str) -> str:
    """An HTML fragment's plain text, as `text_of` gives it."""
    return text_of(parse_fragment(fragment))
