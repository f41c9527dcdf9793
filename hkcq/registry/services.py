"""Writes to the registry. Every function checks permission, validates, owns its transaction
and records who made the change (for the history)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.permissions import require
from hkcq.core.services import fields_apply, history_mark, record_save
from hkcq.core.uploads import upload_check
from hkcq.registry import permissions
from hkcq.registry.models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    Area,
    Attendance,
    Clause,
    Decision,
    Measure,
    Mechanism,
    Meeting,
    Milestone,
    Signatory,
)

DELIVERY_FIELDS = {"actual_start", "actual_end"}
FOLLOW_UP_FIELDS = {"status", "follow_up"}


def measure_problems(*, measure: Measure | None, data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with writing ``data`` onto ``measure`` (``None`` or unsaved: a new one),
    per field. The registry's one statement of its measure rules, read by the service below,
    the measure form and the spreadsheet import: lead units on their own side, a measure never
    part of itself (at any depth), no end before its start. Reads only."""
    errors: dict[str, list[str]] = {}
    for name, side, message in (
        ("lead_unit_hk", Side.HONG_KONG, _("Choose a Hong Kong unit.")),
        ("lead_unit_cq", Side.CHONGQING, _("Choose a Chongqing unit.")),
    ):
        unit = data.get(name)
        if unit is not None and unit.side != side:
            errors.setdefault(name, []).append(message)
    node: Measure | None = data.get("parent")
    while node is not None and measure is not None:
        same = (
            node.pk == measure.pk if node.pk and measure.pk else bool(measure.ext_id) and node.ext_id == measure.ext_id
        )
        if same:
            errors.setdefault("parent", []).append(_("A measure cannot be part of itself."))
            break
        node = node.parent
    for start, end, message in (
        ("planned_start", "planned_end", _("The planned end cannot be before the planned start.")),
        ("actual_start", "actual_end", _("The actual end cannot be before the actual start.")),
    ):
        first = data[start] if start in data else getattr(measure, start, None)
        last = data[end] if end in data else getattr(measure, end, None)
        if first and last and last < first:
            errors.setdefault(end, []).append(message)
    return errors


def _check_measure(measure: Measure | None, data: dict[str, Any]) -> None:
    problems = measure_problems(measure=measure, data=data)
    if problems:
        raise InvalidInput(details=problems)


# -- areas ----------------------------------------------------------------------------------
@transaction.atomic
def area_create(*, user: User, data: dict[str, Any]) -> Area:
    require(permissions.can_edit_registry(user))
    area = Area()
    record_save(area, user=user, m2m=fields_apply(area, data))
    return area


@transaction.atomic
def area_update(*, user: User, area: Area, data: dict[str, Any]) -> Area:
    require(permissions.can_edit_registry(user))
    area = Area.objects.select_for_update().get(pk=area.pk)
    record_save(area, user=user, m2m=fields_apply(area, data))
    return area


# -- measures -------------------------------------------------------------------------------
def _check_measure_write(user: User, measure: Measure, data: dict[str, Any]) -> None:
    if permissions.can_edit_registry(user):
        for field, side in (("lead_unit_hk", Side.HONG_KONG), ("lead_unit_cq", Side.CHONGQING)):
            changed = field in data and getattr(measure, f"{field}_id") != getattr(data[field], "id", None)
            if changed and not permissions.can_assign_lead_unit(user, side):
                raise NotPermitted(_("Only the secretariat of that side can change its lead unit."))
        return
    if permissions.can_update_measure_delivery(user, measure) and set(data) <= DELIVERY_FIELDS:
        return
    raise NotPermitted()


@transaction.atomic
def measure_create(*, user: User, data: dict[str, Any]) -> Measure:
    require(permissions.can_edit_registry(user))
    measure = Measure()
    _check_measure_write(user, measure, data)
    _check_measure(measure, data)
    parent = data.get("parent")
    if parent is not None:
        data = {**data, "area": parent.area}
    record_save(measure, user=user, m2m=fields_apply(measure, data))
    return measure


@transaction.atomic
def measure_update(*, user: User, measure: Measure, data: dict[str, Any]) -> Measure:
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _check_measure_write(user, measure, data)
    _check_measure(measure, data)
    parent = data.get("parent")
    if parent is not None:
        data = {**data, "area": parent.area}
    record_save(measure, user=user, m2m=fields_apply(measure, data))
    if "area" in data:
        # Items follow their measure into its area.
        Measure.objects.filter(parent=measure).exclude(area=measure.area).update(area=measure.area)
    return measure


@transaction.atomic
def milestone_save(
    *, user: User, measure: Measure, data: dict[str, Any], milestone: Milestone | None = None
) -> Milestone:
    require(permissions.can_update_measure_delivery(user, measure))
    milestone = milestone or Milestone(measure=measure)
    if milestone.measure_id != measure.id:
        raise NotPermitted()
    record_save(milestone, user=user, m2m=fields_apply(milestone, data))
    return milestone


# -- meetings and decisions ------------------------------------------------------------------
@transaction.atomic
def meeting_create(*, user: User, data: dict[str, Any]) -> Meeting:
    require(permissions.can_edit_registry(user))
    meeting = Meeting(mechanism=data.pop("mechanism", None) or Mechanism.objects.first())
    record_save(meeting, user=user, m2m=fields_apply(meeting, data))
    return meeting


