"""Plain-text and Usenet imports, on fixtures written for Fanfold."""

import contextlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fanfold.imports.importers.decode import ImportRefused, decode_text
from fanfold.imports.importers.text import SCENE_BREAK_RE, parse_text
from fanfold.imports.models import ImportedStory
from fanfold.works.models import Work

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_stories", *map(str, args), stdout=out, stderr=err)
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    return lines, out.getvalue() + err.getvalue()


def parse(name: str):
    path = FIXTURES / name
    return parse_text(decode_text(path.read_bytes()), source=str(path))


def test_mailing_list_posting_in_windows_1252_with_crlf():
    story = parse("lanterns-cp1252-crlf.txt")
    assert story.title == "Lanterns in the Crypt"
    assert story.creators == ["Moonwillow"]
    assert story.rating == "Teen And Up Audiences"
    assert story.complete is False  # "To Be Continued..."
    assert "Buffy the Vampire Slayer" in story.fandoms  # from the disclaimer's creators
    assert any(r.startswith("Spike") and "Buffy Summers" in r for r in story.relationships)
    assert "Post-Series" in story.freeforms
    text = story.chapters[0].text
    assert "Spike didn’t look up" in text  # cp1252 curly apostrophe, no mojibake
    assert "<hr>" in story.chapters[0].paragraphs
    for leaked in (
        "moonwillow@example.net",
        "MoonWillow77",
        "geocities",
        "Disclaimer",
        "Please review",
        "To Be Continued",
        "Summary:",
    ):
        assert leaked not in text, leaked
    assert story.private_contact.email == ["moonwillow@example.net"]
    assert story.private_contact.im == ["MoonWillow77"]
    assert story.private_contact.urls == ["http://www.geocities.example/moonwillow/"]
    assert "Joss Whedon" in story.notes and "Please review" in story.notes
    # Hard-wrapped lines were reflowed into paragraphs.
    assert story.chapters[0].paragraphs[0].startswith("Buffy kicked the crypt door open")
    assert story.chapters[0].paragraphs[0].endswith("expected to be invited in.")


def test_title_byline_indented_paragraphs_chapters_and_prose_rating():
    story = parse("scully-indented.txt")
    assert story.title == "The Long Drive" and story.creators == ["Cassiopeia"]
    assert story.rating == "Explicit"  # "I'd rate this NC-17"
    assert story.fandoms == ["The X-Files"]
    assert [c.title for c in story.chapters] == ["CHAPTER ONE", "CHAPTER TWO"]
    first = story.chapters[0].paragraphs
    assert (
        len(first) == 3 and first[2] == '"Are we there yet," Mulder said without opening his eyes.'
    )
    assert story.complete is True
    assert "I'd rate this NC-17" in story.notes


@pytest.mark.parametrize("name", ["cafe-latin1-cr.txt", "cafe-utf8-bom.txt"])
def test_encodings_line_endings_and_double_spacing(name):
    story = parse(name)
    assert story.title == "Café Nights" and story.rating == "General Audiences"
    paragraphs = story.chapters[0].paragraphs
    assert paragraphs[0] == (
        "Noël walked into the café at midnight and ordered a crème brûlée, "
        "which the waiter said was not on the menu at this hour."
    )
    assert len(paragraphs) == 4
    assert story.complete is True  # "Fin"


def test_usenet_parts_become_one_work(db):
    lines, _ = run(FIXTURES / "quiet-nights-2.txt", FIXTURES / "quiet-nights-1.txt", "--json")
    assert len(lines) == 1
    story = lines[0]
    assert story["format"] == "usenet"
    assert story["title"] == "Quiet Nights" and story["creators"] == ["Jane Fan"]
    assert [c["title"] for c in story["chapters"]] == ["Part 1", "Part 2"]
    assert story["complete"] is True and "title" in story["review_needed"]
    assert story["private_contact"]["email"] == ["jane@example.org"]
    work = Work.objects.get(pk=story["work_id"])
    assert work.posted_chapter_count == 2 and work.creators.get().username == "archivist"


