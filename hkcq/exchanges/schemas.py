"""The events and rounds API's request and response schemas (``api.py`` holds the operations).

Rounds are created from one document, the same shape as the spreadsheet upload; participants
are named by the organiser's own external ids throughout."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from hkcq.core.api import (
    Flag,
    IsoDate,
    LocalTime,
    Required,
    TextIn,
    TextOut,
    Whole,
    columns,
    required_in_document,
)
from hkcq.core.translated import TText
from hkcq.exchanges import services
from hkcq.exchanges.models import (
    Event,
    ExchangeRecord,
    Feedback,
    Meeting,
    Question,
    Registration,
    Round,
    Session,
)


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
            "interpreter": str(m.interpreter.name) if m.interpreter else None,
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


class EventMeetingRequestIn(Schema):
    """``recipient``: the other participant's registration id, from the event's participant list
    (``GET /events/{event_id}/participants``: those who agreed to appear on it); anyone else is refused
    (422, the same answer whether or not the id names a registration)."""

    recipient: Whole
    note: str = ""


class EventMeetingAnswerIn(Schema):
    accept: Flag
    slot: Whole | None = None  # pick a slot by hand (index into the event's grid)


# -- organisers set up events, sessions and questions ---------------------------------------------
class ExchangeEventIn(Schema):
    """A new event. Units, areas and measures by their stable ids (``ext_id``)."""

    model_config = ConfigDict(json_schema_extra=columns(Event, nullable=("description", "venue")))

    kind: Literal["summit", "fair", "sharing_session", "forum", "exchange_visit", "training"]
    title: TextIn
    description: TextIn | None = None
    venue: TextIn | None = None
    recurring: bool = False
    organiser_units: list[str] = []
    areas: list[str] = []
    measures: list[str] = []
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    capacity: int | None = Field(None, ge=1)
    requires_approval: bool = False
    meeting_start: LocalTime = dt.time(9, 0)
    slots_per_day: int = Field(16, ge=1, le=96)
    slot_minutes: int = Field(30, ge=5, le=240)
    tables: int = Field(10, ge=1, le=1000)
    max_open_requests: int = Field(10, ge=1, le=1000)
    request_days: int = Field(5, ge=1, le=365)


class ExchangeEventPatch(Schema):
    """Only the fields sent change."""

    model_config = ConfigDict(json_schema_extra=columns(Event, nullable=("description", "venue")))

    kind: Literal["summit", "fair", "sharing_session", "forum", "exchange_visit", "training"] | None = None
    title: TextIn | None = None
    description: TextIn | None = None
    venue: TextIn | None = None
    recurring: bool | None = None
    organiser_units: list[str] | None = None
    areas: list[str] | None = None
    measures: list[str] | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    capacity: int | None = Field(None, ge=1)
    requires_approval: bool | None = None
    meeting_start: LocalTime | None = None
    slots_per_day: int | None = Field(None, ge=1, le=96)
    slot_minutes: int | None = Field(None, ge=5, le=240)
    tables: int | None = Field(None, ge=1, le=1000)
    max_open_requests: int | None = Field(None, ge=1, le=1000)
    request_days: int | None = Field(None, ge=1, le=365)


class ExchangeSessionOut(Schema):
    id: int
    title: TextOut
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int | None

    @staticmethod
    def of(s: Session) -> dict[str, Any]:
        return {
            "id": s.pk,
            "title": TextOut.of(s.title),
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "capacity": s.capacity,
        }


class ExchangeSessionIn(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Session))

    title: TextIn
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int | None = Field(None, ge=1)


class ExchangeSessionPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Session))

    title: TextIn | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    capacity: int | None = Field(None, ge=1)


class ExchangeQuestionOut(Schema):
    id: int
    position: int
    label: TextOut
    kind: str
    required: bool
    options: list[TextOut]

    @staticmethod
    def of(q: Question) -> dict[str, Any]:
        return {
            "id": q.pk,
            "position": q.position,
            "label": TextOut.of(q.label),
            "kind": q.kind,
            "required": q.required,
            "options": [TextOut.of(TText.from_json(o)) for o in q.options],
        }


class ExchangeQuestionIn(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Question, nullable=("position",)))

    label: TextIn
    kind: Literal["text", "choice", "yes_no"]
    required: bool = False
    options: list[TextIn] = []  # a choice's options, at least two
    position: int | None = Field(None, ge=0)


class ExchangeQuestionPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Question, nullable=("position",)))

    label: TextIn | None = None
    kind: Literal["text", "choice", "yes_no"] | None = None
    required: bool | None = None
    options: list[TextIn] | None = None
    position: int | None = Field(None, ge=0)


class ExchangeEventDetailOut(ExchangeEventOut):
    """One event as its organisers set it up (what PATCH accepts), with its sessions and
    registration questions."""

    description: TextOut
    organiser_units: list[str]
    measures: list[str]
    capacity: int | None
    requires_approval: bool
    meeting_start: LocalTime
    slots_per_day: int
    slot_minutes: int
    tables: int
    max_open_requests: int
    request_days: int
    sessions: list[ExchangeSessionOut]
    questions: list[ExchangeQuestionOut]


# -- rounds ---------------------------------------------------------------------------------------
PROFILE_LINK = (
    "Optional: the organisation profile behind this entry, by its number (as in its page's address) or its "
    "stable id. Its current members are told the result (in their own language) and accept or decline."
)


EMAIL_LINK = (
    "Optional: the e-mail address of an existing account behind this entry (for example a student's). "
    "That person is told the result and accepts or declines. An entry with neither link is answered for by "
    "the organiser (with a reason), on the round's page or with POST /pairs/{id}/answer and on_behalf_of."
)


class RoundApplicantIn(Schema):
    id: Required
    ranks: list[str] = Field([], json_schema_extra={"uniqueItems": True})
    name: str = ""
    language: str = Field("en", json_schema_extra={"enum": list(services.ROUND_LANGUAGES)})
    profile: int | str | None = Field(None, description=PROFILE_LINK)
    email: str | None = Field(None, description=EMAIL_LINK)


class RoundHostIn(Schema):
    id: Required
    capacity: Whole = Field(1, json_schema_extra={"minimum": 1})
    ranks: list[str] = Field([], json_schema_extra={"uniqueItems": True})
    name: str = ""
    language: str = Field("en", json_schema_extra={"enum": list(services.ROUND_LANGUAGES)})
    profile: int | str | None = Field(None, description=PROFILE_LINK)
    email: str | None = Field(None, description=EMAIL_LINK)


class RoundIn(Schema):
    # the service refuses a missing area with its own translated message (required_in_document)
    model_config = ConfigDict(json_schema_extra=required_in_document("area"))

    kind: Literal["internship", "sister_school", "exchange"]
    title: Required
    applicants: list[RoundApplicantIn]
    hosts: list[RoundHostIn]
    tie_break_seed: Whole = 0
    area: str = Field(
        "",
        description=(
            "The co-operation area the round serves, by its id (required): its pairs and placements are counted "
            "under it on the dashboard and in the plenary report."
        ),
    )
    ranking_deadline: IsoDate | None = None
    response_deadline: IsoDate | None = None


class RoundPatch(Schema):
    """A round's settings; only the fields sent change."""

    model_config = ConfigDict(
        json_schema_extra=columns(Round, nullable=("eligibility", "applicant_side"), not_null=("area",))
    )

    title: TextIn | None = None
    eligibility: TextIn | None = None
    organiser_units: list[str] | None = None
    area: str | None = Field(None, description="The co-operation area the round serves, by its id (never emptied).")
    applicant_side: Literal["hong_kong", "chongqing", ""] | None = None
    ranking_deadline: IsoDate | None = None
    response_deadline: IsoDate | None = None


