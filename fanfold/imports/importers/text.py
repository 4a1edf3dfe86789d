"""Plain-text stories: mailing-list and Usenet postings, early-web archive files."""

import re
from pathlib import Path

from fanfold.imports.importers import contacts, tagging
from fanfold.imports.importers.story import ParsedChapter, ParsedStory, PrivateContact

# Labels seen in header blocks, in any letter case, with or without a colon.
LABELS: dict[str, str] = {
    "title": "title", "story title": "title", "fic": "title",
    "author": "author", "by": "author", "written by": "author", "pen name": "author",
    "email": "email", "e-mail": "email", "e mail": "email", "mail": "email",
    "aim": "im", "aol messenger": "im", "aol instant messenger": "im", "icq": "im",
    "msn": "im", "yahoo": "im", "yahoo messenger": "im", "ym": "im", "im": "im",
    "aol im": "im", "aim sn": "im", "aol sn": "im", "yim": "im", "yahoo im": "im",
    "icq#": "im", "icq #": "im", "icq number": "im", "icq uin": "im", "uin": "im",
    "msn messenger": "im", "screen name": "im", "skype": "im", "jabber": "im",
    "website": "url", "web site": "url", "homepage": "url", "home page": "url",
    "url": "url", "site": "url", "web": "url",
    "rating": "rating", "rated": "rating",
    "pairing": "pairing", "pairings": "pairing", "ship": "pairing", "ships": "pairing",
    "characters": "characters", "character": "characters",
    "category": "category", "categories": "category", "genre": "genre", "genres": "genre",
    "warning": "warnings", "warnings": "warnings",
    "spoilers": "spoilers", "spoiler": "spoilers",
    "timeline": "timeline", "setting": "timeline", "time line": "timeline",
    "disclaimer": "disclaimer", "disclaimers": "disclaimer",
    "summary": "summary", "synopsis": "summary",
    "author's note": "an", "authors note": "an", "author's notes": "an", "a/n": "an",
    "an": "an", "note": "an", "notes": "an",
    "feedback": "feedback", "archive": "archive", "archiving": "archive",
    "series": "series", "part": "part", "chapter": "part", "fandom": "fandom",
}  # fmt: skip
_LABEL_RE = re.compile(
    r"^\s*(" + "|".join(sorted((re.escape(k) for k in LABELS), key=len, reverse=True)) + r")"
    r"\s*(?::|-{1,2}|=|(?<=#))\s*(.*)$",
    re.I,
)
# Labels recognised without a colon only when clearly a header ("Rating PG-13").
_BARE_LABEL_RE = re.compile(
    r"^\s*(title|author|rating|rated|pairing|spoilers|summary|disclaimer)\s+(\S.*)$", re.I
)
_USENET_HEADER_RE = re.compile(
    r"^(From|Subject|Newsgroups|Date|Message-ID|Path|Organization|Lines|References|"
    r"Reply-To|Sender|NNTP-[\w-]+|X-[\w-]+|Xref|Mime-Version|Content-[\w-]+|To|Cc):\s?(.*)$",
    re.I,
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')]+", re.I)
_PART_RE = re.compile(r"[\[(]\s*(\d+)\s*(?:/|of)\s*(\d+|\?)\s*[\])]", re.I)
_PART_OF_RE = re.compile(r"\bpart\s+(\d+|[ivxlc]+)\s+of\s+(\d+|\?)", re.I)
_PLEA_RE = re.compile(
    r"please\s+(?:review|r\s*&\s*r|r/r|comment|leave|send|let me know)|"
    r"(?:all|any)\s+(?:comments|feedback|reviews)\s+(?:are\s+|is\s+)?(?:appreciated|welcome|loved)|"
    r"feedback\s+(?:is|=|makes)\s|\bR\s*&\s*R\b|reviews?\s+(?:are|make)\s",
    re.I,
)
_SCENE_BREAK_RE = re.compile(
    r"^\s*(?:[*~#=+_.\-•]\s*){3,}$|^\s*~\*~.*$|^\s*(?:o0o|oOo|xXx|XxX|0o0|<>+|\*~\*|\^\^\^)\s*$",
    re.I,
)
_WORD_NUMBERS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_CHAPTER_RE = re.compile(
    r"^\s*(?:(chapter|part|book)\s+(\d+|[ivxlc]+|" + "|".join(_WORD_NUMBERS) + r")\b"
    r"\s*[:.\-–—]?\s*(.*)|(prologue|epilogue|interlude)\b\s*[:.\-–—]?\s*(.*)|"
    r"([ivxlc]+|\d+)\s*[.)]\s*(.{0,60}))\s*$",
    re.I,
)
_END_IN_PROGRESS = re.compile(
    r"^\s*(?:to\s+be\s+continued|tbc|t\.b\.c\.?|continued\s+in\s+.*|end\s+of\s+part\s+\w+|"
    r"more\s+(?:soon|to\s+come)|part\s+\w+\s+of\s+\?)\W*$",
    re.I,
)
_END_COMPLETE = re.compile(r"^\s*(?:the\s+end|fin|end|finis|\*?the end\*?)\W*$", re.I)
_SIGNATURE_RE = re.compile(r"^--\s?$")
_BYLINE_RE = re.compile(r"^\s*(?:written\s+)?by[:\s]+(\S.{0,60})$", re.I)
_BRACKETS_RE = re.compile(r"\s*\[([^\]]*)\]\s*")
_SUBJECT_NOISE = re.compile(
    r"^\s*(?:re:\s*)?(?:\[?\s*(?:fic|new|fanfic|story|ff)\s*[\]:]\s*)+", re.I
)


def _label(line: str) -> tuple[str, str] | None:
    match = _LABEL_RE.match(line)
    if match:
        return LABELS[match.group(1).lower()], match.group(2).strip()
    match = _BARE_LABEL_RE.match(line)
    if match and len(line) < 120:
        return LABELS[match.group(1).lower()], match.group(2).strip()
    return None


def _blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of lines."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _paragraphs(lines: list[str]) -> list[str]:
    """Reflow hard-wrapped lines into paragraphs, keeping real breaks (blank or indented)."""
    blocks = _blocks("\n".join(lines))
    # Double-spaced text: nearly every block is one long wrapped line.
    single = [b for b in blocks if len(b) == 1]
    if len(blocks) > 6 and len(single) > 0.9 * len(blocks):
        widths = sorted(len(b[0]) for b in blocks)
        wrap = widths[int(len(widths) * 0.9)]
        if wrap >= 50:
            merged: list[list[str]] = [[]]
            for block in blocks:
                for line in block:
                    merged[-1].append(line)
                    # A line well short of the wrap width ends its paragraph.
                    if len(line) < wrap * 0.8 or _SCENE_BREAK_RE.match(line):
                        merged.append([])
                if len(block) > 1:
                    merged.append([])
            blocks = [b for b in merged if b]
    paragraphs: list[str] = []
    for block in blocks:
        current: list[str] = []
        indented = sum(1 for line in block[1:] if re.match(r"^(\t| {2,})\S", line))
        for line in block:
            if _SCENE_BREAK_RE.match(line):
                if current:
                    paragraphs.append(" ".join(current))
                    current = []
                paragraphs.append("<hr>")
                continue
            # Indentation marks paragraphs where there are no blank lines between them.
            if current and indented and re.match(r"^(\t| {2,})\S", line):
                paragraphs.append(" ".join(current))
                current = []
            current.append(line.strip())
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def _chapter_heading(block: list[str]) -> str | None:
    if len(block) != 1 or len(block[0]) > 80:
        return None
    match = _CHAPTER_RE.match(block[0])
    if not match:
        return None
    # Numbered headings ("1." or "IV)") only count if short, like a heading.
    if match.group(6) and len(block[0].split()) > 8:
        return None
    return block[0].strip()


class _Header:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        # Contacts cut from header and closing lines, never published.
        self.contact = PrivateContact()

    def add(self, key: str, value: str) -> None:
        self.fields.setdefault(key, []).append(value)

    def extend(self, key: str, value: str) -> None:
        """A wrapped continuation of the last value of this label."""
        values = self.fields.setdefault(key, [""])
        values[-1] = f"{values[-1]} {value}".strip()

    def first(self, key: str) -> str | None:
        values = [v for v in self.fields.get(key, []) if v]
        return values[0] if values else None

    def joined(self, key: str) -> str | None:
        values = [v for v in self.fields.get(key, []) if v]
        return " ".join(values) if values else None


def _read_usenet(lines: list[str], header: _Header) -> tuple[list[str], str | None]:
    """Consume a Usenet/mail header block; return the rest and the Subject."""
    if not lines or not _USENET_HEADER_RE.match(lines[0]):
        return lines, None
    subject = None
    i = 0
    while i < len(lines) and lines[i].strip():
        match = _USENET_HEADER_RE.match(lines[i])
        if match:
            name, value = match.group(1).lower(), match.group(2).strip()
            if name == "subject":
                subject = value
            elif name in ("from", "reply-to"):
                header.add("from", value)
        i += 1
    return lines[i:], subject


def _read_header(blocks: list[list[str]], header: _Header) -> list[list[str]]:
    """Consume leading blocks made of labeled lines (and pleas); return the story blocks."""
    rest = list(blocks)
    # "THE TITLE" / "by Author" opening lines.
    if rest and len(rest[0]) <= 3:
        first = rest[0]
        bylines = [(i, m) for i, line in enumerate(first) if (m := _BYLINE_RE.match(line))]
        if bylines and bylines[0][0] >= 1 and len(first[0]) < 80:
            at, match = bylines[0]
            header.add("title", " ".join(line.strip() for line in first[:at]))
            header.add("author", match.group(1).strip())
            rest.pop(0)
    while rest:
        block = rest[0]
        text = " ".join(block)
        if len(block) <= 3 and tagging.rating_from_prose(text):
            header.add("other", text)  # "I'd rate this NC-17": a note about the story
            rest.pop(0)
            continue
        labeled = [_label(line) for line in block]
        pleas = [bool(_PLEA_RE.search(line)) for line in block]
        part_line = len(block) <= 2 and _PART_RE.search(text)
        contact_note = len(block) <= 3 and len(text) < 300 and contacts.is_contact_note(text)
        if not any(labeled) and not all(pleas) and not part_line and not contact_note:
            break
        last_key = None
        for line, lab, plea in zip(block, labeled, pleas, strict=True):
            if not lab and contacts.is_contact_note(line):
                header.add("other", contacts.scrub(line, header.contact))  # "Comments to x"
            elif lab:
                last_key = lab[0]
                header.add(lab[0], lab[1])
            elif plea:
                header.add("plea", line.strip())
            elif last_key:
                header.extend(last_key, line.strip())  # a wrapped Summary or Disclaimer line
            else:
                header.add("other", line.strip())
        rest.pop(0)
    return rest


def _strip_ending(blocks: list[list[str]], header: _Header) -> tuple[list[list[str]], bool | None]:
    """Remove end markers, pleas and signatures from the end; say whether it is complete."""
    complete: bool | None = None
    while blocks:
        block = blocks[-1]
        if any(_SIGNATURE_RE.match(line) for line in block):
            cut = next(i for i, line in enumerate(block) if _SIGNATURE_RE.match(line))
            signature = " ".join(block[cut + 1 :])
            contacts.scrub(signature, header.contact, all_urls=True)
            header.add("signature", signature)
            blocks[-1] = block[:cut]
            if not blocks[-1]:
                blocks.pop()
            continue
        text = " ".join(block).strip()
        if len(block) <= 2 and _END_IN_PROGRESS.match(text):
            complete = False if complete is None else complete
            blocks.pop()
        elif len(block) <= 2 and _END_COMPLETE.match(text):
            complete = True if complete is None else complete
            blocks.pop()
        elif (_PLEA_RE.search(text) or contacts.is_contact_note(text)) and len(text) < 300:
            # "Please send feedback to x@y!" keeps its plea; "Comments? email me: x" goes.
            header.add("plea", contacts.scrub(text, header.contact))
            blocks.pop()
        elif (lab := _label(block[0])) and lab[0] in {"an", "feedback", "archive"}:
            header.add(lab[0], " ".join([lab[1], *block[1:]]))
            blocks.pop()
        else:
            break
    # "Part 1 of ?" in a title or header means the story goes on.
    return blocks, complete


def parse_text(text: str, *, source: str, fmt: str = "text") -> ParsedStory:
    """Parse a plain-text story or posting into metadata and chapters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").lstrip("\ufeff")
    header = _Header()
    lines, subject = _read_usenet(text.split("\n"), header)
    if subject is not None:
        fmt = "usenet"
    blocks = _read_header(_blocks("\n".join(lines)), header)
    blocks, complete = _strip_ending(blocks, header)

    story = ParsedStory(source=source, format=fmt)
    # Chapters split at headings.
    chapters: list[tuple[str, list[str]]] = [("", [])]
    for block in blocks:
        heading = _chapter_heading(block)
        if heading:
            if chapters[-1][1] or chapters[-1][0]:
                chapters.append((heading, []))
            else:
                chapters[-1] = (heading, [])
            continue
        chapters[-1][1].extend([*block, ""])
    story.chapters = [
        ParsedChapter(title=title, paragraphs=_paragraphs(body)) for title, body in chapters
    ]
    story.chapters = [c for c in story.chapters if c.paragraphs] or [ParsedChapter("", [])]
    body_text = "\n\n".join(c.text for c in story.chapters)

    _apply_header(story, header, subject=subject, body_text=body_text, complete=complete)
    return contacts.keep_private(story)


def _title_from(subject: str | None, source: str) -> tuple[str | None, bool]:
    if subject:
        title = _BRACKETS_RE.sub("", _SUBJECT_NOISE.sub("", subject))
        title = _PART_RE.sub("", title)
        title = _PART_OF_RE.sub("", title)
        title = re.sub(r"\s*[-:,;]\s*$", "", re.sub(r"\s+", " ", title)).strip(" -:")
        if title:
            return title, True
    stem = Path(source).stem if source else ""
    title = re.sub(r"[_\-]+", " ", stem).strip()
    return (title.title() if title.islower() else title) or None, True


def _apply_header(
    story: ParsedStory,
    header: _Header,
    *,
    subject: str | None,
    body_text: str,
    complete: bool | None,
) -> None:
    fields = header.fields
    # Private contact details never reach the published work.
    private = story.private_contact
    for value in fields.get("email", []) + fields.get("from", []):
        contacts.scrub(value, private)  # "x@y AOL Messenger: Z" has both
    for value in fields.get("im", []):
        for handle in re.split(r"\s*(?:[,;/|]|\bor\b|\band\b)\s*", value):
            if not contacts.scrub(handle, private).strip(" #:-()[]"):
                continue  # "ICQ 123" in the value: found by the scrub
            handle = handle.strip(" #:-()[].")
            if _EMAIL_RE.fullmatch(handle):
                private.email.append(handle)
            elif handle:
                private.im.append(handle)
    for value in fields.get("url", []) + fields.get("archive", []):
        private.urls += [url.rstrip(".,;:!?") for url in _URL_RE.findall(value)]
    contacts.merge(private, header.contact)

    title = header.first("title")
    if title:
        story.title = _PART_RE.sub("", title).strip()
        if story.title.isupper() and len(story.title) > 3:
            story.title = story.title.title()
    else:
        story.title, guessed = _title_from(subject, story.source)
        story.review_needed.append("title")

    author = header.first("author")
    if not author and fields.get("from"):
        # "From: Jane Doe <jane@example.org>" or "jane@example.org (Jane Doe)"
        author = fields["from"][0]
    if author:
        # "Jane (AIM: JaneFic99, ICQ 12345)" is by Jane; the handles are private.
        author = contacts.scrub(author, private).strip(" <>()\"',;")
        story.creators = [author] if author else []
    if not story.creators:
        story.review_needed.append("creators")

    part = None
    for value in [subject or "", header.first("title") or "", *fields.get("part", [])]:
        if m := _PART_RE.search(value) or _PART_OF_RE.search(value):
            total = None if m.group(2) == "?" else _number(m.group(2))
            part = (_number(m.group(1)) or 1, total)
            break
    story.part = part

    rating_value = header.first("rating")
    rating = tagging.map_rating(rating_value) if rating_value else None
    if rating is None:
        rating = tagging.rating_from_prose(" ".join(fields.get("other", []) + fields.get("an", [])))
    if rating is None:
        story.review_needed.append("rating")
    story.rating = rating or "Not Rated"

    # Fandom: a label, else the disclaimer's creators, else the characters the text names most.
    disclaimer = header.joined("disclaimer") or ""
    mentions = tagging.Mentions(body_text)
    found: list[tagging.Fandom] = []
    hinted = [b for b in _BRACKETS_RE.findall(subject or "") if tagging.fandom_named(b)]
    for value in fields.get("fandom", []) + hinted:
        for name in re.split(r"\s*[,;]\s*", value):
            fandom = tagging.fandom_named(name)
            if fandom:
                found.append(fandom)
            elif name:
                story.fandoms.append(name)
    if not found and not story.fandoms and disclaimer:
        found = tagging.fandoms_from_disclaimer(disclaimer, mentions)
    if not found and not story.fandoms:
        by_characters = tagging.fandom_by_characters(mentions)
        found = [by_characters] if by_characters else []
    story.fandoms = [f.name for f in found] + story.fandoms
    if not story.fandoms:
        story.review_needed.append("fandoms")

    for value in fields.get("pairing", []):
        for entry in re.split(r"\s*[,;]\s*|\s+and\s+", value):
            if entry and entry.lower() not in {"none", "n/a", "gen", "no pairing"}:
                rel = tagging.relationship_from_pairing(entry, found)
                if rel not in story.relationships:
                    story.relationships.append(rel)
    for value in fields.get("characters", []):
        for name in re.split(r"\s*[,;]\s*|\s+and\s+", value):
            canonical = next(
                (f.name_index[name.lower()] for f in found if name.lower() in f.name_index), name
            )
            if canonical and canonical not in story.characters:
                story.characters.append(canonical)
    for fandom in found:
        for name in tagging.characters_in(fandom, mentions):
            if name not in story.characters:
                story.characters.append(name)
    for rel in story.relationships:
        for name in re.split(r"\s*[/&]\s*", rel):
            if name not in story.characters and any(name in f.characters for f in found):
                story.characters.append(name)

    for value in fields.get("freeform", []):
        if value not in story.freeforms:
            story.freeforms.append(value)
    for key in ("genre", "category"):
        for value in fields.get(key, []):
            for tag in re.split(r"\s*[,;/]\s*", value):
                if tag and tag.lower() not in {"none", "n/a"}:
                    story.freeforms.append(tag.strip().title() if tag.islower() else tag.strip())
    if fields.get("warnings"):
        story.freeforms += [
            w
            for w in re.split(r"\s*[,;]\s*", header.joined("warnings") or "")
            if w and w.lower() not in {"none", "n/a"}
        ]
        story.archive_warnings = ["Creator Chose Not To Use Archive Warnings"]
    context = " ".join([body_text, header.joined("timeline") or "", header.joined("summary") or ""])
    if re.search(r"after the (?:series|show) finale|post[- ](?:series|finale)", context, re.I):
        story.freeforms.append("Post-Series")

    # "Feedback: jane@example.org" says nothing once the address is private.
    fields["feedback"] = [contacts.scrub(v, private) for v in fields.get("feedback", [])]
    private.email = sorted(set(private.email))
    private.im = list(dict.fromkeys(private.im))
    private.urls = sorted(set(private.urls))

    story.summary = header.joined("summary")
    notes = []
    for key, label in (
        ("series", "Series"),
        ("spoilers", "Spoilers"),
        ("timeline", "Timeline"),
        ("disclaimer", "Disclaimer"),
        ("an", "Author's note"),
        ("feedback", "Feedback"),
        ("other", None),
        ("plea", None),
    ):
        for value in fields.get(key, []):
            if value:
                notes.append(f"{label}: {value}" if label else value)
    story.notes = "\n\n".join(notes) or None
    story.complete = (
        bool(complete)
        if complete is not None
        else (part is not None and part[1] is not None and part[0] == part[1])
    )


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _number(value: str) -> int | None:
    value = value.strip().lower()
    if value.isascii() and value.isdigit():
        return int(value)
    if value in _WORD_NUMBERS:
        return _WORD_NUMBERS.index(value) + 1
    if value and all(ch in _ROMAN for ch in value):
        total = 0
        for i, ch in enumerate(value):
            n = _ROMAN[ch]
            total += -n if i + 1 < len(value) and _ROMAN[value[i + 1]] > n else n
        return total
    return None
