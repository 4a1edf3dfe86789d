"""Authors' contacts in imported stories: email addresses (also written "jane at aol dot com"),
messenger handles ("AIM: JaneFic99", "ICQ# 1234567") and personal sites. They are kept in the
story's private contact and never published; `keep_private` is the last step of every importer.
"""

import difflib
import functools
import os.path
import re
import unicodedata
import urllib.parse
from collections.abc import Callable

import lxml.html
from lxml import etree

from fanfold.core.text import storable
from fanfold.imports.importers import markup
from fanfold.imports.importers.decode import REPLACEMENT, ImportRefused
from fanfold.imports.importers.story import ParsedStory, PrivateContact

_MARK = "\x00"  # where a contact was cut out, until the sentence around it is tidied

_EMAIL_RE = re.compile(r"(?<![\w.+-])(?:mailto:\s*)?([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})\b")
_TLDS = (
    "com|net|org|edu|gov|mil|int|info|biz|name|us|uk|ca|au|nz|ie|de|fr|nl|be|ch|at|se|no|dk|"
    "fi|it|es|pt|pl|cz|ru|jp|br|mx|ar|za|in|co"
)
_AT = r"\s*[\[({<]\s*(?i:at)\s*[\])}>]\s*|\s+at\s+|\s+AT\s+|_at_|\s*@\s*"
_DOT = r"\s*[\[({<]\s*(?i:dot)\s*[\])}>]\s*|\s+dot\s+|\s+DOT\s+|_dot_|\."
# "jane at aol dot com", "jane[at]aol.com", "jane (at) aol (dot) com", "jane AT aol DOT com"
_OBFUSCATED_RE = re.compile(
    rf"(?<![\w.+-])(?P<local>[A-Za-z0-9][\w.+-]*?)(?P<at>{_AT})"
    rf"(?P<domain>[A-Za-z0-9][\w-]*(?:(?:{_DOT})[A-Za-z0-9][\w-]*)*?)(?:{_DOT})"
    rf"(?P<tld>(?i:{_TLDS}))\b(?!(?:{_DOT})[A-Za-z])"
)
# In story text "at" is often just a word: "x at host.tld" is an address there only when the
# sentence asks for mail ("Feedback to jane at aol.com please!").
_CUE_RE = re.compile(
    r"(?<![\w&])(?:feedback|comments?|e-?mail(?:s|ed)?|mail|write|reach|contact|send|reply|"
    r"flames|c&c)(?![\w&])",
    re.I,
)
_PLACEHOLDER_RE = re.compile(r"\[email(?:\s|&nbsp;|&#160;|\xa0)*protected\]", re.I)

