"""The API held against its own OpenAPI document: every GET answers with a body that fits the
documented response schema, and every operation documents the one error shape."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from hkcq.accounts.tests import personas
from hkcq.registry.models import Agreement, Decision, Measure, Meeting, Milestone, Organisation, Person, Unit

ERROR_REF = "#/components/schemas/ErrorOut"
# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts;
# the records are the registry conftest's ``world``, made by factories
officer_hk, officer_cq, secretariat_hk, resident = (
    personas.officer_hk,
    personas.officer_cq,
    personas.secretariat_hk,
    personas.resident,
)


class SchemaMismatch(AssertionError):
    pass


def check(value: Any, schema: dict[str, Any], doc: dict[str, Any], where: str = "$") -> None:  # noqa: C901 - one branch per JSON Schema keyword
    """A small JSON Schema check for what django-ninja emits (OpenAPI 3.1): $ref, type, anyOf/
    oneOf/allOf, properties/required, items, additionalProperties, enum, date formats."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return check(value, doc["components"]["schemas"][name], doc, where)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf")
        errors = []
        for option in options:
            try:
                check(value, option, doc, where)
                return None
            except SchemaMismatch as exc:
                errors.append(str(exc))
        raise SchemaMismatch(f"{where}: {value!r} matches none of {len(options)} options: {errors}")
    for part in schema.get("allOf", []):
        check(value, part, doc, where)
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaMismatch(f"{where}: {value!r} not in {schema['enum']}")
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    if kinds:
        python = {
            "string": str,
            "integer": int,
            "number": (int, float),
            "boolean": bool,
            "array": list,
            "object": dict,
            "null": type(None),
        }
        if not any(
            isinstance(value, python[k]) and not (k in {"integer", "number"} and isinstance(value, bool)) for k in kinds
        ):
            raise SchemaMismatch(f"{where}: {value!r} is not {kinds}")
    if isinstance(value, str):
        fmt = schema.get("format")
        try:
            if fmt == "date":
                dt.date.fromisoformat(value)
            elif fmt == "date-time":
                dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise SchemaMismatch(f"{where}: {value!r} is not a {fmt}") from exc
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            check(item, schema["items"], doc, f"{where}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                raise SchemaMismatch(f"{where}: missing required {name!r}")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                check(item, properties[name], doc, f"{where}.{name}")
            elif isinstance(extra, dict):
                check(item, extra, doc, f"{where}.{name}")
            elif extra is False:
                raise SchemaMismatch(f"{where}: unexpected property {name!r}")
    return None


def test_the_schema_check_can_fail():
    doc = {
        "components": {
            "schemas": {"X": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}}
        }
    }
    check({"a": 1}, {"$ref": "#/components/schemas/X"}, doc)
    bad: object
    for bad in ({}, {"a": "1"}, {"a": True}, []):
        with pytest.raises(SchemaMismatch):
            check(bad, {"$ref": "#/components/schemas/X"}, doc)
    with pytest.raises(SchemaMismatch):
        check("2023-13-01", {"type": "string", "format": "date"}, doc)
    check(None, {"anyOf": [{"type": "string"}, {"type": "null"}]}, doc)


def _ids(world: dict[str, Any]) -> dict[str, str]:
    """Ids of the ``world``'s records for paths with parameters, keyed by the path's first segment."""
    milestone = Milestone.objects.select_related("measure").first()
    return {
        "areas": world["area"].ext_id,
        "measures": milestone.measure.ext_id if milestone else Measure.objects.first().ext_id,
        "meetings": Meeting.objects.first().ext_id,
        "decisions": Decision.objects.first().ext_id,
        "agreements": Agreement.objects.first().ext_id,
        "organisations": Organisation.objects.first().ext_id,
        "people": Person.objects.first().ext_id,
        "units": Unit.objects.first().ext_id,
    }


