"""The OpenAPI document tells the truth about authentication (issue 12, "Schema truth"): every
operation that declares a security requirement refuses an anonymous call (401/403), and every
operation that declares ``security: []`` answers one (whatever it answers, not 401/403)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _operations() -> list[tuple[str, str, bool]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return [
        (method, re.sub(r"\{[^}]+\}", "1", path), bool(operation["security"]))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


OPERATIONS = _operations()


def test_every_operation_declares_its_security() -> None:
    assert len(OPERATIONS) > 80
    assert ("get", "/api/v1/enquiries", True) in OPERATIONS  # the queue: staff only
    assert ("post", "/api/v1/enquiries", False) in OPERATIONS  # filing: anyone


@pytest.mark.parametrize(("method", "path", "secured"), OPERATIONS, ids=[f"{m} {p}" for m, p, _s in OPERATIONS])
def test_an_anonymous_call_gets_what_the_document_declares(method: str, path: str, secured: bool) -> None:
    client = Client()
    if method == "get":
        response = client.get(path)
    else:
        response = client.generic(method.upper(), path, "{}", content_type="application/json")
    assert response.status_code < 500, response.content[:300]
    if secured:
        assert response.status_code == 401, (response.status_code, response.content[:200])
        assert set(response.json()["error"]) == {"code", "message", "details"}
    else:
        assert response.status_code not in (401, 403), (response.status_code, response.content[:200])


def test_every_schema_has_its_own_name_in_the_document() -> None:
    """Two input or output schemas of one name share one component in the document, so one of
    them was documented as the other (the enquiries' and suggestions' ``SubmittedOut`` did)."""
    from ninja import Schema

    import config.api  # noqa: F401 - every router's schemas imported

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    ours = {c for c in subclasses(Schema) if c.__module__.startswith("hkcq.")}
    names: dict[str, list[str]] = {}
    for cls in ours:
        names.setdefault(cls.__name__, []).append(cls.__module__)
    assert {n: m for n, m in names.items() if len(m) > 1} == {}
