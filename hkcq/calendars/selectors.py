"""Reads of the calendars."""

from __future__ import annotations

from django.db.models import QuerySet

from hkcq.calendars.models import Holiday
from hkcq.core.errors import NotFound


def holiday_list(*, side: str | None, year: int) -> QuerySet[Holiday]:
    """The days of ``year`` in ``side``'s calendar (both sides' when ``side`` is None)."""
    days = Holiday.objects.filter(date__year=year)
    if side is not None:
        days = days.filter(side=side)
    return days.order_by("date", "side", "id")


def holiday_years(side: str) -> list[int]:
    years = {d.year for d in Holiday.objects.filter(side=side).dates("date", "year")}
    return sorted(years)


def holiday_get(pk: int) -> Holiday:
    holiday = Holiday.objects.filter(pk=pk).first()
    if holiday is None:
        raise NotFound()
    return holiday
