"""Open311 GeoReport v2 endpoints over the service registry, in XML (the specification's
required format) and JSON: every path ends in ``.xml`` or ``.json``.

Errors have the Open311 shape: ``<errors><error><code/><description/></error></errors>``, or in
JSON a list of ``{"code": <HTTP status>, "description": ...}``. ``tokens/{token}`` resolves the
token a POST returned to its ``service_request_id``. Extensions (documented in docs/open311.md
and on the Open311 page): ``lang`` chooses the language of names and notes; POST takes an
``Idempotency-Key`` header and returns ``tracking_url`` beside the token;
``requests/{id}?token=`` gives the sender what a service keeps private (an enquiry's question,
a suggestion awaiting moderation); location fields are accepted and ignored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from hkcq.core import badinput, idempotency
from hkcq.core.dates import TZ
from hkcq.core.errors import DomainError, InvalidInput
from hkcq.core.throttle import Throttled, throttle_check, throttle_count
from hkcq.core.translated import TText, current_language
from hkcq.open311 import registry
from hkcq.open311.models import RequestToken
from hkcq.open311.registry import Filters, RequestOut, Submission

JURISDICTION = "hkcq"
MAX_RESULTS = 1000
DEFAULT_WINDOW = dt.timedelta(days=90)  # the specification's default, and the widest range it allows
FORMATS = ("json", "xml")
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        self.status, self.description = status, description
        super().__init__(description)


@dataclass(frozen=True)
class Reply:
    """An endpoint's answer before it is written as JSON or XML: ``data`` is a list of items
    (XML: ``<root><item>…</item></root>``) or one object (XML: ``<root>…</root>``)."""

    data: Any
    root: str
    item: str = ""
    status: int = 200


# The element of each member of a list nested in an item (XML writes a list as repeated elements).
_LIST_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _xml_value(parent: ET.Element, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif isinstance(value, dict):
        for key, child in value.items():
            _xml_value(ET.SubElement(parent, key), child)
    elif isinstance(value, list | tuple):
        for member in value:
            _xml_value(ET.SubElement(parent, _LIST_ITEMS.get(parent.tag, "item")), member)
    else:
        parent.text = str(value)


def render_xml(reply: Reply) -> bytes:
    root = ET.Element(reply.root)
    if isinstance(reply.data, list):
        for member in reply.data:
            _xml_value(ET.SubElement(root, reply.item), member)
    else:
        _xml_value(root, reply.data)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def respond(reply: Reply, fmt: str) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(render_xml(reply), status=reply.status, content_type="text/xml; charset=utf-8")
    return JsonResponse(reply.data, status=reply.status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(status: int, *descriptions: str, fmt: str = "json") -> HttpResponse:
    body = [{"code": status, "description": d} for d in descriptions]
    return respond(Reply(body, "errors", "error", status), fmt)


def endpoint(methods: tuple[str, ...]) -> Callable[[Callable[..., Reply]], Callable[..., HttpResponse]]:
    """Method check, ``jurisdiction_id``, ``lang``, the format (``fmt``: ``json`` or ``xml``,
    from the path) and error mapping, once for every endpoint."""

    def wrap(view: Callable[..., Reply]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        def wrapped(request: HttpRequest, *args: Any, fmt: str = "json", **kwargs: Any) -> HttpResponse:
            lang = (request.GET.get("lang") or "").strip().lower()
            lang = lang if lang in LANGUAGE_CODES else translation.get_language_from_request(request)
            with translation.override(lang if lang in LANGUAGE_CODES else settings.LANGUAGE_CODE):
                if request.method not in methods:
                    response = error(405, _("This method is not allowed here."), fmt=fmt)
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    params = request.GET if request.method == "GET" else _body(request)
                    jurisdiction = (params.get("jurisdiction_id") or request.GET.get("jurisdiction_id") or "").strip()
                    if jurisdiction and jurisdiction != JURISDICTION:
                        return error(404, _("Unknown jurisdiction_id: this endpoint serves only “hkcq”."), fmt=fmt)
                    return respond(view(request, *args, **kwargs), fmt)
                except Open311Error as exc:
                    return error(exc.status, exc.description, fmt=fmt)
                except Throttled as exc:
                    response = error(429, str(exc.message), fmt=fmt)
                    response["Retry-After"] = str(exc.retry_after)
                    return response
                except InvalidInput as exc:
                    described = [f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in exc.details.items()]
                    # 409 for a reused Idempotency-Key, 429 for a rate limit (hkcq.suggestions.services);
                    # otherwise 400.
                    status = exc.status if exc.status in (409, 429) else 400
                    return error(status, *(described or [str(exc.message)]), fmt=fmt)
                except DomainError as exc:
                    return error(exc.status if exc.status < 500 else 400, str(exc.message), fmt=fmt)

        return wrapped

    return wrap


def _body(request: HttpRequest) -> dict[str, Any]:
    """POST parameters: form-encoded as the specification says, or a JSON object. Refused (in
    the Open311 shape): a body over the size limit (413), JSON nested too deeply to read, and a
    NUL character in any field (400; hkcq.core.badinput)."""
    try:
        if request.content_type == "application/json":
            data = _json_body(request)
        else:
            data = {k: request.POST.get(k, "") for k in request.POST}
    except RequestDataTooBig as exc:
        raise Open311Error(413, badinput.too_large_message()) from exc
    if badinput.nul_path(data) is not None:
        raise Open311Error(400, badinput.nul_message())
    return data


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except RecursionError as exc:
        raise Open311Error(400, badinput.too_deep_message()) from exc
    except ValueError as exc:
        raise Open311Error(400, _("The request body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise Open311Error(400, _("The request body must be a JSON object."))
    attributes = data.pop("attribute", None) or {}
    if not isinstance(attributes, dict):
        raise Open311Error(400, _("attribute must be an object of codes and values."))
    for key, value in attributes.items():
        data[f"attribute[{key}]"] = value
    return {k: "" if v is None else str(v) for k, v in data.items()}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(TZ).isoformat(timespec="seconds") if moment is not None else None


def _request_json(item: RequestOut) -> dict[str, Any]:
    return {
        "service_request_id": item.service_request_id,
        "status": item.status,
        "status_notes": item.status_notes,
        "service_name": item.service_name,
        "service_code": item.service_code,
        "description": item.description,
        "agency_responsible": item.agency_responsible,
        "service_notice": item.service_notice,
        "requested_datetime": _iso(item.requested_datetime),
        "updated_datetime": _iso(item.updated_datetime),
        "expected_datetime": _iso(item.expected_datetime),
        # Location does not apply to enquiries or suggestions: the fields are present and empty.
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
        **item.extra,
    }


# -- services ----------------------------------------------------------------------------------
@endpoint(("GET",))
def services_list(request: HttpRequest) -> Reply:
    return Reply(
        [
            {
                "service_code": s.code,
                "service_name": s.name.show().text,
                "description": s.description.show().text,
                "metadata": bool(s.attributes),
                "type": s.service_type,
                "keywords": ",".join(TText.from_json(k).show().text for k in s.keywords),
                "group": s.group.show().text,
            }
            for s in registry.services()
        ],
        "services",
        "service",
    )


@endpoint(("GET",))
def service_definition(request: HttpRequest, service_code: str) -> Reply:
    service = registry.service(service_code)
    if service is None:
        raise Open311Error(404, _("No service has this service_code."))
    attributes = [
        {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description.show().text or None,
            "order": position,
            "description": a.description.show().text,
            **({"values": [{"key": k, "name": n.show().text} for k, n in values]} if values else {}),
        }
        for position, (a, values) in enumerate(((a, a.choices()) for a in service.attributes), start=1)
    ]
    return Reply({"service_code": service.code, "attributes": attributes}, "service_definition")


# -- requests ----------------------------------------------------------------------------------
def _moment(value: str, name: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    moment = parse_datetime(value.replace(" ", "+"))  # a "+" sent unencoded in a query arrives as a space
    if moment is None:
        day = parse_date(value)
        moment = dt.datetime.combine(day, dt.time.min) if day is not None else None
    if moment is None:
        raise Open311Error(
            400, _("%(name)s is not a date and time in W3C format (e.g. 2025-01-31T09:00:00+08:00).") % {"name": name}
        )
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=TZ)


def _filters(request: HttpRequest) -> tuple[Filters, list[str]]:
    params = request.GET
    ids = tuple(i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip())
    codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
    for code in codes:
        if registry.service(code) is None:
            raise Open311Error(404, _("No service has this service_code."))
    statuses = {s.strip().lower() for s in (params.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open or closed."))
    start, end = _moment(params.get("start_date", ""), "start_date"), _moment(params.get("end_date", ""), "end_date")
    if start and end and end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if start and end and end - start > DEFAULT_WINDOW:
        raise Open311Error(400, _("start_date and end_date may not be more than 90 days apart."))
    if not ids and start is None and end is None:
        # The specification's default window: the last 90 days.
        start = dt.datetime.now(tz=TZ) - DEFAULT_WINDOW
    elif not ids and start is not None and end is None:
        end = start + DEFAULT_WINDOW
    elif not ids and start is None and end is not None:
        start = end - DEFAULT_WINDOW
    status = next(iter(statuses)) if len(statuses) == 1 else None
    return Filters(service_request_ids=ids, status=status, start=start, end=end, limit=MAX_RESULTS), codes


@endpoint(("GET", "POST"))
def requests_view(request: HttpRequest) -> Reply:
    if request.method == "POST":
        return _create(request)
    filters, codes = _filters(request)
    chosen = [s for s in registry.services() if not codes or s.code in codes]
    items: list[RequestOut] = []
    for service in chosen:
        items.extend(service.list_requests(filters))
    items.sort(key=lambda i: i.requested_datetime, reverse=True)
    return Reply([_request_json(i) for i in items[:MAX_RESULTS]], "service_requests", "request")


def _create(request: HttpRequest) -> Reply:
    params = _body(request)
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    service = registry.service(code)
    if service is None:
        raise Open311Error(404, _("No service has this service_code."))
    # Only an accepted request counts (docs/security.md, "What counts for a submission"): the
    # counters are checked before the work without counting, and counted once a new record is
    # stored, so a refused request (400, 409) or a replay of one already stored uses up nothing.
    action, targets = f"{service.code}_submit", ((params.get("email") or "").strip(),)
    throttle_check(request, action, targets=targets)
    attributes = {
        k[len("attribute[") : -1]: str(v) for k, v in params.items() if k.startswith("attribute[") and k.endswith("]")
    }
    submission = Submission(
        description=(params.get("description") or "").strip(),
        email=(params.get("email") or "").strip(),
        phone=(params.get("phone") or "").strip(),
        first_name=(params.get("first_name") or "").strip(),
        last_name=(params.get("last_name") or "").strip(),
        attributes=attributes,
        idempotency_key=(request.headers.get("Idempotency-Key") or "").strip(),
        language=current_language(),
        ip_address=idempotency.client_address(request) or None,
        client=idempotency.client_of(request),
    )
    result = service.submit(submission)
    if result.created:
        throttle_count(request, action, targets=targets)
    token, _created = RequestToken.objects.get_or_create(
        service_code=service.code, service_request_id=result.service_request_id
    )
    body = [
        {
            "service_request_id": result.service_request_id,
            "token": token.token,
            "service_notice": result.service_notice,
            "account_id": None,
            **result.extra,
        }
    ]
    return Reply(body, "service_requests", "request", status=201 if result.created else 200)


@endpoint(("GET",))
def request_detail(request: HttpRequest, service_request_id: str) -> Reply:
    """One request. With ``token`` (the one its POST returned), the request as its sender sees
    it: what a service keeps private (an enquiry's question), and a request not yet public (a
    suggestion awaiting moderation), without making it public."""
    token = (request.GET.get("token") or "").strip()
    if token:
        held = RequestToken.objects.filter(token=token).first()
        service = registry.service(held.service_code) if held is not None else None
        if held is None or service is None or not _same_request(service, held.service_request_id, service_request_id):
            raise Open311Error(403, _("This token does not belong to this request."))
        getter = service.get_request_for_sender or service.get_request
        found = getter(held.service_request_id)
        if found is None:
            raise Open311Error(404, _("No request has this service_request_id."))
        return Reply([_request_json(found)], "service_requests", "request")
    for service in registry.services():
        found = service.get_request(service_request_id)
        if found is not None:
            return Reply([_request_json(found)], "service_requests", "request")
    raise Open311Error(404, _("No request has this service_request_id."))


def _same_request(service: registry.Open311Service, held: str, asked: str) -> bool:
    """Whether the id in the path names the request the token was issued for (ids may be typed
    loosely, as the services read them: ask the service for both)."""
    if held == asked:
        return True
    getter = service.get_request_for_sender or service.get_request
    one, other = getter(held), getter(asked)
    return one is not None and other is not None and one.service_request_id == other.service_request_id


@endpoint(("GET",))
def token_detail(request: HttpRequest, token: str) -> Reply:
    """``tokens/{token}``: the ``service_request_id`` of the request a POST returned ``token`` for."""
    held = RequestToken.objects.filter(token=token.strip()).first()
    if held is None:
        raise Open311Error(404, _("No request has this token."))
    return Reply([{"service_request_id": held.service_request_id, "token": held.token}], "service_requests", "request")


def base_url(request: HttpRequest) -> str:
    """The endpoints' base address as the client reached this server (scheme, host and port of
    the request, not SITE_URL, which only e-mails need)."""
    return request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "json"}).rsplit("/", 1)[0])


@endpoint(("GET",))
def discovery(request: HttpRequest) -> Reply:
    return Reply(
        {
            "changeset": "2025-01-01T00:00:00+08:00",
            "contact": _("The secretariat of the Hong Kong/Chongqing Co-operation Conference."),
            "key_service": "",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base_url(request),
                    "changeset": "2025-01-01T00:00:00+08:00",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        "discovery",
    )


def openapi_document(request: HttpRequest) -> JsonResponse:
    """``openapi.json``: the OpenAPI 3.1 description of these endpoints (hkcq.open311.openapi)."""
    from hkcq.open311.openapi import document  # local import: only this view needs the description

    return JsonResponse(document(base_url(request)), json_dumps_params={"ensure_ascii": False})
