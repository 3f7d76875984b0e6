"""Who is asking: the client's address, as the configured front says it is.

Behind Varnish (or a CDN and Varnish) every request arrives from the front's address, so
the address that counts is in `X-Forwarded-For`. Each proxy appends the address it was
reached from, and the client can write anything to the left of that. So the address is
read from the right, over `TRUSTED_PROXY_HOPS` hops: 1 behind the shipped Varnish (which
overwrites the header with the address that reached it), 2 behind a CDN that appends
before Varnish, 0 (the default) when nothing stands in front of the app.

Rate limits and throttles count per client, and an IPv6 client usually holds a whole /64:
`client_key` is the address for IPv4 and its /64 network for IPv6.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: `TRUSTED_PROXY_HOPS` from the right of X-Forwarded-For."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [hop for hop in forwarded if hop]
        if len(forwarded) >= hops:
            return forwarded[-hops]
        if forwarded:  # fewer hops than configured: the leftmost is the farthest we know
            return forwarded[0]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request: HttpRequest) -> str:
    """What limits count per client: the IPv4 address, or the IPv6 /64 it belongs to."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:  # an IPv4 client on a dual-stack socket
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