def _fill(client: Client, path: str, ids: dict[str, str]) -> str | None:
    """The path with its parameters filled from ``ids``; for a collection this file
    does not know, the first id its list endpoint returns. None when nothing can be found."""
    segment = path.removeprefix("/api/v1/").split("/", 1)[0]
    ext_id = ids.get(segment)
    if ext_id is None:
        listing = client.get(f"/api/v1/{segment}")
        if listing.status_code == 200:
            body = listing.json()
            items = body.get("items", []) if isinstance(body, dict) else body
            if items and isinstance(items[0], dict) and "id" in items[0]:
                ext_id = str(items[0]["id"])
    if ext_id is None:
        return None
    filled = re.sub(r"\{[^}]*\}", ext_id, path, count=1)
    if "{" in filled:
        # A second parameter: a child's number (a milestone of the measure).
        if "milestones" in filled:
            milestone = Milestone.objects.filter(measure__ext_id=ext_id).first()
            if milestone is None:
                return None
            filled = re.sub(r"\{[^}]*\}", str(milestone.pk), filled, count=1)
        else:
            return None
    return filled


# Values for required query parameters, by name (e.g. the question of /api/v1/ask).
QUERY_SAMPLES = {"q": "Home Return Permit", "lang": "en"}


def _with_required_query(url: str, operation: dict[str, Any]) -> str:
    required = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query" and p.get("required")]
    if not required:
        return url
    missing = [name for name in required if name not in QUERY_SAMPLES]
    assert not missing, f"{url}: add a sample value for the required query parameter(s) {missing}"
    return url + "?" + urlencode({name: QUERY_SAMPLES[name] for name in required})


@pytest.fixture
def beyond_the_registry(world) -> None:
    """A row or two of each other app's lists, so that their GETs answer with items to check (the
    default data held them): knowledge-base entries, canned replies, an organisation's published
    opportunity, an event with two registrations and a meeting, a facilitator desk."""
    from hkcq.enquiries.tests.factories import canned_replies_make
    from hkcq.exchanges.tests.factories import MeetingFactory as EventMeetingFactory
    from hkcq.kb.tests.factories import citable_entries_make
    from hkcq.partnering.models import FacilitatorDesk
    from hkcq.partnering.tests.factories import MembershipFactory, OpportunityFactory, ProfileFactory

    citable_entries_make(world["unit"])
    canned_replies_make()
    verified = {"verified_at": timezone.now()}
    offer = OpportunityFactory.create(profile=ProfileFactory.create(side="chongqing", **verified))
    OpportunityFactory.create(profile=ProfileFactory.create(side="hong_kong", **verified), type="business_request")
    MembershipFactory.create(profile=offer.profile)
    EventMeetingFactory.create(requester__consent_public=True, recipient__consent_public=True)
    FacilitatorDesk.objects.create(unit=world["unit"], side=world["unit"].side)


