import pytest
from ebooklib import epub

from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.epub import parse_epub

PREFACE = """<html><body><h1>The Quiet Gate</h1>
<div class="meta"><dl class="tags">
<dt>Rating:</dt><dd>Teen And Up Audiences</dd>
<dt>Archive Warning:</dt><dd>No Archive Warnings Apply</dd>
<dt>Category:</dt><dd>Gen</dd>
<dt>Fandom:</dt><dd>Stargate SG-1</dd>
<dt>Relationship:</dt><dd>Daniel Jackson &amp; Teal'c</dd>
<dt>Characters:</dt><dd>Daniel Jackson, Teal'c</dd>
<dt>Additional Tags:</dt><dd>Friendship, Off-World</dd>
<dt>Status:</dt><dd>Completed</dd>
</dl></div></body></html>"""


def _book(tmp_path) -> bytes:
    book = epub.EpubBook()
    book.set_identifier("fanfold-test-epub")
    book.set_title("The Quiet Gate")
    book.set_language("en")
    book.add_author("Chaya_Writes")
    book.add_metadata("DC", "description", "<p>Daniel and Teal'c wait out a storm.</p>")
    preface = epub.EpubHtml(title="Preface", file_name="preface.xhtml", content=PREFACE)
    one = epub.EpubHtml(
        title="1",
        file_name="ch1.xhtml",
        content=(
            "<html><body><h2>Chapter 1: Storm</h2><p>Daniel watched the storm with "
            "<em>great</em> interest.</p><script>bad()</script><hr/><p>Teal'c did not.</p>"
            "</body></html>"
        ),
    )
    two = epub.EpubHtml(
        title="2",
        file_name="ch2.xhtml",
        content=(
            "<html><body><h2>Chapter 2: Calm</h2>"
            "<p>By morning the gate was quiet.</p></body></html>"
        ),
    )
    for item in (preface, one, two):
        book.add_item(item)
    book.toc = [one, two]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = [preface, one, two]
    path = tmp_path / "quiet-gate.epub"
    epub.write_epub(str(path), book)
    return path.read_bytes()


def test_ao3_style_epub(tmp_path):
    story = parse_epub(_book(tmp_path), source="quiet-gate.epub")
    assert story.title == "The Quiet Gate" and story.creators == ["Chaya_Writes"]
    assert story.summary == "Daniel and Teal'c wait out a storm."
    assert story.rating == "Teen And Up Audiences"
    assert story.archive_warnings == ["No Archive Warnings Apply"]
    assert story.categories == ["Gen"] and story.fandoms == ["Stargate SG-1"]
    assert story.relationships == ["Daniel Jackson & Teal'c"]
    assert story.freeforms == ["Friendship", "Off-World"]
    assert story.complete is True
    assert [c.title for c in story.chapters] == ["Chapter 1: Storm", "Chapter 2: Calm"]
    first = story.chapters[0].html
    assert "<em>great</em>" in first and "<hr>" in first and "bad()" not in first


@pytest.mark.parametrize("raw", [b"PK\x03\x04 broken", b"plain text, not an epub"])
def test_broken_epub_is_refused(raw):
    with pytest.raises(ImportRefused):
        parse_epub(raw, source="broken.epub")
