"""What an importer extracts from one story file."""

from dataclasses import asdict, dataclass, field

from fanfold.imports.importers import markup


def html_paragraphs(fragment: str) -> str:
    """Sanitized HTML as plain text: one blank line between blocks, "* * *" for rules (read
    as a tree, as `markup.text_of` reads it)."""
    return markup.html_text(fragment)


@dataclass
class ParsedChapter:
    title: str
    paragraphs: list[str]  # plain-text paragraphs; "<hr>" marks a scene break
    html: str | None = None  # set by importers of formatted text (Markdown, HTML)

    @property
    def text(self) -> str:
        if self.html is not None:
            return html_paragraphs(self.html)
        return "\n\n".join("* * *" if p == "<hr>" else p for p in self.paragraphs)


@dataclass
class PrivateContact:
    # The author's own addresses (header, From:, byline, signature): these let them claim.
    email: list[str] = field(default_factory=list)
    im: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    # Addresses met in notes or story text, which may be anyone's: kept private, never claim.
    mentioned: list[str] = field(default_factory=list)


@dataclass
class ParsedStory:
    source: str
    format: str
    title: str | None = None
    creators: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    rating: str = "Not Rated"
    archive_warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    summary: str | None = None
    notes: str | None = None
    language: str = "en"
    complete: bool = False
    chapters: list[ParsedChapter] = field(default_factory=list)
    private_contact: PrivateContact = field(default_factory=PrivateContact)
    review_needed: list[str] = field(default_factory=list)
    part: tuple[int, int | None] | None = None  # "(2/7)": this file is part 2 of 7

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("part")
        return data