@pytest.fixture
def openapi(world, client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    return doc


def test_every_get_answers_with_its_documented_schema(openapi, client, world, beyond_the_registry, secretariat_hk):  # noqa: F811
    from hkcq.progress.services import cycle_current

    cycle_current()  # the open reporting cycle exists, as on any running platform (GET /reports/cycle)
    ids = _ids(world)
    checked, unresolved = [], []
    # Operations that document a security requirement (a user's own notifications, staff
    # queues) are called by a signed-in staff member; the rest anonymously.
    staff = Client()
    staff.force_login(secretariat_hk)
    for path, operations in openapi["paths"].items():
        if "get" not in operations:
            continue
        url = _fill(client, path, ids) if "{" in path else path
        if url is None:
            unresolved.append(path)
            continue
        url = _with_required_query(url, operations["get"])
        response = (staff if operations["get"].get("security") else client).get(url)
        assert response.status_code == 200, (url, response.content[:300])
        documented = operations["get"]["responses"].get("200")
        assert documented, f"{path}: no 200 response documented"
        schema = documented["content"]["application/json"]["schema"]
        try:
            check(response.json(), schema, openapi)
        except SchemaMismatch as exc:
            pytest.fail(f"GET {url} does not match its OpenAPI schema: {exc}")
        checked.append(path)
    registry_paths = {
        "/api/v1/areas",
        "/api/v1/areas/{ext_id}",
        "/api/v1/measures",
        "/api/v1/measures/{ext_id}",
        "/api/v1/measures/{ext_id}/milestones",
        "/api/v1/meetings",
        "/api/v1/meetings/{ext_id}",
        "/api/v1/decisions",
        "/api/v1/decisions/{ext_id}",
        "/api/v1/agreements",
        "/api/v1/agreements/{ext_id}",
        "/api/v1/organisations",
        "/api/v1/organisations/{ext_id}",
        "/api/v1/people",
        "/api/v1/people/{ext_id}",
        "/api/v1/units",
    }
    assert registry_paths <= set(checked), (registry_paths - set(checked), unresolved)


def test_not_found_answers_with_the_documented_error_shape(openapi, client):
    for path in openapi["paths"]:
        if "{" in path and "get" in openapi["paths"][path] and path.count("{") == 1:
            response = client.get(re.sub(r"\{[^}]*\}", "no-such-id", path))
            if response.status_code != 404:
                continue
            check(response.json(), {"$ref": ERROR_REF}, openapi)
            assert response.json()["error"]["code"] == "not_found"


def test_every_operation_documents_the_error_shape(openapi):
    assert "ErrorOut" in openapi["components"]["schemas"]
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            errors = {code: r for code, r in operation["responses"].items() if not code.startswith("2")}
            assert errors, f"{method.upper()} {path} documents no error response"
            for code, response in errors.items():
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (method, path, code, schema)


def test_write_errors_match_the_documented_shape(openapi, client, world, resident):  # noqa: F811
    from hkcq.accounts.services import api_token_create

    # 401, 403, 404 and 422 bodies all fit ErrorOut.
    responses = [client.post("/api/v1/areas", {}, content_type="application/json")]
    _token, raw = api_token_create(user=resident, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    responses.append(
        client.patch(
            f"/api/v1/areas/{world['area'].ext_id}", {"name": {"en": "x"}}, content_type="application/json", **auth
        )
    )
    responses.append(client.get("/api/v1/areas/nope"))
    responses.append(client.get("/api/v1/measures", {"top_level": "not-a-bool"}))
    assert [r.status_code for r in responses] == [401, 403, 404, 422]
    for response in responses:
        check(response.json(), {"$ref": ERROR_REF}, openapi)


def test_docs_page_is_served_without_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "openapi.json" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "the docs page loads something from another site"


def test_pagination_numbers_too_large_for_the_database_are_invalid_input(openapi, client, secretariat_hk):  # noqa: F811
    """``limit=9223372036854775808`` (and a huge offset) failed in SQL with a 500; every
    paginated list refuses it as invalid input in the documented error shape."""
    staff = Client()
    staff.force_login(secretariat_hk)
    paginated = [
        path
        for path, operations in openapi["paths"].items()
        if "get" in operations
        and "{" not in path
        and {p["name"] for p in operations["get"].get("parameters", [])} >= {"limit", "offset"}
    ]
    assert "/api/v1/measures" in paginated
    for path in paginated:
        operation = openapi["paths"][path]["get"]
        caller = staff if operation.get("security") else client
        for query in ("limit=9223372036854775808", "offset=9223372036854775808", "limit=0", "offset=-1"):
            url = _with_required_query(path, operation)
            response = caller.get(url + ("&" if "?" in url else "?") + query)
            assert response.status_code == 422, (path, query, response.status_code)
            check(response.json(), {"$ref": ERROR_REF}, openapi)
        limits = {p["name"]: p.get("schema", {}) for p in operation["parameters"]}
        assert limits["limit"].get("maximum") and limits["offset"].get("maximum"), path  # documented
