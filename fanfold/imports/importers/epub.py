"""EPUB downloads (AO3's, FanFicFare's and others'): Dublin Core metadata, the tag list of
a title or preface page, and one chapter per document in reading order."""

import io
import re
import zipfile

from ebooklib import ITEM_DOCUMENT, epub

from fanfold.core.text import sanitize_html
from fanfold.imports.importers import contacts, tagging
from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.story import ParsedChapter, ParsedStory, html_paragraphs

# Labels of a title/preface page's tag list ("<dt>Rating:</dt><dd>…</dd>" or "<b>Rating:</b> …").
_META_LABELS = {
    "rating": "rating", "archive warning": "warnings", "archive warnings": "warnings",
    "category": "categories", "categories": "categories", "fandom": "fandoms",
    "fandoms": "fandoms", "relationship": "relationships", "relationships": "relationships",
    "pairing": "relationships", "character": "characters", "characters": "characters",
    "additional tags": "freeforms", "freeform": "freeforms", "genre": "freeforms",
    "summary": "summary", "status": "status", "language": "language",
}  # fmt: skip
_PAIR_RE = re.compile(
    r"<(?:dt|b|strong)[^>]*>\s*([^<:]{2,30}?)\s*:?\s*</(?:dt|b|strong)>\s*(?:<dd[^>]*>)?(.*?)"
    r"(?=</dd>|<br\s*/?>|</p>|<(?:dt|b|strong)[^>]*>|\Z)",
    re.I | re.S,
)
_BODY_RE = re.compile(r"<body[^>]*>(.*)</body>", re.I | re.S)
_HEADING_RE = re.compile(r"<h([1-3])[^>]*>(.*?)</h\1>", re.I | re.S)
_SKIP_IDS = re.compile(r"^(?:nav|toc|cover|title_?page|titlepage|preface|afterword|log_page)", re.I)


def _text(fragment: str) -> str:
    return " ".join(html_paragraphs(fragment).split())


def _split_list(value: str) -> list[str]:
    return [v for v in (s.strip() for s in re.split(r",\s*", _text(value))) if v]


def parse_epub(raw: bytes, *, source: str) -> ParsedStory:
    """Parse an EPUB into metadata and chapters of sanitized HTML."""
    try:
        book = epub.read_epub(io.BytesIO(raw), options={"ignore_ncx": True})
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, epub.EpubException) as e:
        raise ImportRefused(f"This is not a readable EPUB file ({e.__class__.__name__}).") from e
    except Exception as e:  # lxml and ebooklib raise many kinds for damaged books
        raise ImportRefused(f"This EPUB is damaged ({e.__class__.__name__}).") from e

    story = ParsedStory(source=source, format="epub")

    def dc(name: str) -> list[str]:
        return [str(v[0]).strip() for v in book.get_metadata("DC", name) if v and v[0]]

    titles = dc("title")
    story.title = titles[0] if titles else None
    story.creators = dc("creator")
    if summary := dc("description"):
        story.summary = _text(summary[0])
    if language := dc("language"):
        story.language = language[0][:2].lower()
    fields: dict[str, list[str]] = {}
    chapters: list[ParsedChapter] = []
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ITEM_DOCUMENT:
            continue
        content = item.get_content().decode("utf-8", errors="replace")
        found = _BODY_RE.search(content)
        body = found.group(1) if found else content
        pairs = [(k.strip().lower(), v) for k, v in _PAIR_RE.findall(body)]
        labeled = [(k, v) for k, v in pairs if k in _META_LABELS]
        if len(labeled) >= 2 or _SKIP_IDS.match(item_id):
            for key, value in labeled:
                fields.setdefault(_META_LABELS[key], []).append(value)
            continue
        heading = _HEADING_RE.search(body)
        title = _text(heading.group(2)) if heading else ""
        if heading:
            body = body[: heading.start()] + body[heading.end() :]
        html = sanitize_html(body)
        if html_paragraphs(html):
            chapters.append(ParsedChapter(title=title, paragraphs=[], html=html))
    story.chapters = chapters or [ParsedChapter("", [], html="")]

    for value in fields.get("rating", []):
        story.rating = tagging.map_rating(_text(value)) or story.rating
    for key in ("fandoms", "relationships", "characters", "freeforms", "categories"):
        for value in fields.get(key, []):
            getattr(story, key).extend(_split_list(value))
    for value in fields.get("warnings", []):
        story.archive_warnings.extend(_split_list(value))
    if not story.summary and fields.get("summary"):
        story.summary = _text(fields["summary"][0])
    status = " ".join(_text(v) for v in fields.get("status", [])).lower()
    subjects = " ".join(dc("subject")).lower()
    story.complete = "complete" in status or "completed" in subjects
    if not story.fandoms:
        story.review_needed.append("fandoms")
    if story.rating == "Not Rated" and not fields.get("rating"):
        story.review_needed.append("rating")
    if not story.title:
        story.review_needed.append("title")
    # Creators ("Jane (jane@example.org)") and any text are published: contacts go private.
    creators = [contacts.scrub(c, story.private_contact) for c in story.creators]
    story.creators = [c.strip(" <>()[]\"',;") for c in creators if c.strip(" <>()[]\"',;")]
    return contacts.keep_private(story)
