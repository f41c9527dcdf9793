"""The REST API under /api/v1/: one NinjaAPI, one error shape, routers from each app."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from hkcq.accounts.api import router as accounts_router
from hkcq.calendars.api import router as calendars_router
from hkcq.core import badinput
from hkcq.core.api import ErrorOut
from hkcq.core.errors import DomainError
from hkcq.core.throttle import Throttled, retry_after_header
from hkcq.enquiries.api import router as enquiries_router
from hkcq.enquiries.service_levels_api import router as service_levels_router
from hkcq.exchanges.api import router as exchanges_router
from hkcq.kb.api import router as kb_router
from hkcq.notifications.api import router as notifications_router
from hkcq.partnering.api import router as partnering_router
from hkcq.progress.api import router as progress_router
from hkcq.registry.api import router as registry_router
from hkcq.reporting.api import router as reporting_router
from hkcq.suggestions.api import router as suggestions_router


class PlatformAPI(NinjaAPI):
    """Documents the one error shape on every operation (as its ``default`` response): every
    error of every endpoint is mapped to it by the handlers below. Public operations declare
    ``security: []``."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in components:
            generated = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(generated.pop("$defs", {}))
            components["ErrorOut"] = generated
        error = {
            "description": "Error (every error of the API has this shape)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault("default", error)
                # An operation without authentication says so: OpenAPI's "no security needed".
                operation.setdefault("security", [])
        return schema


class BodyRefused(Exception):
    """A body the parser refuses, with the answer it gets (ninja wraps a parser's exception in a
    400 ``HttpError``; :func:`on_http_error` answers with this one instead)."""

    def __init__(self, status: int, code: str, message: str, details: object = None) -> None:
        self.status, self.code, self.message, self.details = status, code, message, details
        super().__init__(message)


def _invalid(loc: list[Any], message: str, kind: str) -> BodyRefused:
    errors = [{"type": kind, "loc": loc, "msg": message}]
    return BodyRefused(422, "validation_error", _("Some of the information is not valid."), errors)


def _number(text: str) -> float | int:
    """A JSON number written with a fraction or exponent: an integer where it is a whole number
    (``1174.0``, ``1.2e3``), as JSON Schema counts integers, so ``Whole`` takes it; otherwise a
    float. Only up to 18 digits: a larger one stays a float (no giant integer from ``1e999999``)."""
    number = Decimal(text)
    if number.is_finite() and number == number.to_integral_value() and number.adjusted() <= 18:
        return int(number)
    return float(text)


class StrictParser(Parser):
    """JSON bodies: an object (an array or a bare value is 422, never an empty PATCH that
    succeeds), no NUL character in any key or text (422, naming the field), not nested deeper
    than the parser can read (400, not a RecursionError). Form fields: no NUL."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body, parse_float=_number)
        except RecursionError as exc:
            raise BodyRefused(400, "bad_request", badinput.too_deep_message()) from exc
        except ValueError as exc:
            raise BodyRefused(400, "bad_request", _("The request body is not valid JSON.")) from exc
        if not isinstance(data, dict):
            raise _invalid(["body"], _("The request body must be a JSON object."), "dict_type")
        where = badinput.nul_path(data)
        if where is not None:
            raise _invalid(["body", *where], badinput.nul_message(), "null_character")
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        where = badinput.nul_path({k: v for k, v in result.items() if not hasattr(v, "read")})
        if where is not None:
            raise _invalid(["form", *where], badinput.nul_message(), "null_character")
        return result


api = PlatformAPI(
    parser=StrictParser(),
    title="Hong Kong/Chongqing Co-operation Platform API",
    version="1.0.0",
    description=(
        "Read the co-operation registry; staff write with a session or a bearer token "
        "(create one on your account page). Every error has the shape "
        '`{"error": {"code", "message", "details"}}`. Texts come in `en`, `zh_hant` and `zh_hans` '
        "with the origin of each (human, machine or converted). Text containing a NUL character "
        "(`\\u0000`) is refused: in a JSON body or a form field with 422 `validation_error` (the "
        "detail's type is `null_character`, naming the field), in the address or query with 400."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", registry_router)
api.add_router("/", progress_router)
api.add_router("/", reporting_router)
api.add_router("/", kb_router)
api.add_router("/", calendars_router)
api.add_router("/", enquiries_router)
api.add_router("/", service_levels_router)
api.add_router("/", suggestions_router)
api.add_router("/", notifications_router)
api.add_router("/", partnering_router)
api.add_router("/", exchanges_router)
api.add_router("/", accounts_router)


def _error(request: HttpRequest, status: int, code: str, message: str, details: object = None) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "details": details}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = _error(request, exc.status, exc.code, str(exc.message), exc.details or None)
    if isinstance(exc, Throttled):
        retry_after_header(response, exc)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "validation_error", _("Some of the information is not valid."), exc.errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Sign in or give a valid API token."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(BodyRefused)
def on_body_refused(request: HttpRequest, exc: BodyRefused) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, BodyRefused):  # the parser's own refusal, wrapped by ninja
        return on_body_refused(request, exc.__cause__)
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "too_large", badinput.too_large_message())


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A NUL that reached the database (a check missed it) is the client's error: 400. Anything
    else is ours: logged, and a 500 in the error shape (Django's debug page while DEBUG)."""
    if badinput.is_nul_error(exc):
        return _error(request, 400, "bad_request", badinput.nul_message())
    if settings.DEBUG:
        raise exc
    import logging

    logging.getLogger("hkcq.api").exception("Unhandled API error")
    return _error(request, 500, "server_error", _("Something went wrong on our side. Please try again later."))
