"""The registry API's request and response schemas (``api.py`` holds the endpoints)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from hkcq.core.api import IsoDate, Required, Slug, TextIn, TextOut, TextRequired, Whole, columns
from hkcq.registry.models import (
    Agreement,
    AgreementEvent,
    Area,
    Attendance,
    Clause,
    Decision,
    Measure,
    Meeting,
    Milestone,
    Organisation,
    Person,
    Signatory,
    Unit,
)


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
    position: int

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
            "position": m.position,
        }


class MeetingOut(Schema):
    id: str
    kind: str
    sequence: int | None
    title: TextOut
    date: dt.date
    place: TextOut
    summary: TextOut
    agenda: TextOut
    minutes: TextOut

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
            "agenda": TextOut.of(m.agenda),
            "minutes": TextOut.of(m.minutes),
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


class AreaIn(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Area))

    id: Slug
    position: Whole
    name: TextRequired
    short_name: TextIn | None = None
    description: TextIn | None = None


class AreaPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Area))

    position: Whole | None = None
    name: TextIn | None = None
    short_name: TextIn | None = None
    description: TextIn | None = None


class MeasurePatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Measure))

    area: str | None = None
    parent: str | None = None
    code: str | None = None
    position: Whole | None = None
    title: TextIn | None = None
    text: TextIn | None = None
    lead_unit_hk: str | None = None
    lead_unit_cq: str | None = None
    supporting_units: list[str] | None = None
    planned_start: IsoDate | None = None
    planned_end: IsoDate | None = None
    actual_start: IsoDate | None = None
    actual_end: IsoDate | None = None


class MeasureIn(MeasurePatch):
    id: Slug
    area: Required
    title: TextRequired


class MeetingPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Meeting))

    kind: str | None = None
    sequence: Whole | None = None
    title: TextIn | None = None
    date: IsoDate | None = None
    place: TextIn | None = None
    summary: TextIn | None = None
    agenda: TextIn | None = None
    minutes: TextIn | None = None


class MeetingIn(MeetingPatch):
    id: Slug
    kind: Required
    title: TextRequired
    date: IsoDate


class DecisionPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Decision))

    text: TextIn | None = None
    owner_units: list[str] | None = None
    measures: list[str] | None = None
    due_on: IsoDate | None = None
    status: str | None = None
    follow_up: TextIn | None = None


class DecisionIn(DecisionPatch):
    text: TextRequired


class AgreementPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Agreement))

    kind: str | None = None
    title: TextIn | None = None
    summary: TextIn | None = None
    parties: list[str] | None = None
    meeting: str | None = None
    signed_on: IsoDate | None = None
    place: TextIn | None = None


class AgreementIn(AgreementPatch):
    id: Slug
    kind: Required
    title: TextRequired


class EventIn(Schema):
    model_config = ConfigDict(json_schema_extra=columns(AgreementEvent))

    kind: Required
    date: IsoDate
    note: TextIn | None = None
    superseded_by: str | None = None


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
    model_config = ConfigDict(json_schema_extra=columns(Milestone))

    title: TextIn | None = None
    planned_on: IsoDate | None = None
    achieved_on: IsoDate | None = None


class MilestoneIn(MilestonePatch):
    title: TextRequired


# -- meeting attendees, agreement signatories and clauses, change history ------------------------
class AttendeeOut(Schema):
    id: int
    person: Ref
    side: str
    role: str
    capacity: TextOut

    @staticmethod
    def of(a: Any) -> dict[str, Any]:
        return {
            "id": a.pk,
            "person": ref(a.person),
            "side": a.side,
            "role": a.role,
            "capacity": TextOut.of(a.capacity),
        }


class AttendeeIn(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Attendance))

    person: Required = Field(description="ext_id of the person")
    side: Required
    role: str = "member"
    capacity: TextIn | None = None


class DocumentOut(Schema):
    """A document of an agreement (an annex, a language version); ``url`` downloads its file."""

    id: int
    ext_id: str | None
    title: TextOut
    language: str
    version: str
    content_type: str
    size: int
    uploaded_at: dt.datetime | None
    url: str | None

    @staticmethod
    def of(d: Any) -> dict[str, Any]:
        return {
            "id": d.pk,
            "ext_id": d.ext_id,
            "title": TextOut.of(d.title),
            "language": d.language,
            "version": d.version,
            "content_type": d.content_type,
            "size": d.size,
            "uploaded_at": d.uploaded_at,
            "url": f"/api/v1/agreements/{d.agreement.ext_id}/documents/{d.pk}/file" if d.file else None,
        }


class SignatoryOut(Schema):
    id: int
    person: Ref
    organisation: Ref | None
    capacity: TextOut

    @staticmethod
    def of(s: Any) -> dict[str, Any]:
        return {
            "id": s.pk,
            "person": ref(s.person),
            "organisation": ref(s.organisation),
            "capacity": TextOut.of(s.capacity),
        }


class SignatoryIn(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Signatory))

    person: Required = Field(description="ext_id of the person")
    organisation: str | None = Field(None, description="ext_id of the organisation signed for")
    capacity: TextIn | None = None


class ClauseOut(Schema):
    id: int
    number: str
    text: TextOut
    measures: list[str] = Field(description="ext_ids of the measures implementing it")

    @staticmethod
    def of(c: Any) -> dict[str, Any]:
        return {
            "id": c.pk,
            "number": c.number,
            "text": TextOut.of(c.text),
            "measures": [m.ext_id for m in c.measures.all()],
        }


class ClauseIn(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Clause))

    number: Required
    text: TextRequired
    measures: list[str] = []


class FieldChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    """One change. Who made it, why and the field values are for staff (as on the pages)."""

    when: dt.datetime
    kind: str
    kind_label: str
    fields: list[str]
    user: str | None = None
    reason: str = ""
    changes: list[FieldChangeOut] = []

    @staticmethod
    def of(entry: Any, *, details: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "when": entry.when,
            "kind": entry.kind,
            "kind_label": str(entry.kind_label),
            "fields": [str(label) for label in entry.changed_labels],
        }
        if details:
            out["user"] = getattr(entry.user, "display_name", None) if entry.user else None
            out["reason"] = entry.reason or ""
            out["changes"] = [
                {"field": c.field, "label": str(c.label), "old": str(c.old), "new": str(c.new)} for c in entry.changes
            ]
        return out
