"""The OpenAPI document tells the truth (issue 12, "Schema truth"; the schemathesis run in
core/tests/test_schemathesis.py holds it): what it allows is accepted, what it refuses is refused.
These are the cases that run found, each as a plain test."""

from __future__ import annotations

import json
from typing import Any

import pytest

from config.api import api
from hkcq.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

DOC = api.get_openapi_schema()
SCHEMAS = DOC["components"]["schemas"]


@pytest.fixture
def staff(secretariat_hk: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=secretariat_hk, name='t')[1]}"}


def _post(client: Any, path: str, body: Any, **extra: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **extra)


# -- what the document says ---------------------------------------------------------------------
def test_consent_is_required_and_must_be_true() -> None:
    enquiry = SCHEMAS["EnquiryIn"]
    assert "consent" in enquiry["required"] and enquiry["properties"]["consent"]["enum"] == [True]


def test_columns_that_cannot_be_null_are_not_nullable_and_choices_are_listed() -> None:
    meeting = SCHEMAS["MeetingPatch"]["properties"]
    assert "anyOf" not in meeting["agenda"] and meeting["agenda"]["$ref"].endswith("/TextIn")
    assert {"type": "null"} in meeting["sequence"]["anyOf"]  # a column that may be NULL keeps it
    assert "plenary" in meeting["kind"]["enum"] and meeting["kind"]["type"] == "string"
    assert "plenary" in SCHEMAS["MeetingIn"]["properties"]["kind"]["enum"]
    assert "anyOf" not in SCHEMAS["AreaIn"]["properties"]["short_name"]


def test_a_text_needed_in_one_language_says_so() -> None:
    assert SCHEMAS["CannedReplyIn"]["properties"]["title"]["$ref"].endswith("/TextRequired")
    assert len(SCHEMAS["TextRequired"]["anyOf"]) == 3


def test_enquiry_priority_and_outcome_list_their_values() -> None:
    assert SCHEMAS["PriorityIn"]["properties"]["priority"]["enum"] == ["low", "normal", "high"]
    assert "answered" in SCHEMAS["CloseIn"]["properties"]["outcome"]["enum"]


def test_a_suggestion_is_anonymous_or_has_an_email_address() -> None:
    branches = SCHEMAS["SubmitIn"]["anyOf"]
    assert {"properties": {"anonymous": {"const": True}}} in branches


# -- what the API does ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/kb/gaps/resolve", {"ids": [False]}),
        (
            "/api/v1/rounds",
            {"kind": "internship", "title": "R", "applicants": [], "hosts": [], "tie_break_seed": False},
        ),
    ],
)
def test_a_boolean_is_not_an_integer(client: Any, staff: dict[str, str], path: str, body: Any) -> None:
    assert _post(client, path, body, **staff).status_code == 422


def test_an_integer_is_not_a_boolean(client: Any, defaults: Any) -> None:
    body = {"title": "Ferries", "text": "More ferries.", "anonymous": 0, "email": ""}
    assert _post(client, "/api/v1/suggestions", body).status_code == 422


def test_a_date_is_written_as_a_date(client: Any, staff: dict[str, str]) -> None:
    assert client.get("/api/v1/suggestions/digest?start=0", **staff).status_code == 422
    assert client.get("/api/v1/suggestions/digest?start=2026-01-01", **staff).status_code == 200


def test_closing_a_cycle_when_none_is_open_is_a_conflict(client: Any, staff: dict[str, str]) -> None:
    from hkcq.progress.models import ReportingCycle

    ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN).delete()
    response = _post(client, "/api/v1/reports/close-cycle", {"meeting": "m"}, **staff)
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


def test_a_malformed_case_reference_in_the_address_is_404(client: Any, staff: dict[str, str]) -> None:
    assert client.get("/api/v1/enquiries/0", **staff).status_code == 404
    assert _post(client, "/api/v1/enquiries/0/notes", {"body": "x"}, **staff).status_code == 404


def test_an_unknown_reference_in_a_body_has_its_own_code(client: Any, staff: dict[str, str]) -> None:
    body = {"id": "m-new", "area": "no-such-area", "title": {"en": "Measure"}}
    response = _post(client, "/api/v1/measures", body, **staff)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_reference" and set(error["details"]) == {"area"}
