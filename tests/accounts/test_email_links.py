"""Emailed links follow where the archive is served, and the console prints them whole."""

import io
import re

import pytest
from django.conf import settings
from django.core import mail

from fanfold import settings as fanfold_settings
from fanfold.accounts import services
from fanfold.core.mail import ConsoleEmailBackend
from tests.factories import UserFactory


def test_console_mail_is_the_readable_backend():
    # The test runner swaps MAILERS for its outbox; the module keeps what `make run` uses.
    assert fanfold_settings.MAILERS["default"]["BACKEND"] == "fanfold.core.mail.ConsoleEmailBackend"


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8000", "http://127.0.0.1:8000"),
        ("127.0.0.1", "8123", "http://127.0.0.1:8123"),
        ("0.0.0.0", "9000", "http://localhost:9000"),
        ("::1", "8080", "http://[::1]:8080"),
        ("", "", "http://127.0.0.1:8000"),
    ],
)
def test_site_url_follows_the_served_host_and_port(host, port, url):
    assert fanfold_settings._served_site_url(host, port) == url


@pytest.mark.django_db
def test_a_verification_link_printed_by_the_console_can_be_copied_and_opened(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    user = UserFactory(username="långt-namn-" + "x" * 20, email="reader@example.org")
    assert services.email_verification_send(user=user, request="copy")
    out = io.StringIO()
    ConsoleEmailBackend(stream=out).send_messages(mail.outbox)
    printed = out.getvalue()
    assert "=\n" not in printed and "=3D" not in printed and "quoted-printable" not in printed
    assert "Hello långt-namn-" in printed  # UTF-8, as written
    link = re.search(r"^http://127\.0\.0\.1:8123(/verify/\S+)$", printed, re.M)
    assert link is not None, printed
    response = client.get(link.group(1))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified


def test_email_links_start_with_the_site_url():
    assert not settings.SITE_URL.endswith("/")
