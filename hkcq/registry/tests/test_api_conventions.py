"""Conventions every operation of the API keeps, read from its OpenAPI document: one list shape,
what PATCH accepts GET returns, and public operations say they need no authentication."""

from __future__ import annotations

import pytest

from hkcq.accounts.tests import personas
from hkcq.registry.models import Area
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory, MeetingFactory

pytestmark = pytest.mark.django_db
admin_user = personas.admin_user  # admin_client's: the factory-made administrator, not the demo account


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").json()


def _resolve(schema: dict, openapi: dict) -> dict:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_list_has_one_shape_items_and_count(openapi):
    bare = []
    for path, operations in openapi["paths"].items():
        get = operations.get("get")
        if not get or "200" not in get["responses"]:
            continue
        content = get["responses"]["200"].get("content", {}).get("application/json")
        if content is None:
            continue
        schema = _resolve(content["schema"], openapi)
        if schema.get("type") == "array":
            bare.append(path)
        elif path.endswith("s") and "{" not in path.rsplit("/", 1)[-1] and "items" in schema.get("properties", {}):
            assert "count" in schema["properties"], path
    assert not bare, f"lists returned as bare arrays: {sorted(bare)}"


def test_areas_list_like_the_others(client):
    AreaFactory.create()
    MeasureFactory.create_batch(3)
    areas = client.get("/api/v1/areas").json()
    measures = client.get("/api/v1/measures?limit=2").json()
    assert set(areas) == set(measures) == {"items", "count"}
    assert areas["count"] == len(areas["items"]) == Area.objects.count()
    assert len(measures["items"]) == 2


def test_what_patch_accepts_get_returns(openapi):
    missing = {}
    for path, operations in openapi["paths"].items():
        if "patch" not in operations or "get" not in operations:
            continue
        body = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]
        accepted = set(_resolve(body, openapi).get("properties", {}))
        returned = _resolve(operations["get"]["responses"]["200"]["content"]["application/json"]["schema"], openapi)
        gap = accepted - set(returned.get("properties", {}))
        if gap:
            missing[path] = sorted(gap)
    assert not missing, missing


def test_a_meeting_gives_its_agenda_and_minutes(client, admin_client):
    meeting = {"id": MeetingFactory.create().ext_id}
    changed = admin_client.patch(
        f"/api/v1/meetings/{meeting['id']}",
        {"agenda": {"en": "1. Opening"}, "minutes": {"en": "The meeting opened at ten."}},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    one = client.get(f"/api/v1/meetings/{meeting['id']}").json()
    assert one["agenda"]["en"] == "1. Opening" and one["minutes"]["en"] == "The meeting opened at ten."
    assert one["agenda"]["zh_hant"] is None or isinstance(one["agenda"]["zh_hant"], str)


def test_public_operations_declare_no_security_and_staff_ones_a_scheme(openapi, client):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            assert "security" in operation, (method, path)
    public = openapi["paths"]["/api/v1/areas"]["get"]
    assert public["security"] == []
    staff = openapi["paths"]["/api/v1/areas"]["post"]
    assert staff["security"], "a staff operation names its authentication"
    # The declaration matches the behaviour: the public one answers without credentials, the staff one refuses.
    assert client.get("/api/v1/areas").status_code == 200
    assert client.post("/api/v1/areas", {}, content_type="application/json").status_code == 401


BINARY = {"type": "string", "format": "binary"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Every operation that answers a file, with what the document says of its 200 answer besides
# JSON: its description and, per media type, the schema (``core.api.file_answer``).
FILE_ANSWERS = {
    "/api/v1/agreements/{ext_id}/documents/{document_id}/file": ("The file", {"application/octet-stream": BINARY}),
    "/api/v1/imports/templates/{kind}/{fmt}": ("The template", {"text/csv": BINARY, XLSX: BINARY}),
    "/api/v1/open-data/{dataset}": (
        "The whole dataset",
        {"application/json": {"$ref": "#/components/schemas/DatasetDocumentOut"}, "text/csv": {"type": "string"}},
    ),
    "/api/v1/progress/evidence/{evidence_id}": ("The file", {"application/octet-stream": BINARY}),
    "/api/v1/registrations/{registration_id}/agenda.ics": (
        "The agenda (sessions and scheduled meetings)",
        {"text/calendar": BINARY},
    ),
    "/api/v1/registrations/{registration_id}/agenda.pdf": (
        "The agenda (sessions and scheduled meetings)",
        {"application/pdf": BINARY},
    ),
    "/api/v1/reports/{snapshot_id}/files/{language}/{fmt}": (
        "The file",
        {"application/pdf": BINARY, XLSX: BINARY, "text/csv": BINARY, "text/html": BINARY},
    ),
    "/api/v1/reports/jobs/{job_id}/files/{fmt}": (
        "The file",
        {"application/pdf": BINARY, XLSX: BINARY, "text/csv": BINARY, "text/html": BINARY},
    ),
}


def test_file_answers_name_their_media_types(openapi):
    found = {}
    for path, operations in openapi["paths"].items():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("200", {})
            schemas = {t: c["schema"] for t, c in answer.get("content", {}).items()}
            if set(schemas) - {"application/json"}:
                # ninja also lists a ``bytes`` answer under JSON (a binary string): not ours to name.
                if schemas.get("application/json", {}).get("format") == "binary":
                    del schemas["application/json"]
                found[path] = (answer["description"], schemas)
    assert found == FILE_ANSWERS


def test_a_file_answer_names_the_type_without_its_charset():
    from hkcq.core.api import file_answer

    assert file_answer("The export", "text/csv; charset=utf-8", "application/pdf") == {
        "responses": {
            200: {
                "description": "The export",
                "content": {"text/csv": {"schema": BINARY}, "application/pdf": {"schema": BINARY}},
            }
        }
    }
