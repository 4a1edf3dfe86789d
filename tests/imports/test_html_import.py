from pathlib import Path

import pytest

from fanfold.imports.importers.html import parse_html
from fanfold.works.models import Work
from tests.imports.test_text_import import run

FIXTURES = Path(__file__).parent / "fixtures"


def test_archive_page_metadata_and_formatting():
    raw = (FIXTURES / "midnight-archive.html").read_text()
    story = parse_html(raw, source="midnight-archive.html")
    assert story.title == "Midnight at the Magic Box" and story.creators == ["Glitterfae"]
    assert story.rating == "General Audiences" and story.complete is True
    assert story.fandoms == ["Buffy the Vampire Slayer"]
    assert story.relationships == ["Willow Rosenberg/Tara Maclay"]
    assert [c.title for c in story.chapters] == ["Part One", "Part Two"]
    first = story.chapters[0].html
    assert "<i>twice</i>" in first and "<hr>" in first
    assert "<p>Anya knew. Anya always knew.</p>" in first  # <br><br> became paragraphs
    everything = "".join(c.html for c in story.chapters)
    for leaked in (
        "glitterfae@example.net",
        "Disclaimer",
        "Feedback",
        "The End",
        "Author:",
        "script",
        "onload",
        "alert",
    ):
        assert leaked not in everything, leaked
    assert story.private_contact.email == ["glitterfae@example.net"]


@pytest.mark.django_db
def test_html_import_stores_sanitized_formatting():
    lines, _ = run(FIXTURES / "midnight-archive.html", "--json")
    work = Work.objects.get(pk=lines[0]["work_id"])
    second = work.chapters.get(position=2)
    assert second.title == "Part Two" and "<b>no</b>" in second.body_html


@pytest.mark.parametrize(
    "broken",
    ["<p>unclosed <b>bold", "</div></div><p>x", "<<<>>>", "<html><body></body>", "<p>" * 500],
)
def test_malformed_html_never_crashes(broken):
    parse_html(broken, source="broken.html")
