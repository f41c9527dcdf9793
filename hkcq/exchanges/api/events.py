"""Events: the list, one event, its meetings and schedule all, and setting up an event, its
sessions and its registration questions."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Schema, Status
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import (
    ERRORS,
    ErrorOut,
    Mapped,
    TextIn,
    TextOut,
)
from hkcq.core.errors import NotFound
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.translated import TText
from hkcq.exchanges import selectors, services
from hkcq.exchanges.api._shared import _rows, router
from hkcq.exchanges.models import (
    Event,
    Question,
    Session,
)
from hkcq.exchanges.schemas import (
    EventMeetingAnswerIn,
    EventMeetingListOut,
    EventMeetingOut,
    EventMeetingRequestIn,
    EventScheduleOut,
    ExchangeEventDetailOut,
    ExchangeEventIn,
    ExchangeEventOut,
    ExchangeEventPatch,
    ExchangeQuestionIn,
    ExchangeQuestionOut,
    ExchangeQuestionPatch,
    ExchangeSessionIn,
    ExchangeSessionOut,
    ExchangeSessionPatch,
)
from hkcq.registry.models import Area, Measure, Unit


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


P = TypeVar("P", bound=Model)


def _part(parts: QuerySet[P], pk: int) -> P:
    """One of an event's sessions or questions (``parts``: the event's own); 404 otherwise."""
    part = parts.filter(pk=pk).first()
    if part is None:
        raise NotFound()
    return part


def _session(event: Event, session_id: int) -> Session:
    return _part(event.sessions.all(), session_id)


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
    return _part(event.questions.all(), question_id)


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
