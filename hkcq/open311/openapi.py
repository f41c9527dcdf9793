"""An OpenAPI 3.1 description of the Open311 GeoReport v2 endpoints (``hkcq.open311.views``),
served at ``/open311/v2/openapi.json`` and linked from the Open311 page. It describes what the
endpoints answer, errors included (a list of ``{code, description}``, or ``<errors>`` in XML);
``open311/tests/test_openapi.py`` validates it (openapi-spec-validator) and checks real answers
against it."""

from __future__ import annotations

from typing import Any

NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
MOMENT: dict[str, Any] = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Errors": {
        "type": "array",
        "description": "Every error: its HTTP status and what went wrong, in the language asked for.",
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        },
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": {"type": "string"},
            "metadata": {"type": "boolean"},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": "string"},
            "group": {"type": "string"},
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["variable", "code", "datatype", "required", "order", "description"],
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": {"type": "string"},
                        "datatype": {
                            "type": "string",
                            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
                        },
                        "required": {"type": "boolean"},
                        "datatype_description": NULLABLE_STRING,
                        "order": {"type": "integer"},
                        "description": {"type": "string"},
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["key", "name"],
                                "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
    },
    "ServiceRequest": {
        "type": "object",
        "description": "Location fields are present and empty: they do not apply to these services.",
        "required": [
            "service_request_id",
            "status",
            "service_name",
            "service_code",
            "description",
            "requested_datetime",
        ],
        "properties": {
            "service_request_id": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": NULLABLE_STRING,
            "service_name": {"type": "string"},
            "service_code": {"type": "string"},
            "description": {
                "type": ["string", "null"],
                "description": "null where the service keeps it private (an enquiry's question, without its token).",
            },
            "agency_responsible": NULLABLE_STRING,
            "service_notice": NULLABLE_STRING,
            "requested_datetime": MOMENT,
            "updated_datetime": NULLABLE_MOMENT,
            "expected_datetime": NULLABLE_MOMENT,
            "address": {"type": "null"},
            "address_id": {"type": "null"},
            "zipcode": {"type": "null"},
            "lat": {"type": "null"},
            "long": {"type": "null"},
            "media_url": {"type": "null"},
        },
    },
    "Created": {
        "type": "object",
        "required": ["service_request_id", "token", "service_notice", "account_id"],
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string", "description": "For tokens/{token} and for reading the request as its sender."},
            "service_notice": NULLABLE_STRING,
            "account_id": {"type": "null"},
            "tracking_url": {"type": "string", "description": "The sender's own tracking link (an extension)."},
        },
    },
    "TokenResult": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "endpoints"],
        "properties": {
            "changeset": {"type": "string"},
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["specification", "url", "type", "formats"],
                    "properties": {
                        "specification": {"type": "string"},
                        "url": {"type": "string"},
                        "changeset": {"type": "string"},
                        "type": {"type": "string"},
                        "formats": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "RequestIn": {
        "type": "object",
        "required": ["service_code"],
        "properties": {
            "service_code": {"type": "string", "minLength": 1},
            "jurisdiction_id": {"type": "string"},
            "description": {"type": "string"},
            "email": {"type": "string"},
            "phone": {"type": "string"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "attribute": {
                "type": "object",
                "description": "In JSON: the service's attributes by code (form-encoded: attribute[code]=value).",
                "additionalProperties": {"type": "string"},
            },
        },
    },
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": schema},
            "text/xml": {"schema": {"type": "string", "description": "The same, as GeoReport v2 XML."}},
        },
    }


ERROR = _answer("An error (every error of these endpoints has this shape)", _ref("Errors"))
FORMAT = {
    "name": "format",
    "in": "path",
    "required": True,
    "description": "xml (the specification's required format) or json.",
    "schema": {"type": "string", "enum": ["json", "xml"]},
}
COMMON = [
    {"name": "jurisdiction_id", "in": "query", "schema": {"type": "string"}, "description": "Only “hkcq”."},
    {
        "name": "lang",
        "in": "query",
        "schema": {"type": "string", "examples": ["en", "zh-hant", "zh-hans"]},
        "description": "en, zh-hant or zh-hans; any other value falls back to English.",
    },
]


def _get(summary: str, ok: dict[str, Any], *parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": [FORMAT, *COMMON, *parameters],
        "responses": {"200": ok, "default": ERROR},
    }


def _query(name: str, description: str, fmt: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if fmt == "date-time":  # what the endpoint takes: a date alone means its midnight; empty: not given
        schema = {"anyOf": [{"type": "string", "format": f} for f in ("date-time", "date")] + [{"const": ""}]}
    elif fmt:
        schema["format"] = fmt
    return {"name": name, "in": "query", "schema": schema, "description": description}


INFO = {
    "title": "Hong Kong/Chongqing Co-operation Platform: Open311 GeoReport v2",
    "version": "2",
    "description": (
        "GeoReport v2 over the platform's services (enquiries, suggestions). Every path ends in "
        ".xml or .json. Errors are a list of {code, description} (XML: <errors>). Extensions: "
        "lang, the Idempotency-Key header, tracking_url, requests/{id}?token=. A NUL character "
        '(\\u0000) in any parameter is refused with 400 ("Null characters are not allowed.").'
    ),
}


def document(base: str) -> dict[str, Any]:
    """The description, with ``base`` (the endpoints' address as the client reached them) as its server."""
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": base}],
        "paths": {**_service_paths(), **_request_paths()},
        "components": {"schemas": SCHEMAS},
    }


def _service_paths() -> dict[str, Any]:
    """Discovery and the services with the attributes each takes."""
    return {
        "/discovery.{format}": {"get": _get("The discovery document", _answer("Discovery", _ref("Discovery")))},
        "/services.{format}": {
            "get": _get("The services", _answer("Services", {"type": "array", "items": _ref("Service")}))
        },
        "/services/{service_code}.{format}": {
            "get": _get(
                "The attributes a service takes",
                _answer("Service definition", _ref("ServiceDefinition")),
                {"name": "service_code", "in": "path", "required": True, "schema": {"type": "string"}},
            )
        },
    }


def _request_paths() -> dict[str, Any]:
    """Requests: the list, filing one, one request, and the request a token was given for."""
    request_list = _answer("Requests", {"type": "array", "items": _ref("ServiceRequest")})
    created = {"type": "array", "items": _ref("Created")}
    return {
        "/requests.{format}": {
            "get": _get(
                "Requests, newest first (the last 90 days unless dates or ids are given; at most 1000)",
                request_list,
                _query("service_request_id", "Comma-separated ids."),
                _query("service_code", "Comma-separated service codes."),
                _query("status", "open or closed (comma-separated)."),
                _query("start_date", "W3C date and time.", "date-time"),
                _query("end_date", "W3C date and time.", "date-time"),
            ),
            "post": {
                "summary": "File a request (201 created; 200 the same request already filed)",
                "parameters": [
                    FORMAT,
                    *COMMON,
                    {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": _ref("RequestIn")},
                        "application/json": {"schema": _ref("RequestIn")},
                    },
                },
                "responses": {
                    "201": _answer("Created", created),
                    "200": _answer("Already filed (the same request)", created),
                    "default": ERROR,
                },
            },
        },
        "/requests/{service_request_id}.{format}": {
            "get": _get(
                "One request (with token=: as its sender sees it)",
                request_list,
                {"name": "service_request_id", "in": "path", "required": True, "schema": {"type": "string"}},
                _query("token", "The token the POST returned."),
            )
        },
        "/tokens/{token}.{format}": {
            "get": _get(
                "The service_request_id of the request a POST returned this token for",
                _answer("Token", {"type": "array", "items": _ref("TokenResult")}),
                {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}},
            )
        },
    }
