"""The enquiries API's request and response schemas (``api.py`` and ``service_levels_api.py`` declare
the operations)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from hkcq.core.api import (
    Agreed,
    Days,
    Email,
    Flag,
    Language,
    Required,
    TextIn,
    TextOut,
    TextRequired,
    Whole,
    choice,
    columns,
    omittable,
    required_in_document,
)
from hkcq.enquiries.models import CannedReply, Enquiry, SlaPolicy, UnitSupervisor


class MyEnquiryOut(Schema):
    """One of the caller's own enquiries, as "My enquiries" lists it."""

    reference: str
    question: str
    received_at: dt.datetime
    status: str
    status_label: str
    token: str = Field(description="Follow it at /enquiries/track/{token}")

    @staticmethod
    def of(e: Enquiry) -> dict[str, Any]:
        return {
            "reference": e.reference,
            "question": e.question,
            "received_at": e.received_at,
            "status": e.status,
            "status_label": str(e.get_status_display()),
            "token": e.token,
        }


class CannedReplyOut(Schema):
    id: int
    title: TextOut
    body: TextOut
    is_active: bool
    updated_at: dt.datetime

    @staticmethod
    def of(c: CannedReply) -> dict[str, Any]:
        return {
            "id": c.pk,
            "title": TextOut.of(c.title),
            "body": TextOut.of(c.body),
            "is_active": c.is_active,
            "updated_at": c.updated_at,
        }


class CannedReplyIn(Schema):
    title: TextRequired
    body: TextRequired
    is_active: Flag = True


class CannedReplyPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(CannedReply))

    title: TextIn | None = None
    body: TextIn | None = None
    is_active: Flag | None = None


# -- schemas ----------------------------------------------------------------------------------
class EnquiryIn(Schema):
    question: Required
    details: str = ""
    email: Email
    phone: str = ""
    language: Language = "en"
    consent: Agreed = False
    idempotency_key: str = ""

    model_config = ConfigDict(json_schema_extra=required_in_document("consent"))


class EnquirySubmittedOut(Schema):
    reference: str
    token: str
    tracking_url: str
    status: str
    created: bool


class CitationOut(Schema):
    id: str
    title: str
    url: str


class MessageOut(Schema):
    kind: str
    body: str
    created_at: dt.datetime
    citations: list[CitationOut]


class EnquiryTrackOut(Schema):
    reference: str
    status: str
    received_at: dt.datetime
    reply_due: dt.datetime | None
    unit: str | None
    question: str
    details: str
    outcome: str
    service_rating: int | None
    outcome_rating: int | None
    messages: list[MessageOut]


class CaseSummaryOut(Schema):
    reference: str
    status: str
    priority: str
    language: str
    question: str
    unit: str | None
    suggested_unit: str | None
    received_at: dt.datetime
    acknowledge_due: dt.datetime | None
    reply_due: dt.datetime | None
    paused: bool


class PriorityChangeOut(Schema):
    from_priority: str
    to_priority: str
    reason: str
    by: str | None
    at: dt.datetime


class CaseActionOut(Schema):
    kind: str
    by: str | None
    at: dt.datetime
    outcome: str


class EscalationOut(Schema):
    kind: str
    deadline: dt.datetime
    escalated_at: dt.datetime
    told: list[str]


class CaseOut(CaseSummaryOut):
    details: str
    email: str
    phone: str
    assigned_officer: str | None
    messages: list[MessageOut]
    priority_changes: list[PriorityChangeOut]
    escalations: list[EscalationOut]
    actions: list[CaseActionOut]
    outcome: str
    outcome_note: str
    allowed_actions: list[str]


class BodyIn(Schema):
    body: Required


class ReplyIn(Schema):
    body: Required
    citations: list[str] = []
    wait_for_resident: Flag = False


class TransferIn(Schema):
    to_unit: Required
    reason: Required


class PriorityIn(Schema):
    priority: Required = choice(Enquiry.Priority.values)
    reason: Required


class CloseIn(Schema):
    outcome: Required = choice(Enquiry.Outcome.values)
    note: str = ""


class RatingIn(Schema):
    service: Whole
    outcome: Whole
    comment: str = ""


# -- a lost tracking link, and the service's statistics ---------------------------------------------
class TrackingLinkIn(Schema):
    reference: Required = Field(max_length=40)
    email: Email


class TrackingLinkOut(Schema):
    message: str


class CountOut(Schema):
    key: str
    label: str
    count: int


class ComplianceOut(Schema):
    met: int
    missed: int
    running: int
    percent: float | None


class UnitComplianceOut(Schema):
    unit: str
    total: int
    acknowledged: ComplianceOut
    replied: ComplianceOut


class StatisticsOut(Schema):
    start: dt.date
    end: dt.date
    total: int
    by_topic: list[CountOut]
    by_unit: list[CountOut]
    by_language: list[CountOut]
    acknowledged: ComplianceOut
    replied: ComplianceOut
    service_rating_mean: float | None
    outcome_rating_mean: float | None
    rated: int
    per_unit: list[UnitComplianceOut] | None = Field(None, description="The secretariat only")


class CitableOut(Schema):
    id: str
    title: str


class SlaPolicyOut(Schema):
    code: str
    name: TextOut
    position: int
    ack_days: Decimal
    reply_days: Decimal
    is_default: bool

    @staticmethod
    def of(policy: SlaPolicy) -> dict[str, Any]:
        return {
            "code": policy.code,
            "name": TextOut.of(policy.name),
            "position": policy.position,
            "ack_days": policy.ack_days,
            "reply_days": policy.reply_days,
            "is_default": policy.is_default,
        }


class SlaPolicyIn(Schema):
    """A service level. ``ack_days`` may not exceed ``reply_days`` (422 on ``ack_days``: a relation
    between two fields, which the document cannot state); a ``code`` already used answers 409."""

    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: TextRequired
    position: int = Field(0, ge=0, le=32767)
    ack_days: Days
    reply_days: Days
    is_default: bool = False


class SlaPolicyPatch(Schema):
    """Only the fields sent change; ``ack_days`` may not then exceed ``reply_days`` (422 on
    ``ack_days``). Taking ``is_default`` off the only default answers 409."""

    name: TextRequired | None = omittable()
    position: int | None = Field(None, ge=0, le=32767)
    ack_days: Days | None = omittable()
    reply_days: Days | None = omittable()
    is_default: bool | None = None


class SupervisorOut(Schema):
    unit: str
    user: str
    name: str

    @staticmethod
    def of(record: UnitSupervisor) -> dict[str, Any]:
        return {"unit": record.unit.ext_id, "user": record.user.username, "name": record.user.get_full_name()}


class SupervisorIn(Schema):
    user: str = Field(min_length=1, description="The user name of an officer of the unit")
