"""Plain-text stories: mailing-list and Usenet postings, early-web archive files."""

import re

from fanfold.imports.importers import contacts, tagging
from fanfold.imports.importers.header import PART_RE, WORD_NUMBERS, Header, apply_header, label
from fanfold.imports.importers.story import ParsedChapter, ParsedStory

_USENET_HEADER_RE = re.compile(
    r"^(From|Subject|Newsgroups|Date|Message-ID|Path|Organization|Lines|References|"
    r"Reply-To|Sender|NNTP-[\w-]+|X-[\w-]+|Xref|Mime-Version|Content-[\w-]+|To|Cc):\s?(.*)$",
    re.I,
)
_PLEA_RE = re.compile(
    r"please\s+(?:review|r\s*&\s*r|r/r|comment|leave|send|let me know)|"
    r"(?:all|any)\s+(?:comments|feedback|reviews)\s+(?:are\s+|is\s+)?(?:appreciated|welcome|loved)|"
    r"feedback\s+(?:is|=|makes)\s|\bR\s*&\s*R\b|reviews?\s+(?:are|make)\s",
    re.I,
)
SCENE_BREAK_RE = re.compile(
    r"^\s*(?:[*~#=+_.\-•]\s*){3,}$|^\s*~\*~.*$|^\s*(?:o0o|oOo|xXx|XxX|0o0|<>+|\*~\*|\^\^\^)\s*$",
    re.I,
)
CHAPTER_RE = re.compile(
    r"^\s*(?:(chapter|part|book)\s+(\d+|[ivxlc]+|" + "|".join(WORD_NUMBERS) + r")\b"
    r"\s*[:.\-–—]?\s*(.*)|(prologue|epilogue|interlude)\b\s*[:.\-–—]?\s*(.*)|"
    r"([ivxlc]+|\d+)\s*[.)]\s*(.{0,60}))\s*$",
    re.I,
)
END_IN_PROGRESS = re.compile(
    r"^\s*(?:to\s+be\s+continued|tbc|t\.b\.c\.?|continued\s+in\s+.*|end\s+of\s+part\s+\w+|"
    r"more\s+(?:soon|to\s+come)|part\s+\w+\s+of\s+\?)\W*$",
    re.I,
)
END_COMPLETE = re.compile(r"^\s*(?:the\s+end|fin|end|finis|\*?the end\*?)\W*$", re.I)
_SIGNATURE_RE = re.compile(r"^--\s?$")
_BYLINE_RE = re.compile(r"^\s*(?:written\s+)?by[:\s]+(\S.{0,60})$", re.I)


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
                    if len(line) < wrap * 0.8 or SCENE_BREAK_RE.match(line):
                        merged.append([])
                if len(block) > 1:
                    merged.append([])
            blocks = [b for b in merged if b]
    paragraphs: list[str] = []
    for block in blocks:
        current: list[str] = []
        indented = sum(1 for line in block[1:] if re.match(r"^(\t| {2,})\S", line))
        for line in block:
            if SCENE_BREAK_RE.match(line):
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


def chapter_heading(block: list[str]) -> str | None:
    """The chapter heading a one-line block is ("Chapter 3: Home", "Epilogue", "IV."), if any."""
    if len(block) != 1 or len(block[0]) > 80:
        return None
    match = CHAPTER_RE.match(block[0])
    if not match:
        return None
    # Numbered headings ("1." or "IV)") only count if short, like a heading.
    if match.group(6) and len(block[0].split()) > 8:
        return None
    return block[0].strip()


def _read_usenet(lines: list[str], header: Header) -> tuple[list[str], str | None]:
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


def read_header(blocks: list[list[str]], header: Header) -> list[list[str]]:
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
        labeled = [label(line) for line in block]
        pleas = [bool(_PLEA_RE.search(line)) for line in block]
        part_line = len(block) <= 2 and PART_RE.search(text)
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


def strip_ending(blocks: list[list[str]], header: Header) -> tuple[list[list[str]], bool | None]:
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
        if len(block) <= 2 and END_IN_PROGRESS.match(text):
            complete = False if complete is None else complete
            blocks.pop()
        elif len(block) <= 2 and END_COMPLETE.match(text):
            complete = True if complete is None else complete
            blocks.pop()
        elif (_PLEA_RE.search(text) or contacts.is_contact_note(text)) and len(text) < 300:
            # "Please send feedback to x@y!" keeps its plea; "Comments? email me: x" goes.
            header.add("plea", contacts.scrub(text, header.contact))
            blocks.pop()
        elif (lab := label(block[0])) and lab[0] in {"an", "feedback", "archive"}:
            header.add(lab[0], " ".join([lab[1], *block[1:]]))
            blocks.pop()
        else:
            break
    # "Part 1 of ?" in a title or header means the story goes on.
    return blocks, complete


def parse_text(text: str, *, source: str, fmt: str = "text") -> ParsedStory:
    """Parse a plain-text story or posting into metadata and chapters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").lstrip("\ufeff")
    header = Header()
    lines, subject = _read_usenet(text.split("\n"), header)
    if subject is not None:
        fmt = "usenet"
    blocks = read_header(_blocks("\n".join(lines)), header)
    blocks, complete = strip_ending(blocks, header)

    story = ParsedStory(source=source, format=fmt)
    # Chapters split at headings.
    chapters: list[tuple[str, list[str]]] = [("", [])]
    for block in blocks:
        heading = chapter_heading(block)
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

    apply_header(story, header, subject=subject, body_text=body_text, complete=complete)
    return contacts.keep_private(story)
