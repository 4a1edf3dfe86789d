import pytest

from fanfold.core.text import render_text, sanitize_html, word_count


@pytest.mark.parametrize(
    "dirty,forbidden",
    [
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("<script>alert(1)</script>", "alert"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ("<style>body{display:none}</style>", "display"),
        ('<p style="position:fixed">x</p>', "position"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<p class="site-header evil">x</p>', "evil"),
        ("<form><input name=q></form>", "input"),
    ],
)
def test_sanitizer_removes_dangerous_things(dirty, forbidden):
    assert forbidden not in sanitize_html(dirty)


def test_sanitizer_keeps_fiction_markup():
    html = (
        '<p class="align-center"><em>a</em> <strong>b</strong> <s>c</s> x<sup>2</sup></p>'
        "<blockquote>q</blockquote><hr><ul><li>i</li></ul><h2>H</h2>"
        '<table><tr><td>t</td></tr></table><img src="https://example.org/a.png" alt="a">'
    )
    clean = sanitize_html(html)
    for piece in (
        'class="align-center"',
        "<em>a</em>",
        "<sup>2</sup>",
        "<blockquote>",
        "<hr>",
        "<li>i</li>",
        "<h2>H</h2>",
        "<td>t</td>",
        'src="https://example.org/a.png"',
    ):
        assert piece in clean


def test_malformed_html_is_cleaned_not_rejected():
    assert render_text("<p><b>unclosed <i>tags</p></div></span>", "html").startswith("<p><b>")
    assert render_text("<<<>>>&&&", "html")


@pytest.mark.parametrize(
    "text,count",
    [
        ("<p>Hello world</p>", 2),
        ("<p>It's a well-known fact — really.</p>", 5),
        ("<p>日本語の文章</p>", 6),
        ("<p>我爱你 and you</p>", 5),
        ("<p>한국어 문장</p>", 2),
        ("<p>Привет, мир</p>", 2),
        ("<p>...</p><p> - </p>", 0),
        ("<p>one</p><p>two&nbsp;three</p>", 3),
    ],
)
def test_word_count_is_unicode_aware(text, count):
    assert word_count(text) == count
