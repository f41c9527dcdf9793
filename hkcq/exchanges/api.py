"""Events and rounds API (issue 14). Errors have the one shape of config/api.py.

Rounds are created from one document, the same shape as the spreadsheet upload; participants
are named by the organiser's own external ids throughout."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import ERRORS, ErrorOut, Mapped, Required, TextOut
from hkcq.core.errors import NotFound
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.exchanges import permissions, selectors, services
from hkcq.exchanges.models import Event, Meeting, PairStatus, Participant, Round

router = Router(tags=["events and rounds"])


class ExchangeEventOut(Schema):
    id: int
    kind: str
    title: TextOut
    recurring: bool
    demonstration: bool
    starts_on: dt.date | None
    ends_on: dt.date | None
    venue: TextOut
    phase: str
    areas: list[str]

    @staticmethod
    def of(e: Event) -> dict[str, Any]:
        return {
            "id": e.pk,
            "kind": e.kind,
            "title": TextOut.of(e.title),
            "recurring": e.recurring,
            "demonstration": e.demonstration,
            "starts_on": e.starts_on,
            "ends_on": e.ends_on,
            "venue": TextOut.of(e.venue),
            "phase": e.phase,
            "areas": [a.ext_id for a in e.areas.all()],
        }


class EventMeetingOut(Schema):
    id: int
    participants: list[str]
    start: dt.datetime | None
    end: dt.datetime | None
    table: str | None
    status: str
    locked: bool
    interpreter: str | None
    language_pair: str

    @staticmethod
    def of(m: Meeting) -> dict[str, Any]:
        event = m.event
        return {
            "id": m.pk,
            "participants": [str(m.requester.profile), str(m.recipient.profile)],
            "start": services.slot_start(event, m.slot) if m.slot is not None else None,
            "end": services.slot_end(event, m.slot) if m.slot is not None else None,
            "table": str(m.table + 1) if m.table is not None else None,
            "status": m.status,
            "locked": m.locked,
            "interpreter": m.interpreter.name if m.interpreter else None,
            "language_pair": m.language_pair,
        }


class EventMeetingListOut(Schema):
    items: list[EventMeetingOut]
    count: int


class EventScheduleOut(Schema):
    scheduled: int
    unscheduled: int
    moved: int
    upper_bound: int
    solver_status: str
    seconds: float


@router.get("/events", response=list[ExchangeEventOut], summary="Events and recurring programmes")
@paginate(LimitOffsetPagination)
def event_list(request: HttpRequest) -> Mapped:
    """Events, then the recurring programmes; ``{items, count}`` with ``limit``/``offset`` like
    every other list."""
    return Mapped(selectors.events(), ExchangeEventOut.of)


@router.get("/events/{event_id}", response={200: ExchangeEventOut, 404: ErrorOut}, summary="One event")
def event_detail(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return ExchangeEventOut.of(selectors.event_get(event_id))


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


class EventMeetingRequestIn(Schema):
    recipient: int  # the other participant's registration id
    note: str = ""


@router.post(
    "/events/{event_id}/meetings",
    response={201: EventMeetingOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Request a meeting",
)
def meeting_request(request: AuthedRequest, event_id: int, body: EventMeetingRequestIn) -> tuple[int, dict[str, Any]]:
    event = selectors.event_get(event_id)
    mine = selectors.registration_for(request.auth, event)
    if mine is None:
        raise NotFound()
    other = event.registrations.filter(pk=body.recipient).first()
    if other is None:
        raise NotFound()
    meeting = services.meeting_request(user=request.auth, requester=mine, recipient=other, note=body.note)
    return 201, EventMeetingOut.of(meeting)


class EventMeetingAnswerIn(Schema):
    accept: bool
    slot: int | None = None  # pick a slot by hand (index into the event's grid)


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


# -- rounds ---------------------------------------------------------------------------------------
class RoundApplicantIn(Schema):
    id: Required
    ranks: list[str] = []
    name: str = ""
    language: str = "en"


class RoundHostIn(Schema):
    id: Required
    capacity: int = 1
    ranks: list[str] = []
    name: str = ""
    language: str = "en"


class RoundIn(Schema):
    kind: Literal["internship", "sister_school", "exchange"]
    title: Required
    applicants: list[RoundApplicantIn]
    hosts: list[RoundHostIn]
    tie_break_seed: int = 0


class RoundCreatedOut(Schema):
    id: int


@router.post(
    "/rounds",
    response={201: RoundCreatedOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Create a round with its participants and rankings",
)
def round_create(request: AuthedRequest, body: RoundIn) -> tuple[int, dict[str, Any]]:
    round_ = services.round_create(user=request.auth, data=body.dict())
    return 201, {"id": round_.pk}


class ExchangeRoundOut(Schema):
    id: int
    kind: str
    title: TextOut
    status: str
    runs: int
    applicants: list[str]
    hosts: list[dict[str, Any]]


@router.get(
    "/rounds/{round_id}",
    response={200: ExchangeRoundOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="A round (organisers and its participants)",
)
def round_detail(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    parts = list(r.participants.all())
    return {
        "id": r.pk,
        "kind": r.kind,
        "title": TextOut.of(r.title),
        "status": r.status,
        "runs": r.runs,
        "applicants": [p.ext_id for p in parts if p.role == Participant.APPLICANT],
        "hosts": [{"id": p.ext_id, "capacity": p.capacity} for p in parts if p.role == Participant.HOST],
    }


class RoundRanksIn(Schema):
    ranks: list[str]


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
    p = r.participants.filter(role=role, ext_id=ext_id).first()
    if p is None or not (
        permissions.can_act_for_participant(request.auth, p) or permissions.can_organise_round(request.auth, r)
    ):
        raise NotFound()
    p = services.ranks_set(user=request.auth, participant=p, ranks=body.ranks)
    return {"ranks": p.ranks}


class RoundAllocationOut(Schema):
    pairs: list[dict[str, Any]]
    unplaced: list[str]
    statistics: dict[str, Any]


def _allocation(r: Round) -> dict[str, Any]:
    live = [p for p in selectors.pairs(r) if p.status in (PairStatus.OFFERED, PairStatus.ACCEPTED)]
    placed = {p.applicant.ext_id for p in live}
    return {
        "pairs": [
            {"applicant": p.applicant.ext_id, "host": p.host.ext_id, "status": p.status, "fixed": p.fixed, "run": p.run}
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
