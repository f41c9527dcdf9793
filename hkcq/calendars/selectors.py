"""Reads of the calendars and service levels."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from hkcq.calendars.models import Escalation, Holiday, SlaPolicy, UnitSupervisor
from hkcq.core.errors import NotFound
from hkcq.registry.models import Unit


def holiday_list(*, side: str, year: int) -> QuerySet[Holiday]:
    return Holiday.objects.filter(side=side, date__year=year).order_by("date")


def holiday_years(side: str) -> list[int]:
    years = {d.year for d in Holiday.objects.filter(side=side).dates("date", "year")}
    return sorted(years)


def holiday_get(pk: int) -> Holiday:
    holiday = Holiday.objects.filter(pk=pk).first()
    if holiday is None:
        raise NotFound()
    return holiday


def sla_policy_list() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.order_by("position", "code")


def sla_policy_get(code: str) -> SlaPolicy:
    policy = SlaPolicy.objects.filter(code=code).first()
    if policy is None:
        raise NotFound()
    return policy


def sla_priority_choices() -> list[tuple[str, str]]:
    """``(code, name in the current language)`` of every priority, for forms of other apps."""
    return [(p.code, str(p.name)) for p in sla_policy_list()]


def escalation_list(enquiry: Any) -> QuerySet[Escalation]:
    """The escalations of ``enquiry``, oldest first, with the unit and the people told."""
    return (
        Escalation.objects.filter(enquiry=enquiry)
        .select_related("unit")
        .prefetch_related("told")
        .order_by("created_at", "id")
    )


def units_with_supervisors(sides: list[str]) -> QuerySet[Any]:
    """Active units of ``sides`` with their supervisors and officers, for the supervisors page."""

    supervisors = Prefetch("supervisors", queryset=UnitSupervisor.objects.select_related("user"))
    officers = Prefetch(
        "members", queryset=get_user_model().objects.filter(role="officer", is_active=True).order_by("username")
    )
    return (
        Unit.objects.filter(side__in=sides, is_active=True)
        .prefetch_related(supervisors, officers)
        .order_by("side", "ext_id")
    )


def unit_supervisor_get(pk: int) -> UnitSupervisor:
    record = UnitSupervisor.objects.select_related("unit", "user").filter(pk=pk).first()
    if record is None:
        raise NotFound()
    return record


def sla_policy_for(priority: str | None) -> SlaPolicy:
    """The policy of ``priority`` (its code); the default policy when ``priority`` is empty."""
    if priority:
        policy = SlaPolicy.objects.filter(code=priority).first()
    else:
        policy = SlaPolicy.objects.filter(is_default=True).first() or SlaPolicy.objects.first()
    if policy is None:
        raise NotFound(_("There is no service level for this priority."))
    return policy
