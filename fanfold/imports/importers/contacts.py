"""Authors' contacts in imported stories: email addresses (also written "jane at aol dot com"),
messenger handles ("AIM: JaneFic99", "ICQ# 1234567") and personal sites. They are kept in the
story's private contact and never published; `keep_private` is the last step of every importer.
"""

import functools
import html as htmlmod
import re
import unicodedata
from collections.abc import Callable

from fanfold.core.text import storable
from fanfold.imports.importers.decode import REPLACEMENT
from fanfold.imports.importers.story import ParsedStory, PrivateContact, html_paragraphs

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
_PERSONAL_HOST_RE = re.compile(
    r"(?:https?://)?(?:[\w-]+\.)*(?:geocities|angelfire|tripod|fortunecity|homestead|freewebs|"
    r"expage|xoom|theglobe|crosswinds|50megs|bravepages|freeservers|livejournal|dreamwidth|"
    r"insanejournal|blogspot|deviantart|myspace)\.(?:com|net|org|co\.uk)(?:/[^\s<>\"'\])]*)?|"
    r"(?:https?://)?(?:members|hometown|homepages|users|people)\.[\w-]+\.(?:com|net|org|edu)"
    r"(?:/[^\s<>\"'\])]*)?",
    re.I,
)
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

    def handle(m: re.Match, label: str = "") -> str:
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

    marking = _Marking(text.replace(_MARK, REPLACEMENT))
    marking.sub(_IM_LABELED_RE, handle)
    marking.sub(_EMAIL_RE, email)
    marking.sub(_OBFUSCATED_RE, obfuscated)
    marking.sub(_IM_BARE_RE, bare)
    marking.sub(_IM_CUE_RE, cue)
    marking.sub(_PLACEHOLDER_RE, lambda m: _MARK)

    def url(m: re.Match) -> str:
        value = m.group(0).rstrip(".,;:!?")
        before = m.string[max(0, m.start() - 40) : m.start()].split("\n")[-1]
        if all_urls or _PERSONAL_HOST_RE.fullmatch(value) or "~" in value:
            pass
        elif not _SITE_LABEL_RE.search(before):
            return m.group(0)
        _add(into.urls, value)
        return _MARK + m.group(0)[len(value) :]

    marking.sub(_URL_RE, url)

    def personal(m: re.Match) -> str:
        value = m.group(0).rstrip(".,;:!?")
        host, _, path = re.sub(r"^https?://", "", value, flags=re.I).partition("/")
        if not path and host.lower().count(".") < 2 + host.lower().startswith("www."):
            return m.group(0)  # "livejournal.com" named in passing is no one's contact
        _add(into.urls, value)
        return _MARK + m.group(0)[len(value) :]

    marking.sub(_PERSONAL_HOST_RE, personal)
    return marking.original()


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

_ANCHOR_RE = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.I | re.S)
_HREF_RE = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_ATTR_RE = re.compile(r"""\s([\w-]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""")
_BLOCK_RE = re.compile(r"<(p|li|dd|dt|h[1-6]|td|th)\b[^>]*>(.*?)</\1\s*>", re.I | re.S)


def mailto_addresses(fragment: str) -> list[str]:
    """Every address of a mailto: link in an HTML fragment."""
    found: list[str] = []
    for m in _HREF_RE.finditer(fragment):
        href = htmlmod.unescape(next(g for g in m.groups() if g is not None))
        if href.lower().startswith("mailto:"):
            for address in _EMAIL_RE.findall(href):
                _add(found, address)
    return found


def link_urls(fragment: str) -> list[str]:
    """Every web address an HTML fragment links to (a header's "Homepage: <a href=...>")."""
    found: list[str] = []
    for m in _HREF_RE.finditer(fragment):
        href = htmlmod.unescape(next(g for g in m.groups() if g is not None)).strip()
        if re.match(r"https?://", href, re.I):
            _add(found, href)
    return found


