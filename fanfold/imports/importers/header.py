"""A story's header: the labeled lines above an imported story ("Title:", "Rating:",
"Disclaimer:", ...), gathered in a `Header` and turned into the story's metadata.

Every importer that finds header lines (plain text and Usenet postings, HTML pages,
Markdown front matter) fills a `Header` and ends with `apply_header`, which runs the steps
below in order. Each step is public and can run alone: it reads the header and fills
part of a `ParsedStory`.
"""

import re
from pathlib import Path

from fanfold.imports.importers import contacts, tagging
from fanfold.imports.importers.story import ParsedStory, PrivateContact

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
# "(2/7)", "[3 of ?]": this file is one part of a story posted in parts.
PART_RE = re.compile(r"[\[(]\s*(\d+)\s*(?:/|of)\s*(\d+|\?)\s*[\])]", re.I)
_PART_OF_RE = re.compile(r"\bpart\s+(\d+|[ivxlc]+)\s+of\s+(\d+|\?)", re.I)
WORD_NUMBERS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",
]  # fmt: skip
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')]+", re.I)
_BRACKETS_RE = re.compile(r"\s*\[([^\]]*)\]\s*")
_SUBJECT_NOISE = re.compile(
    r"^\s*(?:re:\s*)?(?:\[?\s*(?:fic|new|fanfic|story|ff)\s*[\]:]\s*)+", re.I
)
_LIST_SPLIT = re.compile(r"\s*[,;]\s*")
_NAMES_SPLIT = re.compile(r"\s*[,;]\s*|\s+and\s+")
_HANDLES_SPLIT = re.compile(r"\s*(?:[,;/|]|\bor\b|\band\b)\s*")
_POST_SERIES = re.compile(r"after the (?:series|show) finale|post[- ](?:series|finale)", re.I)
_NONE = {"none", "n/a"}
# Header fields that become the work's notes, in this order, with their label there.
_NOTES: tuple[tuple[str, str | None], ...] = (
    ("series", "Series"),
    ("spoilers", "Spoilers"),
    ("timeline", "Timeline"),
    ("disclaimer", "Disclaimer"),
    ("an", "Author's note"),
    ("feedback", "Feedback"),
    ("other", None),
    ("plea", None),
)


class Header:
    """The fields of a header block, by field name ("title", "im", "disclaimer", ...):
    every value in the order found. Also the contacts cut from header and closing lines,
    which are never published."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.contact = PrivateContact()

    def add(self, key: str, value: str) -> None:
        """Another value of a field."""
        self.fields.setdefault(key, []).append(value)

    def extend(self, key: str, value: str) -> None:
        """A wrapped continuation of the last value of this field."""
        values = self.fields.setdefault(key, [""])
        values[-1] = f"{values[-1]} {value}".strip()

    def first(self, key: str) -> str | None:
        """The first non-empty value of a field."""
        values = [v for v in self.fields.get(key, []) if v]
        return values[0] if values else None

    def joined(self, key: str) -> str | None:
        """All non-empty values of a field, joined by spaces."""
        values = [v for v in self.fields.get(key, []) if v]
        return " ".join(values) if values else None


def label(line: str) -> tuple[str, str] | None:
    """The field name and value of a labeled header line ("Rated: PG" is
    ("rating", "PG")), or None when the line carries no label."""
    match = _LABEL_RE.match(line)
    if match:
        return LABELS[match.group(1).lower()], match.group(2).strip()
    match = _BARE_LABEL_RE.match(line)
    if match and len(line) < 120:
        return LABELS[match.group(1).lower()], match.group(2).strip()
    return None


def number(value: str) -> int | None:
    """A part or chapter number written in digits, words ("three") or Roman numerals."""
    value = value.strip().lower()
    if value.isascii() and value.isdigit():
        return int(value)
    if value in WORD_NUMBERS:
        return WORD_NUMBERS.index(value) + 1
    if value and all(ch in _ROMAN for ch in value):
        total = 0
        for i, ch in enumerate(value):
            n = _ROMAN[ch]
            total += -n if i + 1 < len(value) and _ROMAN[value[i + 1]] > n else n
        return total
    return None


def title_from(subject: str | None, source: str) -> str | None:
    """A title guessed when the header has none: the posting's Subject without its
    "[FIC]" tags and part numbers, else the file name."""
    if subject:
        title = _BRACKETS_RE.sub("", _SUBJECT_NOISE.sub("", subject))
        title = PART_RE.sub("", title)
        title = _PART_OF_RE.sub("", title)
        title = re.sub(r"\s*[-:,;]\s*$", "", re.sub(r"\s+", " ", title)).strip(" -:")
        if title:
            return title
    stem = Path(source).stem if source else ""
    title = re.sub(r"[_\-]+", " ", stem).strip()
    return (title.title() if title.islower() else title) or None


# --- The steps, in the order apply_header runs them ------------------------------------------


def apply_contacts(story: ParsedStory, header: Header) -> None:
    """Move the header's contact details (email, From:, messenger handles, web sites,
    archive addresses, and what the reading already cut) into the story's private contact."""
    fields = header.fields
    private = story.private_contact
    for value in fields.get("email", []) + fields.get("from", []):
        contacts.scrub(value, private)  # "x@y AOL Messenger: Z" has both
    for value in fields.get("im", []):
        for handle in _HANDLES_SPLIT.split(value):
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


