import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fanfold.works.models import Status, Work

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.django_db
def test_upload_preview_then_keep_as_draft(client, author):
    client.force_login(author)
    assert client.get("/works/import/").status_code == 200
    upload = SimpleUploadedFile(
        "lanterns.txt", (FIXTURES / "lanterns-cp1252-crlf.txt").read_bytes()
    )
    page = client.post("/works/import/", {"file": upload, "preview": "1"}).content.decode()
    assert 'value="Lanterns in the Crypt"' in page
    assert "Buffy kicked the crypt door open" in page
    assert not Work.objects.exists()  # nothing stored before confirming
    response = client.post(
        "/works/import/",
        {
            "confirm": "1",
            "title": "Lanterns in the Crypt (edited)",
            "rating": "teen",
            "fandoms": "Buffy the Vampire Slayer",
            "language": "en",
            "text_format": "plain",
            "chapter_title": ["", "Second"],
            "chapter_text": ["First part.\n\n* * *\n\nStill first.", "Second part."],
        },
    )
    work = Work.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/works/{work.pk}/"
    assert work.status == Status.DRAFT and work.creators.get() == author
    assert work.title == "Lanterns in the Crypt (edited)" and work.chapters.count() == 2


@pytest.mark.django_db
def test_bad_import_input_keeps_what_was_typed(client, author):
    client.force_login(author)
    page = client.post("/works/import/", {"preview": "1"}).content.decode()
    assert "Choose a file or paste a story" in page
    binary = SimpleUploadedFile("x.txt", b"\x00\x01\x02" * 100)
    page = client.post("/works/import/", {"file": binary, "preview": "1"}).content.decode()
    assert "binary file" in page
    page = client.post(
        "/works/import/",
        {
            "confirm": "1",
            "title": "",
            "rating": "teen",
            "fandoms": "F",
            "language": "en",
            "text_format": "plain",
            "chapter_title": ["T"],
            "chapter_text": ["Kept text."],
        },
    ).content.decode()
    assert "Kept text." in page and not Work.objects.exists()


@pytest.mark.django_db
def test_pasted_markdown_with_front_matter(client, author):
    client.force_login(author)
    text = (FIXTURES / "gate-notes.md").read_text()
    page = client.post("/works/import/", {"text": text, "preview": "1"}).content.decode()
    assert 'value="Notes from the Gate Room"' in page and "Stargate SG-1" in page
    assert "Chapter 2: Naquadah" in page


@pytest.mark.django_db
def test_formatted_upload_keeps_emphasis_through_the_preview(client, author):
    client.force_login(author)
    upload = SimpleUploadedFile("midnight.html", (FIXTURES / "midnight-archive.html").read_bytes())
    page = client.post("/works/import/", {"file": upload, "preview": "1"}).content.decode()
    assert 'name="chapter_format" value="html"' in page
    assert "&lt;i&gt;twice&lt;/i&gt;" in page  # the HTML is shown (escaped) in the textarea
    client.post(
        "/works/import/",
        {
            "confirm": "1",
            "title": "Midnight",
            "rating": "general",
            "fandoms": "Buffy the Vampire Slayer",
            "language": "en",
            "text_format": "plain",
            "chapter_format": "html",
            "chapter_title": ["Part One"],
            "chapter_text": ["<p>Willow counted the candles <i>twice</i>.</p><script>x()</script>"],
        },
    )
    chapter = Work.objects.get().chapters.get()
    assert "<i>twice</i>" in chapter.body_html and "script" not in chapter.body_html


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfeA\x00B",  # odd length
        b"\xff\xfeA\x00\x00\xd8B\x00",  # a lone surrogate
        "\ufeffTitle: Broken\nAuthor: Kit\n\nBuffy\x00 ran \udc00 home.\n".encode(
            "utf-16-le", errors="surrogatepass"
        ),
    ],
)
def test_damaged_utf16_is_read_with_replacements(raw):
    from fanfold.imports.importers.decode import decode_text

    text = decode_text(raw)
    assert "\ufffd" in text
    assert not re.search("[\x00\ud800-\udfff]", text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"\xff\xfeA\x00B", "A\ufffd"),
        (b"\xff\xfeA\x00\x00\xd8B\x00", "A\ufffdB"),
        (
            "\ufeffTitle: Broken\nAuthor: Kit\n\nBuffy ran \udc00 home.\x00\n\nThe end.\n".encode(
                "utf-16-le", errors="surrogatepass"
            ),
            "Buffy ran \ufffd home.\ufffd",
        ),
    ],
)
def test_damaged_utf16_upload_shows_a_preview_not_an_error(client, author, raw, shown):
    client.force_login(author)
    upload = SimpleUploadedFile("broken.txt", raw)
    response = client.post("/works/import/", {"file": upload, "preview": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert shown in page
    assert "some characters could not be read and were replaced" in page
    assert not Work.objects.exists()
