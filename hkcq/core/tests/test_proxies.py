"""The client's address behind trusted proxies (hkcq/core/proxies.py, issue 12): per-address
throttles count each client behind nginx apart, and a client that is not a trusted proxy cannot
choose its address with X-Forwarded-For."""

from __future__ import annotations

from typing import Any

import pytest

from hkcq.core.proxies import client_address, networks

TRUSTED = networks(("127.0.0.1", "10.0.0.0/8", "::1"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),  # nginx's $proxy_add_x_forwarded_for
        ("127.0.0.1", "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # a client's own entry is to the left
        ("127.0.0.1", "203.0.113.5, 10.1.2.3", "203.0.113.5"),  # through two trusted proxies
        ("127.0.0.1", "10.1.2.3, 10.0.0.7", "10.1.2.3"),  # every hop trusted: the farthest
        ("127.0.0.1", " 203.0.113.5:5123 ", "203.0.113.5"),
        ("::1", "[2001:db8::7]:443", "2001:db8::7"),
        ("127.0.0.1", "unknown", "127.0.0.1"),  # nothing believable: the proxy itself
        ("127.0.0.1", "203.0.113.5, garbage", "127.0.0.1"),
        ("198.51.100.9", "203.0.113.5", "198.51.100.9"),  # not a proxy: the header is ignored
        ("10.9.9.9", "", "10.9.9.9"),
    ],
)
def test_client_address(peer: str, forwarded: str, client: str) -> None:
    assert client_address(peer, forwarded, TRUSTED) == client


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address("127.0.0.1", "203.0.113.5", ()) == "127.0.0.1"


ENQUIRY_RATES = {"enquiry_submit": [("address", "2/h")]}


def _post(client: Any, n: int, peer: str, forwarded: str | None = None) -> int:
    data = {"question": f"Question number {n}?", "email": f"p{n}@example.org", "consent": True}
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    response = client.post("/api/v1/enquiries", data, content_type="application/json", REMOTE_ADDR=peer, **extra)
    return int(response.status_code)


@pytest.mark.django_db
def test_clients_behind_a_trusted_proxy_are_throttled_apart(client: Any, settings: Any) -> None:
    settings.THROTTLE_RATES = ENQUIRY_RATES
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert [_post(client, n, "127.0.0.1", "203.0.113.1") for n in range(3)] == [201, 201, 429]
    # Another client through the same proxy has its own count ...
    assert _post(client, 3, "127.0.0.1", "203.0.113.2") == 201
    # ... and the first one cannot get a fresh count by writing another address before its own.
    assert _post(client, 4, "127.0.0.1", "198.51.100.50, 203.0.113.1") == 429


@pytest.mark.django_db
def test_a_forwarded_for_header_from_an_untrusted_peer_is_ignored(client: Any, settings: Any) -> None:
    settings.THROTTLE_RATES = ENQUIRY_RATES
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert [_post(client, n, "198.51.100.9", f"203.0.113.{n}") for n in range(3)] == [201, 201, 429]


@pytest.mark.django_db
def test_with_no_trusted_proxy_every_peer_is_the_client(client: Any, settings: Any) -> None:
    settings.THROTTLE_RATES = ENQUIRY_RATES
    settings.TRUSTED_PROXIES = []
    assert [_post(client, n, "127.0.0.1", f"203.0.113.{n}") for n in range(3)] == [201, 201, 429]


def test_a_bad_trusted_proxies_setting_stops_the_settings() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {"TRUSTED_PROXIES": "127.0.0.1,not-an-address", "ALLOW_INSECURE_SECRET_KEY": "1", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", "import config.settings"], env=env, capture_output=True, text=True, cwd=root
    )
    assert out.returncode != 0 and "TRUSTED_PROXIES" in out.stderr
