"""The Open311 endpoints' OpenAPI description (/open311/v2/openapi.json): a valid OpenAPI 3.1
document (openapi-spec-validator), linked from the Open311 page, and true to what the endpoints
answer (real answers, errors included, validated against its schemas)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


@pytest.fixture
def spec(client: Any) -> dict[str, Any]:
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return response.json()


def _check(spec: dict[str, Any], path: str, method: str, response: Any) -> None:
    """``response`` (JSON) against the schema the document gives for its status (or ``default``)."""
    answers = spec["paths"][path][method]["responses"]
    answer = answers.get(str(response.status_code)) or answers["default"]
    schema = answer["content"]["application/json"]["schema"]
    jsonschema.validate(
        response.json(),
        {**schema, "components": spec["components"]},
        cls=jsonschema.Draft202012Validator,
    )


def test_the_document_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert spec["servers"][0]["url"].endswith("/open311/v2")
    assert set(spec["paths"]) >= {"/services.{format}", "/requests.{format}", "/requests/{service_request_id}.{format}"}


def test_the_open311_page_links_it(client: Any) -> None:
    assert "/open311/v2/openapi.json" in client.get("/en/open311/").content.decode()


def test_real_answers_match_the_document(client: Any, spec: dict[str, Any]) -> None:
    _check(spec, "/discovery.{format}", "get", client.get(f"{BASE}/discovery.json"))
    _check(spec, "/services.{format}", "get", client.get(f"{BASE}/services.json"))
    _check(spec, "/services/{service_code}.{format}", "get", client.get(f"{BASE}/services/enquiry.json"))
    _check(spec, "/services/{service_code}.{format}", "get", client.get(f"{BASE}/services/nothing.json"))
    created = client.post(
        f"{BASE}/requests.json",
        {
            "service_code": "enquiry",
            "description": "How do I open a bank account?",
            "email": "a@example.org",
            "attribute[consent]": "true",
        },
    )
    assert created.status_code == 201, created.content
    _check(spec, "/requests.{format}", "post", created)
    _check(spec, "/requests.{format}", "post", client.post(f"{BASE}/requests.json", {"service_code": "nothing"}))
    item = created.json()[0]
    _check(spec, "/requests.{format}", "get", client.get(f"{BASE}/requests.json"))
    _check(spec, "/requests.{format}", "get", client.get(f"{BASE}/requests.json?status=unknown"))
    one = client.get(f"{BASE}/requests/{item['service_request_id']}.json?token={item['token']}")
    assert one.status_code == 200
    _check(spec, "/requests/{service_request_id}.{format}", "get", one)
    _check(spec, "/tokens/{token}.{format}", "get", client.get(f"{BASE}/tokens/{item['token']}.json"))
    _check(spec, "/tokens/{token}.{format}", "get", client.get(f"{BASE}/tokens/unknown.json"))
