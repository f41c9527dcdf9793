"""The Open311 service registry: each service the platform offers through GeoReport v2.

A service is an :class:`Open311Service`: its code, names, the attributes it takes, three
functions — submit a request, list requests, get one — (optionally a fourth: get one as the
person who filed it, once the endpoint has checked the token its POST returned) and a :class:`Guide` for the documentation page. Another app adds its own service with one
call, e.g. in its ``AppConfig.ready``::

    from hkcq.open311.registry import register
    register(Open311Service(code="suggestion", ...))

The endpoints (``hkcq.open311.views``) know nothing of enquiries or suggestions; they speak
Open311 and ask the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from hkcq.accounts.types import Viewer
from hkcq.core.translated import TText


@dataclass(frozen=True)
class Attribute:
    """A service attribute (the ``attribute[code]`` fields of a POST)."""

    code: str
    description: TText
    datatype: str = "string"  # string | number | datetime | text | singlevaluelist | multivaluelist
    required: bool = False
    # The keys and names of a list: a tuple, or a function returning one when the list lives in
    # the database (read at each request, not when the service is registered).
    values: tuple[tuple[str, TText], ...] | Callable[[], tuple[tuple[str, TText], ...]] = ()
    datatype_description: TText = field(default_factory=TText)

    def choices(self) -> tuple[tuple[str, TText], ...]:
        return self.values() if callable(self.values) else self.values


@dataclass(frozen=True)
class Submission:
    """A POST to requests.json, parsed: standard fields plus the ``attribute[...]`` values."""

    description: str
    email: str
    phone: str
    first_name: str
    last_name: str
    attributes: dict[str, str]
    idempotency_key: str
    language: str
    user: Viewer = None
    # The address the POST came from (``idempotency.client_address``), for per-address rate limits.
    ip_address: str | None = None
    # Who sent it, for idempotency (hkcq.core.idempotency.client_of): a retry finds the
    # first request's record only from the same client.
    client: str = ""


@dataclass(frozen=True)
class Submitted:
    """What a service's submit returns. The endpoint adds the Open311 ``token`` itself
    (hkcq.open311.models.RequestToken); ``extra`` holds fields of the service's own
    (``tracking_url``)."""

    service_request_id: str
    service_notice: str
    created: bool
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    service_request_ids: tuple[str, ...] = ()
    status: str | None = None  # "open" | "closed"
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    limit: int = 1000


@dataclass(frozen=True)
class RequestOut:
    """One request in Open311 shape (already masked for the public). ``description`` is None
    where a service does not publish it (enquiries, without their token)."""

    service_request_id: str
    status: str
    status_notes: str
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str
    service_notice: str
    requested_datetime: dt.datetime
    updated_datetime: dt.datetime | None
    expected_datetime: dt.datetime | None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PostField:
    """A standard GeoReport field a service reads from a POST (``description``, ``email``, …)."""

    name: str
    description: TText
    required: bool = False


@dataclass(frozen=True)
class Guide:
    """What the people-facing Open311 page (``/<lang>/open311/``) says about a service, beside
    its code, names and attributes: the standard fields a POST uses (any other is ignored),
    what a POST does, what a GET returns, and who can see what."""

    fields: tuple[PostField, ...] = ()
    submitting: TText = field(default_factory=TText)
    returns: TText = field(default_factory=TText)
    privacy: TText = field(default_factory=TText)


@dataclass(frozen=True)
class Open311Service:
    code: str
    name: TText
    description: TText
    group: TText
    # Each keyword in the three languages: the service list gives them in the request's language.
    keywords: tuple[TText, ...]
    attributes: tuple[Attribute, ...]
    submit: Callable[[Submission], Submitted]
    list_requests: Callable[[Filters], Iterable[RequestOut]]
    get_request: Callable[[str], RequestOut | None]
    service_type: str = "realtime"
    guide: Guide = field(default_factory=Guide)
    # ``requests/{id}.json?token=…``: the request as the person who filed it sees it (what the
    # service keeps private, and a request not yet public, e.g. a suggestion awaiting
    # moderation). The endpoint calls it only after checking the token the POST returned. A
    # service without it shows the sender what it shows everyone.
    get_request_for_sender: Callable[[str], RequestOut | None] | None = None


_SERVICES: dict[str, Open311Service] = {}


def register(service: Open311Service) -> None:
    """Offer ``service`` through the Open311 endpoints (registering a code again replaces it)."""
    _SERVICES[service.code] = service


def unregister(code: str) -> None:
    _SERVICES.pop(code, None)


def services() -> list[Open311Service]:
    return list(_SERVICES.values())


def service(code: str) -> Open311Service | None:
    return _SERVICES.get(code)


def language_values() -> tuple[tuple[str, TText], ...]:
    """The platform's languages, as the values of a service's ``language`` attribute."""
    names = {
        "en": TText.of(en="English", zh_hant="英文"),
        "zh-hant": TText.of(en="Traditional Chinese", zh_hant="繁體中文"),
        "zh-hans": TText.of(en="Simplified Chinese", zh_hant="簡體中文", zh_hans="简体中文"),
    }
    return tuple((code, names[code]) for code, _name in settings.LANGUAGES)
