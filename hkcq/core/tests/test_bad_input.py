"""Bad input never becomes a 500 (issue 12): NUL characters, oversized and deeply nested JSON,
``null`` for a field that cannot be empty and bodies that are not JSON objects are refused in
the endpoint's own error shape (API: ``{"error": …}``; Open311: ``[{code, description}]`` or
``<errors>``; pages: a translated form error or the 400 page).

PostgreSQL refuses NUL in text (the 500s the audit found); SQLite stores it, so these tests ask
for the clean refusal itself rather than for the database's failure."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hkcq.accounts.services import api_token_create
from hkcq.registry.tests.factories import AreaFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(secretariat_hk: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=secretariat_hk, name='t')[1]}"}


@pytest.fixture
def rows(db: Any) -> dict[str, str]:
    """A meeting and an area to write to, by their stable ids (as ``{meeting}`` and ``{area}`` in
    the paths below)."""
    return {"meeting": MeetingFactory.create().ext_id, "area": AreaFactory.create().ext_id}


def _api_error(response: Any, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body["error"]) == {"code", "message", "details"}
    return body


def _open311_error(response: Any, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]


ENQUIRY = {"question": "How do I register a company?", "email": "a@example.org", "consent": True}


# -- NUL -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/enquiries", {**ENQUIRY, "question": "Company\x00 registration?"}),
        ("/api/v1/enquiries", {**ENQUIRY, "email": "a\x00@example.org"}),
        ("/api/v1/suggestions", {"title": "More\x00 flights", "body": "Please add flights.", "consent": True}),
    ],
)
def test_nul_in_an_api_body_is_422(client: Any, path: str, body: dict[str, Any]) -> None:
    response = client.post(path, json.dumps(body), content_type="application/json")
    error = _api_error(response, 422)
    assert error["error"]["code"] == "validation_error"


def test_nul_in_a_registry_patch_is_422(client: Any, staff: dict[str, str], rows: dict[str, str]) -> None:
    body = {"agenda": {"en": "Item\x00 one"}}
    response = client.patch(
        f"/api/v1/meetings/{rows['meeting']}", json.dumps(body), content_type="application/json", **staff
    )
    _api_error(response, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ask?q=visa%00",
        "/api/v1/suggestions?q=flight%00",
        "/api/v1/measures?area=%00",
        "/api/v1/areas/belt%00road",
        "/api/v1/suggestions/similar?text=a%00b",
    ],
)
def test_nul_in_an_api_query_or_path_is_refused(client: Any, path: str) -> None:
    _api_error(client.get(path), 400, 422)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/open311/v2/requests.json",
            {"service_code": "enquiry", "description": "Visa\x00?", "email": "a@example.org"},
        ),
        ("/open311/v2/requests.json", {"service_code": "enq\x00uiry", "description": "Visa?"}),
    ],
)
def test_nul_in_an_open311_post_is_400(client: Any, path: str, data: dict[str, str]) -> None:
    _open311_error(client.post(path, data), 400)
    _open311_error(client.post(path, json.dumps(data), content_type="application/json"), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/requests.json?service_request_id=E%00",
        "/open311/v2/requests/E-1%00.json",
        "/open311/v2/tokens/abc%00.json",
    ],
)
def test_nul_in_an_open311_query_is_400(client: Any, path: str) -> None:
    _open311_error(client.get(path), 400)


def test_nul_in_an_open311_xml_query_answers_in_xml(client: Any) -> None:
    response = client.get("/open311/v2/requests.xml?service_request_id=E%00")
    assert response.status_code == 400 and response.content.lstrip().startswith(b"<?xml")
    assert b"<errors><error><code>400</code>" in response.content


@pytest.mark.parametrize("path", ["/en/search/?q=visa%00", "/en/help/ask/?q=visa%00", "/en/suggestions/?q=a%00"])
def test_nul_in_a_page_query_is_the_400_page(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_nul_in_the_web_enquiry_form_is_a_translated_form_error(client: Any) -> None:
    data = {"question": "Company\x00 registration?", "email": "a@example.org", "consent": "on", "language": "zh-hans"}
    response = client.post("/zh-hans/enquiries/new/", data)
    assert response.status_code == 200
    assert "不能包含空字符（NUL）。" in response.content.decode()
    response = client.post("/zh-hant/enquiries/new/", data | {"question": "Company?", "details": "\x00"})
    assert response.status_code == 200
    assert "不可包含空字元（NUL）。" in response.content.decode()


# -- size and depth --------------------------------------------------------------------------
def test_a_10_mb_json_body_is_413_in_the_api_shape(client: Any) -> None:
    body = json.dumps({**ENQUIRY, "details": "x" * 10_000_000})
    response = client.post("/api/v1/enquiries", body, content_type="application/json")
    _api_error(response, 413)


def test_a_10_mb_json_body_is_413_in_the_open311_shape(client: Any) -> None:
    body = json.dumps({"service_code": "enquiry", "description": "x" * 10_000_000})
    _open311_error(client.post("/open311/v2/requests.json", body, content_type="application/json"), 413)


def _big_upload(name: str = "big.csv") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"a,b\n" + b"1,2\n" * 10_000, content_type="text/csv")


def test_an_upload_over_the_limit_is_413_in_the_api_shape(client: Any, staff: dict[str, str], settings: Any) -> None:
    """The upload handler cuts the body off before any view runs: the answer is still the API's."""
    settings.UPLOAD_MAX_BYTES = 10_000
    response = client.post("/api/v1/imports", {"kind": "measures", "file": _big_upload()}, **staff)
    assert _api_error(response, 413)["error"]["code"] == "too_large"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_upload_over_the_limit_is_413_in_the_open311_shape(client: Any, settings: Any, fmt: str) -> None:
    settings.UPLOAD_MAX_BYTES = 10_000
    data = {"service_code": "enquiry", "description": "A question?", "media": _big_upload()}
    response = client.post(f"/open311/v2/requests.{fmt}", data)
    if fmt == "json":
        _open311_error(response, 413)
    else:
        assert response.status_code == 413 and response["Content-Type"].startswith("text/xml")
        assert b"<errors><error><code>413</code>" in response.content


