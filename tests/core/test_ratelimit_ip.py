"""The reader's address, directly or behind a trusted reverse proxy."""

from django.test import RequestFactory

from fanfold.core.ratelimit import client_ip


def ip(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_direct_connections_use_the_socket_address_and_ignore_the_header():
    assert ip("203.0.113.9") == "203.0.113.9"
    assert ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_a_local_proxy_the_forwarded_reader_counts(settings):
    assert ip("127.0.0.1", "198.51.100.7") == "198.51.100.7"
    # A reader can't pass themselves off as someone else by sending their own header:
    # the proxy appends the address it saw, and that is the one taken.
    assert ip("127.0.0.1", "10.9.9.9, 198.51.100.7") == "198.51.100.7"
    assert ip("127.0.0.1") == "127.0.0.1"
    settings.FANFOLD_TRUSTED_PROXIES = frozenset({"127.0.0.1", "10.0.0.2"})
    assert ip("127.0.0.1", "198.51.100.7, 10.0.0.2") == "198.51.100.7"