class RoundCreatedOut(Schema):
    id: int


class ExchangeRoundOut(Schema):
    id: int
    kind: str
    title: TextOut
    eligibility: TextOut
    organiser_units: list[str]
    area: str | None
    applicant_side: str
    ranking_deadline: dt.date | None
    response_deadline: dt.date | None
    status: str
    runs: int
    applicants: list[str]
    hosts: list[dict[str, Any]]


class RoundRanksIn(Schema):
    ranks: list[str]


class RoundPairRowOut(Schema):
    id: int
    applicant: str
    host: str
    status: str
    fixed: bool
    run: int
    applicant_accepted: bool | None
    host_accepted: bool | None
    applicant_told: bool = Field(
        description="The applicant is linked to people who were told; false: the organiser answers for them"
    )
    host_told: bool = Field(
        description="The host is linked to people who were told; false: the organiser answers for it"
    )


class RoundAllocationOut(Schema):
    pairs: list[RoundPairRowOut]
    unplaced: list[str]
    statistics: dict[str, Any]


class RoundLinkIn(Schema):
    """Both fields replace the entry's links; both empty removes them (a reason is then needed)."""

    profile: int | str | None = Field(None, description=PROFILE_LINK)
    email: str | None = Field(None, description=EMAIL_LINK)
    reason: str = Field("", description="Needed when an existing link changes or is removed; kept in the history")


class RoundLinkOut(Schema):
    id: str
    role: str
    profile: int | None
    email: str | None
    told: bool = Field(description="Someone is linked who is told the results and answers")


