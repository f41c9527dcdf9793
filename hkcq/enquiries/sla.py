"""Service levels of enquiries: deadlines counted in working days on the public-holiday
calendar of the side of the unit the case is with (the working-day arithmetic is the
calendars'; the policies per priority, ``SlaPolicy``, are the enquiries' own). Everything goes
through :func:`sla_deadlines`.
The escalations of late cases (``escalation.py``) are read through :func:`escalations`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from hkcq.calendars import workdays as calendars
from hkcq.calendars.workdays import Interval, WorkingCalendar, local
from hkcq.core.choices import Side
from hkcq.core.errors import NotFound
from hkcq.enquiries.models import Enquiry, Escalation, ServiceLevelVersion, SlaPolicy

DEFAULT_SIDE = Side.HONG_KONG
# Used only when the secretariat's service levels have no policy for the priority, so that a
# submission is never refused for want of one: (acknowledge, reply) working days.
FALLBACK_DAYS: dict[str, tuple[int, int]] = {"high": (1, 5), "normal": (2, 10), "low": (2, 15)}


@dataclass
class _Kept:
    """The policies and the two sides' calendars as of one ``ServiceLevelVersion``."""

    version: tuple[Any, ...] | None
    policies: list[SlaPolicy]
    calendars: dict[str, WorkingCalendar] = field(default_factory=dict)

    def calendar(self, side: str) -> WorkingCalendar:
        calendar = self.calendars.get(side)
        if calendar is None:
            calendar = self.calendars.setdefault(side, WorkingCalendar(side))
        return calendar


# Kept in the process between requests (issue 15: a submission read the policy and a year of
# holidays every time) and thrown away as soon as the version row says either changed.
_kept: _Kept | None = None


def _version() -> tuple[Any, ...] | None:
    """``ServiceLevelVersion`` as (counter, token): one primary-key read in plain SQL (the ORM's
    compilation would cost more than the read), in the caller's transaction."""
    table = connection.ops.quote_name(ServiceLevelVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT counter, token FROM {table} WHERE id = 1")  # noqa: S608 (a constant)
        row = cursor.fetchone()
    return tuple(row) if row else None


def _current() -> _Kept:
    """The policies and calendars this process keeps, read again when the version changed
    (version first: what is read after it is at least as new as it says)."""
    global _kept
    version = _version()
    kept = _kept
    if kept is None or kept.version != version or version is None:
        kept = _Kept(version, list(SlaPolicy.objects.all()))
        _kept = kept
    return kept


def sla_policy_for(priority: str | None) -> SlaPolicy:
    """The policy of ``priority`` (its code); the default policy when ``priority`` is empty."""
    return _policy_in(_current(), priority)


def _policy_in(kept: _Kept, priority: str | None) -> SlaPolicy:
    policies = kept.policies
    if priority:
        policy = next((p for p in policies if p.code == priority), None)
    else:
        policy = next((p for p in policies if p.is_default), policies[0] if policies else None)
    if policy is None:
        raise NotFound(_("There is no service level for this priority."))
    return policy


def working_calendar(side: str) -> WorkingCalendar:
    """``side``'s working calendar as this process keeps it (current: see :func:`_current`)."""
    return _current().calendar(calendars.side_of(side))


def add_working_days(start: dt.datetime, days: int, side: str) -> dt.datetime:
    return calendars.add_working_days(start, days, side)


def working_days_between(start: dt.datetime, end: dt.datetime, side: str) -> float:
    return float(calendars.working_days_between(start, end, side))


def deadlines_for(
    received_at: dt.datetime,
    priority: str | None,
    side: str | WorkingCalendar,
    paused: Iterable[Interval] = (),
) -> tuple[dt.datetime, dt.datetime]:
    """``(ack_due, reply_due)`` of a case received at ``received_at`` with ``priority`` (a
    ``SlaPolicy.code``; empty = the default one), counted in working days on ``side``'s calendar
    (the side of the unit the case is with) and not counting the ``paused`` intervals (waiting
    for the resident). Pass the original receipt time after a transfer: a transfer never resets
    the clock. Raises ``NotFound`` for an unknown priority."""
    kept = _current()
    policy = _policy_in(kept, priority)
    calendar = side if isinstance(side, WorkingCalendar) else kept.calendar(calendars.side_of(side))
    pauses = list(paused)
    received = local(received_at)
    ack_due = calendars.add_working_days(received, float(policy.ack_days), calendar, pauses)
    reply_due = calendars.add_working_days(received, float(policy.reply_days), calendar, pauses)
    return ack_due, reply_due


@dataclass(frozen=True)
class Deadlines:
    acknowledge_due: dt.datetime
    reply_due: dt.datetime


def enquiry_side(enquiry: Enquiry) -> str:
    unit = enquiry.assigned_unit or enquiry.suggested_unit
    return str(unit.side) if unit is not None else DEFAULT_SIDE


def sla_deadlines(enquiry: Enquiry) -> Deadlines:
    """Deadlines of ``enquiry``, always counted from when it was received (a transfer never
    restarts the clock) on the calendar of its unit's side, not counting the finished pauses
    (waiting for the resident). An open pause counts once it ends: the resident's reply
    restarts the clock and moves the deadlines on by the working time it stood still."""
    paused: list[tuple[dt.datetime, dt.datetime]] = []
    if enquiry.pk:
        paused = [(p.started_at, p.ended_at) for p in enquiry.pauses.all() if p.ended_at is not None]
    side = enquiry_side(enquiry)
    try:
        ack_due, reply_due = deadlines_for(enquiry.received_at, enquiry.priority, side, paused)
    except NotFound:
        ack_days, reply_days = FALLBACK_DAYS.get(enquiry.priority, FALLBACK_DAYS["normal"])
        calendar = working_calendar(side)
        ack_due = calendars.add_working_days(enquiry.received_at, ack_days, calendar, paused)
        reply_due = calendars.add_working_days(enquiry.received_at, reply_days, calendar, paused)
    return Deadlines(acknowledge_due=ack_due, reply_due=reply_due)


def escalations(enquiry: Enquiry) -> list[Escalation]:
    """The escalations of ``enquiry`` (``Escalation``), oldest first, each with its ``unit`` and
    the people ``told``."""
    return list(
        Escalation.objects.filter(enquiry=enquiry)
        .select_related("unit")
        .prefetch_related("told")
        .order_by("created_at", "id")
    )


def deadlines_apply(enquiry: Enquiry) -> None:
    """Set ``enquiry``'s deadlines from its service level (not saved)."""
    deadlines = sla_deadlines(enquiry)
    enquiry.acknowledge_due = deadlines.acknowledge_due
    enquiry.reply_due = deadlines.reply_due
