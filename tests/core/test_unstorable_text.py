"""Text no field can store (NUL, halves of surrogate pairs, non-characters) gets a clear
422 or form error from one rule, keeps what was typed, and never writes a row."""

import html
import importlib
import json
import pkgutil

import pytest
from django import forms

import fanfold
from fanfold.accounts.services import api_token_create
from fanfold.bookmarks.models import Bookmark
from fanfold.core.forms import CleanTextForm
from fanfold.core.text import text_problem
from fanfold.feedback.models import Comment
from fanfold.works.models import Work
from tests.works.test_views import FORM

BAD = ["\x00", "\ud800", "\udfff", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff"]
FINE = ["plain", "emoji 🧛‍♀️ and CJK 吸血鬼", "tabs\tand\r\nnewlines", "\ufeffBOM", "\u200dzwj"]


@pytest.mark.parametrize("bad", BAD)
def test_the_rule_names_the_character_and_its_place(bad):
    problem = text_problem(f"Spike{bad}Buffy")
    assert problem and "position 6" in problem


@pytest.mark.parametrize("fine", FINE)
def test_ordinary_text_passes(fine):
    assert text_problem(fine) is None


def test_every_form_of_fanfold_uses_the_rule():
    for info in pkgutil.walk_packages(fanfold.__path__, "fanfold."):
        if info.name.endswith(".forms"):
            importlib.import_module(info.name)
    found = [
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("fanfold.") and cls is not CleanTextForm
    ]
    assert len(found) >= 10
    assert [c.__qualname__ for c in found if not issubclass(c, CleanTextForm)] == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@pytest.fixture
def api_post(client, author):
    raw = api_token_create(user=author, name="t")[1]

    def send(method: str, path: str, payload: dict):
        # ensure_ascii sends "\ud800" as the escape a real client would send.
        return getattr(client, method)(
            f"/api/v1{path}",
            data=json.dumps(payload, ensure_ascii=True),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return send


def _work(title="T", fandoms=("F",), chapter=None, **kw):
    return {"title": title, "fandoms": list(fandoms), "chapter": chapter or {"body": "b"}, **kw}


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["\ud800", "\udfff", "\x00", "\ufffe"])
@pytest.mark.parametrize(
    "payload",
    [
        lambda b: _work(title=f"A{b}"),
        lambda b: _work(summary=b),
        lambda b: _work(notes=b),
        lambda b: _work(end_notes=b),
        lambda b: _work(fandoms=["ok", b]),
        lambda b: _work(relationships=[b]),
        lambda b: _work(characters=[b]),
        lambda b: _work(freeforms=[b]),
        lambda b: _work(language=b),
        lambda b: _work(chapter={"body": b}),
        lambda b: _work(chapter={"body": "ok", "title": b}),
        lambda b: _work(chapter={"body": "ok", "notes": b}),
    ],
)
def test_api_work_fields_refuse_unstorable_text(api_post, payload, bad):
    response = api_post("post", "/works", payload(bad))
    assert response.status_code == 422, response.content
    assert "can't be stored" in response.content.decode()
    assert not Work.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["\ud800", "\x00"])
def test_api_updates_comments_and_bookmarks_refuse_unstorable_text(api_post, published_work, bad):
    wid = published_work.pk
    chapter = published_work.chapters.get()
    for method, path, payload in [
        ("patch", f"/works/{wid}", {"title": bad}),
        ("patch", f"/works/{wid}", {"freeforms": [bad]}),
        ("post", f"/works/{wid}/chapters", {"body": bad}),
        ("patch", f"/works/{wid}/chapters/{chapter.pk}", {"title": bad}),
        ("post", f"/works/{wid}/comments", {"body": f"Lovely{bad}"}),
        ("post", f"/works/{wid}/bookmark", {"note": bad}),
        ("post", f"/works/{wid}/bookmark", {"tags": ["ok", bad]}),
    ]:
        response = api_post(method, path, payload)
        assert response.status_code == 422, (method, path, response.content)
    published_work.refresh_from_db()
    assert published_work.title != bad and published_work.chapters.count() == 1
    assert not Comment.objects.exists() and not Bookmark.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["\x00", "\ufffe", "\U0001ffff"])
def test_the_work_form_shows_an_error_and_keeps_the_text(client, author, bad):
    client.force_login(author)
    summary = f"A summary with a stray {bad} character."
    response = client.post("/works/new/", {**FORM, "summary": summary, "post": "Post"})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "can't be stored" in page or "Null characters are not allowed" in page
    assert "Some notes." in page and "Second paragraph." in page  # the rest is kept
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_a_comment_form_shows_an_error_and_keeps_the_text(client, other, published_work):
    client.force_login(other)
    response = client.post(
        f"/works/{published_work.pk}/comment/",
        {"body": "I loved it\ufdd0 so much", "text_format": "markdown"},
    )
    assert response.status_code in (200, 400)
    page = html.unescape(response.content.decode())
    assert "can't be stored" in page and "I loved it" in page
    assert not Comment.objects.exists()