@transaction.atomic
def meeting_update(*, user: User, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    require(permissions.can_edit_registry(user))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    record_save(meeting, user=user, m2m=fields_apply(meeting, data))
    return meeting


@transaction.atomic
def attendance_add(*, user: User, meeting: Meeting, data: dict[str, Any]) -> Attendance:
    require(permissions.can_edit_registry(user))
    if Attendance.objects.filter(meeting=meeting, person=data.get("person")).exists():
        raise InvalidInput(details={"person": [_("This person is already listed as attending.")]})
    attendance = Attendance(meeting=meeting, position=meeting.attendances.count() + 1)
    record_save(attendance, user=user, m2m=fields_apply(attendance, data))
    return attendance


@transaction.atomic
def attendance_remove(*, user: User, attendance: Attendance) -> None:
    require(permissions.can_edit_registry(user))
    history_mark(attendance, user=user)
    attendance.delete()


def _next_decision_ext_id(meeting: Meeting) -> tuple[int, str]:
    number = (meeting.decisions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    base = f"d-{meeting.date:%Y-%m-%d}-{number:02d}"
    ext_id, suffix = base, 1
    while Decision.objects.filter(ext_id=ext_id).exists():
        suffix += 1
        ext_id = f"{base}-{suffix}"
    return number, ext_id


@transaction.atomic
def decision_create(*, user: User, meeting: Meeting, data: dict[str, Any]) -> Decision:
    require(permissions.can_edit_registry(user))
    number, ext_id = _next_decision_ext_id(meeting)
    decision = Decision(meeting=meeting, number=number, ext_id=data.pop("ext_id", None) or ext_id)
    record_save(decision, user=user, m2m=fields_apply(decision, data))
    return decision


@transaction.atomic
def decision_update(*, user: User, decision: Decision, data: dict[str, Any]) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not permissions.can_edit_registry(user):
        require(permissions.can_follow_up_decision(user, decision) and set(data) <= FOLLOW_UP_FIELDS)
    record_save(decision, user=user, m2m=fields_apply(decision, data))
    return decision


# -- agreements -----------------------------------------------------------------------------
@transaction.atomic
def agreement_create(*, user: User, data: dict[str, Any]) -> Agreement:
    require(permissions.can_edit_registry(user))
    agreement = Agreement()
    record_save(agreement, user=user, m2m=fields_apply(agreement, data))
    return agreement


@transaction.atomic
def agreement_update(*, user: User, agreement: Agreement, data: dict[str, Any]) -> Agreement:
    require(permissions.can_edit_registry(user))
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    record_save(agreement, user=user, m2m=fields_apply(agreement, data))
    return agreement


@transaction.atomic
def agreement_event_add(*, user: User, agreement: Agreement, data: dict[str, Any]) -> AgreementEvent:
    require(permissions.can_edit_registry(user))
    if data.get("kind") == AgreementEvent.Kind.SUPERSEDED and not data.get("superseded_by"):
        raise InvalidInput(details={"superseded_by": [_("Say which agreement supersedes this one.")]})
    if data.get("superseded_by") is not None and data["superseded_by"].pk == agreement.pk:
        raise InvalidInput(details={"superseded_by": [_("An agreement cannot supersede itself.")]})
    event = AgreementEvent(agreement=agreement)
    record_save(event, user=user, m2m=fields_apply(event, data))
    return event


@transaction.atomic
def signatory_add(*, user: User, agreement: Agreement, data: dict[str, Any]) -> Signatory:
    require(permissions.can_edit_registry(user))
    if Signatory.objects.filter(agreement=agreement, person=data.get("person")).exists():
        raise InvalidInput(details={"person": [_("This person is already listed as a signatory.")]})
    signatory = Signatory(agreement=agreement)
    record_save(signatory, user=user, m2m=fields_apply(signatory, data))
    return signatory


@transaction.atomic
def clause_save(*, user: User, agreement: Agreement, data: dict[str, Any], clause: Clause | None = None) -> Clause:
    require(permissions.can_edit_registry(user))
    clause = clause or Clause(agreement=agreement)
    if clause.agreement_id != agreement.id:
        raise NotPermitted()
    number = data.get("number")
    if number and Clause.objects.filter(agreement=agreement, number=number).exclude(pk=clause.pk).exists():
        raise InvalidInput(details={"number": [_("This agreement already has a clause with that number.")]})
    record_save(clause, user=user, m2m=fields_apply(clause, data))
    return clause


@transaction.atomic
def document_upload(
    *,
    user: User,
    agreement: Agreement,
    data: dict[str, Any],
    upload: UploadedFile | None,
    document: AgreementDocument | None = None,
) -> AgreementDocument:
    """Add an annex document (or a new file for an existing listing). A new file for a
    listing that already has one raises its version unless a version is given."""
    require(permissions.can_edit_registry(user))
    document = document or AgreementDocument(agreement=agreement)
    if document.agreement_id != agreement.id:
        raise NotPermitted()
    if upload is not None:
        # The type is read from the bytes, whatever the browser or the name says.
        content_type = upload_check(upload, kind="document")
    had_file = bool(document.file)
    m2m = fields_apply(document, data)
    if upload is not None:
        if had_file and "version" not in data:
            document.version = _bump(document.version)
        document.file.save(upload.name or "document", upload, save=False)
        document.content_type = content_type
        document.size = upload.size or 0
        document.uploaded_at = timezone.now()
    record_save(document, user=user, m2m=m2m)
    return document


def _bump(version: str) -> str:
    try:
        return str(int(version) + 1)
    except ValueError:
        return f"{version}.1"
