"""Events and rounds API (issue 14). Errors have the one shape of config/api.py.

Rounds are created from one document, the same shape as the spreadsheet upload; participants
are named by the organiser's own external ids throughout."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import (
    ERRORS,
    ErrorOut,
    Mapped,
    Required,
    TextIn,
    TextOut,
    file_answer,
)
from hkcq.core.errors import InvalidInput, NotFound, UnknownReference
from hkcq.core.exports import pdf_response, render_pdf
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.core.templatetags.hkcq import listing
from hkcq.core.translated import TText
from hkcq.exchanges import agenda, permissions, rows, selectors, services
from hkcq.exchanges.models import (
    Event,
    Pair,
    PairStatus,
    Participant,
    Question,
    Round,
    Session,
)
from hkcq.exchanges.schemas import (
    EventAvailabilityIn,
    EventDecisionIn,
    EventFeedbackIn,
    EventFeedbackListOut,
    EventFeedbackOut,
    EventMeetingAnswerIn,
    EventMeetingListOut,
    EventMeetingOut,
    EventMeetingRequestIn,
    EventParticipantListOut,
    EventPhaseIn,
    EventRegistrationIn,
    EventRegistrationListOut,
    EventRegistrationOut,
    EventScheduleOut,
    ExchangeActivityIn,
    ExchangeEventDetailOut,
    ExchangeEventIn,
    ExchangeEventOut,
    ExchangeEventPatch,
    ExchangeQuestionIn,
    ExchangeQuestionOut,
    ExchangeQuestionPatch,
    ExchangeRecordOut,
    ExchangeRecordPatch,
    ExchangeRoundOut,
    ExchangeSessionIn,
    ExchangeSessionOut,
    ExchangeSessionPatch,
    RoundAllocationOut,
    RoundCapacityIn,
    RoundChangeListOut,
    RoundCreatedOut,
    RoundFixIn,
    RoundHostOut,
    RoundIn,
    RoundLinkIn,
    RoundLinkOut,
    RoundPairAnswerIn,
    RoundPairOut,
    RoundPatch,
    RoundRanksIn,
    RoundUploadPreviewOut,
    RoundWithdrawIn,
)
from hkcq.partnering.selectors import profiles_for_member
from hkcq.registry.models import Area, Measure, Unit

router = Router(tags=["events and rounds"])


@router.get("/events", response=list[ExchangeEventOut], summary="Events and recurring programmes")
@paginate(LimitOffsetPagination)
def event_list(request: HttpRequest) -> Mapped:
    """Events, then the recurring programmes; ``{items, count}`` with ``limit``/``offset`` like
    every other list."""
    return Mapped(selectors.events(), ExchangeEventOut.of)


@router.post(
    "/events/{event_id}/schedule",
    response={200: EventScheduleOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Schedule all (organisers)",
)
def event_schedule(request: AuthedRequest, event_id: int) -> dict[str, Any]:
    event = selectors.event_get(event_id)
    s = services.event_schedule(user=request.auth, event=event)
    return {
        "scheduled": s.scheduled,
        "unscheduled": s.unscheduled,
        "moved": s.moved,
        "upper_bound": s.upper_bound,
        "solver_status": s.status,
        "seconds": s.seconds,
    }


@router.get(
    "/events/{event_id}/meetings",
    response={200: EventMeetingListOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Meetings: every one for organisers, a participant's own for them",
)
def event_meetings(request: AuthedRequest, event_id: int) -> dict[str, Any]:
    event = selectors.event_get(event_id)
    items = [EventMeetingOut.of(m) for m in selectors.meetings_visible(request.auth, event)]
    return {"items": items, "count": len(items)}


@router.post(
    "/events/{event_id}/meetings",
    response={201: EventMeetingOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Request a meeting",
)
def meeting_request(request: AuthedRequest, event_id: int, body: EventMeetingRequestIn) -> Status[dict[str, Any]]:
    event = selectors.event_get(event_id)
    mine = selectors.registration_for(request.auth, event)
    if mine is None:
        raise NotFound()
    other = event.registrations.filter(pk=body.recipient).first()
    if other is None:
        raise services.not_on_the_list()
    meeting = services.meeting_request(user=request.auth, requester=mine, recipient=other, note=body.note)
    return Status(201, EventMeetingOut.of(meeting))


@router.post(
    "/meetings/{meeting_id}/answer",
    response={200: EventMeetingOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Accept or decline a request",
)
def meeting_answer(request: AuthedRequest, meeting_id: int, body: EventMeetingAnswerIn) -> dict[str, Any]:
    meeting = selectors.meeting_get_for_user(user=request.auth, pk=meeting_id)
    meeting = services.meeting_respond(user=request.auth, meeting=meeting, accept=body.accept, slot=body.slot)
    return EventMeetingOut.of(meeting)


def _event_detail(e: Event) -> dict[str, Any]:
    return {
        **ExchangeEventOut.of(e),
        "description": TextOut.of(e.description),
        "organiser_units": [u.ext_id for u in e.organiser_units.all()],
        "measures": [m.ext_id for m in e.measures.all()],
        "capacity": e.capacity,
        "requires_approval": e.requires_approval,
        "meeting_start": e.meeting_start,
        "slots_per_day": e.slots_per_day,
        "slot_minutes": e.slot_minutes,
        "tables": e.tables,
        "max_open_requests": e.max_open_requests,
        "request_days": e.request_days,
        "sessions": [ExchangeSessionOut.of(s) for s in e.sessions.all()],
        "questions": [ExchangeQuestionOut.of(q) for q in e.questions.all()],
    }


@router.get("/events/{event_id}", response={200: ExchangeEventDetailOut, 404: ErrorOut}, summary="One event")
def event_detail(request: HttpRequest, event_id: int) -> dict[str, Any]:
    """The event with its sessions and registration questions."""
    return _event_detail(selectors.event_get(event_id))


def _rows(model: type[Any], ids: list[str], field: str) -> list[Any]:
    rows = {r.ext_id: r for r in model.objects.filter(ext_id__in=ids)}
    unknown = [i for i in ids if i not in rows]
    if unknown:  # its own code: a client (and schemathesis) tells it from what the document refuses
        raise UnknownReference(details={field: [_("Unknown id: %(id)s") % {"id": listing(unknown)}]})
    return [rows[i] for i in ids]


REFS: dict[str, type[Any]] = {"organiser_units": Unit, "areas": Area, "measures": Measure}


def _setup_data(payload: Schema) -> dict[str, Any]:
    """Only the fields sent (and, on creation, every field with its default): texts as
    ``{lang: text}``, ids as rows."""
    data: dict[str, Any] = {}
    for name, value in payload:
        if name not in payload.model_fields_set and isinstance(
            payload, (ExchangeEventPatch, ExchangeSessionPatch, ExchangeQuestionPatch)
        ):
            continue
        if isinstance(value, TextIn):
            data[name] = value.as_texts()
        elif name == "options" and value is not None:
            data[name] = [o.as_texts() for o in value]
        elif name in REFS and value is not None:
            data[name] = _rows(REFS[name], list(value), name)
        elif value is None and name in ("description", "venue"):
            data[name] = {}
        elif value is None and name == "position":
            continue
        else:
            data[name] = value
    return data


@router.post("/events", response={201: ExchangeEventDetailOut, **ERRORS}, auth=STAFF_AUTH, summary="Create an event")
def event_create(request: AuthedRequest, body: ExchangeEventIn) -> Status[dict[str, Any]]:
    """Officers (naming one of their own units among the organisers; none named: their units)
    and the secretariat."""
    event = services.event_create(user=request.auth, data=_setup_data(body))
    return Status(201, _event_detail(event))


@router.patch(
    "/events/{event_id}", response={200: ExchangeEventDetailOut, **ERRORS}, auth=STAFF_AUTH, summary="Change an event"
)
def event_update(request: AuthedRequest, event_id: int, body: ExchangeEventPatch) -> dict[str, Any]:
    event = services.event_update(user=request.auth, event=selectors.event_get(event_id), data=_setup_data(body))
    return _event_detail(event)


@router.delete("/events/{event_id}", response={204: None, **ERRORS}, auth=STAFF_AUTH, summary="Delete an event")
def event_delete(request: AuthedRequest, event_id: int) -> HttpResponse:
    """Only an event nobody has registered for; one with registrations is closed instead."""
    services.event_delete(user=request.auth, event=selectors.event_get(event_id))
    return HttpResponse(status=204)


@router.post(
    "/events/{event_id}/sessions",
    response={201: ExchangeSessionOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Add a session",
)
def session_create(request: AuthedRequest, event_id: int, body: ExchangeSessionIn) -> Status[dict[str, Any]]:
    event = selectors.event_get(event_id)
    return Status(
        201, ExchangeSessionOut.of(services.session_save(user=request.auth, event=event, data=_setup_data(body)))
    )


def _session(event: Event, session_id: int) -> Session:
    session = event.sessions.filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


@router.patch(
    "/events/{event_id}/sessions/{session_id}",
    response={200: ExchangeSessionOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Change a session",
)
def session_update(
    request: AuthedRequest, event_id: int, session_id: int, body: ExchangeSessionPatch
) -> dict[str, Any]:
    event = selectors.event_get(event_id)
    session = services.session_save(
        user=request.auth, event=event, data=_setup_data(body), session=_session(event, session_id)
    )
    return ExchangeSessionOut.of(session)


@router.delete(
    "/events/{event_id}/sessions/{session_id}",
    response={204: None, **ERRORS},
    auth=STAFF_AUTH,
    summary="Delete a session nobody has booked",
)
def session_delete(request: AuthedRequest, event_id: int, session_id: int) -> HttpResponse:
    event = selectors.event_get(event_id)
    services.session_delete(user=request.auth, session=_session(event, session_id))
    return HttpResponse(status=204)


@router.post(
    "/events/{event_id}/questions",
    response={201: ExchangeQuestionOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Add a registration question",
)
def question_create(request: AuthedRequest, event_id: int, body: ExchangeQuestionIn) -> Status[dict[str, Any]]:
    event = selectors.event_get(event_id)
    return Status(
        201, ExchangeQuestionOut.of(services.question_save(user=request.auth, event=event, data=_setup_data(body)))
    )


def _question(event: Event, question_id: int) -> Question:
    question = event.questions.filter(pk=question_id).first()
    if question is None:
        raise NotFound()
    return question


@router.patch(
    "/events/{event_id}/questions/{question_id}",
    response={200: ExchangeQuestionOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Change a registration question",
)
def question_update(
    request: AuthedRequest, event_id: int, question_id: int, body: ExchangeQuestionPatch
) -> dict[str, Any]:
    event = selectors.event_get(event_id)
    question = _question(event, question_id)
    data = _setup_data(body)
    if "options" not in data and data.get("kind", question.kind) == "choice":
        data["options"] = [TText.from_json(o).texts for o in question.options]
    return ExchangeQuestionOut.of(services.question_save(user=request.auth, event=event, data=data, question=question))


@router.delete(
    "/events/{event_id}/questions/{question_id}",
    response={204: None, **ERRORS},
    auth=STAFF_AUTH,
    summary="Delete a registration question nobody has answered",
)
def question_delete(request: AuthedRequest, event_id: int, question_id: int) -> HttpResponse:
    event = selectors.event_get(event_id)
    services.question_delete(user=request.auth, question=_question(event, question_id))
    return HttpResponse(status=204)


@router.post(
    "/rounds",
    response={201: RoundCreatedOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Create a round with its participants and rankings",
)
def round_create(request: AuthedRequest, body: RoundIn) -> Status[dict[str, Any]]:
    data = body.dict()
    if data["area"]:  # an unknown id: its own code; a missing area: the service's refusal
        data["area"] = _rows(Area, [data["area"]], "area")[0]
    round_ = services.round_create(user=request.auth, data=data)
    return Status(201, {"id": round_.pk})


@router.get(
    "/rounds/{round_id}",
    response={200: ExchangeRoundOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="A round (organisers and its participants)",
)
def round_detail(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    return _round_out(selectors.round_get_for_user(user=request.auth, pk=round_id))


def _round_out(r: Round) -> dict[str, Any]:
    parts = list(r.participants.all())
    return {
        "id": r.pk,
        "kind": r.kind,
        "title": TextOut.of(r.title),
        "eligibility": TextOut.of(r.eligibility),
        "organiser_units": [u.ext_id for u in r.organiser_units.all()],
        "area": r.area.ext_id if r.area else None,
        "applicant_side": r.applicant_side,
        "ranking_deadline": r.ranking_deadline,
        "response_deadline": r.response_deadline,
        "status": r.status,
        "runs": r.runs,
        "applicants": [p.ext_id for p in parts if p.role == Participant.APPLICANT],
        "hosts": [{"id": p.ext_id, "capacity": p.capacity} for p in parts if p.role == Participant.HOST],
    }


@router.patch(
    "/rounds/{round_id}",
    response={200: ExchangeRoundOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Change a round's settings (organisers)",
)
def round_update(request: AuthedRequest, round_id: int, body: RoundPatch) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    data: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if isinstance(value, TextIn):
            data[name] = value.as_texts()
        elif name in ("title", "eligibility"):  # sent as null: emptied (a title is then refused)
            data[name] = {}
        elif name == "organiser_units":
            data[name] = _rows(Unit, list(value or []), name)
        elif name == "area":
            data[name] = _rows(Area, [value], name)[0] if value else None
        else:
            data[name] = value if value is not None or name.endswith("deadline") else ""
    return _round_out(services.round_update(user=request.auth, round_=r, data=data))


@router.put(
    "/rounds/{round_id}/participants/{ext_id}/ranks",
    response={200: RoundRanksIn, **ERRORS},
    auth=STAFF_AUTH,
    summary="Set a participant's ranking (the participant, or an organiser)",
)
def round_ranks(
    request: AuthedRequest,
    round_id: int,
    ext_id: str,
    body: RoundRanksIn,
    role: Literal["applicant", "host"] = "applicant",
) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    p = selectors.participant_get_for_user(user=request.auth, round_=r, role=role, ext_id=ext_id)
    p = services.ranks_set(user=request.auth, participant=p, ranks=body.ranks)
    return {"ranks": p.ranks}


def _allocation(r: Round) -> dict[str, Any]:
    live = [p for p in selectors.pairs(r) if p.status in (PairStatus.OFFERED, PairStatus.ACCEPTED)]
    placed = {p.applicant.ext_id for p in live}
    reached = selectors.reachable_entries(r)
    return {
        "pairs": [
            {
                "id": p.pk,
                "applicant": p.applicant.ext_id,
                "host": p.host.ext_id,
                "status": p.status,
                "fixed": p.fixed,
                "run": p.run,
                "applicant_accepted": p.applicant_accepted,
                "host_accepted": p.host_accepted,
                "applicant_told": p.applicant_id in reached,
                "host_told": p.host_id in reached,
            }
            for p in live
        ],
        "unplaced": sorted(
            p.ext_id for p in r.participants.filter(role=Participant.APPLICANT) if p.ext_id not in placed
        ),
        "statistics": r.statistics,
    }


@router.post(
    "/rounds/{round_id}/allocate",
    response={200: RoundAllocationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Run the allocation (organisers)",
)
def round_allocate(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    services.round_allocate(user=request.auth, round_=r)
    r.refresh_from_db()
    return _allocation(r)


@router.get(
    "/rounds/{round_id}/allocation",
    response={200: RoundAllocationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="The current allocation",
)
def round_allocation(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    return _allocation(r)


@router.put(
    "/rounds/{round_id}/participants/{ext_id}/link",
    response={200: RoundLinkOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Link a round's entry to its organisation profile and/or an account (organisers)",
)
def round_link(
    request: AuthedRequest,
    round_id: int,
    ext_id: str,
    body: RoundLinkIn,
    role: Literal["applicant", "host"] = "applicant",
) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    p = selectors.participant_get_for_user(user=request.auth, round_=r, role=role, ext_id=ext_id)
    p = services.participant_link(
        user=request.auth, participant=p, profile=body.profile, email=body.email, reason=body.reason
    )
    return {
        "id": p.ext_id,
        "role": p.role,
        "profile": p.profile_id,
        "email": p.user.email if p.user is not None else None,
        "told": p.pk in selectors.reachable_entries(r),
    }


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
    return Status(
        201,
        {
            "id": f.pk,
            "meeting": f.meeting_id,
            "happened": f.happened,
            "useful": f.useful,
            "outcome": f.outcome,
            "outcome_kind": f.outcome_kind,
        },
    )


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


def _pair_out(pair: Pair) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "round": pair.round_id,
        "applicant": pair.applicant.ext_id,
        "host": pair.host.ext_id,
        "status": pair.status,
        "applicant_accepted": pair.applicant_accepted,
        "host_accepted": pair.host_accepted,
    }


# -- API parity (issue 11): what the event and round pages do that had no operation ------------
@router.get(
    "/registrations/{registration_id}/agenda.pdf",
    response={200: bytes, **ERRORS},
    auth=STAFF_AUTH,
    summary="Your agenda as a PDF",
    openapi_extra=file_answer("The agenda (sessions and scheduled meetings)", "application/pdf"),
)
def agenda_pdf(request: AuthedRequest, registration_id: int) -> HttpResponse:
    """The registrant's own, as the agenda page prints it."""
    reg = selectors.registration_get_for_user(user=request.auth, pk=registration_id)
    if not permissions.is_registrant(request.auth, reg):
        raise NotFound()
    event = reg.event
    context = {"event": event, "reg": reg, "items": agenda.items(reg, viewer=request.auth)}
    return pdf_response(render_pdf("exchanges/agenda_pdf.html", context, request), f"agenda-{event.pk}")


