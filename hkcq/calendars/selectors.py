"""Reads of the calendars and service levels."""

from __future__ import annotations

from django.db.models import QuerySet

from hkcq.calendars.models import Holiday, SlaPolicy
from hkcq.core.errors import NotFound


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
