"""Registry API: read endpoints for everyone, write endpoints for staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from hkcq.accounts.api_auth import STAFF_AUTH
from hkcq.core.api import ERRORS, ErrorOut, TextIn, TextOut
from hkcq.core.errors import InvalidInput
from hkcq.registry import selectors, services
from hkcq.registry.models import (
    Agreement,
    AgreementEvent,
    Area,
    Decision,
    Measure,
    Meeting,
    Milestone,
    Organisation,
    Person,
    Unit,
)

router = Router(tags=["registry"])


# -- output schemas ---------------------------------------------------------------------------
class Ref(Schema):
    id: str
    name: TextOut


def ref(obj: Any, attr: str = "name") -> dict[str, Any] | None:
    if obj is None:
        return None
    return {"id": obj.ext_id, "name": TextOut.of(getattr(obj, attr))}


class AreaOut(Schema):
    id: str
    position: int
    name: TextOut
    short_name: TextOut
    description: TextOut
    measure_count: int

    @staticmethod
    def of(a: Area) -> dict[str, Any]:
        return {
            "id": a.ext_id,
            "position": a.position,
            "name": TextOut.of(a.name),
            "short_name": TextOut.of(a.short_name),
            "description": TextOut.of(a.description),
            "measure_count": getattr(a, "measure_count", 0),
        }


class MeasureOut(Schema):
    id: str
    code: str
    area: str
    parent: str | None
    title: TextOut
    text: TextOut
    lead_unit_hk: Ref | None
    lead_unit_cq: Ref | None
    supporting_units: list[Ref]
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None

    @staticmethod
    def of(m: Measure) -> dict[str, Any]:
        return {
            "id": m.ext_id,
            "code": m.code,
            "area": m.area.ext_id,
            "parent": m.parent.ext_id if m.parent else None,
            "title": TextOut.of(m.title),
            "text": TextOut.of(m.text),
            "lead_unit_hk": ref(m.lead_unit_hk),
            "lead_unit_cq": ref(m.lead_unit_cq),
            "supporting_units": [ref(u) for u in m.supporting_units.all()],
            "planned_start": m.planned_start,
            "planned_end": m.planned_end,
            "actual_start": m.actual_start,
            "actual_end": m.actual_end,
        }


class MeetingOut(Schema):
    id: str
    kind: str
    sequence: int | None
    title: TextOut
    date: dt.date
    place: TextOut
    summary: TextOut

    @staticmethod
    def of(m: Meeting) -> dict[str, Any]:
        return {
            "id": m.ext_id,
            "kind": m.kind,
            "sequence": m.sequence,
            "title": TextOut.of(m.title),
            "date": m.date,
            "place": TextOut.of(m.place),
            "summary": TextOut.of(m.summary),
        }


class DecisionOut(Schema):
    id: str
    meeting: str
    number: int
    text: TextOut
    owner_units: list[str]
    measures: list[str]
    due_on: dt.date | None
    status: str
    follow_up: TextOut

    @staticmethod
    def of(d: Decision) -> dict[str, Any]:
        return {
            "id": d.ext_id,
            "meeting": d.meeting.ext_id,
            "number": d.number,
            "text": TextOut.of(d.text),
            "owner_units": [u.ext_id for u in d.owner_units.all()],
            "measures": [m.ext_id for m in d.measures.all()],
            "due_on": d.due_on,
            "status": d.status,
            "follow_up": TextOut.of(d.follow_up),
        }


class EventOut(Schema):
    kind: str
    date: dt.date
    note: TextOut


class AgreementOut(Schema):
    id: str
    kind: str
    title: TextOut
    summary: TextOut
    parties: list[Ref]
    meeting: str | None
    signed_on: dt.date | None
    place: TextOut
    status: str | None
    events: list[EventOut]

    @staticmethod
    def of(a: Agreement) -> dict[str, Any]:
        events = sorted(a.events.all(), key=lambda e: (e.date, e.id))
        return {
            "id": a.ext_id,
            "kind": a.kind,
            "title": TextOut.of(a.title),
            "summary": TextOut.of(a.summary),
            "parties": [ref(p) for p in a.parties.all()],
            "meeting": a.meeting.ext_id if a.meeting else None,
            "signed_on": a.signed_on,
            "place": TextOut.of(a.place),
            "status": events[-1].kind if events else None,
            "events": [{"kind": e.kind, "date": e.date, "note": TextOut.of(e.note)} for e in events],
        }


class OrganisationOut(Schema):
    id: str
    kind: str
    side: str
    name: TextOut
    short_name: TextOut
    parent: str | None

    @staticmethod
    def of(o: Organisation) -> dict[str, Any]:
        return {
            "id": o.ext_id,
            "kind": o.kind,
            "side": o.side,
            "name": TextOut.of(o.name),
            "short_name": TextOut.of(o.short_name),
            "parent": o.parent.ext_id if o.parent else None,
        }


class PostOut(Schema):
    organisation: str
    title: TextOut
    start_on: dt.date | None
    end_on: dt.date | None


class PersonOut(Schema):
    id: str
    name: TextOut
    posts: list[PostOut]

    @staticmethod
    def of(p: Person) -> dict[str, Any]:
        return {
            "id": p.ext_id,
            "name": TextOut.of(p.name),
            "posts": [
                {
                    "organisation": post.organisation.ext_id,
                    "title": TextOut.of(post.title),
                    "start_on": post.start_on,
                    "end_on": post.end_on,
                }
                for post in p.posts.all()
            ],
        }


class UnitOut(Schema):
    id: str
    side: str
    name: TextOut
    remit: TextOut

    @staticmethod
    def of(u: Unit) -> dict[str, Any]:
        return {"id": u.ext_id, "side": u.side, "name": TextOut.of(u.name), "remit": TextOut.of(u.remit)}


# -- read endpoints ------------------------------------------------------------------------------
@router.get("/areas", response=list[AreaOut], summary="List the co-operation areas with their measure counts")
def list_areas(request: HttpRequest) -> list[dict[str, Any]]:
    return [AreaOut.of(a) for a in selectors.area_list()]


@router.get("/areas/{ext_id}", response={200: AreaOut, 404: ErrorOut})
def get_area(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return AreaOut.of(selectors.area_get(ext_id))


@router.get("/measures", response=list[MeasureOut], summary="List measures and items")
@paginate(LimitOffsetPagination)
def list_measures(
    request: HttpRequest,
    area: str | None = None,
    unit: str | None = None,
    side: str | None = None,
    top_level: bool = False,
) -> list[dict[str, Any]]:
    """Filter by area id, unit id (lead or supporting) and side (``hong_kong``/``chongqing``)."""
    return [MeasureOut.of(m) for m in selectors.measure_list(area=area, unit=unit, side=side, top_level=top_level)]


@router.get("/measures/{ext_id}", response={200: MeasureOut, 404: ErrorOut})
def get_measure(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return MeasureOut.of(selectors.measure_get(ext_id))


@router.get("/meetings", response=list[MeetingOut])
@paginate(LimitOffsetPagination)
def list_meetings(request: HttpRequest, kind: str | None = None) -> list[dict[str, Any]]:
    return [MeetingOut.of(m) for m in selectors.meeting_list(kind=kind)]


@router.get("/meetings/{ext_id}", response={200: MeetingOut, 404: ErrorOut})
def get_meeting(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return MeetingOut.of(selectors.meeting_get(ext_id))


@router.get("/decisions", response=list[DecisionOut])
@paginate(LimitOffsetPagination)
def list_decisions(
    request: HttpRequest, meeting: str | None = None, status: str | None = None, unit: str | None = None
) -> list[dict[str, Any]]:
    return [DecisionOut.of(d) for d in selectors.decision_list(meeting=meeting, status=status, unit=unit)]


@router.get("/decisions/{ext_id}", response={200: DecisionOut, 404: ErrorOut})
def get_decision(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return DecisionOut.of(selectors.decision_get(ext_id))


@router.get("/agreements", response=list[AgreementOut])
@paginate(LimitOffsetPagination)
def list_agreements(request: HttpRequest, kind: str | None = None) -> list[dict[str, Any]]:
    return [AgreementOut.of(a) for a in selectors.agreement_list(kind=kind)]


@router.get("/agreements/{ext_id}", response={200: AgreementOut, 404: ErrorOut})
def get_agreement(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return AgreementOut.of(selectors.agreement_get(ext_id))


@router.get("/organisations", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, side: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    return [OrganisationOut.of(o) for o in selectors.organisation_list(side=side, kind=kind)]


@router.get("/organisations/{ext_id}", response={200: OrganisationOut, 404: ErrorOut})
def get_organisation(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return OrganisationOut.of(selectors.organisation_get(ext_id))


@router.get("/people", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def list_people(request: HttpRequest) -> list[dict[str, Any]]:
    return [PersonOut.of(p) for p in selectors.person_list()]


@router.get("/people/{ext_id}", response={200: PersonOut, 404: ErrorOut})
def get_person(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return PersonOut.of(selectors.person_get(ext_id))


@router.get("/units", response=list[UnitOut])
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest, side: str | None = None) -> list[dict[str, Any]]:
    return [UnitOut.of(u) for u in selectors.unit_list(side=side)]


# -- write endpoints -----------------------------------------------------------------------------
def _lookup(model: type[Model], ext_id: str | None, field: str) -> Any:
    if ext_id is None:
        return None
    obj = model.objects.filter(ext_id=ext_id).first()  # type: ignore[attr-defined]
    if obj is None:
        raise InvalidInput(details={field: [_("Unknown id: %(id)s") % {"id": ext_id}]})
    return obj


def _data(
    payload: Schema, refs: dict[str, type[Model]] | None = None, many: dict[str, type[Model]] | None = None
) -> dict[str, Any]:
    """Turn an input schema into service data: texts as {lang: text}, ids as rows. Only the
    fields the caller sent are included, so PATCH changes only those."""
    data: dict[str, Any] = {}
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if isinstance(value, TextIn):
            data[name] = value.as_texts()
        elif refs and name in refs:
            data[name] = _lookup(refs[name], value, name)
        elif many and name in many:
            data[name] = [_lookup(many[name], v, name) for v in value or []]
        else:
            data[name] = value
    return data


class AreaIn(Schema):
    id: str
    position: int
    name: TextIn
    short_name: TextIn | None = None
    description: TextIn | None = None


class AreaPatch(Schema):
    position: int | None = None
    name: TextIn | None = None
    short_name: TextIn | None = None
    description: TextIn | None = None


@router.post("/areas", response={201: AreaOut, **ERRORS}, auth=STAFF_AUTH)
def create_area(request: HttpRequest, payload: AreaIn) -> tuple[int, dict[str, Any]]:
    data = _data(payload)
    data["ext_id"] = data.pop("id")
    area = services.area_create(user=request.auth, data=data)  # type: ignore[attr-defined]
    return 201, AreaOut.of(selectors.area_get(area.ext_id))


@router.patch("/areas/{ext_id}", response={200: AreaOut, **ERRORS}, auth=STAFF_AUTH)
def update_area(request: HttpRequest, ext_id: str, payload: AreaPatch) -> dict[str, Any]:
    area = services.area_update(user=request.auth, area=selectors.area_get(ext_id), data=_data(payload))  # type: ignore[attr-defined]
    return AreaOut.of(selectors.area_get(area.ext_id))


MEASURE_REFS: dict[str, type[Model]] = {"area": Area, "parent": Measure, "lead_unit_hk": Unit, "lead_unit_cq": Unit}


class MeasurePatch(Schema):
    area: str | None = None
    parent: str | None = None
    code: str | None = None
    position: int | None = None
    title: TextIn | None = None
    text: TextIn | None = None
    lead_unit_hk: str | None = None
    lead_unit_cq: str | None = None
    supporting_units: list[str] | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None


class MeasureIn(MeasurePatch):
    id: str
    area: str  # type: ignore[assignment]
    title: TextIn  # type: ignore[assignment]


@router.post("/measures", response={201: MeasureOut, **ERRORS}, auth=STAFF_AUTH)
def create_measure(request: HttpRequest, payload: MeasureIn) -> tuple[int, dict[str, Any]]:
    data = _data(payload, MEASURE_REFS, {"supporting_units": Unit})
    data["ext_id"] = data.pop("id")
    measure = services.measure_create(user=request.auth, data=data)  # type: ignore[attr-defined]
    return 201, MeasureOut.of(selectors.measure_get(measure.ext_id))


@router.patch("/measures/{ext_id}", response={200: MeasureOut, **ERRORS}, auth=STAFF_AUTH)
def update_measure(request: HttpRequest, ext_id: str, payload: MeasurePatch) -> dict[str, Any]:
    measure = selectors.measure_get(ext_id)
    data = _data(payload, MEASURE_REFS, {"supporting_units": Unit})
    services.measure_update(user=request.auth, measure=measure, data=data)  # type: ignore[attr-defined]
    return MeasureOut.of(selectors.measure_get(ext_id))


class MeetingPatch(Schema):
    kind: str | None = None
    sequence: int | None = None
    title: TextIn | None = None
    date: dt.date | None = None
    place: TextIn | None = None
    summary: TextIn | None = None
    agenda: TextIn | None = None
    minutes: TextIn | None = None


class MeetingIn(MeetingPatch):
    id: str
    kind: str  # type: ignore[assignment]
    title: TextIn  # type: ignore[assignment]
    date: dt.date  # type: ignore[assignment]


@router.post("/meetings", response={201: MeetingOut, **ERRORS}, auth=STAFF_AUTH)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> tuple[int, dict[str, Any]]:
    data = _data(payload)
    data["ext_id"] = data.pop("id")
    meeting = services.meeting_create(user=request.auth, data=data)  # type: ignore[attr-defined]
    return 201, MeetingOut.of(meeting)


@router.patch("/meetings/{ext_id}", response={200: MeetingOut, **ERRORS}, auth=STAFF_AUTH)
def update_meeting(request: HttpRequest, ext_id: str, payload: MeetingPatch) -> dict[str, Any]:
    meeting = services.meeting_update(user=request.auth, meeting=selectors.meeting_get(ext_id), data=_data(payload))  # type: ignore[attr-defined]
    return MeetingOut.of(meeting)


class DecisionPatch(Schema):
    text: TextIn | None = None
    owner_units: list[str] | None = None
    measures: list[str] | None = None
    due_on: dt.date | None = None
    status: str | None = None
    follow_up: TextIn | None = None


class DecisionIn(DecisionPatch):
    text: TextIn  # type: ignore[assignment]


DECISION_MANY: dict[str, type[Model]] = {"owner_units": Unit, "measures": Measure}


@router.post("/meetings/{ext_id}/decisions", response={201: DecisionOut, **ERRORS}, auth=STAFF_AUTH)
def create_decision(request: HttpRequest, ext_id: str, payload: DecisionIn) -> tuple[int, dict[str, Any]]:
    meeting = selectors.meeting_get(ext_id)
    decision = services.decision_create(user=request.auth, meeting=meeting, data=_data(payload, many=DECISION_MANY))  # type: ignore[attr-defined]
    return 201, DecisionOut.of(selectors.decision_get(decision.ext_id))


@router.patch("/decisions/{ext_id}", response={200: DecisionOut, **ERRORS}, auth=STAFF_AUTH)
def update_decision(request: HttpRequest, ext_id: str, payload: DecisionPatch) -> dict[str, Any]:
    decision = selectors.decision_get(ext_id)
    services.decision_update(user=request.auth, decision=decision, data=_data(payload, many=DECISION_MANY))  # type: ignore[attr-defined]
    return DecisionOut.of(selectors.decision_get(ext_id))


class AgreementPatch(Schema):
    kind: str | None = None
    title: TextIn | None = None
    summary: TextIn | None = None
    parties: list[str] | None = None
    meeting: str | None = None
    signed_on: dt.date | None = None
    place: TextIn | None = None


class AgreementIn(AgreementPatch):
    id: str
    kind: str  # type: ignore[assignment]
    title: TextIn  # type: ignore[assignment]


@router.post("/agreements", response={201: AgreementOut, **ERRORS}, auth=STAFF_AUTH)
def create_agreement(request: HttpRequest, payload: AgreementIn) -> tuple[int, dict[str, Any]]:
    data = _data(payload, {"meeting": Meeting}, {"parties": Organisation})
    data["ext_id"] = data.pop("id")
    agreement = services.agreement_create(user=request.auth, data=data)  # type: ignore[attr-defined]
    return 201, AgreementOut.of(selectors.agreement_get(agreement.ext_id))


@router.patch("/agreements/{ext_id}", response={200: AgreementOut, **ERRORS}, auth=STAFF_AUTH)
def update_agreement(request: HttpRequest, ext_id: str, payload: AgreementPatch) -> dict[str, Any]:
    agreement = selectors.agreement_get(ext_id)
    data = _data(payload, {"meeting": Meeting}, {"parties": Organisation})
    services.agreement_update(user=request.auth, agreement=agreement, data=data)  # type: ignore[attr-defined]
    return AgreementOut.of(selectors.agreement_get(ext_id))


class EventIn(Schema):
    kind: str
    date: dt.date
    note: TextIn | None = None
    superseded_by: str | None = None


@router.post("/agreements/{ext_id}/events", response={201: AgreementOut, **ERRORS}, auth=STAFF_AUTH)
def add_agreement_event(request: HttpRequest, ext_id: str, payload: EventIn) -> tuple[int, dict[str, Any]]:
    agreement = selectors.agreement_get(ext_id)
    if payload.kind not in AgreementEvent.Kind.values:
        raise InvalidInput(details={"kind": [_("Unknown event kind.")]})
    data = _data(payload, {"superseded_by": Agreement})
    services.agreement_event_add(user=request.auth, agreement=agreement, data=data)  # type: ignore[attr-defined]
    return 201, AgreementOut.of(selectors.agreement_get(ext_id))


class MilestoneOut(Schema):
    id: int
    measure: str
    title: TextOut
    planned_on: dt.date | None
    achieved_on: dt.date | None

    @staticmethod
    def of(m: Milestone) -> dict[str, Any]:
        return {
            "id": m.id,
            "measure": m.measure.ext_id,
            "title": TextOut.of(m.title),
            "planned_on": m.planned_on,
            "achieved_on": m.achieved_on,
        }


class MilestonePatch(Schema):
    title: TextIn | None = None
    planned_on: dt.date | None = None
    achieved_on: dt.date | None = None


class MilestoneIn(MilestonePatch):
    title: TextIn  # type: ignore[assignment]


@router.get("/measures/{ext_id}/milestones", response={200: list[MilestoneOut], 404: ErrorOut})
def list_milestones(request: HttpRequest, ext_id: str) -> list[dict[str, Any]]:
    measure = selectors.measure_get(ext_id)
    return [MilestoneOut.of(m) for m in measure.milestones.all()]


@router.post("/measures/{ext_id}/milestones", response={201: MilestoneOut, **ERRORS}, auth=STAFF_AUTH)
def create_milestone(request: HttpRequest, ext_id: str, payload: MilestoneIn) -> tuple[int, dict[str, Any]]:
    """Secretariat, or an officer of a unit that leads or supports the measure."""
    measure = selectors.measure_get(ext_id)
    milestone = services.milestone_save(user=request.auth, measure=measure, data=_data(payload))  # type: ignore[attr-defined]
    return 201, MilestoneOut.of(milestone)


@router.patch("/measures/{ext_id}/milestones/{milestone_id}", response={200: MilestoneOut, **ERRORS}, auth=STAFF_AUTH)
def update_milestone(request: HttpRequest, ext_id: str, milestone_id: int, payload: MilestonePatch) -> dict[str, Any]:
    measure = selectors.measure_get(ext_id)
    milestone = get_object_or_404(Milestone, pk=milestone_id, measure=measure)
    services.milestone_save(user=request.auth, measure=measure, data=_data(payload), milestone=milestone)  # type: ignore[attr-defined]
    milestone.refresh_from_db()
    return MilestoneOut.of(milestone)
