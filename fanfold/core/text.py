"""The one sanitizer for user HTML, the text formats authors write in, and word counts."""

import html
import re

import nh3
from django.db import models
from markdown_it import MarkdownIt

# Bump when the allow-list or rendering changes, so stored HTML can be re-rendered later.
SANITIZER_VERSION = 1


class TextFormat(models.TextChoices):
    HTML = "html", "Rich text / HTML"
    MARKDOWN = "markdown", "Markdown"
    PLAIN = "plain", "Plain text"


_FICTION_TAGS = {
    "p", "br", "hr", "div", "span",
    "em", "i", "strong", "b", "u", "s", "strike", "del", "ins", "small", "big", "mark",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "q", "cite", "abbr", "center",
    "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "sup", "sub", "code", "pre", "kbd", "samp", "var",
    "details", "summary", "figure", "figcaption",
}  # fmt: skip
_FICTION_ATTRIBUTES = {
    "*": {"title", "dir", "lang"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "p": {"align"},
    "div": {"align"},
}
# Only presentation classes for alignment and similar, never arbitrary site CSS.
_ALLOWED_CLASSES = {
    tag: {"align-left", "align-center", "align-right", "align-justify", "indent", "small-caps"}
    for tag in ("p", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th")
}

_cleaner = nh3.Cleaner(
    tags=_FICTION_TAGS,
    attributes=_FICTION_ATTRIBUTES,
    allowed_classes=_ALLOWED_CLASSES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow ugc",
    clean_content_tags={"script", "style"},
    strip_comments=True,
)


# Comments get a smaller allow-list: emphasis, quotes, lists and links, no images or tables.
_COMMENT_TAGS = {
    "p", "br", "em", "i", "strong", "b", "u", "s", "del", "blockquote", "q", "cite",
    "a", "ul", "ol", "li", "code", "pre", "sup", "sub", "abbr",
}  # fmt: skip
_comment_cleaner = nh3.Cleaner(
    tags=_COMMENT_TAGS,
    attributes={"a": {"href"}, "abbr": {"title"}, "blockquote": {"cite"}, "q": {"cite"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow ugc",
    clean_content_tags={"script", "style"},
    strip_comments=True,
)


def sanitize_html(raw: str) -> str:
    """Clean untrusted HTML to the allow-list for fiction; never raises on malformed input."""
    return _cleaner.clean(raw or "").strip()


_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def plain_to_html(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in para.split("\n")) + "</p>"
        for para in paragraphs
        if para.strip()
    )


def _html_with_paragraphs(text: str) -> str:
    # Authors often paste HTML without <p> tags: blank-line paragraphs are kept like plain text.
    if re.search(r"<(p|div|br|h[1-6]|ul|ol|table|blockquote)\b", text, re.I):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "\n".join(
        "<p>" + para.replace("\n", "<br>\n") + "</p>"
        for para in re.split(r"\n\s*\n", text)
        if para.strip()
    )


def render_text(text: str, fmt: str) -> str:
    """Turn an author's text in the given format into sanitized HTML."""
    if not text or not text.strip():
        return ""
    return sanitize_html(_rendered(text, fmt))


def render_comment(text: str, fmt: str) -> str:
    """Turn a comment in the given format into HTML sanitized to the comment allow-list."""
    if not text or not text.strip():
        return ""
    return _comment_cleaner.clean(_rendered(text, fmt)).strip()


def _rendered(text: str, fmt: str) -> str:
    if fmt == TextFormat.MARKDOWN:
        return _markdown.render(text)
    if fmt == TextFormat.PLAIN:
        return plain_to_html(text)
    return _html_with_paragraphs(text)


_TAG_RE = re.compile(r"<[^>]*>")
# Han, Hiragana, Katakana and similar scripts are written without spaces: each character is a word.
_CJK = (
    r"\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\U00020000-\U0002fa1f\u3005\u3006\u303b"
)
_WORD_RE = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def html_to_text(fragment: str) -> str:
    return html.unescape(_TAG_RE.sub(" ", fragment or ""))


def word_count(sanitized_html: str) -> int:
    """Count words in sanitized HTML, each CJK character as one word."""
    return sum(
        1 for w in _WORD_RE.findall(html_to_text(sanitized_html)) if not _PUNCT_ONLY.match(w)
    )


# Text no field may hold: NUL, halves of surrogate pairs (which can't be encoded at all) and
# Unicode non-characters (U+FDD0..U+FDEF and the last two code points of every plane).
_UNSTORABLE = re.compile(
    "[\x00\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
    + "]"
)


def text_problem(value: str) -> str | None:
    """Why this text can't be accepted, as the end of a sentence; None when it is fine."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    char = found.group()
    code = ord(char)
    if code == 0:
        what = "a NUL character"
    elif 0xD800 <= code <= 0xDFFF:
        what = f"U+{code:04X}, half of a surrogate pair"
    else:
        what = f"U+{code:04X}, a Unicode non-character"
    return (
        f"contains a character that can't be stored ({what}, at position {found.start() + 1}). "
        "Remove it and send again."
    )


def storable(value: str) -> str:
    """The text with every character no field can hold replaced by U+FFFD, for keeping
    what a reader typed where a form error can't be shown (a kept form, an autosave)."""
    return _UNSTORABLE.sub("\ufffd", value)


def storable_form_data(data: dict[str, list[str]]) -> dict[str, list[str]]:
    """Kept form data (field name to values) with ``storable`` applied to every string."""
    return {storable(k): [storable(v) for v in values] for k, values in data.items()}