def apply_title(story: ParsedStory, header: Header, *, subject: str | None = None) -> None:
    """The title: the header's, without a part number and out of all capitals; else one
    guessed from the Subject or file name, marked for review."""
    title = header.first("title")
    if title:
        story.title = PART_RE.sub("", title).strip()
        if story.title.isupper() and len(story.title) > 3:
            story.title = story.title.title()
    else:
        story.title = title_from(subject, story.source)
        story.review_needed.append("title")


def apply_creators(story: ParsedStory, header: Header) -> None:
    """The creator: the Author line, else the From: line, without the contact details
    that often come with it (which go to the private contact)."""
    author = header.first("author")
    if not author and header.fields.get("from"):
        # "From: Jane Doe <jane@example.org>" or "jane@example.org (Jane Doe)"
        author = header.fields["from"][0]
    if author:
        # "Jane (AIM: JaneFic99, ICQ 12345)" is by Jane; the handles are private.
        author = contacts.scrub(author, story.private_contact).strip(" <>()\"',;")
        story.creators = [author] if author else []
    if not story.creators:
        story.review_needed.append("creators")


def apply_part(story: ParsedStory, header: Header, *, subject: str | None = None) -> None:
    """Which part of a story posted in parts this is: "(2/7)" or "Part 2 of ?" in the
    Subject, the title or a Part line."""
    story.part = None
    for value in [subject or "", header.first("title") or "", *header.fields.get("part", [])]:
        if m := PART_RE.search(value) or _PART_OF_RE.search(value):
            total = None if m.group(2) == "?" else number(m.group(2))
            story.part = (number(m.group(1)) or 1, total)
            return


def apply_rating(story: ParsedStory, header: Header) -> None:
    """The rating: the Rating line mapped to the archive's ratings, else a rating named in
    a note ("I'd rate this NC-17"); else Not Rated, marked for review."""
    value = header.first("rating")
    rating = tagging.map_rating(value) if value else None
    if rating is None:
        prose = header.fields.get("other", []) + header.fields.get("an", [])
        rating = tagging.rating_from_prose(" ".join(prose))
    if rating is None:
        story.review_needed.append("rating")
    story.rating = rating or "Not Rated"


def apply_fandoms(
    story: ParsedStory,
    header: Header,
    mentions: tagging.Mentions,
    *,
    subject: str | None = None,
) -> list[tagging.Fandom]:
    """The fandoms: a Fandom line or a "[Buffy]" tag in the Subject, else the creators the
    disclaimer names, else the fandom whose characters the text names most. Returns the
    fandoms known to the dataset, which the character and relationship steps use."""
    found: list[tagging.Fandom] = []
    hinted = [b for b in _BRACKETS_RE.findall(subject or "") if tagging.fandom_named(b)]
    for value in header.fields.get("fandom", []) + hinted:
        for name in _LIST_SPLIT.split(value):
            fandom = tagging.fandom_named(name)
            if fandom:
                found.append(fandom)
            elif name:
                story.fandoms.append(name)
    disclaimer = header.joined("disclaimer") or ""
    if not found and not story.fandoms and disclaimer:
        found = tagging.fandoms_from_disclaimer(disclaimer, mentions)
    if not found and not story.fandoms:
        by_characters = tagging.fandom_by_characters(mentions)
        found = [by_characters] if by_characters else []
    story.fandoms = [f.name for f in found] + story.fandoms
    if not story.fandoms:
        story.review_needed.append("fandoms")
    return found