DEEP = "[" * 100_000 + "]" * 100_000


def test_json_nested_100000_deep_is_400_in_the_api_shape(client: Any) -> None:
    _api_error(client.post("/api/v1/enquiries", DEEP, content_type="application/json"), 400)


def test_json_nested_100000_deep_is_400_in_the_open311_shape(client: Any) -> None:
    _open311_error(client.post("/open311/v2/requests.json", DEEP, content_type="application/json"), 400)


# -- null and non-object bodies ---------------------------------------------------------------
WRITES = [
    ("post", "/api/v1/meetings", {"id": "m-new", "kind": "plenary", "title": {"en": "T"}, "date": "2026-01-01"}),
    ("patch", "/api/v1/meetings/{meeting}", {}),
    ("post", "/api/v1/areas", {"id": "a-new", "position": 99, "name": {"en": "Area"}}),
    ("patch", "/api/v1/areas/{area}", {}),
    ("post", "/api/v1/agreements", {"id": "ag-new", "kind": "memorandum", "title": {"en": "T"}}),
]


@pytest.mark.parametrize(("method", "path", "base"), WRITES)
def test_null_for_a_field_that_cannot_be_empty_is_422(
    client: Any, staff: dict[str, str], rows: dict[str, str], method: str, path: str, base: dict[str, Any]
) -> None:
    path = path.format(**rows)
    for field in ("agenda", "title", "summary", "name", "position", "kind", "date", "description"):
        body = {**base, field: None}
        response = getattr(client, method)(path, json.dumps(body), content_type="application/json", **staff)
        assert response.status_code != 500, (field, response.content[:300])
        if response.status_code >= 400:
            _api_error(response, 400, 404, 422)


def _operations_with_a_body() -> list[tuple[str, str]]:
    import re

    from config.api import api

    schema = api.get_openapi_schema()
    return [
        (method, re.sub(r"\{[^}]+\}", "1", path))  # any id: the body is refused before it is looked up
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


@pytest.mark.parametrize("body", ["[]", '[{"title": {"en": "x"}}]', '"text"', "42", "null"])
def test_a_body_that_is_not_a_json_object_is_422_on_every_operation(
    client: Any, staff: dict[str, str], body: str
) -> None:
    operations = _operations_with_a_body()
    assert len(operations) > 30
    for method, path in operations:
        response = client.generic(method.upper(), path, body, content_type="application/json", **staff)
        assert response.status_code == 422, (method, path, response.content[:200])
        assert _api_error(response, 422)["error"]["code"] == "validation_error"


def test_a_method_an_api_operation_does_not_have_is_405_in_the_api_shape(client: Any) -> None:
    response = client.put("/api/v1/areas", "{}", content_type="application/json")
    assert _api_error(response, 405)["error"]["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
