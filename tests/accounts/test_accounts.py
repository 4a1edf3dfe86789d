import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import PASSWORD, UserFactory

User = get_user_model()
NEW_PASSWORD = "an0ther-long-passphrase"


def _link(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.mark.django_db(transaction=True)
def test_signup_verify_email_and_argon2(client):
    response = client.post(
        "/signup/",
        {
            "username": "newfan",
            "email": "newfan@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newfan")
    assert user.password.startswith("argon2")
    assert not user.email_verified
    # The verification email was sent by the background task after commit.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newfan@example.org"]
    response = client.get(_link(mail.outbox[0]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified
    assert client.get("/verify/garbage/").status_code == 400


@pytest.mark.django_db
def test_signup_errors_keep_input(client):
    UserFactory(username="taken")
    page = client.post(
        "/signup/",
        {"username": "taken", "email": "x@example.org", "password1": "a", "password2": "b"},
    ).content.decode()
    assert "already exists" in page and "x@example.org" in page
    honeypot = client.post(
        "/signup/",
        {
            "username": "bot",
            "email": "bot@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "website": "http://spam",
        },
    )
    assert honeypot.status_code == 200 and not User.objects.filter(username="bot").exists()


@pytest.mark.django_db
def test_login_logout(client, author):
    assert client.post("/login/", {"username": "author", "password": "wrong"}).status_code == 200
    response = client.post("/login/", {"username": "author", "password": PASSWORD})
    assert response.status_code == 302
    assert "Log out" in client.get("/").content.decode()
    client.post("/logout/")
    assert "Log in" in client.get("/").content.decode()


@pytest.mark.django_db
def test_login_is_rate_limited(client, author):
    for _ in range(20):
        client.post("/login/", {"username": "author", "password": "wrong"})
    response = client.post("/login/", {"username": "author", "password": PASSWORD})
    assert response.status_code == 429
    assert "try again in about" in response.content.decode()
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_change_password(client, author):
    client.force_login(author)
    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_reset_password_by_email(client, author):
    client.post("/password/reset/", {"email": author.email})
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    response = client.get(link)  # redirects to the set-password form
    assert response.status_code == 302
    response = client.post(
        response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.check_password(NEW_PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_profile_edit_and_public_page(client, author):
    client.force_login(author)
    response = client.post(
        "/profile/",
        {
            "display_name": "Auteur",
            "email": "new@example.org",
            "bio": "I write.",
            "links": "https://example.org/me",
        },
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.display_name == "Auteur" and author.links == ["https://example.org/me"]
    assert author.email == "new@example.org" and not author.email_verified
    assert mail.outbox[-1].to == ["new@example.org"]
    page = client.get("/users/author/").content.decode()
    assert "Auteur" in page and "I write." in page and 'href="https://example.org/me"' in page
    bad = client.post(
        "/profile/",
        {
            "display_name": "X",
            "email": "new@example.org",
            "bio": "kept bio",
            "links": "javascript:alert(1)",
        },
    )
    assert bad.status_code == 200 and "is not a web address" in bad.content.decode()
    assert "kept bio" in bad.content.decode()


@pytest.mark.django_db
def test_api_tokens_page(client, author):
    client.force_login(author)
    page = client.post("/profile/tokens/", {"name": "e-reader"}).content.decode()
    raw = re.search(r'id="new-token">(ff_[^<]+)<', page).group(1)
    assert client.get("/api/v1/works", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token = author.api_tokens.get()
    assert raw not in str(token.__dict__)  # only the hash is stored
    client.post("/profile/tokens/", {"revoke": token.pk})
    assert client.get("/api/v1/works", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_revoking_a_bogus_token_id_is_404(client, author):
    client.force_login(author)
    assert client.post("/profile/tokens/", {"revoke": "abc"}).status_code == 404
    assert client.post("/profile/tokens/", {"revoke": "99999"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_verification_job_run_again_sends_no_second_email(client):
    """A requeued or retried job for the same request sends nothing more; a new request
    for a link (the resend button) does send one."""
    from fanfold.accounts.tasks import email_verification_send_task
    from fanfold.core.models import EmailSent

    client.post(
        "/signup/",
        {"username": "twice", "email": "twice@example.org", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip
    assert len(mail.outbox) == 1
    user = User.objects.get(username="twice")
    key = EmailSent.objects.get().key
    request = key.rsplit(":", 1)[1]
    email_verification_send_task.call(user.pk, request=request)  # the same job, run again
    assert len(mail.outbox) == 1
    client.force_login(user)
    client.post("/verify-again/")
    assert len(mail.outbox) == 2