_HANDLE = r"[A-Za-z0-9_][\w.\-@+]*[A-Za-z0-9_]|[A-Za-z0-9_]"
# Messenger labels: short words that are also English ("aim", "im") only in capitals.
_IM_LABEL = (
    r"(?:AIM|IM|SN|YM|YIM|Y!M?|A\.I\.M\.?|(?i:aol\s+(?:instant\s+)?messenger|aol\s+im|aol\s+sn|"
    r"aim\s+(?:sn|screen\s*name|name)|aol|icq(?:\s*(?:uin|number|no\.?|\#))?|uin|"
    r"yahoo!?(?:\s+(?:im|id|messenger|instant\s+messenger))?|msn(?:\s+messenger)?|msnm|"
    r"windows\s+live\s+messenger|jabber|google\s+talk|gtalk|skype|screen\s*name))"
)
_IM_LABELED_RE = re.compile(
    rf"(?<![\w!])(?P<label>{_IM_LABEL})\s*(?::|=|-{{1,2}}|(?<=\#)|\bis\b)\s*\#?\s*(?P<handle>{_HANDLE})"
)
# "AIM JaneFic99", "ICQ 1234567": no colon, so the handle must look like one.
_IM_BARE_RE = re.compile(rf"(?<![\w!])(?P<label>AIM|ICQ|YIM|MSN)\s+\#?\s*(?P<handle>{_HANDLE})")
# "IM me at JaneFic99", "on AIM as JaneFic99", "my AIM sn is JaneFic99"
_IM_CUE_RE = re.compile(
    r"(?<![\w!])(?:(?:AIM|IM|ICQ|YIM|MSN)\s+me\b\s*(?:(?:at|on)\b|@)?|"
    r"(?i:on|via)\s+(?:AIM|ICQ|MSN|YIM|AOL|(?i:yahoo!?|icq|msn))\s+(?i:as|at)?|"
    r"(?i:my)\s+(?:AIM|ICQ|MSN|YIM|AOL|(?i:yahoo|icq|msn|screen\s*name|s/n))"
    r"(?:\s+(?i:sn|s/n|screen\s*name|name|handle|number|nick|\#))?\s+(?i:is))"
    rf"\s*:?\s*(?P<handle>{_HANDLE})"
)
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'\])]+", re.I)
_PERSONAL_HOSTS = (
    "geocities|angelfire|tripod|fortunecity|homestead|freewebs|expage|xoom|theglobe|crosswinds|"
    "50megs|bravepages|freeservers|livejournal|dreamwidth|insanejournal|blogspot|deviantart|"
    "myspace"
)
_HOMEPAGE_HOSTS = "members|hometown|homepages|users|people"
_PERSONAL_HOST_RE = re.compile(
    rf"(?:https?://)?(?:[\w-]+\.)*(?:{_PERSONAL_HOSTS})\.(?:com|net|org|co\.uk)"
    r"(?:/[^\s<>\"'\])]*)?|"
    rf"(?:https?://)?(?:{_HOMEPAGE_HOSTS})\.[\w-]+\.(?:com|net|org|edu)(?:/[^\s<>\"'\])]*)?",
    re.I,
)
# What every match of _PERSONAL_HOST_RE holds: searched first, as that pattern is slow to
# find nothing in long story text (it tries "[\w-]+\." at every word).
_PERSONAL_HOST_HINT_RE = re.compile(rf"(?:{_PERSONAL_HOSTS}|{_HOMEPAGE_HOSTS})\.", re.I)
_SITE_LABEL_RE = re.compile(
    r"(?:home\s*page|web\s*site|web\s*page|site|url|web|page|journal|lj|livejournal)"
    r"\s*(?::|-|=|\bat\b|\bis\b)?\s*$",
    re.I,
)

# Words that, with the contact gone, say nothing more: a sentence of only these goes too.
VOCAB = frozenset({
    "a", "also", "address", "addy", "aim", "and", "any", "aol", "at", "be", "by", "can",
    "comments", "comment", "contact", "drop", "e", "email", "feedback", "find", "flames",
    "here", "home", "homepage", "i", "icq", "im", "instant", "is", "line", "me", "messenger",
    "mail", "mailto", "msn", "my", "n", "name", "number", "on", "or", "page", "questions",
    "reach", "reached", "s", "screen", "send", "site", "sn", "talk", "the", "to", "uin", "url",
    "via", "visit", "web", "website", "write", "yahoo", "yim", "ym", "you", "skype", "jabber",
    "lj", "journal",
})  # fmt: skip
# Pleas that may stay once the address is gone ("Feedback welcome at ...").
PLEA_WORDS = frozenset({
    "please", "welcome", "appreciated", "always", "are", "is", "much", "very", "greatly",
    "loved", "wanted", "gladly", "accepted", "thanks", "thank", "love", "would", "like", "hear",
    "from", "let", "know", "what", "think", "review", "reviews", "c", "cc", "constructive",
    "criticism",
})  # fmt: skip
_WORD_RE = re.compile(r"[^\W\d_]+")


