import io
import zipfile

import pytest

from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.docx import parse_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PKG = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "application/vnd.openxmlformats"
REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
XML = '<?xml version="1.0" encoding="UTF-8"?>'


def _docx(paragraphs: list[list[tuple[str, str]]]) -> bytes:
    """A minimal Word document: each paragraph is a list of (text, "b"/"i"/"") runs."""

    def run(text: str, style: str) -> str:
        props = {"b": "<w:rPr><w:b/></w:rPr>", "i": "<w:rPr><w:i/></w:rPr>"}.get(style, "")
        return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'

    body = "".join("<w:p>" + "".join(run(t, s) for t, s in p) + "</w:p>" for p in paragraphs)
    document = f'{XML}<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            f'{XML}<Types xmlns="{PKG}/content-types">'
            f'<Default Extension="rels" ContentType="{OFFICE}-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType='
            f'"{OFFICE}-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'{XML}<Relationships xmlns="{PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{REL_DOC}" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr("word/document.xml", document)
    return out.getvalue()


def test_word_document_with_header_and_emphasis():
    raw = _docx(
        [
            [("Title: Kettle Logic", "")],
            [("Author: Perihelion", "")],
            [("Rating: T", "")],
            [("Disclaimer: Doctor Who belongs to the BBC.", "")],
            [("Chapter 1", "")],
            [("The Doctor put the kettle on and ", ""), ("refused", "i"), (" to explain.", "")],
            [("Rose waited. The Doctor waited. The kettle did ", ""), ("not", "b"), (" wait.", "")],
            [("Chapter 2", "")],
            [("Tea, at last, for the Doctor and Rose.", "")],
            [("TBC", "")],
        ]
    )
    story = parse_docx(raw, source="kettle.docx")
    assert story.format == "docx"
    assert story.title == "Kettle Logic" and story.creators == ["Perihelion"]
    assert story.rating == "Teen And Up Audiences" and story.complete is False
    assert story.fandoms == ["Doctor Who"]
    assert [c.title for c in story.chapters] == ["Chapter 1", "Chapter 2"]
    assert "<em>refused</em>" in story.chapters[0].html
    assert "<strong>not</strong>" in story.chapters[0].html
    assert "Disclaimer" not in story.chapters[0].html


@pytest.mark.parametrize("raw", [b"PK\x03\x04 broken", b"not a zip at all", _docx([])[:50]])
def test_broken_word_files_are_refused(raw):
    with pytest.raises(ImportRefused):
        parse_docx(raw, source="broken.docx")
