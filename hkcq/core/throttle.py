"""Throttling of public writes and look-ups, counted in the cache (Redis when ``REDIS_URL`` is set,
so every application server shares the counts) with django-ratelimit's counters.

Each action has rates per *address* (the client's IP) and per *target* (what the request is
aimed at: the e-mail address a message will go to, the reference looked up); a target is kept
only as a digest in the cache key. Rates come from ``settings.THROTTLE_RATES`` (docs/security.md).
Views call :func:`throttle` before the work; :class:`Throttled` becomes a 429 with
``Retry-After``: in the API (config/api.py), Open311 (hkcq/open311/views.py) and on pages.
A page FORM refused by a throttle is shown again by its view through :func:`form_refused`: the
same page, the form with what was typed and :func:`refusal_message` (when to send it again),
status 429 with ``Retry-After`` (find my enquiry, tracking replies and ratings, password reset,
the ask box, the enquiry and suggestion forms). Only what has no form to keep falls through to
:class:`ThrottledMiddleware`: a translated 429 page (a fragment for an htmx request).

Submissions (an enquiry, a suggestion) are counted only once ACCEPTED: the view asks
:func:`throttle_check` before the work (nothing counted) and :func:`throttle_count` once a new
record is stored, so a resident correcting the form's errors, or sending the same thing twice
(an idempotent replay), uses up nothing. A refused form is shown again with what was typed and
:func:`refusal_message` (when to send it again), status 429 (docs/security.md, "Throttling").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from hkcq.core.errors import DomainError
from hkcq.core.idempotency import client_address


class Throttled(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests in a short time. Please wait a little and try again.")

    def __init__(self, message: Any = None, *, retry_after: int = 60, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = max(1, int(retry_after))


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _count(request: HttpRequest, group: str, value: str, rate: str, *, increment: bool) -> dict[str, Any] | None:
    key: Callable[[str, HttpRequest], str] = lambda _group, _request: value  # noqa: E731
    usage: dict[str, Any] | None = get_usage(request, group=group, key=key, rate=rate, increment=increment)
    return usage


def throttle(request: HttpRequest, action: str, *, targets: tuple[str, ...] = (), count: bool = True) -> None:
    """Count this request against ``action``'s rates (``settings.THROTTLE_RATES[action]``: a list
    of ``(scope, rate)``, scope ``address`` or ``target``) and raise :class:`Throttled` when one
    is over. ``count=False`` only checks."""
    wait = 0
    for scope, rate in settings.THROTTLE_RATES.get(action, ()):
        # A target named twice (the e-mail typed and the account's own) counts once.
        digests = dict.fromkeys(_digest(t) for t in targets if t and t.strip())
        values = [client_address(request)] if scope == "address" else list(digests)
        for value in values:
            usage = _count(request, f"hkcq.{action}.{scope}", value, rate, increment=count)
            if usage is not None and usage["should_limit"]:
                wait = max(wait, usage["time_left"])
    if wait:
        raise Throttled(retry_after=wait)


def _usages(request: HttpRequest, action: str, targets: tuple[str, ...], *, increment: bool) -> list[dict[str, Any]]:
    usages = []
    for scope, rate in settings.THROTTLE_RATES.get(action, ()):
        digests = dict.fromkeys(_digest(t) for t in targets if t and t.strip())
        values = [client_address(request)] if scope == "address" else list(digests)
        for value in values:
            usage = _count(request, f"hkcq.{action}.{scope}", value, rate, increment=increment)
            if usage is not None:
                usages.append(usage)
    return usages


def throttle_check(request: HttpRequest, action: str, *, targets: tuple[str, ...] = ()) -> None:
    """Raise :class:`Throttled` when one more accepted ``action`` would be over a rate; counts
    nothing (the counters of :func:`throttle_count`)."""
    wait = max(
        (u["time_left"] for u in _usages(request, action, targets, increment=False) if u["count"] >= u["limit"]),
        default=0,
    )
    if wait:
        raise Throttled(retry_after=wait)


def throttle_count(request: HttpRequest, action: str, *, targets: tuple[str, ...] = ()) -> None:
    """Count one accepted ``action`` (a record stored); never refuses (:func:`throttle_check` did)."""
    _usages(request, action, targets, increment=True)


def form_throttle_check(
    request: HttpRequest, form: Any, action: str, *, targets: tuple[str, ...] = ()
) -> Throttled | None:
    """:func:`throttle_check` for a page form, before its work: when one more accepted ``action``
    would be over a rate, the form gets :func:`refusal_message` (it keeps what was typed) and the
    refusal is returned, for the 429 answer and its ``Retry-After``; otherwise None."""
    try:
        throttle_check(request, action, targets=targets)
    except Throttled as exc:
        form.add_error(None, refusal_message(exc))
        return exc
    return None


def refusal_message(exc: Throttled) -> str:
    """What a refused form says above the text it keeps: when it may be sent again."""
    minutes = max(1, (exc.retry_after + 59) // 60)
    at = timezone.localtime(timezone.now() + dt.timedelta(seconds=exc.retry_after)).strftime("%H:%M")
    return ngettext(
        "You have sent as many as may be sent from here in a short time. Nothing was sent this time, "
        "but what you typed is kept below: send it again in %(minutes)d minute (after %(time)s).",
        "You have sent as many as may be sent from here in a short time. Nothing was sent this time, "
        "but what you typed is kept below: send it again in %(minutes)d minutes (after %(time)s).",
        minutes,
    ) % {"minutes": minutes, "time": at}


def retry_after_header(response: HttpResponse, exc: Throttled) -> HttpResponse:
    response["Retry-After"] = str(exc.retry_after)
    return response


def form_refused(
    request: HttpRequest, template: str, context: dict[str, Any], *, form: Any, exc: Throttled
) -> HttpResponse:
    """A page form the throttle refused, shown again: ``template`` with ``context`` (which holds
    ``form``, bound to what was typed), :func:`refusal_message` on the form (its error summary
    says when to send it again, in the reader's language), status 429 with ``Retry-After``.
    Nothing of the request was done."""
    form.add_error(None, refusal_message(exc))
    return retry_after_header(render(request, template, context, status=429), exc)


class ThrottledMiddleware:
    """A page that raised :class:`Throttled` (one with no form to keep: a form's view shows it
    again through :func:`form_refused`) answers 429 with ``Retry-After`` and a translated page
    saying how long to wait; an htmx request gets the message alone, to swap in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Throttled):
            return None
        minutes = max(1, (exception.retry_after + 59) // 60)
        template = "_429_message.html" if getattr(request, "htmx", False) else "429.html"
        response = render(request, template, {"minutes": minutes}, status=429)
        return retry_after_header(response, exception)
