"""Working-day arithmetic on the calendar of one side.

The rule (also in docs/service-levels.md):

- Time is counted in Hong Kong time (Asia/Hong_Kong, UTC+8; Chongqing keeps the same clock).
- A *working day* is a calendar day that is Monday to Friday and not a public holiday of the
  side, or a Saturday or Sunday recorded as an adjusted working day (调休) of the side.
- Working time runs continuously through the whole of every working day (00:00–24:00) and
  stops on every other day and during every paused interval. One working day is 24 hours of
  working time; fractions are allowed (0.5 = 12 hours).
- So a case received on Monday 10:00 with 2 working days is due on Wednesday 10:00; received
  on Saturday, its clock starts at 00:00 on the next working day; received on Friday 15:00
  with 1 working day, it is due on Monday 15:00 (or on the next working day's 15:00 after a
  holiday). A deadline exactly at midnight means the end of the day before.

``add_working_days`` and ``working_days_between`` are inverse: for ``d >= 0``,
``working_days_between(s, add_working_days(s, d, side), side) == d``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from hkcq.calendars.models import Holiday
from hkcq.core.choices import Side
from hkcq.core.dates import TZ
from hkcq.core.errors import InvalidInput

DAY = timedelta(days=1)
# A deadline further than this is a data error (e.g. a calendar with every day a holiday).
MAX_SPAN_DAYS = 3660

SIDE_ALIASES = {
    "hong_kong": Side.HONG_KONG,
    "hk": Side.HONG_KONG,
    "hksar": Side.HONG_KONG,
    "chongqing": Side.CHONGQING,
    "cq": Side.CHONGQING,
    "mainland": Side.CHONGQING,
    "cn": Side.CHONGQING,
}

Interval = tuple[datetime, datetime]


def side_of(value: str) -> str:
    """``hong_kong`` or ``chongqing`` for a side given as its value or a short alias (HK, CQ)."""
    side = SIDE_ALIASES.get(str(value or "").strip().lower())
    if side is None:
        raise InvalidInput(details={"side": [f"Unknown calendar side: {value!r}"]})
    return str(side)


def local(moment: datetime) -> datetime:
    """``moment`` in Hong Kong time; a naive datetime is taken to be Hong Kong time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TZ)


class WorkingCalendar:
    """The working days of one side, read from the ``Holiday`` records a year at a time.

    Build one per computation (or per batch, e.g. statistics over many cases): it caches what it
    read, so a change to the records is seen by the next calendar built, not by this one."""

    def __init__(self, side: str) -> None:
        self.side = side_of(side)
        self._years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        if year not in self._years:
            rows = Holiday.objects.filter(side=self.side, date__year=year).values_list("date", "kind")
            off = frozenset(d for d, kind in rows if kind == Holiday.Kind.HOLIDAY)
            on = frozenset(d for d, kind in rows if kind == Holiday.Kind.WORKING_DAY)
            self._years[year] = (off, on)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        off, on = self._year(day.year)
        if day in on:
            return True
        if day in off:
            return False
        return day.weekday() < 5


def _merge(paused: Iterable[Interval]) -> list[Interval]:
    """Paused intervals in Hong Kong time, sorted, overlaps joined, empty ones dropped."""
    spans = sorted((local(a), local(b)) for a, b in paused if b > a)
    merged: list[Interval] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _counting(start: datetime, end: datetime, paused: list[Interval]) -> list[Interval]:
    """The parts of [start, end) outside every paused interval."""
    parts: list[Interval] = []
    cursor = start
    for a, b in paused:
        if b <= cursor:
            continue
        if a >= end:
            break
        if a > cursor:
            parts.append((cursor, a))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        parts.append((cursor, end))
    return parts


def _calendar(side: str | WorkingCalendar) -> WorkingCalendar:
    return side if isinstance(side, WorkingCalendar) else WorkingCalendar(side)


def add_working_days(
    start: datetime,
    days: int | float,
    side: str | WorkingCalendar,
    paused: Iterable[Interval] = (),
) -> datetime:
    """The moment at which ``days`` working days have run from ``start`` on ``side``'s calendar,
    not counting the ``paused`` intervals. Returns an aware datetime in Hong Kong time."""
    if days < 0:
        raise InvalidInput(details={"days": ["The number of working days cannot be negative."]})
    calendar = _calendar(side)
    pauses = _merge(paused)
    remaining = timedelta(days=float(days))
    cursor = local(start)
    if remaining == timedelta(0):
        return cursor
    for _i in range(MAX_SPAN_DAYS):
        day = cursor.date()
        day_end = _midnight(day + DAY)
        if calendar.is_working_day(day):
            for a, b in _counting(cursor, day_end, pauses):
                if b - a >= remaining:
                    return a + remaining
                remaining -= b - a
        cursor = day_end
    raise InvalidInput(details={"days": ["No deadline within ten years: check the calendar."]})


def working_days_between(
    start: datetime,
    end: datetime,
    side: str | WorkingCalendar,
    paused: Iterable[Interval] = (),
) -> float:
    """Working days (a float) that ran from ``start`` to ``end`` on ``side``'s calendar, not
    counting the ``paused`` intervals. Negative when ``end`` is before ``start``."""
    a, b = local(start), local(end)
    if b < a:
        return -working_days_between(b, a, side, paused)
    calendar = _calendar(side)
    pauses = _merge(paused)
    total = timedelta(0)
    cursor = a
    for _i in range(MAX_SPAN_DAYS * 10):
        if cursor >= b:
            break
        day = cursor.date()
        day_end = min(_midnight(day + DAY), b)
        if calendar.is_working_day(day):
            total += sum((y - x for x, y in _counting(cursor, day_end, pauses)), timedelta(0))
        cursor = day_end
    return total / DAY
