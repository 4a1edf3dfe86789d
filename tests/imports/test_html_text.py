"""A chapter's plain text (`ParsedChapter.text`) is its HTML read as a tree, exactly as
`markup.text_of` reads it, also where libxml2 builds another tree than the sanitizer's."""

from pathlib import Path

import pytest

from fanfold.core.text import sanitize_html
from fanfold.imports.importers import markup
from fanfold.imports.importers.html import parse_html
from fanfold.imports.importers.markdown import parse_markdown
from fanfold.imports.importers.story import ParsedChapter, html_paragraphs

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # libxml2 closes <h2> at the <p> inside it; "tail" is still a paragraph of its own.
        ("<h2><p>Title</p>tail</h2><p>Body</p>", "Title\n\ntail\n\nBody"),
        ("<h2><table><tr><td>Cell</td></tr></table>tail</h2><p>Next</p>", "Cell\n\ntail\n\nNext"),
        ("<h1><div>A</div>B</h1>C", "A\n\nB\n\nC"),
        ("<h3>One<br>Two</h3>", "One\n\nTwo"),
        # Text before a block is a paragraph of its own, as a browser shows it.
        ("<div>Summary:<p>A storm.</p></div>", "Summary:\n\nA storm."),
        ("<P>one<BR>two<hr>three</P>", "one\n\ntwo\n\n* * *\n\nthree"),
        ('<p title="a > b">Hi <!-- <p>not</p> --> <b>there</b></p>', "Hi there"),
        ("<p>Fish &amp;amp; chips&nbsp;&#8217;</p>", "Fish &amp; chips \u2019"),
        ("", ""),
    ],
)
def test_chapter_text_reads_html_as_a_tree(html, text):
    html = sanitize_html(html)
    assert ParsedChapter("", [], html=html).text == text
    assert markup.html_text(html) == text


def _fixture_chapters() -> list[str]:
    chapters = []
    for folder in ("fixtures", "contact-fixtures"):
        for path in sorted((HERE / folder).iterdir()):
            raw = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".html":
                chapters += [c.html or "" for c in parse_html(raw, source=path.name).chapters]
                chapters.append(sanitize_html(raw))
            elif path.suffix == ".md":
                chapters += [c.html or "" for c in parse_markdown(raw, source=path.name).chapters]
    return chapters


def test_chapter_text_agrees_with_text_of_on_the_fixtures():
    chapters = _fixture_chapters()
    assert len(chapters) >= 4
    for html in chapters:
        expected = markup.text_of(markup.parse_fragment(html))
        assert html_paragraphs(html) == expected
        assert ParsedChapter("", [], html=html).text == expected


def test_text_runs_are_what_text_of_reads_as_paragraphs():
    body = markup.parse_fragment(
        "<p>Write to <b>jane</b>&#64;aol.com<br>AIM: <i>x</i></p>tail<hr>after"
    )
    runs = ["".join(getattr(node, where) for node, where in run) for run in markup.text_runs(body)]
    assert runs == ["Write to jane@aol.com", "AIM: x", "tail", "after"]
    assert markup.text_of(body) == "\n\n".join([*runs[:3], "* * *", runs[3]])
