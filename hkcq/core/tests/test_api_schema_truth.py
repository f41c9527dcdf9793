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


def test_an_integer_is_not_a_boolean(client: Any) -> None:
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


# -- found by the schemathesis run on the operations it had left out -----------------------------
def _strings(top: int) -> list[str]:
    """Every number from 0 to ``top`` written with no, one or two decimals, and some that are
    not numbers as the API takes them."""
    out = ["", "00", "01", "1.", ".5", "1e1", "+1", "-1", " 1", "1.000", "0x1"]
    for cents in range(top * 100 + 1):
        whole, part = divmod(cents, 100)
        out += [f"{whole}.{part:02d}"] + ([f"{whole}.{part // 10}"] if part % 10 == 0 else [])
        out += [str(whole)] if part == 0 else []
    return out


@pytest.mark.parametrize(
    ("pattern", "low", "high", "top"),
    [("DAYS_PATTERN", "0.25", "365", 400), ("WEIGHT_PATTERN", "0", "9999.99", 10001)],
)
def test_a_decimals_pattern_is_exactly_its_range(pattern: str, low: str, high: str, top: int) -> None:
    import re
    from decimal import Decimal

    from hkcq.core import api as core_api

    regex = re.compile(getattr(core_api, pattern))
    for text in _strings(top):
        plain = re.fullmatch(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?", text)
        expected = bool(plain) and Decimal(low) <= Decimal(text) <= Decimal(high)
        assert bool(regex.fullmatch(text)) == expected, text


def test_decimals_are_strings_with_their_digits_stated() -> None:
    for schema, name in (("SlaPolicyIn", "ack_days"), ("SlaPolicyPatch", "reply_days"), ("WeightIn", "weight")):
        prop = SCHEMAS[schema]["properties"][name]
        assert prop["type"] == "string" and prop["pattern"].startswith("^"), schema


def test_a_multipart_field_is_never_null() -> None:
    """A form field is sent or not; the document offered ``null``, which a client can only send
    as the text 'null' (schemathesis did, for a document's language, and was refused)."""
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            for name, prop in (form or {}).get("schema", {}).get("properties", {}).items():
                assert {"type": "null"} not in prop.get("anyOf", []), (method, path, name)


def test_a_new_documents_title_is_needed_in_one_language() -> None:
    form = DOC["paths"]["/api/v1/agreements/{ext_id}/documents"]["post"]["requestBody"]["content"]
    branches = form["multipart/form-data"]["schema"]["anyOf"]
    assert [b["required"] for b in branches] == [["title_en"], ["title_zh_hant"], ["title_zh_hans"]]


@pytest.mark.parametrize(
    ("schema", "name"),
    [("MeetingPatch", "title"), ("ExchangeEventIn", "title"), ("ExchangeEventPatch", "title"), ("RoundPatch", "title")],
)
def test_a_text_the_model_needs_is_needed_in_one_language_in_every_schema(schema: str, name: str) -> None:
    """``columns(Model)`` says so for a translated column that cannot be blank: a POST of an event
    with an empty title in every language passed the document and was refused (schemathesis)."""
    prop = SCHEMAS[schema]["properties"][name]
    assert "null" not in json.dumps(prop)
    assert len(prop["allOf"][1]["anyOf"]) == 3


def test_an_event_without_a_title_is_refused(client: Any, staff: dict[str, str]) -> None:
    body = {"kind": "summit", "title": {"en": "", "zh_hant": " ", "zh_hans": ""}}
    assert _post(client, "/api/v1/events", body, **staff).status_code == 422


def test_a_time_of_day_has_no_offset(client: Any, staff: dict[str, str]) -> None:
    """``format: time`` (RFC 3339) needs an offset, which the answers never had and which a time
    of day on the platform's clock cannot keep (schemathesis: the answer broke the document)."""
    assert SCHEMAS["ExchangeEventDetailOut"]["properties"]["meeting_start"]["pattern"]
    body = {"kind": "fair", "title": {"en": "Fair"}}
    assert _post(client, "/api/v1/events", {**body, "meeting_start": "09:00:00+08:00"}, **staff).status_code == 422
    created = _post(client, "/api/v1/events", {**body, "meeting_start": "09:30"}, **staff)
    assert created.status_code == 201 and created.json()["meeting_start"] == "09:30:00"


# -- found by the fuzzing phase -------------------------------------------------------------------
def test_a_nul_character_is_refused_and_the_documents_say_so(client: Any, staff: dict[str, str]) -> None:
    from hkcq.open311.openapi import document as open311_document

    assert "null_character" in DOC["info"]["description"]
    assert "NUL" in open311_document("http://testserver/open311/v2")["info"]["description"]
    answer = _post(client, "/api/v1/areas", {"id": "a", "position": 1, "name": {"en": "x"}, "k\x00": 1}, **staff)
    assert answer.status_code == 422
    assert [d["type"] for d in answer.json()["error"]["details"]] == ["null_character"]


def test_a_stable_id_is_declared_a_slug(client: Any, staff: dict[str, str]) -> None:
    for schema in ("AreaIn", "MeasureIn", "MeetingIn", "AgreementIn", "EntryIn"):
        prop = SCHEMAS[schema]["properties"]["id"]
        assert prop["pattern"] == "^[-a-zA-Z0-9_]+$" and prop["maxLength"] == 100, schema
    body = {"id": "not a slug", "position": 7, "name": {"en": "Ferries"}}
    assert _post(client, "/api/v1/areas", body, **staff).status_code == 422


def test_an_integer_may_be_written_with_a_zero_fraction(client: Any, staff: dict[str, str]) -> None:
    patch = client.patch(
        "/api/v1/progress/settings", json.dumps({"stale_after_days": 30.0}), content_type="application/json", **staff
    )
    assert patch.status_code == 200 and patch.json()["stale_after_days"] == 30
    half = client.patch(
        "/api/v1/progress/settings", json.dumps({"stale_after_days": 30.5}), content_type="application/json", **staff
    )
    assert half.status_code == 422


def test_the_outbox_view_lists_its_values(client: Any, staff: dict[str, str]) -> None:
    (show,) = [p for p in DOC["paths"]["/api/v1/outgoing-emails"]["get"]["parameters"] if p["name"] == "show"]
    assert show["schema"]["pattern"] == "^(?:failed|waiting|sent)$"
    assert client.get("/api/v1/outgoing-emails?show=sent", **staff).status_code == 200
    assert client.get("/api/v1/outgoing-emails?show=all", **staff).status_code == 422


@pytest.mark.parametrize("schema", ["ProfileIn", "ProfileUpdateIn"])
def test_an_organisation_profile_states_its_texts_and_choices(schema: str) -> None:
    props = SCHEMAS[schema]["properties"]
    for name in ("name", "city", "description"):
        assert len(props[name]["allOf"][1]["anyOf"]) == 3, name
    assert props["kind"]["enum"] and props["size"]["enum"] == ["micro", "small", "medium", "large"]
    if schema == "ProfileIn":
        assert props["side"]["enum"] == ["hong_kong", "chongqing"]


def test_an_integer_column_states_its_range(client: Any, staff: dict[str, str]) -> None:
    assert SCHEMAS["AreaIn"]["properties"]["position"]["minimum"] == 0
    assert SCHEMAS["StatusPatch"]["properties"]["position"]["anyOf"][0]["maximum"] == 32767
    body = {"id": "ferries", "position": -1, "name": {"en": "Ferries"}}
    assert _post(client, "/api/v1/areas", body, **staff).status_code == 422


def test_a_profile_naming_no_sector_is_an_unknown_reference(client: Any, partner_hk: Any) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=partner_hk, name='t')[1]}"}
    body = {
        "name": {"en": "Ferry Co"},
        "side": "hong_kong",
        "kind": "enterprise",
        "sector": "no-such-sector",
        "size": "small",
        "city": {"en": "Hong Kong"},
        "description": {"en": "Ferries."},
    }
    answer = _post(client, "/api/v1/organisation-profiles", body, **auth)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "unknown_reference"