@router.get(
    "/events/{event_id}/participants",
    response={200: EventParticipantListOut, 404: ErrorOut},
    summary="The public participant list (only those who consented)",
    openapi_extra={"security": []},
)
def event_participants(request: HttpRequest, event_id: int) -> dict[str, Any]:
    items = [
        {"registration": r.pk, "profile": r.profile_id, "name": str(r.profile)}
        for r in selectors.public_participants(selectors.event_get(event_id)).order_by("id")
    ]
    return {"items": items, "count": len(items)}


@router.get(
    "/events/{event_id}/registrations",
    response={200: EventRegistrationListOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Registrations: every one for the event's organisers, your own for a participant",
)
def event_registrations(request: AuthedRequest, event_id: int) -> dict[str, Any]:
    event = selectors.event_get(event_id)
    if permissions.can_organise_event(request.auth, event):
        regs = list(selectors.registrations(event))
    else:
        mine = selectors.registration_for(request.auth, event)
        regs = [mine] if mine is not None else []
    return {"items": [EventRegistrationOut.of(r) for r in regs], "count": len(regs)}


@router.get(
    "/events/{event_id}/feedback",
    response={200: EventFeedbackListOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Feedback and outcomes of the event's meetings (organisers)",
)
def event_feedback(request: AuthedRequest, event_id: int) -> dict[str, Any]:
    event = selectors.event_get(event_id)
    require(permissions.can_organise_event(request.auth, event))
    items = [
        {
            "id": f.pk,
            "meeting": f.meeting_id,
            "happened": f.happened,
            "useful": f.useful,
            "outcome": f.outcome,
            "outcome_kind": f.outcome_kind,
        }
        for f in selectors.feedback_outcomes(event).order_by("id")
    ]
    return {"items": items, "count": len(items)}


@router.get("/rounds", response={200: list[ExchangeRoundOut], **ERRORS}, auth=STAFF_AUTH, summary="Your rounds")
@paginate(LimitOffsetPagination)
def round_list(request: AuthedRequest) -> Mapped:
    """The rounds you organise or take part in (the secretariat: every round)."""
    return Mapped(selectors.rounds_for(request.auth).order_by("-id"), _round_out)


@router.post(
    "/round-uploads",
    response={200: RoundUploadPreviewOut, 201: RoundCreatedOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Create a round from a spreadsheet (multipart); dry_run (the default) previews it",
)
def round_upload(
    request: AuthedRequest,
    kind: Form[Literal["internship", "sister_school", "exchange"]],
    title: Form[Required],
    area: Form[Required],
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
) -> Status[dict[str, Any]]:
    """The round page's upload: one row per participant (``GET /imports/kinds`` does not list it;
    the columns are the page's). ``area`` (required): the co-operation area the round serves, by
    its id; the round's exchange records are counted under it on the dashboard and in the plenary
    report. ``dry_run`` true: 200 with the preview and its problems, nothing created. ``dry_run``
    false: 201 with the round's id, or 422 with the problems and nothing created. Each problem is
    one line in the reader's language, naming its row ("Row 4: …", 第4行：…). Confirming a preview
    is sending the same file with ``dry_run`` false (or its ``document`` to ``POST /rounds``)."""
    require(permissions.can_create_round(request.auth))
    chosen = _rows(Area, [area], "area")[0]
    sheet = rows.sheet_from_xlsx(file, kind=kind, title=title)
    sheet.document["area"] = chosen
    problems = rows.sheet_problems(sheet)
    document = {**sheet.document, "area": chosen.ext_id}
    if dry_run:
        return Status(200, {"document": document, "problems": problems})
    if problems:
        raise InvalidInput(_("The spreadsheet has rows that are not valid."), details={"file": problems})
    round_ = services.round_create(user=request.auth, data=sheet.document)
    return Status(201, {"id": round_.pk})


@router.post(
    "/rounds/{round_id}/pairs",
    response={201: RoundPairOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Fix a pair by hand; every later run keeps it (organisers)",
)
def round_fix_pair(request: AuthedRequest, round_id: int, body: RoundFixIn) -> Status[dict[str, Any]]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    a = _entry_chosen(request, r, Participant.APPLICANT, body.applicant)
    h = _entry_chosen(request, r, Participant.HOST, body.host)
    pair = services.pair_fix(user=request.auth, round_=r, applicant=a, host=h, reason=body.reason)
    return Status(201, _pair_out(pair))


def _entry_chosen(request: AuthedRequest, r: Round, role: str, ext_id: str) -> Participant:
    """The round's entry a body names (``role`` is also the field naming it); 422 when there is none."""
    try:
        return selectors.participant_get_for_user(user=request.auth, round_=r, role=role, ext_id=ext_id)
    except NotFound as exc:
        message = _("Choose an applicant and a host of this round.")
        raise InvalidInput(message, details={role: [message]}) from exc


@router.put(
    "/rounds/{round_id}/hosts/{ext_id}/capacity",
    response={200: RoundHostOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Change a host's places, with a reason (organisers)",
)
def round_capacity(request: AuthedRequest, round_id: int, ext_id: str, body: RoundCapacityIn) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    h = selectors.participant_get_for_user(user=request.auth, round_=r, role=Participant.HOST, ext_id=ext_id)
    h = services.capacity_set(user=request.auth, host=h, capacity=body.capacity, reason=body.reason)
    return {"id": h.ext_id, "capacity": h.capacity}


@router.post(
    "/pairs/{pair_id}/withdraw",
    response={200: RoundPairOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Withdraw an allocated pair after a run, with a reason (organisers)",
)
def pair_withdraw(request: AuthedRequest, pair_id: int, body: RoundWithdrawIn) -> dict[str, Any]:
    pair = selectors.pair_get_for_user(user=request.auth, pk=pair_id)
    require(permissions.can_organise_round(request.auth, pair.round))
    return _pair_out(services.pair_withdraw(user=request.auth, pair=pair, reason=body.reason))


@router.get(
    "/exchange-records",
    response={200: list[ExchangeRecordOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="Exchange records you organise or are a side of",
)
@paginate(LimitOffsetPagination)
def record_list(request: AuthedRequest) -> Mapped:
    """Sister-school pairs, internships and exchanges that formed from accepted pairs."""
    return Mapped(selectors.records_for(request.auth), ExchangeRecordOut.of)


@router.get(
    "/exchange-records/{record_id}",
    response={200: ExchangeRecordOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="One exchange record",
)
def record_detail(request: AuthedRequest, record_id: int) -> dict[str, Any]:
    return ExchangeRecordOut.of(selectors.record_get_for_user(user=request.auth, pk=record_id))


@router.patch(
    "/exchange-records/{record_id}",
    response={200: ExchangeRecordOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Update an exchange record (the round's organisers, either side of the pair)",
)
def record_update(request: AuthedRequest, record_id: int, body: ExchangeRecordPatch) -> dict[str, Any]:
    record = selectors.record_get_for_user(user=request.auth, pk=record_id)
    sent = body.model_fields_set
    record = services.record_update(
        user=request.auth,
        record=record,
        starts_on=body.starts_on if "starts_on" in sent else record.starts_on,
        ends_on=body.ends_on if "ends_on" in sent else record.ends_on,
        report=body.completion_report,
    )
    return ExchangeRecordOut.of(record)


@router.post(
    "/exchange-records/{record_id}/activities",
    response={201: ExchangeRecordOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Add an activity to an exchange record (kept with this year)",
)
def record_activity(request: AuthedRequest, record_id: int, body: ExchangeActivityIn) -> Status[dict[str, Any]]:
    record = selectors.record_get_for_user(user=request.auth, pk=record_id)
    if not body.text.strip():
        raise InvalidInput(details={"text": [_("This field is required.")]})
    record = services.record_update(
        user=request.auth, record=record, starts_on=record.starts_on, ends_on=record.ends_on, activity=body.text
    )
    return Status(201, ExchangeRecordOut.of(record))


@router.get(
    "/rounds/{round_id}/changes",
    response={200: RoundChangeListOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Every change to the round's pairs and places, with its reason (organisers)",
)
def round_changes(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    items = [
        {
            "action": c.action,
            "detail": c.detail,
            "reason": c.reason,
            "actor": c.actor.username if c.actor else None,
            "at": c.at,
        }
        for c in r.changes.select_related("actor").order_by("at", "id")
    ]
    return {"items": items, "count": len(items)}
