"""HTML stories (early-web archive pages, saved posts): metadata from the page's header
lines, story text kept as sanitized HTML with its emphasis and scene breaks."""

import html as htmlmod
import re

from fanfold.core.text import sanitize_html
from fanfold.imports.importers import contacts
from fanfold.imports.importers.story import ParsedChapter, ParsedStory, html_paragraphs
from fanfold.imports.importers.text import (
    _SCENE_BREAK_RE,
    _apply_header,
    _chapter_heading,
    _Header,
    _read_header,
    _strip_ending,
)

_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = {"br", "hr", "img", "col", "wbr"}
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_META_RE = re.compile(
    r"<meta\s+[^>]*name=[\"']?(author|description|keywords)[\"']?[^>]*content=[\"']([^\"']*)",
    re.I,
)
_BRBR_RE = re.compile(r"(?:<br\s*/?>\s*){2,}")
_PARA_RE = re.compile(r"<p(\s[^>]*)?>(.*)</p>\Z", re.S)
_WRAPPERS = {"div", "blockquote", "center"}
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "table",
    "pre", "hr", "center", "figure", "details",
}  # fmt: skip


def _top_level_blocks(fragment: str) -> list[str]:
    """Split sanitized HTML into top-level blocks; loose text becomes paragraphs."""
    blocks: list[str] = []

    def flush(run: str) -> None:
        # Old pages separate paragraphs with <br><br> instead of <p>.
        for part in _BRBR_RE.split(run):
            if re.sub(r"<[^>]*>", "", part).strip():
                blocks.append(f"<p>{part.strip()}</p>")

    depth, run_start, block_start = 0, 0, 0
    for match in _TAG_RE.finditer(fragment):
        closing, name = match.group(1), match.group(2).lower()
        void = name in _VOID or bool(match.group(3))
        if depth == 0:
            if not closing and name in _BLOCKS:
                flush(fragment[run_start : match.start()])
                if void:
                    blocks.append(match.group(0))
                    run_start = match.end()
                else:
                    block_start, depth = match.start(), 1
            continue
        if void:
            continue
        if closing:
            depth -= 1
            if depth == 0:
                block = fragment[block_start : match.end()]
                if (para := _PARA_RE.match(block)) and _BRBR_RE.search(para.group(2)):
                    flush(para.group(2))  # <p>one<br><br>two</p> is two paragraphs
                else:
                    blocks.append(block)
                run_start = match.end()
        else:
            depth += 1
    flush(fragment[run_start:])
    return blocks


def _unwrap(blocks: list[str]) -> list[str]:
    """A page whose story sits inside one wrapping <div> is read from inside it."""
    while len(blocks) == 1:
        match = re.match(r"<([a-z]+)[^>]*>(.*)</\1>\Z", blocks[0], re.S)
        if not match or match.group(1) not in _WRAPPERS:
            break
        blocks = _top_level_blocks(match.group(2))
    return blocks


def _lines(block_html: str) -> list[str]:
    return [line for line in html_paragraphs(block_html).split("\n\n") if line]


def parse_html(raw_html: str, *, source: str) -> ParsedStory:
    """Parse an HTML story page into metadata and chapters of sanitized HTML."""
    header = _Header()
    page_title = _TITLE_RE.search(raw_html)
    for name, content in _META_RE.findall(raw_html):
        key = {"author": "author", "description": "summary", "keywords": "freeform"}[name.lower()]
        header.add(key, htmlmod.unescape(content).strip())
    body = re.search(r"<body[^>]*>(.*)</body>", raw_html, re.I | re.S)
    fragment = sanitize_html(body.group(1) if body else raw_html)
    # mailto: links of the header and ending, which are cut from the HTML below.
    header.contact.email += contacts.mailto_addresses(fragment)
    html_blocks = _unwrap(_top_level_blocks(fragment))
    # Header and ending are read on the text of each block, then cut from the HTML too.
    text_blocks = [
        [line for p in _lines(b) for line in p.split("\n")] or ["* * *"] for b in html_blocks
    ]
    rest = _read_header(text_blocks, header)
    cut = len(html_blocks) - len(rest)
    for block in html_blocks[:cut]:  # the header's links are the author's own sites
        header.contact.urls += contacts.link_urls(block)
    html_blocks = html_blocks[cut:]
    rest, complete = _strip_ending(rest, header)
    for block in html_blocks[len(rest) :]:
        header.contact.urls += contacts.link_urls(block)
    html_blocks = html_blocks[: len(rest)]

    chapters: list[tuple[str, list[str]]] = [("", [])]
    for block_html, block_text in zip(html_blocks, rest, strict=True):
        heading = _chapter_heading(block_text)
        if heading and (re.match(r"<h[1-6]", block_html) or len(block_text[0]) < 40):
            chapters.append((heading, []))
            continue
        if len(block_text) == 1 and _SCENE_BREAK_RE.match(block_text[0]):
            block_html = "<hr>"
        chapters[-1][1].append(block_html)
    story = ParsedStory(source=source, format="html")
    story.chapters = [
        ParsedChapter(title=title, paragraphs=[], html="\n".join(blocks))
        for title, blocks in chapters
        if blocks
    ] or [ParsedChapter("", [], html="")]
    if not header.first("title") and page_title:
        header.add("title", htmlmod.unescape(re.sub(r"<[^>]*>", "", page_title.group(1))).strip())
    body_text = "\n\n".join(c.text for c in story.chapters)
    _apply_header(story, header, subject=None, body_text=body_text, complete=complete)
    return contacts.keep_private(story)
