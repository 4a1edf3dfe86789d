"""Word .docx stories: mammoth turns the document into HTML, read like an HTML page."""

import io
import zipfile

import mammoth

from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.html import parse_html
from fanfold.imports.importers.story import ParsedStory


def parse_docx(raw: bytes, *, source: str) -> ParsedStory:
    """Parse a Word document into metadata and chapters, keeping emphasis and headings."""
    try:
        result = mammoth.convert_to_html(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ImportRefused(
            f"This is not a readable Word .docx file ({e.__class__.__name__})."
        ) from e
    story = parse_html(f"<body>{result.value}</body>", source=source)
    story.format = "docx"
    return story
