"""The client's address: read from the right of X-Forwarded-For over the configured hops,
so nothing the client writes can choose it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.client import client_ip, client_key


def request(forwarded: str | None, remote: str = "10.0.0.2"):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", headers=headers, REMOTE_ADDR=remote)


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (0, "203.0.113.7", "10.0.0.2"),  # nothing in front: the header is the client's own
        (1, "203.0.113.7", "203.0.113.7"),  # behind the shipped Varnish
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a made-up first hop changes nothing
        (2, "6.6.6.6, 203.0.113.7, 198.51.100.1", "203.0.113.7"),  # a CDN, then Varnish
        (2, "203.0.113.7", "203.0.113.7"),  # fewer hops than configured: the farthest known
        (1, None, "10.0.0.2"),
        (1, " , ", "10.0.0.2"),
    ],
)
def test_the_client_is_read_from_the_right(settings, hops, forwarded, client):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(request(forwarded)) == client


def test_rotating_the_first_hop_is_one_client_behind_the_front(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    keys = {client_key(request(f"198.51.100.{n}, 203.0.113.7")) for n in range(20)}
    assert keys == {"203.0.113.7"}


def test_an_ipv6_client_is_its_64_and_a_mapped_ipv4_client_its_address(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_key(request("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert client_key(request("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert client_key(request("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_key(request("not-an-address")) == "not-an-address"
