"""The client's address behind trusted proxies (docs/security.md, "Throttling"; docs/deploy.md).

Behind nginx or a load balancer every request reaches the application from the proxy's address,
so per-address throttles would count all clients together. :class:`TrustedProxyMiddleware`, first
in ``MIDDLEWARE``, sets ``REMOTE_ADDR`` to the client's address read from ``X-Forwarded-For`` —
only when the peer itself is one of ``settings.TRUSTED_PROXIES`` (addresses or networks, from the
environment). The header is read from the right (the entry the nearest proxy appended) leftwards,
past the addresses of further trusted proxies, to the first one that is not a trusted proxy: that
is the client. Entries a client wrote itself lie to the left of it and are never believed; a
request from any other peer keeps its own address whatever it claims. Everything that reads
``REMOTE_ADDR`` (the throttles, idempotency, sign-in throttling, django-ratelimit) then sees the
client. The proxy's own address is kept in ``request.META["HKCQ_PROXY_ADDR"]``.

Written here rather than taken from a library: django-xff trusts a fixed number of hops from any
peer (a client that reaches the servers directly could claim any address), and django-ipware
checks the addresses listed in the header rather than the peer that sent it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` parsed: ``127.0.0.1``, ``10.0.0.0/8``, ``::1`` … (a bad entry is a
    configuration error: the settings refuse to load)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:443
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: Address, trusted: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(peer: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """The client's address, given the peer (``REMOTE_ADDR``) and its ``X-Forwarded-For``."""
    peer_address = _address(peer)
    if not trusted or peer_address is None or not _trusted(peer_address, trusted):
        return peer
    client = peer
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry)
        if address is None:  # not an address (garbage, "unknown"): stop at the last one we believe
            break
        client = str(address)
        if not _trusted(address, trusted):
            break
    return client


class TrustedProxyMiddleware:
    """Sets ``REMOTE_ADDR`` to the client's address for requests from ``TRUSTED_PROXIES``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = networks(tuple(settings.TRUSTED_PROXIES))
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if trusted and forwarded:
            peer = request.META.get("REMOTE_ADDR") or ""
            client = client_address(peer, forwarded, trusted)
            if client != peer:
                request.META["HKCQ_PROXY_ADDR"] = peer
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
