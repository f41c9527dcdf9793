"""Calendars and service levels: working-day arithmetic for other apps (re-exported from
``workdays``), and the writes the secretariat makes to the calendars and service-level policies (permission check, validation,
transaction, history user)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hkcq.calendars import permissions
from hkcq.calendars.models import Holiday, SlaPolicy, UnitSupervisor
from hkcq.calendars.workdays import (
    WorkingCalendar,
    add_working_days,
    side_of,
    working_days_between,
)
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.services import fields_apply, record_save

__all__ = [
    "WorkingCalendar",
    "add_working_days",
    "working_days_between",
    "holiday_create",
    "holiday_update",
    "holiday_delete",
    "sla_policy_create",
    "sla_policy_update",
    "unit_supervisor_add",
    "unit_supervisor_remove",
]


# -- writes ------------------------------------------------------------------------------------
HOLIDAY_FIELDS = ("side", "date", "kind", "name", "source")


def _check_holiday(data: dict[str, Any]) -> None:
    day, kind = data.get("date"), data.get("kind")
    if day is not None and kind == Holiday.Kind.WORKING_DAY and day.weekday() < 5:
        raise InvalidInput(
            details={"kind": [_("Only a Saturday or Sunday can be an adjusted working day: weekdays already are.")]}
        )


@transaction.atomic
def holiday_create(*, user: Any, data: dict[str, Any]) -> Holiday:
    side = side_of(data.get("side") or "")
    if not permissions.can_edit_calendar(user, side):
        raise NotPermitted()
    values = {k: v for k, v in data.items() if k in HOLIDAY_FIELDS}
    values["side"] = side
    _check_holiday(values)
    holiday = Holiday(from_defaults=False)
    fields_apply(holiday, values)
    record_save(holiday, user=user)
    return holiday


@transaction.atomic
def holiday_update(*, user: Any, holiday: Holiday, data: dict[str, Any]) -> Holiday:
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    values = {k: v for k, v in data.items() if k in HOLIDAY_FIELDS}
    new_side = side_of(values.get("side") or holiday.side)
    # Moving a record to the other side's calendar needs the right to edit both.
    if not (permissions.can_edit_calendar(user, holiday.side) and permissions.can_edit_calendar(user, new_side)):
        raise NotPermitted()
    values["side"] = new_side
    _check_holiday({"date": values.get("date", holiday.date), "kind": values.get("kind", holiday.kind)})
    fields_apply(holiday, values)
    holiday.from_defaults = False
    record_save(holiday, user=user)
    return holiday


@transaction.atomic
def holiday_delete(*, user: Any, holiday: Holiday) -> None:
    if not permissions.can_edit_calendar(user, holiday.side):
        raise NotPermitted()
    holiday._history_user = user  # type: ignore[attr-defined]
    holiday.delete()


SLA_FIELDS = ("code", "name", "position", "ack_days", "reply_days", "is_default")


def _check_sla(values: dict[str, Any], policy: SlaPolicy) -> None:
    ack = values.get("ack_days", policy.ack_days)
    reply = values.get("reply_days", policy.reply_days)
    if ack is not None and reply is not None and ack > reply:
        raise InvalidInput(details={"ack_days": [_("The acknowledgement cannot be due after the reply.")]})


@transaction.atomic
def sla_policy_create(*, user: Any, data: dict[str, Any]) -> SlaPolicy:
    if not permissions.can_edit_sla_policies(user):
        raise NotPermitted()
    policy = SlaPolicy()
    values = {k: v for k, v in data.items() if k in SLA_FIELDS}
    _check_sla(values, policy)
    fields_apply(policy, values)
    record_save(policy, user=user)
    _only_one_default(policy)
    return policy


@transaction.atomic
def sla_policy_update(*, user: Any, policy: SlaPolicy, data: dict[str, Any]) -> SlaPolicy:
    if not permissions.can_edit_sla_policies(user):
        raise NotPermitted()
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    values = {k: v for k, v in data.items() if k in SLA_FIELDS and k != "code"}  # the code is a stable key
    _check_sla(values, policy)
    fields_apply(policy, values)
    record_save(policy, user=user)
    _only_one_default(policy)
    return policy


def _only_one_default(policy: SlaPolicy) -> None:
    if policy.is_default:
        for other in SlaPolicy.objects.filter(is_default=True).exclude(pk=policy.pk):
            other.is_default = False
            other.save(update_fields=["is_default"])
    elif not SlaPolicy.objects.filter(is_default=True).exists():
        raise InvalidInput(details={"is_default": [_("One service level must stay the default.")]})


# -- unit supervisors ------------------------------------------------------------------------------
@transaction.atomic
def unit_supervisor_add(*, user: Any, unit: Any, supervisor: Any) -> UnitSupervisor:
    if not permissions.can_manage_supervisors(user, unit.side):
        raise NotPermitted()
    if not (supervisor.is_active and supervisor.is_officer and unit.members.filter(pk=supervisor.pk).exists()):
        raise InvalidInput(details={"supervisor": [_("Choose an officer of this unit.")]})
    existing = UnitSupervisor.objects.filter(unit=unit, user=supervisor).first()
    if existing is not None:
        return existing
    record = UnitSupervisor(unit=unit, user=supervisor)
    record._history_user = user  # type: ignore[attr-defined]
    record.save()
    return record


@transaction.atomic
def unit_supervisor_remove(*, user: Any, record: UnitSupervisor) -> None:
    if not permissions.can_manage_supervisors(user, record.unit.side):
        raise NotPermitted()
    record._history_user = user  # type: ignore[attr-defined]
    record.delete()