def scrub_html(fragment: str, into: PrivateContact) -> str:
    """Sanitized story HTML without contacts: mailto: and personal-site links lose their
    link (their words stay), addresses in attributes go, blocks of only a contact go."""
    if not fragment:
        return fragment

    def anchor(m: re.Match) -> str:
        href_match = _HREF_RE.search(m.group(1))
        if href_match is None:
            return m.group(0)
        href = htmlmod.unescape(next(g for g in href_match.groups() if g is not None)).strip()
        if href.lower().startswith("mailto:"):
            for address in _EMAIL_RE.findall(href):
                _add(into.email, address)
            return m.group(2)
        probe = PrivateContact()
        if _mark(href, probe, strict=False, all_urls=False) != href and probe.urls:
            merge(into, probe)
            return m.group(2)
        return m.group(0)

    def attributes(m: re.Match) -> str:
        tag = m.group(0)
        for attr in _ATTR_RE.finditer(tag):
            probe = PrivateContact()
            value = htmlmod.unescape(attr.group(0))
            if attr.group(1).lower() != "href" and scrub(value, probe) != value:
                merge(into, probe)
                tag = tag.replace(attr.group(0), "")
        return tag

    def block(m: re.Match) -> str:
        text = html_paragraphs(m.group(0))
        probe = PrivateContact()
        if text and scrub(text, probe, strict=True) == "":
            merge(into, probe)
            return ""
        return m.group(0)

    def segment(part: str) -> str:
        if not part.strip() or part.startswith("<"):
            return part
        text = htmlmod.unescape(part)
        cleaned = scrub(text, into, strict=True)
        if cleaned == text:
            return part
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        return lead + htmlmod.escape(cleaned, quote=False) + trail if cleaned else lead

    fragment = _ANCHOR_RE.sub(anchor, fragment)
    fragment = re.sub(r"<[a-zA-Z][^>]*>", attributes, fragment)
    fragment = _BLOCK_RE.sub(block, fragment)
    return "".join(segment(part) for part in re.split(r"(<[^>]*>)", fragment))


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
    changed: list[str] = []

    def keep(probe: PrivateContact, *, authors: bool) -> None:
        if not authors:
            for address in probe.email:
                _add(story.private_contact.mentioned, address)
            probe.email = []
        merge(story.private_contact, probe)

    def clean(value: str, field: str, *, strict: bool = False, authors: bool = False) -> str:
        probe = PrivateContact()
        cleaned = scrub(value, probe, strict=strict)
        if cleaned != value or probe != PrivateContact():
            keep(probe, authors=authors)
            _add(changed, field)
        return cleaned

    if story.title:
        story.title = clean(story.title, "title") or None
    story.creators = [
        c
        for c in (clean(c, "creators", authors=True).strip(" <>()[]\"',;") for c in story.creators)
        if c
    ]
    for name in ("fandoms", "relationships", "characters", "freeforms", "categories"):
        values = [clean(v, "tags") for v in getattr(story, name)]
        setattr(story, name, [v for v in values if v])
    story.archive_warnings = [w for w in (clean(w, "tags") for w in story.archive_warnings) if w]
    if story.summary:
        story.summary = clean(story.summary, "summary") or None
    if story.notes:
        story.notes = clean(story.notes, "notes") or None
    for number, chapter in enumerate(story.chapters, start=1):
        where = f"chapter {number}"
        if chapter.title:
            chapter.title = clean(chapter.title, where)
        paragraphs = [
            p if p == "<hr>" else clean(p, where, strict=True) for p in chapter.paragraphs
        ]
        chapter.paragraphs = [p for p in paragraphs if p]
        if chapter.html:
            probe = PrivateContact()
            cleaned = scrub_html(chapter.html, probe)
            if cleaned != chapter.html or probe != PrivateContact():
                keep(probe, authors=False)
                _add(changed, where)
            chapter.html = cleaned
    for field in changed:
        _add(story.review_needed, f"contact details removed from {field}")
    if REPLACEMENT in _public(story):
        _add(story.review_needed, UNREADABLE)
    return story


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
