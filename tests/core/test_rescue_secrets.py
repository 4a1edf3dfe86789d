"""Forms posted with a stale security token are kept for restoring, but never their passwords."""

import json

import pytest
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.http import QueryDict
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fanfold.core.models import PendingSubmission
from fanfold.core.services import pending_submission_keep
from tests.factories import PASSWORD, UserFactory

NEW = "brand-new-secret-phrase-42"
HOST = "http://testserver"


def _stale_client() -> Client:
    return Client(enforce_csrf_checks=True, HTTP_ORIGIN=HOST)


def _everything_kept() -> str:
    return json.dumps([p.data for p in PendingSubmission.objects.all()])


@pytest.mark.django_db
def test_password_change_with_stale_token_keeps_no_password():
    user = UserFactory(username="changer")
    client = _stale_client()
    client.force_login(user)
    response = client.post(
        "/password/change/",
        {
            "csrfmiddlewaretoken": "stale" * 8,
            "old_password": PASSWORD,
            "new_password1": NEW,
            "new_password2": NEW,
        },
    )
    assert response.status_code == 302
    kept = _everything_kept()
    assert NEW not in kept and PASSWORD not in kept
    assert "new_password1" not in kept and "old_password" not in kept
    page = client.get(response["Location"], follow=True)
    assert "Passwords are never kept" in page.content.decode()


@pytest.mark.django_db
def test_password_reset_with_stale_token_recovers_in_place():
    """The emailed link leads to the set-password form (the token kept in the session); a
    post to it with a stale security token comes back to that form, not the login page."""
    user = UserFactory(username="forgetful")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    client = _stale_client()
    link = client.get(f"/password/reset/{uid}/{default_token_generator.make_token(user)}/")
    form_path = link["Location"]
    assert link.status_code == 302 and form_path.endswith("/set-password/")
    response = client.post(
        form_path,
        {"csrfmiddlewaretoken": "stale" * 8, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(form_path) and "/login/" not in location
    assert NEW not in _everything_kept()
    again = client.get(location)
    page = again.content.decode()
    assert again.status_code == 200 and 'name="new_password1"' in page
    assert "Passwords are never kept" in page


class PassphraseForm(forms.Form):
    """A form whose secret field has no password-like name: the widget decides."""

    title = forms.CharField()
    unlock_phrase = forms.CharField(widget=forms.PasswordInput)


@pytest.mark.django_db
def test_any_field_with_a_password_widget_is_never_kept():
    post = QueryDict(mutable=True)
    post.update({"title": "Kept title", "unlock_phrase": NEW, "csrfmiddlewaretoken": "x"})
    pending = pending_submission_keep(path="/somewhere/", post=post)
    assert pending.data == {"title": ["Kept title"]}


@pytest.mark.django_db
def test_a_guest_comment_with_a_stale_token_goes_back_to_the_form(published_work):
    path = f"/works/{published_work.pk}/comment/"
    response = _stale_client().post(
        path, {"csrfmiddlewaretoken": "stale" * 8, "guest_name": "Guest", "body": "Lovely!"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(path)


@pytest.mark.django_db
def test_a_stale_token_form_with_unstorable_text_is_kept_readably(published_work):
    """A NUL can't go into PostgreSQL's JSON: it is kept as U+FFFD, the rest as typed."""
    path = f"/works/{published_work.pk}/comment/"
    response = _stale_client().post(
        path, {"csrfmiddlewaretoken": "stale" * 8, "guest_name": "G\x00", "body": "a\x00b\ufffe"}
    )
    assert response.status_code == 302
    assert PendingSubmission.objects.get().data == {
        "guest_name": ["G\ufffd"],
        "body": ["a\ufffdb\ufffd"],
    }


@pytest.mark.django_db
def test_autosave_with_unstorable_text_never_500(client, author):
    from fanfold.works.models import EditorDraft

    client.force_login(author)
    assert client.post("/works/autosave/", {"autosave_key": "k\x00"}).status_code == 400
    response = client.post("/works/autosave/", {"autosave_key": "new-work", "body": "x\x00y"})
    assert response.status_code == 200
    assert EditorDraft.objects.get(key="new-work").data["body"] == ["x\ufffdy"]
