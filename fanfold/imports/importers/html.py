"""HTML stories (early-web archive pages, saved posts): metadata from the page's header
lines, story text kept as sanitized HTML with its emphasis and scene breaks.

Pages are read as trees (lxml), as a browser reads them: a ">" inside an attribute, tags
inside comments, upper-case or unclosed tags and entities mislead no pattern here."""

import copy
from collections.abc import Iterator
from typing import NamedTuple

import lxml.html

from fanfold.core.text import sanitize_html
from fanfold.imports.importers import contacts, markup
from fanfold.imports.importers.header import Header, apply_header
from fanfold.imports.importers.story import ParsedChapter, ParsedStory
from fanfold.imports.importers.text import (
    SCENE_BREAK_RE,
    chapter_heading,
    read_header,
    strip_ending,
)

_META = {"author": "author", "description": "summary", "keywords": "freeform"}
_WRAPPERS = {"div", "blockquote", "center"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {
    "p", "div", "ul", "ol", "dl", "blockquote", "table", "pre", "hr", "center", "figure",
    "details",
}  # fmt: skip

# Loose text and inline elements, in order (an element's tail is the next item).
type _Run = list[str | lxml.html.HtmlElement]


class _Block(NamedTuple):
    html: str  # sanitized
    lines: list[str]  # its plain text, one paragraph a line; ["* * *"] when it has none
    heading: bool  # an <h1>...<h6>


def _blank(text: str) -> bool:
    # A no-break space counts as text: "&nbsp;" spacer paragraphs stay (and become breaks).
    return not text.replace("\xa0", "x").strip()


def _strip(text: str, *, end: bool) -> str:
    kept = text.replace("\xa0", "x")
    if end:
        return text[: len(kept.rstrip())]
    return text[len(kept) - len(kept.lstrip()) :]


def _is_br(item: str | lxml.html.HtmlElement) -> bool:
    return not isinstance(item, str) and item.tag == "br"


def _split_at_breaks(run: _Run) -> list[_Run]:
    """A run cut where two or more <br> follow each other: old pages' paragraph breaks."""
    parts: list[_Run] = [[]]
    i = 0
    while i < len(run):
        j, breaks = i, 0
        while j < len(run) and (
            _is_br(run[j]) or (breaks and isinstance(run[j], str) and _blank(run[j]))
        ):
            breaks += _is_br(run[j])
            j += 1
        if breaks >= 2:
            parts.append([])
            i = j
        else:
            parts[-1].append(run[i])
            i += 1
    return parts


def _paragraph(run: _Run) -> lxml.html.HtmlElement | None:
    """Loose text and inline elements as one <p> (copies), or None when they hold no text."""
    if _blank("".join(i if isinstance(i, str) else i.text_content() for i in run)):
        return None
    p = lxml.html.Element("p")
    last: lxml.html.HtmlElement | None = None
    for item in run:
        if not isinstance(item, str):
            last = copy.deepcopy(item)
            last.tail = None
            p.append(last)
        elif last is None:
            p.text = (p.text or "") + item
        else:
            last.tail = (last.tail or "") + item
    p.text = _strip(p.text or "", end=False)
    if last is None:
        p.text = _strip(p.text, end=True)
    else:
        last.tail = _strip(last.tail or "", end=True)
    return p


def _paragraphs(run: _Run) -> list[lxml.html.HtmlElement]:
    return [p for part in _split_at_breaks(run) if (p := _paragraph(part)) is not None]


def _content(element: lxml.html.HtmlElement) -> _Run:
    run: _Run = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            run.append(child)
        run.append(child.tail or "")
    return run


def _flow(container: lxml.html.HtmlElement) -> Iterator[str | lxml.html.HtmlElement]:
    """A container's text and elements in order. An inline element around blocks
    (<b><p>one</p><p>two</p></b>, as page editors wrote) is opened: its content is given
    instead, without it."""
    yield container.text or ""
    for child in container:
        if not isinstance(child.tag, str):
            pass  # a comment
        elif child.tag not in _BLOCKS and any(d.tag in _BLOCKS for d in child.iterdescendants()):
            yield from _flow(child)
        else:
            yield child
        yield child.tail or ""


def _blocks(container: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The top-level blocks of sanitized HTML: block elements as they are, loose text and
    inline elements between them as paragraphs; <br><br> splits paragraphs, in a <p> too."""
    blocks: list[lxml.html.HtmlElement] = []
    run: _Run = []
    for item in _flow(container):
        if isinstance(item, str) or item.tag not in _BLOCKS:
            run.append(item)
            continue
        blocks += _paragraphs(run)
        run = []
        inside = _split_at_breaks(_content(item)) if item.tag == "p" else []
        blocks += _paragraphs(_content(item)) if len(inside) > 1 else [item]
    return blocks + _paragraphs(run)


def _story_blocks(fragment: str) -> list[_Block]:
    """The blocks of a page's sanitized body; a story inside one wrapping <div> (or
    <blockquote>, <center>) is read from inside it."""
    elements = _blocks(markup.parse_fragment(fragment))
    while len(elements) == 1 and elements[0].tag in _WRAPPERS:
        elements = _blocks(elements[0])
    blocks = []
    for element in elements:
        text = markup.text_of(element)
        lines = text.split("\n\n") if text else ["* * *"]
        # Cleaned again: what is stored is always the sanitizer's own output.
        html = sanitize_html(markup.outer_html(element))
        blocks.append(_Block(html, lines, element.tag in _HEADINGS))
    return blocks


def _read_head(page: lxml.html.HtmlElement, header: Header) -> str | None:
    """The page's <title>; its author, description and keywords <meta> go to the header."""
    for meta in page.iter("meta"):
        key = _META.get((meta.get("name") or "").strip().lower())
        content = meta.get("content")
        if key and content is not None:
            header.add(key, content.strip())
    title = page.find("head/title")
    return title.text_content().strip() if title is not None else None


def _read_header_and_ending(
    blocks: list[_Block], header: Header
) -> tuple[list[_Block], bool | None]:
    """The story's blocks, without the header lines above and the end markers, pleas and
    signature below, which go to the header (with the links they hold, the author's own).
    Also whether the ending said the story is complete."""
    rest = read_header([b.lines for b in blocks], header)
    start = len(blocks) - len(rest)
    rest, complete = strip_ending(rest, header)
    end = start + len(rest)
    for block in blocks[:start] + blocks[end:]:
        header.contact.urls += contacts.link_urls(block.html)
    return blocks[start:end], complete


def _chapters(blocks: list[_Block]) -> list[ParsedChapter]:
    """Chapters split at chapter headings; a block that reads as a scene break is a rule."""
    chapters: list[tuple[str, list[str]]] = [("", [])]
    for block in blocks:
        heading = chapter_heading(block.lines)
        if heading and (block.heading or len(block.lines[0]) < 40):
            chapters.append((heading, []))
            continue
        scene_break = len(block.lines) == 1 and SCENE_BREAK_RE.match(block.lines[0])
        chapters[-1][1].append("<hr>" if scene_break else block.html)
    return [
        ParsedChapter(title=title, paragraphs=[], html="\n".join(html))
        for title, html in chapters
        if html
    ] or [ParsedChapter("", [], html="")]


def parse_html(raw_html: str, *, source: str) -> ParsedStory:
    """Parse an HTML story page into metadata and chapters of sanitized HTML."""
    header = Header()
    page = markup.parse_page(raw_html)
    page_title = _read_head(page, header)
    fragment = sanitize_html(markup.inner_html(markup.page_body(page)))
    # mailto: links of the header and ending, which are cut from the HTML below.
    header.contact.email += contacts.mailto_addresses(fragment)
    blocks, complete = _read_header_and_ending(_story_blocks(fragment), header)
    story = ParsedStory(source=source, format="html")
    story.chapters = _chapters(blocks)
    if not header.first("title") and page_title:
        header.add("title", page_title)
    body_text = "\n\n".join(markup.html_text(c.html or "") for c in story.chapters)
    apply_header(story, header, subject=None, body_text=body_text, complete=complete)
    return contacts.keep_private(story)
