"""The platform's local time. Hong Kong and Chongqing share UTC+8 with no daylight saving, so
one zone serves both sides: dates a person sees (deadlines, periods, Open311 times) are counted
in it. Working-day arithmetic over the sides' holidays is ``hkcq.calendars.workdays``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.utils import dateformat, formats, translation

TZ = ZoneInfo("Asia/Hong_Kong")
T = TypeVar("T")


# -- showing dates to people -------------------------------------------------------------------
# One format per language everywhere a person reads a date (pages, e-mails, PDFs, exports):
# "5 December 2026" and "2026年12月5日", times on the 24-hour clock. The formats are in
# config/formats (FORMAT_MODULE_PATH); templates use the filters ``|day``, ``|moment`` and
# ``|due`` of the ``hkcq`` tag library, Python code the functions below. ISO 8601 is only for
# machines (``<time datetime>``, the API, the date columns of CSV files).

DUE_FORMATS = {"en": "l j F Y", "zh-hant": "Y年n月j日（l）", "zh-hans": "Y年n月j日（l）"}


def as_date(value: dt.date | dt.datetime | str | None) -> dt.date | dt.datetime | None:
    """A date or moment as a value, also when it comes as ISO 8601 text (a report's snapshot keeps
    its dates as "2026-12-05"): for showing it, or for a spreadsheet's date cell. Other text and
    nothing give None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def _as_local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(TZ)
    return value


def show_date(value: dt.date | dt.datetime | str | None, default: str = "") -> str:
    """A day as people read it: "5 December 2026", "2026年12月5日" (a time is taken in Hong Kong
    time; ISO text such as "2026-12-05" is read as the day it names)."""
    day = as_date(value)
    if day is None:
        return default
    return formats.date_format(_as_local(day), "DATE_FORMAT")


def show_datetime(value: dt.datetime | dt.date | str | None, default: str = "") -> str:
    """A moment: "5 December 2026, 14:30", "2026年12月5日 14:30" (Hong Kong time)."""
    value = as_date(value)
    if value is None:
        return default
    if not isinstance(value, dt.datetime):
        return show_date(value, default)
    return formats.date_format(_as_local(value), "DATETIME_FORMAT")


def show_time(value: dt.datetime | dt.time | None, default: str = "") -> str:
    """A time of day on the 24-hour clock (Hong Kong time): "14:30"."""
    if value is None or value == "":
        return default
    if isinstance(value, dt.datetime):
        local = _as_local(value)
        assert isinstance(local, dt.datetime)
        value = local
    return formats.time_format(value, "TIME_FORMAT")


def local_day(value: dt.date | dt.datetime) -> dt.date:
    """The day a moment falls on in Hong Kong time."""
    local = _as_local(value)
    return local.date() if isinstance(local, dt.datetime) else local


def show_period(start: dt.datetime, end: dt.datetime | None) -> str:
    """A period within a day shown under its day's heading: "09:00–10:30"; one that ends on
    another day names that day ("22:00 – 6 December 2026, 01:00")."""
    if end is None:
        return show_time(start)
    if local_day(start) == local_day(end):
        return f"{show_time(start)}–{show_time(end)}"
    return f"{show_time(start)} – {show_datetime(end)}"


def by_day(items: Iterable[T], key: Callable[[T], dt.date | dt.datetime]) -> list[tuple[dt.date, list[T]]]:
    """Items in the order given, grouped by the day (Hong Kong time) of ``key``: lists of times
    (an event's sessions, an agenda, a grid of meeting slots) show each day once, as a heading,
    and the times under it, not the full date on every row."""
    groups: list[tuple[dt.date, list[T]]] = []
    for item in items:
        day = local_day(key(item))
        if groups and groups[-1][0] == day:
            groups[-1][1].append(item)
        else:
            groups.append((day, [item]))
    return groups


def due_day(moment: dt.datetime | dt.date) -> dt.date:
    """The day a deadline falls on: a deadline counted to the end of a working day is midnight
    of the next day (a Friday's work is due "Saturday 00:00"), which is the last moment of the
    Friday, so it is shown as Friday."""
    if not isinstance(moment, dt.datetime):
        return moment
    local = _as_local(moment)
    assert isinstance(local, dt.datetime)
    if local.time() == dt.time.min:
        return (local - dt.timedelta(days=1)).date()
    return local.date()


def show_due(moment: dt.datetime | dt.date | None, default: str = "") -> str:
    """A deadline as the day it falls on, with its weekday: "Friday 18 December 2026",
    "2026年12月18日（星期五）" (never "Saturday, midnight")."""
    if moment is None or moment == "":
        return default
    language = (translation.get_language() or "en").lower()
    return dateformat.format(due_day(moment), DUE_FORMATS.get(language, DUE_FORMATS["en"]))


def show_weekday(value: dt.date | dt.datetime | None) -> str:
    """The day of the week: "Friday", "星期五"."""
    if value is None or value == "":
        return ""
    return dateformat.format(_as_local(value), "l")