def _add(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def merge(into: PrivateContact, found: PrivateContact) -> None:
    for name in ("email", "im", "urls", "mentioned"):
        for value in getattr(found, name):
            _add(getattr(into, name), value)


def _looks_like_handle(handle: str, label: str = "") -> bool:
    if label.upper().startswith("ICQ"):
        return bool(re.fullmatch(r"[\d-]{3,}", handle))
    return bool(re.search(r"\d|_|[a-z][A-Z]", handle))


# Look-alikes NFKC leaves alone but that stand for a dot in an address ("。", "｡").
_LOOKALIKES = {"\u3002": ".", "\uff61": "."}


@functools.cache
def _fold(char: str) -> str:
    """How a character reads in an address: "＠" as "@", "．" as ".", zero-width as nothing."""
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    if unicodedata.category(char) == "Cf":  # zero-width space, soft hyphen, ...
        return ""
    return unicodedata.normalize("NFKC", char)


class _Marking:
    """Text being marked. The patterns search `text`, where look-alike characters are
    folded ("jane＠example．com" reads as "jane@example.com"); each cut is made at the same
    characters of the original, so all the rest is kept exactly as written."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Each original character with how it reads, or None when none is folded.
        self.chars: list[tuple[str, str]] | None = None
        if not text.isascii():
            chars = [(c, _fold(c)) for c in text]
            if any(c != folded for c, folded in chars):
                self.chars = chars
                self.text = "".join(folded for _, folded in chars)

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> None:
        """`pattern.sub(repl, text)` where `repl` returns the match (kept) or a mark with
        some tail of the match ("http://x/," gives the mark and ",")."""
        if self.chars is None:
            self.text = pattern.sub(repl, self.text)
            return
        owner = [i for i, (_, folded) in enumerate(self.chars) for _ in folded]
        chars: list[tuple[str, str]] = []
        last = 0
        for m in pattern.finditer(self.text):
            new = repl(m)
            if new == m.group(0):
                continue
            tail = new[len(_MARK) :]
            assert new.startswith(_MARK) and m.group(0).endswith(tail), new
            start = max(owner[m.start()], last)
            end = max(owner[m.end() - 1] + 1, start)
            kept = max(owner[m.end() - len(tail)], start) if tail else end
            chars += self.chars[last:start]
            chars.append((_MARK, _MARK))
            chars += self.chars[kept:end]
            last = end
        self.chars = chars + self.chars[last:]
        self.text = "".join(folded for _, folded in self.chars)

    def original(self) -> str:
        return self.text if self.chars is None else "".join(c for c, _ in self.chars)


def _asks_for_mail(m: re.Match[str]) -> bool:
    """Whether the sentence around a match asks for mail (or a short question just before
    it does: "Comments? jane at aol.com")."""
    text = m.string
    before = re.split(r"(?<=[.!?])\s+|\n", text[max(0, m.start() - 300) : m.start()])
    after = re.split(r"[.!?](?=\s|$)|\n", text[m.end() : m.end() + 300], maxsplit=1)[0]
    words = [before[-1], after]
    if len(before) > 1 and before[-2].endswith("?") and len(before[-2].split()) <= 3:
        words.append(before[-2])
    return any(_CUE_RE.search(w) for w in words)


def _mark(text: str, into: PrivateContact, *, strict: bool, all_urls: bool) -> str:
    """The text with every contact replaced by a mark, the contacts added to `into`."""
    marking = _Marking(text.replace(_MARK, REPLACEMENT))
    _mark_addresses(marking, into, strict=strict)
    _mark_sites(marking, into, all_urls=all_urls)
    return marking.original()


def _mark_addresses(marking: _Marking, into: PrivateContact, *, strict: bool) -> None:
    """Mark email addresses (plain, obfuscated, "[email protected]") and messenger handles."""

    def handle(m: re.Match) -> str:
        value = m.group("handle")
        if "@" in value:
            if found := _EMAIL_RE.fullmatch(value):
                _add(into.email, found.group(1))
            return _MARK
        _add(into.im, value)
        return _MARK

    def bare(m: re.Match) -> str:
        if not _looks_like_handle(m.group("handle"), m.group("label")):
            return m.group(0)
        return handle(m)

    def cue(m: re.Match) -> str:
        return handle(m) if _looks_like_handle(m.group("handle")) else m.group(0)

    def email(m: re.Match) -> str:
        _add(into.email, m.group(1))
        return _MARK

    def obfuscated(m: re.Match) -> str:
        at = m.group("at")
        words = at.strip() not in ("at", "AT", "@") or re.search(r"dot|DOT", m.group(0))
        if strict and at.strip() == "at" and not words and not _asks_for_mail(m):
            return m.group(0)  # "worked at aol.com" in a story is not an address
        domain = re.sub(_DOT, ".", m.group("domain"))
        _add(into.email, f"{m.group('local')}@{domain}.{m.group('tld')}")
        return _MARK

    marking.sub(_IM_LABELED_RE, handle)
    marking.sub(_EMAIL_RE, email)
    marking.sub(_OBFUSCATED_RE, obfuscated)
    marking.sub(_IM_BARE_RE, bare)
    marking.sub(_IM_CUE_RE, cue)
    marking.sub(_PLACEHOLDER_RE, lambda m: _MARK)


def _mark_sites(marking: _Marking, into: PrivateContact, *, all_urls: bool) -> None:
    """Mark personal sites: web addresses on a personal host, with a "~" or after a label
    ("Homepage: ..."), or any web address when `all_urls`."""

    def url(m: re.Match) -> str:
        value = m.group(0).rstrip(".,;:!?")
        before = m.string[max(0, m.start() - 40) : m.start()].split("\n")[-1]
        if all_urls or _PERSONAL_HOST_RE.fullmatch(value) or "~" in value:
            pass
        elif not _SITE_LABEL_RE.search(before):
            return m.group(0)
        _add(into.urls, value)
        return _MARK + m.group(0)[len(value) :]

    def personal(m: re.Match) -> str:
        value = m.group(0).rstrip(".,;:!?")
        host, _, path = re.sub(r"^https?://", "", value, flags=re.I).partition("/")
        if not path and host.lower().count(".") < 2 + host.lower().startswith("www."):
            return m.group(0)  # "livejournal.com" named in passing is no one's contact
        _add(into.urls, value)
        return _MARK + m.group(0)[len(value) :]

    marking.sub(_URL_RE, url)
    if _PERSONAL_HOST_HINT_RE.search(marking.text):
        marking.sub(_PERSONAL_HOST_RE, personal)


def _only(words: list[str], allowed: frozenset[str]) -> bool:
    return all(w.lower() in allowed for w in words)


def _tidy(sentence: str) -> str:
    """Cut the marks out of one sentence with the words that only led up to them."""
    m = _MARK
    sentence = re.sub(rf"{m}(?:\s*(?:[,;/|&+]|\bor\b|\band\b)\s*{m})+", m, sentence, flags=re.I)
    sentence = re.sub(rf"[(\[{{<]\s*[,;:/|\-\s]*{m}[\s,;:/|\-.]*[)\]}}>]", m, sentence)
    sentence = re.sub(
        rf"(?:\s*\b(?:e-?mail(?:\s+address)?|home\s*page|web\s*site|url)\b)?"
        rf"(?:\s*\b(?:at|to|via|on)\b|\s*[:=@]|\s+[-–—]+)?[ \t]*{m}",
        m,
        sentence,
        flags=re.I,
    )

    pieces = re.split(rf"[ \t]*{m}+[ \t]*", sentence)
    sentence = pieces[0]
    for after in pieces[1:]:
        sentence = _join(sentence, after)
    sentence = re.sub(r"^[\s,;:]+", "", sentence)
    return re.sub(r"\s*[,;:/|\-–—]+\s*$", "", sentence).rstrip()


# "and my" left before a cut at the end ("and my MSN is X." loses "MSN is X" as one handle)
_DANGLING_RE = re.compile(r"(?:[,;]?\s*\b(?:and|or)\s+)?\bmy\s*$", re.I)


def _join(before: str, after: str) -> str:
    """The words before and after a cut, with one space or mark of punctuation between."""
    if before and (not after or after[0] in ".!?"):
        before = _DANGLING_RE.sub("", before)
    if not before or not after:
        return before + after
    if before[-1] in ",;:" and after[0] in ".!?":
        return before[:-1].rstrip() + after  # "Ann, x." -> "Ann."
    if before[-1] in ",;" and after[0] in ",;":
        return before + after[1:]  # "Ann, x, and" -> "Ann, and"
    if before[-1] in "([{\n" or after[0] in ",.;:!?)]}\n":
        return before + after
    return f"{before} {after}"


def _clean_line(line: str) -> str:
    if _MARK not in line:
        return line
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+", line):
        if _MARK not in sentence:
            kept.append(sentence)
            continue
        # "Feedback: x@y" or "Beta: ann@example.net": a label with nothing but contacts.
        if re.fullmatch(rf"\s*[^:{_MARK}]{{1,30}}:[\s{_MARK},;/|&.!]*", sentence):
            continue
        tidied = _tidy(sentence)
        words = _WORD_RE.findall(tidied)
        if words and not _only(words, VOCAB):
            kept.append(tidied)
    result = " ".join(kept).strip()
    words = _WORD_RE.findall(result)
    return result if words and not _only(words, VOCAB) else ""


def scrub(text: str, into: PrivateContact, *, strict: bool = False, all_urls: bool = False) -> str:
    """`text` without the contacts in it, which are added to `into`.

    Text with no contact comes back unchanged. A sentence left with only words that led up
    to a contact ("Write me at", "Feedback:") goes with it; other words always stay. `strict`
    is for story text, where "at" and "dot" are often just words.
    """
    if not text:
        return text
    marked = _mark(text, into, strict=strict, all_urls=all_urls)
    if _MARK not in marked:
        return text
    lines = [_clean_line(line) for line in marked.split("\n")]
    cleaned = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()


def is_contact_note(text: str) -> bool:
    """A short line of contacts and pleas ("Comments? email me: x"), not story text."""
    found = PrivateContact()
    marked = _mark(text, found, strict=False, all_urls=False)
    if _MARK not in marked:
        return False
    words = _WORD_RE.findall(marked.replace(_MARK, " "))
    return _only(words, VOCAB | PLEA_WORDS)


# --- HTML ------------------------------------------------------------------------------------
# HTML is read as a tree (lxml), never with patterns: the patterns above look for contacts
# only in what it says, its text and attribute values, as a browser would show them (entities
# read, whatever the case of its tags and whatever ">" its attribute values hold).

# A block of these left without text once its contacts are cut goes whole.
_CONTACT_BLOCKS = frozenset({"p", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th"})
# Elements that are something without text: never dropped for being empty.
_VOID = frozenset({"br", "hr", "img", "col", "wbr", "input", "area"})


def _hrefs(fragment: str) -> list[str]:
    body = markup.parse_fragment(fragment)
    return [href.strip() for e in body.iter(etree.Element) if (href := e.get("href")) is not None]


def _mailto(href: str) -> list[str]:
    """The addresses of a mailto: link ("mailto:jane%40example.org?subject=Hi"), if it is one."""
    if not href.lower().startswith("mailto:"):
        return []
    return _EMAIL_RE.findall(urllib.parse.unquote(href))


def mailto_addresses(fragment: str) -> list[str]:
    """Every address of a mailto: link in an HTML fragment."""
    found: list[str] = []
    for href in _hrefs(fragment):
        for address in _mailto(href):
            _add(found, address)
    return found


def link_urls(fragment: str) -> list[str]:
    """Every web address an HTML fragment links to (a header's "Homepage: <a href=...>")."""
    found: list[str] = []
    for href in _hrefs(fragment):
        if re.match(r"https?://", href, re.I):
            _add(found, href)
    return found


def scrub_html(fragment: str, into: PrivateContact) -> str:
    """Sanitized story HTML without contacts: mailto: and personal-site links lose their
    link (their words stay), attributes and comments with a contact go, contacts in the text
    are cut as `scrub` cuts them, and blocks of only a contact go.

    The text is scrubbed a paragraph at a time, as it reads ("Feedback to <b>jane</b>&#64;aol.com"
    is one sentence), whatever elements hold its pieces. What comes back is what was read:
    the fragment as it was when that is what the tree of it says, else the tree written out
    (libxml2 leaves out what it can't place, such as a second <body>'s attributes).
    Raises ImportRefused for HTML libxml2 can't read to its end (nested too deeply): what
    isn't read can't be published."""
    return _scrub_html(fragment, into)[0]


def _scrub_html(fragment: str, into: PrivateContact) -> tuple[str, bool]:
    """`scrub_html`, and whether it cut anything."""
    if not fragment.strip():
        return fragment, False
    try:
        body = markup.parse_fragment(fragment, whole=True)
    except markup.Unreadable as e:
        raise ImportRefused(
            f"The story's HTML could not be read to its end, to check it for contact "
            f"details ({e.args[0].strip()})."
        ) from e
    cut = _unlink(body, into)
    cut |= _scrub_attributes(body, into)
    cut |= _drop_comments(body, into)
    cut |= _scrub_text(body, into)
    written = markup.inner_html(body)
    # A no-break space is "&nbsp;" from the sanitizer, the character itself from lxml.
    if not cut and written.replace("\xa0", "&nbsp;") == fragment:
        return fragment, False
    return written, cut


def _unlink(body: lxml.html.HtmlElement, into: PrivateContact) -> bool:
    """mailto: links, links to a personal site and links with an address in them lose their
    link; their words stay, for the text's own scrubbing. Any other element loses such an
    href."""
    cut = False
    for element in list(body.iter(etree.Element)):
        href = (element.get("href") or "").strip()
        if not href:
            continue
        probe = PrivateContact()
        if href.lower().startswith("mailto:"):
            probe.email = _mailto(href)
        elif _EMAIL_RE.search(unquoted := urllib.parse.unquote(href)):
            probe.email = _EMAIL_RE.findall(unquoted)
        elif not (_mark(href, probe, strict=False, all_urls=False) != href and probe.urls):
            continue
        merge(into, probe)
        if element.tag == "a":
            element.drop_tag()
        else:
            del element.attrib["href"]
        cut = True
    return cut


def _scrub_attributes(body: lxml.html.HtmlElement, into: PrivateContact) -> bool:
    """Attributes with a contact in their value (a title, an image's alt text) go; a link's
    href is `_unlink`'s."""
    cut = False
    for element in body.iter(etree.Element):
        for name, value in list(element.attrib.items()):
            probe = PrivateContact()
            if name != "href" and scrub(value, probe) != value:
                merge(into, probe)
                del element.attrib[name]
                cut = True
    return cut


def _drop_comments(body: lxml.html.HtmlElement, into: PrivateContact) -> bool:
    """Comments with a contact in them go: they are not shown, but they are in the page."""
    cut = False
    for node in list(body.iter(etree.Comment, etree.ProcessingInstruction)):
        probe = PrivateContact()
        if node.text and scrub(node.text, probe) != node.text:
            merge(into, probe)
            node.drop_tree()  # keeps the text after it
            cut = True
    return cut


def _scrub_text(body: lxml.html.HtmlElement, into: PrivateContact) -> bool:
    """Cut the contacts from each run of text (what reads as one paragraph); then the
    elements left empty by a cut go, and the blocks left without text."""
    cut: dict[int, lxml.html.HtmlElement] = {}  # elements whose own text lost a contact
    for run in markup.text_runs(body):
        texts = [getattr(node, where) for node, where in run]
        joined = "".join(texts)
        if not joined.strip():
            continue
        cleaned = scrub(joined, into, strict=True)
        if cleaned == joined:
            continue
        _put_back(run, texts, cleaned)
        for (node, where), text in zip(run, texts, strict=True):
            if getattr(node, where) != text:
                holder = node if where == "text" else node.getparent()
                cut[id(holder)] = holder
    for element in cut.values():
        if any(ancestor is body for ancestor in element.iterancestors()):  # not yet dropped
            _drop_emptied(element, body)
    return bool(cut)


def _put_back(run: list[markup.TextPlace], texts: list[str], cleaned: str) -> None:
    """Share a run's cleaned text out to the places its text came from: each character
    kept goes back where it was; what `scrub` put in (a space where a cut joined two words)
    goes with the character before it. The run then reads exactly as `cleaned`."""
    joined = "".join(texts)
    owner = [i for i, text in enumerate(texts) for _ in text]
    parts: list[list[str]] = [[] for _ in texts]
    for op, i1, i2, j1, j2 in _edits(joined, cleaned):
        if op == "equal":
            for i, char in zip(range(i1, i2), cleaned[j1:j2], strict=True):
                parts[owner[i]].append(char)
        elif j2 > j1:
            parts[owner[max(i1 - 1, 0)]].append(cleaned[j1:j2])
    for (node, where), kept in zip(run, parts, strict=True):
        setattr(node, where, "".join(kept) or None)


# How `scrub` reads text: line by line, sentence by sentence; it keeps the ones without a
# contact as they are.
_SENTENCE_END_RE = re.compile(r"((?<=[.!?])\s+|\n)")


def _edits(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """How `new` is made from `old` (difflib opcodes, in characters): found sentence by
    sentence first, then character by character within the sentences that differ. Fast and
    close on long text, where most sentences are kept as they were."""
    a, b = _SENTENCE_END_RE.split(old), _SENTENCE_END_RE.split(new)
    a_at, b_at = _offsets(a), _offsets(b)
    edits: list[tuple[str, int, int, int, int]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        x1, x2, y1, y2 = a_at[i1], a_at[i2], b_at[j1], b_at[j2]
        if op == "equal":
            edits.append((op, x1, x2, y1, y2))
            continue
        # The same start and end of both sides are kept; what lies between is compared.
        head = len(os.path.commonprefix([old[x1:x2], new[y1:y2]]))
        tail = len(os.path.commonprefix([old[x1 + head : x2][::-1], new[y1 + head : y2][::-1]]))
        edits.append(("equal", x1, x1 + head, y1, y1 + head))
        x1, y1, x2, y2 = x1 + head, y1 + head, x2 - tail, y2 - tail
        matcher = difflib.SequenceMatcher(
            None, old[x1:x2], new[y1:y2], autojunk=(x2 - x1) + (y2 - y1) > 20_000
        )
        edits += [
            (o, x1 + k1, x1 + k2, y1 + l1, y1 + l2) for o, k1, k2, l1, l2 in matcher.get_opcodes()
        ]
        edits.append(("equal", x2, x2 + tail, y2, y2 + tail))
    return edits


def _offsets(pieces: list[str]) -> list[int]:
    """Where each piece starts in their concatenation, and where the last one ends."""
    at = [0]
    for piece in pieces:
        at.append(at[-1] + len(piece))
    return at


def _has_text(element: lxml.html.HtmlElement) -> bool:
    """Whether `markup.text_of(element)` would be anything (a rule counts as text)."""
    return any(
        place == markup.RULE if isinstance(place, str) else getattr(*place).strip()
        for place in markup.reading_order(element)
    )


def _drop_emptied(element: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> None:
    """Drop an element a cut left empty (<b></b>), and the outermost block around it that
    the cuts left without text ("<li><p>Email: x</p></li>" goes whole)."""
    while (
        element is not body
        and element.getparent() is not None
        and not element.text
        and len(element) == 0
        and element.tag not in _VOID
    ):
        parent = element.getparent()
        element.drop_tree()
        element = parent
    empty_block = None
    for block in [element, *element.iterancestors()]:
        if block is body:
            break
        if block.tag in _CONTACT_BLOCKS and not _has_text(block):
            empty_block = block
    if empty_block is not None:
        empty_block.drop_tree()


# --- The final guard -------------------------------------------------------------------------


def keep_private(story: ParsedStory) -> ParsedStory:
    """Move any contact left in a story's public fields to its private contact.

    Every importer ends with this: whatever its own parsing missed, no email address,
    messenger handle or personal site is published. Each field it had to change is named
    in review_needed, so a person checks the text around the cut.

    Addresses found in the byline are the author's; those found in notes, summaries, tags
    and story text may be anyone's (a beta reader's, a friend's), so they are kept apart in
    `mentioned` and never let anyone claim the work.

    It also replaces what can't be stored (NUL, lone surrogates, non-characters) with
    U+FFFD, and asks for a review of text with such a replacement character in it.
    """
    _make_storable(story)
    guard = _Guard(story)
    guard.clean_fields()
    guard.clean_chapters()
    for field in guard.changed:
        _add(story.review_needed, f"contact details removed from {field}")
    if REPLACEMENT in _public(story):
        _add(story.review_needed, UNREADABLE)
    return story


class _Guard:
    """A story's public fields being cleaned: what is cut goes to its private contact, and
    each field with a cut is named in `changed`."""

    def __init__(self, story: ParsedStory) -> None:
        self.story = story
        self.changed: list[str] = []

    def keep(self, probe: PrivateContact, field: str, *, authors: bool) -> None:
        if not authors:
            for address in probe.email:
                _add(self.story.private_contact.mentioned, address)
            probe.email = []
        merge(self.story.private_contact, probe)
        _add(self.changed, field)

    def clean(self, value: str, field: str, *, strict: bool = False, authors: bool = False) -> str:
        probe = PrivateContact()
        cleaned = scrub(value, probe, strict=strict)
        if cleaned != value or probe != PrivateContact():
            self.keep(probe, field, authors=authors)
        return cleaned

    def clean_fields(self) -> None:
        """The title, byline, tags, summary and notes."""
        story = self.story
        if story.title:
            story.title = self.clean(story.title, "title") or None
        creators = (self.clean(c, "creators", authors=True) for c in story.creators)
        story.creators = [c for c in (c.strip(" <>()[]\"',;") for c in creators) if c]
        for name in (
            "fandoms", "relationships", "characters", "freeforms", "categories",
            "archive_warnings",
        ):  # fmt: skip
            values = [self.clean(v, "tags") for v in getattr(story, name)]
            setattr(story, name, [v for v in values if v])
        if story.summary:
            story.summary = self.clean(story.summary, "summary") or None
        if story.notes:
            story.notes = self.clean(story.notes, "notes") or None

    def clean_chapters(self) -> None:
        """Each chapter's title, paragraphs (story text, where "at" is often just a word)
        and HTML."""
        for number, chapter in enumerate(self.story.chapters, start=1):
            where = f"chapter {number}"
            if chapter.title:
                chapter.title = self.clean(chapter.title, where)
            paragraphs = [
                p if p == "<hr>" else self.clean(p, where, strict=True) for p in chapter.paragraphs
            ]
            chapter.paragraphs = [p for p in paragraphs if p]
            if chapter.html:
                probe = PrivateContact()
                cleaned, cut = _scrub_html(chapter.html, probe)
                if cut or probe != PrivateContact():
                    self.keep(probe, where, authors=False)
                chapter.html = cleaned


UNREADABLE = "some characters could not be read and were replaced"


def _make_storable(story: ParsedStory) -> None:
    for name in ("source", "title", "summary", "notes", "language", "rating"):
        value = getattr(story, name)
        if value:
            setattr(story, name, storable(value))
    for name in (
        "creators", "fandoms", "relationships", "characters", "freeforms", "categories",
        "archive_warnings", "review_needed",
    ):  # fmt: skip
        setattr(story, name, [storable(v) for v in getattr(story, name)])
    for name in ("email", "im", "urls", "mentioned"):
        values = getattr(story.private_contact, name)
        setattr(story.private_contact, name, [storable(v) for v in values])
    for chapter in story.chapters:
        chapter.title = storable(chapter.title)
        chapter.paragraphs = [storable(p) for p in chapter.paragraphs]
        if chapter.html:
            chapter.html = storable(chapter.html)


def _public(story: ParsedStory) -> str:
    parts = [story.title or "", story.summary or "", story.notes or "", *story.creators]
    parts += story.fandoms + story.relationships + story.characters + story.freeforms
    parts += story.categories + story.archive_warnings
    for chapter in story.chapters:
        parts += [chapter.title, chapter.html or "", *chapter.paragraphs]
    return "\n".join(parts)
