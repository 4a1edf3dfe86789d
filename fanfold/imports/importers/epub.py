"""EPUB downloads (AO3's, FanFicFare's and others'): Dublin Core metadata, the tag list of
a title or preface page, and one chapter per document in reading order."""

import copy
import io
import re
import zipfile

import lxml.html
from ebooklib import ITEM_DOCUMENT, epub

from fanfold.core.text import sanitize_html
from fanfold.imports.importers import contacts, markup, tagging
from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.story import ParsedChapter, ParsedStory

# Labels of a title/preface page's tag list ("<dt>Rating:</dt><dd>…</dd>" or "<b>Rating:</b> …").
_META_LABELS = {
    "rating": "rating", "archive warning": "warnings", "archive warnings": "warnings",
    "category": "categories", "categories": "categories", "fandom": "fandoms",
    "fandoms": "fandoms", "relationship": "relationships", "relationships": "relationships",
    "pairing": "relationships", "character": "characters", "characters": "characters",
    "additional tags": "freeforms", "freeform": "freeforms", "genre": "freeforms",
    "summary": "summary", "status": "status", "language": "language",
}  # fmt: skip
_HEADINGS = ("h1", "h2", "h3")
_SKIP_IDS = re.compile(r"^(?:nav|toc|cover|title_?page|titlepage|preface|afterword|log_page)", re.I)
# A labeled value runs until one of these, or the end of its element.
_VALUE_ENDS = {"br", "dt", "dd", "p", "div", "li", "ul", "ol", "dl", "table", "tr", "hr"}


def _text(fragment: str) -> str:
    """An HTML fragment's text on one line."""
    return " ".join(markup.html_text(fragment).split())


def _split_list(value: str) -> list[str]:
    return [v for v in (s.strip() for s in re.split(r",\s*", value)) if v]


def _label_of(element: lxml.html.HtmlElement) -> str | None:
    """The tag-list label a <dt>, <b> or <strong> holds ("Rating:" is "rating"), if any."""
    if element.tag not in ("dt", "b", "strong"):
        return None
    name = " ".join(element.text_content().split()).lower()
    name = name[:-1].rstrip() if name.endswith(":") else name
    return name if name in _META_LABELS else None


def _value_of(label: lxml.html.HtmlElement) -> str:
    """The text a label introduces: the <dd> after a <dt>, else what follows the label up
    to a line break, the next label or the end of the paragraph."""
    following = label.getnext()
    if following is not None and following.tag == "dd" and not (label.tail or "").strip():
        return " ".join(markup.text_of(following).split())
    holder = lxml.html.Element("span")
    holder.text = label.tail
    while following is not None and following.tag not in _VALUE_ENDS:
        if _label_of(following):
            break
        holder.append(copy.deepcopy(following))
        following = following.getnext()
    return " ".join(markup.text_of(holder).split())


def _tag_list(body: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """The labeled values of a title or preface page ("<dt>Rating:</dt><dd>Mature</dd>",
    "<b>Fandom:</b> Angel<br>"), as (field, text) pairs in page order."""
    found: list[tuple[str, str]] = []
    labels: set[lxml.html.HtmlElement] = set()
    for element in body.iter("dt", "b", "strong"):
        label = _label_of(element)
        # <b><strong>Rating:</strong></b> is one label, not two.
        if label and not any(a in labels for a in element.iterancestors()):
            labels.add(element)
            found.append((_META_LABELS[label], _value_of(element)))
    return found


def _chapter(body: lxml.html.HtmlElement) -> ParsedChapter | None:
    """A chapter document: its first heading is the title, the rest its sanitized text."""
    heading = next(body.iter(*_HEADINGS), None)
    title = ""
    if heading is not None:
        title = " ".join(markup.text_of(heading).split())
        heading.drop_tree()  # its tail stays
    html = sanitize_html(markup.inner_html(body))
    if not markup.html_text(html):
        return None
    return ParsedChapter(title=title, paragraphs=[], html=html)


def _read(raw: bytes) -> epub.EpubBook:
    try:
        return epub.read_epub(io.BytesIO(raw), options={"ignore_ncx": True})
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, epub.EpubException) as e:
        raise ImportRefused(f"This is not a readable EPUB file ({e.__class__.__name__}).") from e
    except Exception as e:  # lxml and ebooklib raise many kinds for damaged books
        raise ImportRefused(f"This EPUB is damaged ({e.__class__.__name__}).") from e


def _documents(book: epub.EpubBook) -> tuple[dict[str, list[str]], list[ParsedChapter]]:
    """The tag lists of the title and preface pages, by field, and the chapters."""
    fields: dict[str, list[str]] = {}
    chapters: list[ParsedChapter] = []
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ITEM_DOCUMENT:
            continue
        content = item.get_content().decode("utf-8", errors="replace")
        body = markup.page_body(markup.parse_page(content))
        labeled = _tag_list(body)
        if len(labeled) >= 2 or _SKIP_IDS.match(item_id):
            for key, value in labeled:
                fields.setdefault(key, []).append(value)
            continue
        if chapter := _chapter(body):
            chapters.append(chapter)
    return fields, chapters


def _apply_tag_list(story: ParsedStory, fields: dict[str, list[str]]) -> None:
    for value in fields.get("rating", []):
        story.rating = tagging.map_rating(value) or story.rating
    for key in ("fandoms", "relationships", "characters", "freeforms", "categories"):
        for value in fields.get(key, []):
            getattr(story, key).extend(_split_list(value))
    for value in fields.get("warnings", []):
        story.archive_warnings.extend(_split_list(value))
    if not story.summary and fields.get("summary"):
        story.summary = fields["summary"][0]


def parse_epub(raw: bytes, *, source: str) -> ParsedStory:
    """Parse an EPUB into metadata and chapters of sanitized HTML."""
    book = _read(raw)
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
    fields, chapters = _documents(book)
    story.chapters = chapters or [ParsedChapter("", [], html="")]
    _apply_tag_list(story, fields)
    status = " ".join(fields.get("status", [])).lower()
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