def apply_characters(
    story: ParsedStory,
    header: Header,
    fandoms: list[tagging.Fandom],
    mentions: tagging.Mentions,
) -> None:
    """Relationships from the Pairing lines, characters from the Characters lines (by
    their names in the fandoms' datasets), those the text names often, and each side of
    a relationship the fandoms know."""
    for value in header.fields.get("pairing", []):
        for entry in _NAMES_SPLIT.split(value):
            if entry and entry.lower() not in {"none", "n/a", "gen", "no pairing"}:
                rel = tagging.relationship_from_pairing(entry, fandoms)
                if rel not in story.relationships:
                    story.relationships.append(rel)
    for value in header.fields.get("characters", []):
        for name in _NAMES_SPLIT.split(value):
            canonical = next(
                (f.name_index[name.lower()] for f in fandoms if name.lower() in f.name_index),
                name,
            )
            if canonical and canonical not in story.characters:
                story.characters.append(canonical)
    for fandom in fandoms:
        for name in tagging.characters_in(fandom, mentions):
            if name not in story.characters:
                story.characters.append(name)
    for rel in story.relationships:
        for name in re.split(r"\s*[/&]\s*", rel):
            if name not in story.characters and any(name in f.characters for f in fandoms):
                story.characters.append(name)


def apply_freeforms(story: ParsedStory, header: Header, *, body_text: str = "") -> None:
    """Additional tags: freeform tags, genres and categories, the warnings (with "Creator
    Chose Not To Use Archive Warnings"), and "Post-Series" when the story says so."""
    fields = header.fields
    for value in fields.get("freeform", []):
        if value not in story.freeforms:
            story.freeforms.append(value)
    for key in ("genre", "category"):
        for value in fields.get(key, []):
            for tag in re.split(r"\s*[,;/]\s*", value):
                if tag and tag.lower() not in _NONE:
                    story.freeforms.append(tag.strip().title() if tag.islower() else tag.strip())
    if fields.get("warnings"):
        warnings = _LIST_SPLIT.split(header.joined("warnings") or "")
        story.freeforms += [w for w in warnings if w and w.lower() not in _NONE]
        story.archive_warnings = ["Creator Chose Not To Use Archive Warnings"]
    context = [body_text, header.joined("timeline") or "", header.joined("summary") or ""]
    if _POST_SERIES.search(" ".join(context)):
        story.freeforms.append("Post-Series")


def apply_notes(story: ParsedStory, header: Header) -> None:
    """The summary, and the notes: series, spoilers, timeline, disclaimer, author's notes,
    feedback requests (without their addresses, which go private) and the other lines."""
    story.summary = header.joined("summary")
    notes = []
    for key, name in _NOTES:
        values = header.fields.get(key, [])
        if key == "feedback":
            # "Feedback: jane@example.org" says nothing once the address is private.
            values = [contacts.scrub(v, story.private_contact) for v in values]
        notes += [f"{name}: {value}" if name else value for value in values if value]
    story.notes = "\n\n".join(notes) or None


def apply_completion(story: ParsedStory, *, complete: bool | None = None) -> None:
    """Whether the story is complete: as its ending said ("The End", "TBC"), else when
    this file is the last of its parts (run `apply_part` first)."""
    if complete is not None:
        story.complete = bool(complete)
    else:
        part = story.part
        story.complete = part is not None and part[1] is not None and part[0] == part[1]


def _tidy(private: PrivateContact) -> None:
    private.email = sorted(set(private.email))
    private.im = list(dict.fromkeys(private.im))
    private.urls = sorted(set(private.urls))


def apply_header(
    story: ParsedStory,
    header: Header,
    *,
    subject: str | None = None,
    body_text: str = "",
    complete: bool | None = None,
) -> None:
    """Turn a story's header into its metadata, every step in order. `subject` is a
    posting's Subject line, `body_text` the story's plain text (fandoms and characters
    are found in it), `complete` what the story's ending said, if anything."""
    apply_contacts(story, header)
    apply_title(story, header, subject=subject)
    apply_creators(story, header)
    apply_part(story, header, subject=subject)
    apply_rating(story, header)
    mentions = tagging.Mentions(body_text)
    fandoms = apply_fandoms(story, header, mentions, subject=subject)
    apply_characters(story, header, fandoms, mentions)
    apply_freeforms(story, header, body_text=body_text)
    apply_notes(story, header)
    apply_completion(story, complete=complete)
    _tidy(story.private_contact)
