"""A participant's agenda: booked sessions and scheduled meetings, as a page, a PDF and an
iCalendar file (RFC 5545, written with the ``icalendar`` library)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import icalendar
from django.utils import translation

from hkcq.core.translated import TText, current_language
from hkcq.exchanges import permissions, selectors, services
from hkcq.exchanges.models import MeetingStatus, Registration


@dataclass
class Item:
    uid: str
    start: dt.datetime
    end: dt.datetime
    title: str
    where: str
    contact: str = ""


def items(reg: Registration, *, viewer: Any) -> list[Item]:
    event = reg.event
    language = current_language()
    venue = TText.from_json(event.venue).show(language).text
    out = [
        Item(
            uid=f"session-{s.pk}-{reg.pk}@hkcq",
            start=s.starts_at,
            end=s.ends_at,
            title=TText.from_json(s.title).show(language).text,
            where=venue,
        )
        for s in reg.sessions.all()
    ]
    for m in selectors.meetings_of(reg).filter(status=MeetingStatus.ACCEPTED, slot__isnull=False, table__isnull=False):
        assert m.slot is not None and m.table is not None
        other = m.recipient if m.requester_id == reg.pk else m.requester
        name = TText.from_json(other.profile.name).show(language).text
        where = translation.gettext("Table %(n)s") % {"n": m.table + 1}
        if m.interpreter:
            where += " · " + translation.gettext("Interpreter: %(name)s") % {
                "name": TText.from_json(m.interpreter.name).show(language).text
            }
        out.append(
            Item(
                uid=f"meeting-{m.pk}@hkcq",
                start=services.slot_start(event, m.slot),
                end=services.slot_end(event, m.slot),
                title=translation.gettext("Meeting with %(name)s") % {"name": name},
                where=f"{venue} — {where}" if venue else where,
                contact=other.person.email if permissions.can_see_contacts(viewer, other) else "",
            )
        )
    return sorted(out, key=lambda i: i.start)


def ics(reg: Registration, agenda: list[Item]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//HK/CQ Co-operation Platform//Agenda//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", TText.from_json(reg.event.title).show(current_language()).text)
    stamp = dt.datetime.now(dt.UTC)
    for item in agenda:
        e = icalendar.Event()
        e.add("uid", item.uid)
        e.add("dtstamp", stamp)
        e.add("dtstart", item.start)
        e.add("dtend", item.end)
        e.add("summary", item.title)
        if item.where:
            e.add("location", item.where)
        if item.contact:
            e.add("description", item.contact)
        cal.add_component(e)
    cal.add_missing_timezones()  # RFC 5545: every TZID used is defined by a VTIMEZONE
    return bytes(cal.to_ical())
