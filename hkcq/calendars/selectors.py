"""Reads of the calendars."""

from __future__ import annotations

from django.db.models import QuerySet

from hkcq.calendars.models import Holiday
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