# -- participants: registration, availability, feedback, agenda ---------------------------------
class EventRegistrationOut(Schema):
    id: int
    event: int
    profile: int
    status: str
    answers: dict[str, Any]
    consent_public: bool
    languages: list[str]
    needs_interpreter: bool
    sessions: list[int]
    available_slots: list[int]
    checked_in_at: dt.datetime | None

    @staticmethod
    def of(r: Registration) -> dict[str, Any]:
        return {
            "id": r.pk,
            "event": r.event_id,
            "profile": r.profile_id,
            "status": r.status,
            "answers": r.answers,
            "consent_public": r.consent_public,
            "languages": r.languages,
            "needs_interpreter": r.needs_interpreter,
            "sessions": [s.pk for s in r.sessions.all()],
            "available_slots": r.available_slots,
            "checked_in_at": r.checked_in_at,
        }


class EventRegistrationIn(Schema):
    """Register on behalf of one of your organisation profiles. ``answers`` are the event's
    extra questions, keyed ``q<question id>``: a text, an option's index (choice) or a boolean
    (yes/no)."""

    profile: int
    languages: list[str]
    answers: dict[str, Any] = {}
    consent_public: bool = False
    needs_interpreter: bool = False
    sessions: list[int] = []


class EventAvailabilityIn(Schema):
    slots: list[int]  # indexes into the event's meeting grid


class EventFeedbackIn(Schema):
    happened: bool
    useful: bool = False
    outcome: str = ""
    outcome_kind: str = ""


class EventFeedbackOut(Schema):
    id: int
    meeting: int
    happened: bool
    useful: bool
    outcome: str
    outcome_kind: str

    @staticmethod
    def of(f: Feedback) -> dict[str, Any]:
        return {
            "id": f.pk,
            "meeting": f.meeting_id,
            "happened": f.happened,
            "useful": f.useful,
            "outcome": f.outcome,
            "outcome_kind": f.outcome_kind,
        }


# -- organisers: approval, check-in, phase --------------------------------------------------------
class EventDecisionIn(Schema):
    approve: bool


class EventPhaseIn(Schema):
    phase: str


# -- rounds: a participant's answer to an allocated pair ------------------------------------------
class RoundPairAnswerIn(Schema):
    accept: bool
    on_behalf_of: Literal["applicant", "host"] | None = Field(
        None,
        description=(
            "Organisers only: record the answer of this side of the pair, which is linked to nobody who "
            "could be told (a paper answer); needs a reason"
        ),
    )
    reason: str = Field("", description="With on_behalf_of: how the answer came (kept in the history)")


class RoundPairOut(Schema):
    id: int
    round: int
    applicant: str
    host: str
    status: str
    applicant_accepted: bool | None
    host_accepted: bool | None


class EventParticipantOut(Schema):
    registration: int  # what a meeting request names as its recipient
    profile: int
    name: str


class EventParticipantListOut(Schema):
    items: list[EventParticipantOut]
    count: int


class EventRegistrationListOut(Schema):
    items: list[EventRegistrationOut]
    count: int


class EventFeedbackListOut(Schema):
    items: list[EventFeedbackOut]
    count: int


class RoundUploadPreviewOut(Schema):
    """What the spreadsheet would create: the round's document (the body ``POST /rounds``
    takes) and the problems found, by row or by entry; nothing is created."""

    document: dict[str, Any]
    problems: list[str]


class RoundFixIn(Schema):
    applicant: Required  # the applicant's external id
    host: Required
    reason: Required


class RoundCapacityIn(Schema):
    capacity: Whole = Field(..., json_schema_extra={"minimum": 1})
    reason: Required


class RoundHostOut(Schema):
    id: str
    capacity: int


class RoundWithdrawIn(Schema):
    reason: Required


class ExchangeActivityOut(Schema):
    year: int
    text: str


class ExchangeRecordOut(Schema):
    id: int
    kind: str
    title: str
    round: int | None
    applicant: str | None
    host: str | None
    area: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    activities: list[ExchangeActivityOut]
    completion_report: str

    @staticmethod
    def of(x: ExchangeRecord) -> dict[str, Any]:
        pair = x.pair
        return {
            "id": x.pk,
            "kind": x.kind,
            "title": x.title,
            "round": pair.round_id if pair else None,
            "applicant": pair.applicant.ext_id if pair else None,
            "host": pair.host.ext_id if pair else None,
            "area": x.area.ext_id if x.area else None,
            "starts_on": x.starts_on,
            "ends_on": x.ends_on,
            "activities": [{"year": int(a.get("year", 0)), "text": str(a.get("text", ""))} for a in x.activities],
            "completion_report": x.completion_report,
        }


class ExchangeRecordPatch(Schema):
    """As the record page: the dates and the completion report; only the fields sent change (a
    blank report leaves it as it is). Activities are added one at a time (``POST …/activities``)."""

    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    completion_report: str = Field("", max_length=5000)


class ExchangeActivityIn(Schema):
    text: Required  # kept to its first 1,000 characters


class RoundChangeOut(Schema):
    action: str
    detail: str
    reason: str
    actor: str | None
    at: dt.datetime


class RoundChangeListOut(Schema):
    items: list[RoundChangeOut]
    count: int
