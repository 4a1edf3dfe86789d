from pathlib import Path

import pytest

from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.markdown import parse_markdown
from fanfold.works.models import Work
from tests.imports.test_text_import import run

FIXTURES = Path(__file__).parent / "fixtures"


def test_front_matter_and_prefixed_tags():
    story = parse_markdown((FIXTURES / "gate-notes.md").read_text(), source="gate-notes.md")
    assert story.title == "Notes from the Gate Room" and story.creators == ["Tealc_fan"]
    assert story.fandoms == ["Stargate SG-1"]
    assert story.rating == "Teen And Up Audiences"
    assert "Jack O'Neill/Samantha Carter" in story.relationships  # "Sam/Jack"
    assert "Daniel Jackson & Teal'c" in story.relationships  # "p:" prefix
    assert "Daniel Jackson" in story.characters  # "c:" prefix
    assert story.freeforms == ["Team as Family", "Hurt/Comfort"]
    assert [c.title for c in story.chapters] == ["Chapter 1: Wormholes", "Chapter 2: Naquadah"]
    assert "<em>wormholes are not" in story.chapters[0].html and "<hr>" in story.chapters[0].html
    assert story.complete is False
    assert story.private_contact.email == ["tealcfan@example.com"]
    assert "tealcfan" not in story.chapters[0].text + (story.notes or "")


@pytest.mark.django_db
def test_markdown_import_keeps_formatting():
    lines, _ = run(FIXTURES / "gate-notes.md", "--json")
    work = Work.objects.get(pk=lines[0]["work_id"])
    first = work.chapters.get(position=1)
    assert "<strong>perfectly good</strong>" in first.body_html
    assert work.posted_chapter_count == 2 and not work.complete


@pytest.mark.parametrize("front", ["---\ntitle: [unclosed\n---\nText", "---\n- a list\n---\nText"])
def test_bad_front_matter_is_refused_clearly(front):
    with pytest.raises(ImportRefused):
        parse_markdown(front, source="bad.md")
