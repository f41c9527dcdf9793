"""The grid of an event's meeting slots: when a slot starts and ends, the slots a participant is
free in, and the language pair a meeting's interpreter must cover."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hkcq.exchanges.models import (
    Event,
    Registration,
    Session,
)


def slot_start(event: Event, slot: int) -> dt.datetime:
    day = event.days[slot // event.slots_per_day]
    start = dt.datetime.combine(day, event.meeting_start, tzinfo=timezone.get_default_timezone())
    return start + dt.timedelta(minutes=event.slot_minutes * (slot % event.slots_per_day))


def slot_end(event: Event, slot: int) -> dt.datetime:
    return slot_start(event, slot) + dt.timedelta(minutes=event.slot_minutes)


def session_slots(event: Event, session: Session) -> set[int]:
    """Slots that overlap the session."""
    return {
        s
        for s in range(event.slot_count)
        if slot_start(event, s) < session.ends_at and session.starts_at < slot_end(event, s)
    }


def free_slots(registration: Registration) -> frozenset[int]:
    """The slots a participant can meet in: their availability (all, when they gave none) less
    the sessions they booked."""
    event = registration.event
    slots = set(registration.available_slots) if registration.available_slots else set(range(event.slot_count))
    for session in registration.sessions.all():
        slots -= session_slots(event, session)
    return frozenset(s for s in slots if 0 <= s < event.slot_count)


def language_pair(a: Registration, b: Registration) -> str:
    """The pair an interpreter must cover when the two share no language and either asked for
    one; "" otherwise."""
    la, lb = set(a.languages), set(b.languages)
    if la & lb or not (a.needs_interpreter or b.needs_interpreter) or not la or not lb:
        return ""
    x, y = sorted(la)[0], sorted(lb)[0]
    return canonical_pair(f"{x}-{y}")


def canonical_pair(pair: str) -> str:
    """A language pair written one way whichever way round it was given ("en-cmn" and "cmn-en"
    are both "cmn-en"), as ``language_pair`` writes a meeting's: interpreters' pairs are compared
    with meetings' in this form."""
    return "-".join(sorted(part.strip() for part in pair.split("-")))
