"""The client address recorded in the audit trail and counted by the lockout."""

import pytest
from django.test import RequestFactory

from audit.request_context import client_ip

PROXY = "10.9.9.9"


def _request(forwarded_for=None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


def test_without_proxies_the_client_is_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.5")) == PROXY


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        # One proxy (nginx's $proxy_add_x_forwarded_for) sends what it saw.
        (1, "203.0.113.5", "203.0.113.5"),
        # A client that forges the header cannot choose its address.
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        # Two proxies: the outer one appended the client, the inner one the outer.
        (2, "203.0.113.5, 10.1.1.1", "203.0.113.5"),
        (2, "198.51.100.1, 203.0.113.5, 10.1.1.1", "203.0.113.5"),
    ],
)
def test_behind_trusted_proxies_the_client_is_what_the_outer_proxy_saw(
    settings, count, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(forwarded_for)) == expected


def test_a_header_shorter_than_the_proxies_gives_no_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("203.0.113.5")) is None
