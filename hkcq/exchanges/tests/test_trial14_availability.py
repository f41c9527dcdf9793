"""The availability form groups an event's meeting times under their days (new-user trial,
trial14): since the form fields share core/_field.html (5295d6c) the checkboxes came out flat, and
an event of two days showed 09:00 … 12:30 twice with no day, so nobody could tell which day they
ticked. Each day is now a group (a fieldset named by its date) holding that day's times, in the
three languages. Built with factories (no default data)."""

from __future__ import annotations

import re

import pytest

from hkcq.exchanges.tests.factories import EventFactory, member, registered

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "days"),
    [
        ("en", ["3 May 2027", "4 May 2027"]),
        ("zh-hant", ["2027年5月3日", "2027年5月4日"]),
        ("zh-hans", ["2027年5月3日", "2027年5月4日"]),
    ],
)
def test_the_times_to_tick_are_grouped_under_their_days(client, lang, days):
    event = EventFactory()  # two days, four meeting slots a day from 09:00
    who = member("hong_kong")
    registered(event, who)
    client.force_login(who[0])
    html = client.get(f"/{lang}/events/{event.pk}/mine/").content.decode()
    groups = re.findall(
        r'<fieldset class="mb-2"><legend class="fs-6 mb-1">([^<]+)</legend>(.*?)</fieldset>', html, re.S
    )
    assert [label for label, _body in groups] == days
    for _label, body in groups:
        assert re.findall(r">(\d\d:\d\d)</label>", body) == ["09:00", "09:30", "10:00", "10:30"]
        assert len(re.findall(r'name="slots"', body)) == 4
