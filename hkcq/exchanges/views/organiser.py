"""An event's organiser pages: the organiser's view, schedule all, the phase, registrations'
decisions and check-in, the grid and the table cards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import DomainError, NotPermitted
from hkcq.core.history import history_entries
from hkcq.exchanges import selectors, services
from hkcq.exchanges.models import (
    EventPhase,
    MeetingStatus,
    RegistrationStatus,
)
from hkcq.exchanges.views._shared import _organised, _refused


@login_required
def organise(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    all_meetings = list(selectors.meetings(event))
    return render(
        request,
        "exchanges/organise.html",
        {
            "event": event,
            "registrations": selectors.registrations(event),
            "meetings": all_meetings,
            "interpreted": [m for m in all_meetings if m.language_pair and m.status == MeetingStatus.ACCEPTED],
            "phases": EventPhase.choices,
            "outcomes": selectors.feedback_outcomes(event),
            "statuses": RegistrationStatus,
            "sessions": event.sessions.all(),
            "questions": event.questions.all(),
            "history": history_entries(event),
            "show_change_details": True,
            "check_in_open": services.check_in_open(event),
        },
    )


@login_required
@require_POST
def organise_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    try:
        s = services.event_schedule(user=request.user, event=event)
        messages.success(
            request,
            ngettext(
                "Scheduled %(scheduled)d meeting; %(unscheduled)d could not be placed; %(moved)d moved from their earlier time.",
                "Scheduled %(scheduled)d meetings; %(unscheduled)d could not be placed; %(moved)d moved from their earlier time.",
                s.scheduled,
            )
            % {"scheduled": s.scheduled, "unscheduled": s.unscheduled, "moved": s.moved},
        )
    except DomainError as exc:
        _refused(request, exc)
    return redirect("exchanges:organise", pk=event.pk)


@login_required
@require_POST
def organise_phase(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    try:
        services.event_phase_set(user=request.user, event=event, phase=request.POST.get("phase", ""))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("exchanges:organise", pk=event.pk)


@login_required
@require_POST
def registration_action(request: AuthedRequest, registration_id: int, action: str) -> HttpResponse:
    reg = selectors.registration_get_for_user(user=request.user, pk=registration_id)
    try:
        name = reg.person.display_name
        if action == "approve":
            services.registration_decide(user=request.user, registration=reg, approve=True)
            messages.success(request, _("%(name)s's registration is approved; they are told.") % {"name": name})
        elif action == "refuse":
            services.registration_decide(user=request.user, registration=reg, approve=False)
            messages.success(request, _("%(name)s's registration is refused; they are told.") % {"name": name})
        elif action == "check-in":
            services.registration_check_in(user=request.user, registration=reg)
            messages.success(request, _("%(name)s has checked in.") % {"name": name})
        else:
            raise Http404
    except NotPermitted as exc:  # a row the person sees (else 404 above), an action not theirs
        raise PermissionDenied from exc
    except DomainError as exc:
        _refused(request, exc)
    return redirect("exchanges:organise", pk=reg.event_id)


@login_required
def organise_grid(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    return render(
        request,
        "exchanges/grid.html",
        {"event": event, "rows": selectors.grid(event), "tables": range(1, event.tables + 1)},
    )


@login_required
def organise_cards(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    by_table: dict[int, list[Any]] = {}
    for m in selectors.scheduled(event):
        assert m.slot is not None and m.table is not None
        by_table.setdefault(m.table + 1, []).append((services.slot_start(event, m.slot), m))
    return render(request, "exchanges/cards.html", {"event": event, "tables": sorted(by_table.items())})
