"""What the exchanges' pages share: an event by its number (404 when unknown), an event its
organiser may organise, and a refusal shown as a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest

from hkcq.core.errors import DomainError, NotFound
from hkcq.core.permissions import require_page
from hkcq.exchanges import permissions, selectors
from hkcq.exchanges.models import (
    Event,
)


def _event(pk: int | str) -> Event:
    try:
        return selectors.event_get(pk)
    except NotFound as exc:
        raise Http404 from exc


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def _form_refused(request: HttpRequest, form: Any) -> None:
    """A small form posted from a page that redirects back: its own (translated) errors as a
    message, so nothing is refused in silence."""
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))


def _organised(request: HttpRequest, pk: int) -> Event:
    event = _event(pk)  # 404 when there is no such event
    require_page(permissions.can_organise_event(request.user, event))  # a public event: 403 to others
    return event
