"""The secretariat's writes to the enquiries' service levels (one ``SlaPolicy`` per priority:
working days to acknowledge and to reply) and to the units' supervisors (told when a unit's
enquiries are late, ``escalation.py``): permission check, validation, transaction, history user.
The working days themselves are the calendars' (``hkcq.calendars``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.errors import Conflict, InvalidCombination, InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import fields_apply, history_mark, record_save
from hkcq.enquiries import permissions
from hkcq.enquiries.models import SlaPolicy, UnitSupervisor
from hkcq.registry.models import Unit

SLA_FIELDS = ("code", "name", "position", "ack_days", "reply_days", "is_default")


def _check_sla(values: dict[str, Any], policy: SlaPolicy) -> None:
    ack = values.get("ack_days", policy.ack_days)
    reply = values.get("reply_days", policy.reply_days)
    if ack is not None and reply is not None and ack > reply:
        raise InvalidCombination(details={"ack_days": [_("The acknowledgement cannot be due after the reply.")]})


@transaction.atomic
def sla_policy_create(*, user: User, data: dict[str, Any]) -> SlaPolicy:
    require(permissions.can_edit_sla_policies(user))
    policy = SlaPolicy()
    values = {k: v for k, v in data.items() if k in SLA_FIELDS}
    _check_sla(values, policy)
    fields_apply(policy, values)
    record_save(policy, user=user)
    _only_one_default(policy)
    return policy


@transaction.atomic
def sla_policy_update(*, user: User, policy: SlaPolicy, data: dict[str, Any]) -> SlaPolicy:
    require(permissions.can_edit_sla_policies(user))
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
        raise Conflict(details={"is_default": [_("One service level must stay the default.")]})


# -- unit supervisors ------------------------------------------------------------------------------
@transaction.atomic
def unit_supervisor_add(*, user: User, unit: Unit, supervisor: User) -> UnitSupervisor:
    require(permissions.can_manage_supervisors(user, unit.side))
    if not (supervisor.is_active and supervisor.is_officer and unit.members.filter(pk=supervisor.pk).exists()):
        raise InvalidInput(details={"supervisor": [_("Choose an officer of this unit.")]})
    existing = UnitSupervisor.objects.filter(unit=unit, user=supervisor).first()
    if existing is not None:
        return existing
    record = UnitSupervisor(unit=unit, user=supervisor)
    history_mark(record, user=user)
    record.save()
    return record


@transaction.atomic
def unit_supervisor_remove(*, user: User, record: UnitSupervisor) -> None:
    require(permissions.can_manage_supervisors(user, record.unit.side))
    history_mark(record, user=user)
    record.delete()
