"""Markdown stories with YAML front matter, as personal sites keep them."""

import re

import yaml

from fanfold.core.text import render_text
from fanfold.imports.importers import contacts
from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.header import Header, apply_header
from fanfold.imports.importers.story import ParsedChapter, ParsedStory
from fanfold.imports.importers.text import CHAPTER_RE, END_COMPLETE, END_IN_PROGRESS

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_KEYS = {
    "title": "title", "author": "author", "authors": "author", "creator": "author",
    "fandom": "fandom", "fandoms": "fandom", "rating": "rating", "rated": "rating",
    "relationship": "pairing", "relationships": "pairing", "pairing": "pairing",
    "pairings": "pairing", "ship": "pairing", "ships": "pairing",
    "character": "characters", "characters": "characters",
    "warnings": "warnings", "warning": "warnings", "summary": "summary",
    "description": "summary", "notes": "an", "note": "an", "series": "series",
    "tags": "tags", "freeform": "freeform", "additional tags": "freeform",
    "email": "email", "website": "url", "url": "url", "disclaimer": "disclaimer",
}  # fmt: skip
# Prefixed entries in a tag list: "c: Buffy Summers", "p: Spike/Buffy", "f: Angel".
_PREFIXES = {"c": "characters", "p": "pairing", "r": "pairing", "f": "fandom", "w": "warnings"}
_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$")


def _values(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value).strip()] if str(value).strip() else []


def _read_front_matter(text: str, header: Header) -> tuple[str, bool | None]:
    """Put the YAML front matter's fields in the header. Returns the text after it, and
    whether its status or "complete" field says the story is complete."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, None
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as e:
        raise ImportRefused(f"The front matter is not valid YAML ({e}).") from e
    if not isinstance(meta, dict):
        raise ImportRefused("The front matter is not a list of fields.")
    complete: bool | None = None
    for key, value in meta.items():
        name = _KEYS.get(str(key).strip().lower())
        if str(key).strip().lower() in {"complete", "completed"}:
            complete = bool(value)
        elif str(key).strip().lower() == "status":
            complete = str(value).strip().lower() in {"complete", "completed", "done", "finished"}
        elif name == "tags":
            for tag in _values(value):
                prefix, _, rest = tag.partition(":")
                if rest and prefix.strip().lower() in _PREFIXES:
                    header.add(_PREFIXES[prefix.strip().lower()], rest.strip())
                else:
                    header.add("freeform", tag)
        elif name:
            for v in _values(value):
                header.add(name, v)
    return text[match.end() :], complete


def _chapters(text: str, complete: bool | None) -> tuple[list[ParsedChapter], bool | None]:
    """Chapters split at headings that look like chapter headings, without the end markers
    ("The End", "TBC") that close them; and whether the story is complete, which the front
    matter's word (`complete`) decides before any end marker."""
    chapters: list[tuple[str, list[str]]] = [("", [])]
    for line in text.split("\n"):
        heading = _HEADING.match(line)
        if heading and CHAPTER_RE.match(heading.group(1)):
            chapters.append((heading.group(1).strip(), []))
            continue
        chapters[-1][1].append(line)
    parsed: list[ParsedChapter] = []
    for title, lines in chapters:
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and (end := lines[-1].strip().strip("*_")):
            if END_IN_PROGRESS.match(end):
                complete, lines = (False if complete is None else complete), lines[:-1]
            elif END_COMPLETE.match(end):
                complete, lines = (True if complete is None else complete), lines[:-1]
        body = "\n".join(lines).strip()
        if body or title:
            parsed.append(
                ParsedChapter(title=title, paragraphs=[], html=render_text(body, "markdown"))
            )
    return [c for c in parsed if c.html], complete


def parse_markdown(text: str, *, source: str) -> ParsedStory:
    """Parse Markdown with optional YAML front matter into metadata and chapters."""
    header = Header()
    text, complete = _read_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"), header)
    chapters, complete = _chapters(text, complete)
    story = ParsedStory(source=source, format="markdown")
    story.chapters = chapters or [ParsedChapter("", [], html="")]
    body_text = "\n\n".join(c.text for c in story.chapters)
    apply_header(story, header, subject=None, body_text=body_text, complete=complete)
    return contacts.keep_private(story)
