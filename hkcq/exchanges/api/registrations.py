"""Registrations (registering, cancelling, availability, the organiser's decision and check-in),
feedback on a meeting, the agenda as iCalendar, an event's phase and the answer to an offered place."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Status

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import (
    ERRORS,
    file_answer,
)
from hkcq.core.errors import InvalidInput, NotFound
from hkcq.exchanges import agenda, permissions, selectors, services
from hkcq.exchanges.api._shared import _pair_out, router
from hkcq.exchanges.schemas import (
    EventAvailabilityIn,
    EventDecisionIn,
    EventFeedbackIn,
    EventFeedbackOut,
    EventPhaseIn,
    EventRegistrationIn,
    EventRegistrationOut,
    ExchangeEventOut,
    RoundPairAnswerIn,
    RoundPairOut,
)
from hkcq.partnering.selectors import profiles_for_member


@router.post(
    "/events/{event_id}/registrations",
    response={201: EventRegistrationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Register for an event on behalf of an organisation profile",
)
def registration_create(request: AuthedRequest, event_id: int, body: EventRegistrationIn) -> Status[dict[str, Any]]:
    """Confirmed when there is room (waiting for approval when the organiser approves
    registrations); on the waiting list when full."""
    event = selectors.event_get(event_id)
    profile = profiles_for_member(request.auth).filter(pk=body.profile).first()
    if profile is None:
        raise InvalidInput(details={"profile": [_("Choose one of the options.")]})
    sessions = list(event.sessions.filter(pk__in=body.sessions))
    if len(sessions) != len(set(body.sessions)):
        raise InvalidInput(details={"sessions": [_("Choose sessions of this event.")]})
    reg = services.registration_submit(
        user=request.auth,
        event=event,
        profile=profile,
        answers=body.answers,
        consent_public=body.consent_public,
        languages=body.languages,
        needs_interpreter=body.needs_interpreter,
        sessions=sessions,
    )
    return Status(201, EventRegistrationOut.of(reg))


@router.get(
    "/registrations/{registration_id}",
    response={200: EventRegistrationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="A registration (the registrant, or the event's organisers)",
)
def registration_detail(request: AuthedRequest, registration_id: int) -> dict[str, Any]:
    return EventRegistrationOut.of(selectors.registration_get_for_user(user=request.auth, pk=registration_id))


@router.delete(
    "/registrations/{registration_id}",
    response={204: None, **ERRORS},
    auth=STAFF_AUTH,
    summary="Cancel a registration (the registrant, or the event's organisers)",
)
def registration_cancel(request: AuthedRequest, registration_id: int) -> HttpResponse:
    """The next on the waiting list (if any) takes the place and is told."""
    reg = selectors.registration_get_for_user(user=request.auth, pk=registration_id)
    services.registration_cancel(user=request.auth, registration=reg)
    return HttpResponse(status=204)


@router.put(
    "/registrations/{registration_id}/availability",
    response={200: EventRegistrationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Set the meeting times you are free",
)
def registration_availability(
    request: AuthedRequest, registration_id: int, body: EventAvailabilityIn
) -> dict[str, Any]:
    reg = selectors.registration_get_for_user(user=request.auth, pk=registration_id)
    return EventRegistrationOut.of(services.availability_set(user=request.auth, registration=reg, slots=body.slots))


@router.post(
    "/meetings/{meeting_id}/feedback",
    response={201: EventFeedbackOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Give feedback on an accepted meeting (each side once)",
)
def meeting_feedback(request: AuthedRequest, meeting_id: int, body: EventFeedbackIn) -> Status[dict[str, Any]]:
    meeting = selectors.meeting_get_for_user(user=request.auth, pk=meeting_id)
    f = services.meeting_feedback(
        user=request.auth,
        meeting=meeting,
        happened=body.happened,
        useful=body.useful,
        outcome=body.outcome,
        outcome_kind=body.outcome_kind,
    )
    return Status(201, EventFeedbackOut.of(f))


@router.get(
    "/registrations/{registration_id}/agenda.ics",
    response={200: bytes, **ERRORS},
    auth=STAFF_AUTH,
    summary="Your agenda as an iCalendar file",
    openapi_extra=file_answer("The agenda (sessions and scheduled meetings)", "text/calendar"),
)
def agenda_ics(request: AuthedRequest, registration_id: int) -> HttpResponse:
    """The registrant's own, as on their agenda page."""
    reg = selectors.registration_get_for_user(user=request.auth, pk=registration_id)
    if not permissions.is_registrant(request.auth, reg):
        raise NotFound()
    event = reg.event
    response = HttpResponse(
        agenda.ics(reg, agenda.items(reg, viewer=request.auth)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="agenda-{event.pk}.ics"'
    return response


@router.post(
    "/registrations/{registration_id}/decision",
    response={200: EventRegistrationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Approve or refuse a registration waiting for approval (organisers)",
)
def registration_decide(request: AuthedRequest, registration_id: int, body: EventDecisionIn) -> dict[str, Any]:
    reg = selectors.registration_get_for_user(user=request.auth, pk=registration_id)
    reg = services.registration_decide(user=request.auth, registration=reg, approve=body.approve)
    return EventRegistrationOut.of(reg)


@router.post(
    "/registrations/{registration_id}/check-in",
    response={200: EventRegistrationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Check a confirmed participant in (organisers)",
)
def registration_check_in(request: AuthedRequest, registration_id: int) -> dict[str, Any]:
    reg = selectors.registration_get_for_user(user=request.auth, pk=registration_id)
    return EventRegistrationOut.of(services.registration_check_in(user=request.auth, registration=reg))


@router.put(
    "/events/{event_id}/phase",
    response={200: ExchangeEventOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Move the event to another phase (organisers)",
)
def event_phase(request: AuthedRequest, event_id: int, body: EventPhaseIn) -> dict[str, Any]:
    event = services.event_phase_set(user=request.auth, event=selectors.event_get(event_id), phase=body.phase)
    return ExchangeEventOut.of(event)


@router.post(
    "/pairs/{pair_id}/answer",
    response={200: RoundPairOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Accept or decline an allocated place (the applicant or the host; an organiser for an unlinked side)",
)
def pair_answer(request: AuthedRequest, pair_id: int, body: RoundPairAnswerIn) -> dict[str, Any]:
    pair = selectors.pair_get_for_user(user=request.auth, pk=pair_id)
    if body.on_behalf_of is not None:
        pair = services.pair_answer_for(
            user=request.auth, pair=pair, side=body.on_behalf_of, accept=body.accept, reason=body.reason
        )
    else:
        pair = services.pair_respond(user=request.auth, pair=pair, accept=body.accept)
    return _pair_out(pair)
