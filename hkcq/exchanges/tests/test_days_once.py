"""An event's times show each day once: the sessions on the event page and the organiser's page,
a participant's agenda (page and PDF), the grid of meeting times, the table cards and the
times a participant ticks. The new-user trial read the full date repeated on every session of
one day."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hkcq.exchanges import agenda, services
from hkcq.exchanges.forms import AvailabilityForm
from hkcq.exchanges.models import Session
from hkcq.exchanges.tests.factories import member, registered

pytestmark = pytest.mark.django_db

DAYS = {
    "en": ("3 May 2027", "4 May 2027"),
    "zh-hant": ("2027年5月3日", "2027年5月4日"),
    "zh-hans": ("2027年5月3日", "2027年5月4日"),
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def sessions(event):
    first, second = event.days
    rows = [(first, 9, "Opening"), (first, 11, "Panel"), (first, 14, "Workshop"), (second, 10, "Visit")]
    return [
        Session.objects.create(event=event, title={"en": title}, starts_at=_at(day, h), ends_at=_at(day, h + 1))
        for day, h, title in rows
    ]


def _count(text: str, day: str) -> int:
    return len(re.findall(re.escape(day) + r"(?![0-9])", text))


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_event_page_names_each_day_of_its_sessions_once(client, event, sessions, lang):
    html = client.get(f"/{lang}/events/{event.pk}/").content.decode()
    first, second = DAYS[lang]
    listed = html.split('<h3 class="h6 mb-1">', 1)[1].split("<h2", 1)[0]
    assert (_count(listed, first), _count(listed, second)) == (1, 1), listed
    assert "09:00–10:00" in listed and "11:00–12:00" in listed and "14:00–15:00" in listed


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_organise_page_names_each_day_of_its_sessions_once(client, event, sessions, officer_tdc, lang):
    client.force_login(officer_tdc)
    html = client.get(f"/{lang}/events/{event.pk}/organise/").content.decode()
    sessions_part = html.split('id="history-heading"')[0]
    first, _second = DAYS[lang]
    assert "09:00–10:00" in sessions_part
    assert f"{first}, 09:00" not in sessions_part and f"{first} 09:00" not in sessions_part


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_agenda_page_and_its_print_name_each_day_once(client, event, sessions, lang):
    who = member("hong_kong")
    reg = registered(event, who, sessions=sessions)
    client.force_login(who[0])
    first, second = DAYS[lang]
    html = client.get(f"/{lang}/events/{event.pk}/mine/agenda/").content.decode()
    table = html.split("<table", 1)[1].split("</table>", 1)[0]
    assert (_count(table, first), _count(table, second)) == (1, 1), table
    assert "09:00–10:00" in table and "14:00–15:00" in table
    with translation.override(lang):
        printed = render_to_string(
            "exchanges/agenda_pdf.html", {"event": event, "reg": reg, "items": agenda.items(reg, viewer=who[0])}
        )
    table = printed.split("<table", 1)[1].split("</table>", 1)[0]
    assert (_count(table, first), _count(table, second)) == (1, 1), table


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_grid_cards_and_free_times_name_each_day_once(client, event, officer_tdc, lang):
    regs = [registered(event, member("hong_kong" if k % 2 else "chongqing")) for k in range(4)]
    for slot, (a, b) in enumerate(((regs[0], regs[1]), (regs[2], regs[3]))):
        m = services.meeting_request(user=a.person, requester=a, recipient=b)
        services.meeting_respond(user=b.person, meeting=m, accept=True, slot=slot)
    services.event_schedule(user=officer_tdc, event=event, time_limit=5)
    first, _second = DAYS[lang]
    client.force_login(officer_tdc)
    grid = client.get(f"/{lang}/events/{event.pk}/organise/grid/").content.decode().split("<main", 1)[1]
    assert _count(grid, first) == 1, grid
    assert ">09:00</th>" in grid and ">09:30</th>" in grid
    cards = (
        client.get(f"/{lang}/events/{event.pk}/organise/table-cards/").content.decode().split("break-after: page")[1:]
    )
    cards = [card.split("</section>", 1)[0] for card in cards]
    assert cards and all(_count(card, first) == 1 for card in cards), cards
    with translation.override(lang):
        groups = AvailabilityForm(event=event).fields["slots"].choices
    assert [label for label, _times in groups] == list(DAYS[lang])
    assert [t for _v, t in groups[0][1]] == ["09:00", "09:30", "10:00", "10:30"]