@pytest.mark.django_db
def test_dry_run_stores_nothing_and_reimport_makes_no_duplicate():
    lines, out = run(FIXTURES, "--dry-run", "--json")
    assert len(lines) == 7 and all("work_id" not in line for line in lines)
    assert not Work.objects.exists()
    _, out = run(FIXTURES)
    assert "Imported 7 stories" in out
    assert Work.objects.count() == 7 == ImportedStory.objects.count()
    _, out = run(FIXTURES)
    assert "Imported 0 stories; 7 were already imported" in out
    assert Work.objects.count() == 7
    imported = ImportedStory.objects.get(work__title="Lanterns in the Crypt")
    assert imported.emails == ["moonwillow@example.net"] and imported.author_name == "Moonwillow"
    # The private contact is never on the published work.
    chapter_html = imported.work.chapters.get().body_html
    assert "moonwillow@example.net" not in chapter_html + imported.work.notes_html


@pytest.mark.django_db
def test_bad_files_get_a_clear_message_and_leave_nothing(tmp_path, settings):
    settings.FANFOLD_IMPORT_MAX_BYTES = 1000
    (tmp_path / "empty.txt").write_bytes(b"   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 20)
    (tmp_path / "big.txt").write_bytes(b"word " * 400)
    (tmp_path / "headers-only.txt").write_text("Title: Nothing\nAuthor: Nobody\n")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("story.txt", b"a" * 2_000_000)
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    _, out = run(tmp_path)
    assert "The file is empty" in out
    assert "binary file" in out
    assert "larger than the limit" in out
    assert "zip bomb" in out
    assert "Not a readable .zip" in out
    assert "No story text found" in out
    assert not Work.objects.exists()


def test_binary_and_empty_are_refused():
    with pytest.raises(ImportRefused):
        decode_text(b"")
    with pytest.raises(ImportRefused):
        decode_text(b"\x00" * 10 + b"abc")


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéñ", min_size=1, max_size=10)
HEADER = (
    "Title: Property Test\nAuthor: Tester\nEmail: tester@example.org\nRating: PG\n"
    "Disclaimer: Not mine.\nSummary: A test.\n\nPlease review!\n\n"
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(WORD, min_size=1, max_size=40), min_size=1, max_size=12),
    st.sampled_from([64, 70, 76]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_every_word_survives_and_no_header_leaks(paragraphs, width, newline):
    # A paragraph that reads as a scene break ("xxx", "ooo") becomes one, as authors mean it.
    assume(not any(SCENE_BREAK_RE.match(" ".join(words)) for words in paragraphs))
    body_lines = []
    for words in paragraphs:
        line = ""
        for word in words:  # hard-wrap near the given column
            if line and len(line) + 1 + len(word) > width:
                body_lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        body_lines += [line, ""]
    text = (HEADER + "\n".join(body_lines) + "\nTo Be Continued...\n").replace("\n", newline)
    story = parse_text(text, source="prop.txt")
    got = " ".join(c.text for c in story.chapters).split()
    assert got == [w for words in paragraphs for w in words]
    assert story.title == "Property Test" and story.complete is False
    assert story.private_contact.email == ["tester@example.org"]


@pytest.mark.django_db
def test_imported_work_shows_by_name_imported(client):
    lines, _ = run(FIXTURES / "lanterns-cp1252-crlf.txt", "--json")
    work_id = lines[0]["work_id"]
    for url in ("/", f"/works/{work_id}/"):
        page = client.get(url).content.decode()
        assert "by Moonwillow (imported)" in page, url
        assert "moonwillow@example.net" not in page and "MoonWillow77" not in page
    api = client.get(f"/api/v1/works/{work_id}").content.decode()
    assert "moonwillow@example.net" not in api


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_any_text_parses_without_crashing(text):
    from fanfold.imports.importers.markdown import parse_markdown

    story = parse_text(text, source="fuzz.txt")
    assert story.chapters
    with contextlib.suppress(ImportRefused):
        parse_markdown(text, source="fuzz.md")
    from fanfold.imports.importers.html import parse_html

    assert parse_html(text, source="fuzz.html").chapters


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "Title: T",
                "Author: A",
                "Rating: R",
                "Pairing: Spike/Buffy",
                "Summary: S",
                "",
                "",
                "Chapter 1",
                "* * *",
                "TBC",
                "The End",
                "Buffy said hello.",
                "-- ",
                "(1/2)",
                "by Someone",
                "Disclaimer: Joss Whedon",
                "Please review!",
                "    Indented line.",
                "I'd rate this PG",
            ]
        ),
        max_size=30,
    )
)
def test_header_like_lines_in_any_order_never_crash(lines):
    story = parse_text("\n".join(lines), source="mix.txt")
    assert story.rating in {
        "General Audiences",
        "Teen And Up Audiences",
        "Mature",
        "Explicit",
        "Not Rated",
    }
