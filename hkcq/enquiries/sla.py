"""Service-level deadlines of an enquiry, counted in working days.

Everything goes through :func:`sla_deadlines`. The working-day arithmetic is the calendars
app's (public holidays of each side, kept as editable records) when it is installed with its
services; until then a plain Monday-to-Friday count stands in.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from hkcq.core.choices import Side

# Working days per priority: (acknowledge, reply).
DEFAULT_POLICY: dict[str, tuple[int, int]] = {"high": (1, 5), "normal": (2, 10), "low": (2, 15)}
DEFAULT_SIDE = Side.HONG_KONG


def _calendar_services() -> Any:
    try:
        return importlib.import_module("hkcq.calendars.services")
    except ImportError:
        return None


def add_working_days(start: dt.datetime, days: int, side: str) -> dt.datetime:
    services = _calendar_services()
    if services is not None and hasattr(services, "add_working_days"):
        return services.add_working_days(start, days, side)  # type: ignore[no-any-return]
    current = timezone.localtime(start)
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def working_days_between(start: dt.datetime, end: dt.datetime, side: str) -> float:
    services = _calendar_services()
    if services is not None and hasattr(services, "working_days_between"):
        return float(services.working_days_between(start, end, side))
    if end <= start:
        return 0.0
    total = 0.0
    day, end = timezone.localtime(start), timezone.localtime(end)
    while day < end:
        nxt = min(end, dt.datetime.combine(day.date() + dt.timedelta(days=1), dt.time(), tzinfo=day.tzinfo))
        if day.weekday() < 5:
            total += (nxt - day).total_seconds() / 86400
        day = nxt
    return total


def policy_days(priority: str) -> tuple[int, int]:
    return DEFAULT_POLICY.get(priority, DEFAULT_POLICY["normal"])


@dataclass(frozen=True)
class Deadlines:
    acknowledge_due: dt.datetime
    reply_due: dt.datetime
    paused_days: int


def enquiry_side(enquiry: Any) -> str:
    unit = enquiry.assigned_unit or enquiry.suggested_unit
    return unit.side if unit is not None else DEFAULT_SIDE


def sla_deadlines(enquiry: Any) -> Deadlines:
    """Deadlines of ``enquiry``, always counted from when it was received (a transfer never
    restarts the clock), on the calendar of its unit's side. Each finished pause (waiting for
    the resident) moves the reply deadline on by the working days it lasted, rounded to whole
    days; an open pause is counted when it ends."""
    side = enquiry_side(enquiry)
    ack_days, reply_days = policy_days(enquiry.priority)
    paused = 0.0
    if enquiry.pk:
        for pause in enquiry.pauses.all():
            if pause.ended_at is not None:
                paused += working_days_between(pause.started_at, pause.ended_at, side)
    paused_days = round(paused)
    return Deadlines(
        acknowledge_due=add_working_days(enquiry.received_at, ack_days, side),
        reply_due=add_working_days(enquiry.received_at, reply_days + paused_days, side),
        paused_days=paused_days,
    )
