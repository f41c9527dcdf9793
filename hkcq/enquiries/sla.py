"""Service-level deadlines of an enquiry, counted in working days on the public-holiday
calendar of the side of the unit the case is with (app ``hkcq.calendars``: holidays kept as
editable records, service levels per priority). Everything goes through :func:`sla_deadlines`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hkcq.calendars import services as calendars
from hkcq.core.choices import Side

DEFAULT_SIDE = Side.HONG_KONG


def add_working_days(start: dt.datetime, days: int, side: str) -> dt.datetime:
    return calendars.add_working_days(start, days, side)


def working_days_between(start: dt.datetime, end: dt.datetime, side: str) -> float:
    return float(calendars.working_days_between(start, end, side))


@dataclass(frozen=True)
class Deadlines:
    acknowledge_due: dt.datetime
    reply_due: dt.datetime


def enquiry_side(enquiry: Any) -> str:
    unit = enquiry.assigned_unit or enquiry.suggested_unit
    return str(unit.side) if unit is not None else DEFAULT_SIDE


def sla_deadlines(enquiry: Any) -> Deadlines:
    """Deadlines of ``enquiry``, always counted from when it was received (a transfer never
    restarts the clock) on the calendar of its unit's side, not counting the finished pauses
    (waiting for the resident). An open pause counts once it ends: the resident's reply
    restarts the clock and moves the deadlines on by the working time it stood still."""
    paused: list[tuple[dt.datetime, dt.datetime]] = []
    if enquiry.pk:
        paused = [(p.started_at, p.ended_at) for p in enquiry.pauses.all() if p.ended_at is not None]
    ack_due, reply_due = calendars.sla_deadlines(enquiry.received_at, enquiry.priority, enquiry_side(enquiry), paused)
    return Deadlines(acknowledge_due=ack_due, reply_due=reply_due)
