"""Bad input never becomes a 500 (docs/security.md, "Input"): one place that knows what the
platform refuses before any view reads it, for every interface.

- A NUL character (``\\x00``, ``%00``) in the address or the query string: 400. PostgreSQL cannot
  store NUL in text, so a NUL that reached a query was a 500 there.
- A body longer than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (uploads excepted: ``core.uploads`` has its
  own limit): 413, before the body is read.
- A NUL that still reaches the database (a form field no check covers): 400, not a 500.
- A method an API operation does not have: 405 with ``Allow``, in the API's shape (not
  django-ninja's plain-text page).

The answer takes the interface's own shape (:func:`machine_error`: the API's
``{"error": …}``, Open311's list of ``{code, description}`` or ``<errors>``), else a translated
page. JSON bodies are checked where they are parsed: ``config.api`` (API) and
``hkcq.open311.views`` (Open311), with :func:`nul_path`; forms refuse NUL themselves (Django's
``CharField``: "Null characters are not allowed.", translated in ``locale/``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _

NUL = "\x00"


def nul_message() -> str:
    return _("Null characters are not allowed.")


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _("The request is too large (at most %(kb)d KB).") % {"kb": max(1, limit // 1024)}


def method_not_allowed_message() -> str:
    return _("This method is not allowed here.")


def too_deep_message() -> str:
    return _("The request body is nested too deeply.")


def nul_path(data: Any) -> list[str | int] | None:
    """Where the first NUL in a parsed JSON value is (its keys and indexes; ``[]`` for the value
    itself), or None. Walks without recursion: the value may be deeply nested."""
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                return path
        elif isinstance(value, dict):
            for key, member in value.items():
                if NUL in str(key):
                    return [*path, str(key)]
                stack.append(([*path, key], member))
        elif isinstance(value, list | tuple):
            stack.extend(([*path, i], member) for i, member in enumerate(value))
    return None


def _query_has_nul(request: HttpRequest) -> bool:
    query = request.META.get("QUERY_STRING", "")
    return bool(query) and b"\x00" in unquote_to_bytes(query.replace("+", " "))


def is_nul_error(exc: BaseException) -> bool:
    """The database driver's refusal of a NUL (psycopg: "… cannot contain NUL (0x00) bytes")."""
    return "NUL (0x00)" in str(exc)


def machine_error(request: HttpRequest, status: int, message: str) -> HttpResponse | None:
    """An unknown address under the API or Open311 answers in that interface's own error shape
    (docs/architecture.md, "API"; Open311: a list of ``{code, description}``, XML for ``.xml``)."""
    path = request.path
    if path.startswith("/api/"):
        code = {
            404: "not_found",
            403: "forbidden",
            400: "bad_request",
            405: "method_not_allowed",
            413: "too_large",
        }.get(status, "server_error")
        return JsonResponse({"error": {"code": code, "message": message, "details": None}}, status=status)
    if path.startswith("/open311/v2/"):
        if path.endswith(".xml"):
            body = (
                f'<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>{status}</code>'
                f"<description>{escape(message)}</description></error></errors>"
            )
            return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
        return JsonResponse([{"code": status, "description": message}], status=status, safe=False)
    return None


def refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """``message`` with ``status`` in the shape of the interface ``request`` was sent to."""
    answer = machine_error(request, status, message)
    if answer is not None:
        return answer
    template = "413.html" if status == 413 else "errors/400.html"
    return render(request, template, {"message": message}, status=status)


class BadInputMiddleware:
    """Refuses NUL in the address or query and over-long bodies before any view runs; turns a
    NUL the database refused, or a body found too long while reading it, into 400/413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or _query_has_nul(request):
            return refuse(request, 400, nul_message())
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = (request.META.get("CONTENT_TYPE") or "").startswith("multipart/")
        if limit is not None and length > limit and not multipart:
            return refuse(request, 413, too_large_message())
        response = self.get_response(request)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/html"):
            # django-ninja answers a method an operation does not have with a plain-text page.
            answer = machine_error(request, 405, method_not_allowed_message())
            if answer is not None:
                answer["Allow"] = response.get("Allow", "")
                return answer
        if response.status_code == 405 and not response.content and machine_error(request, 405, "") is None:
            # A page that only takes a form's POST, opened by its address: Django answers with an
            # empty body, which browsers show as their own error. The site's page says what to do.
            page = render(request, "errors/405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return refuse(request, 413, too_large_message())
        if is_nul_error(exception):
            return refuse(request, 400, nul_message())
        return None
