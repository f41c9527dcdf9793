"""The change history of events and rounds shows what changed as a reader reads it, in the
reader's language: the trial read "booking → event" (an event's phase as stored) and the
settings a round's organiser changed named in the language of whoever changed them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from hkcq.exchanges import services
from hkcq.exchanges.tests.factories import round_areas  # noqa: F401 - round_areas: the fixture
from hkcq.exchanges.tests.test_rounds import DOC

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name

PHASES = {
    "en": ("Booking meetings", "Event day"),
    "zh-hant": ("預約會面", "活動當日"),
    "zh-hans": ("预约会面", "活动当日"),
}


@pytest.mark.parametrize("lang", list(PHASES))
def test_an_events_phase_in_its_history_is_its_label(client, event, officer_tdc, lang):
    assert event.phase == "booking"
    services.event_phase_set(user=officer_tdc, event=event, phase="event")
    client.force_login(officer_tdc)
    html = client.get(f"/{lang}/events/{event.pk}/organise/").content.decode()
    history = html.split('id="history-heading"')[1]
    before, after = PHASES[lang]
    old = history.split('class="diff-old">')[1].split("</td>")[0]
    new = history.split('class="diff-new">')[1].split("</td>")[0]
    assert before in old.replace("<del>", "").replace("</del>", "")
    assert after in new.replace("<ins>", "").replace("</ins>", "")
    assert ">booking<" not in history and ">event<" not in history


@pytest.mark.parametrize(
    ("lang", "labels", "joined"),
    [
        ("en", ("title", "rank by"), ", "),
        ("zh-hant", ("標題", "志願排序限期"), "、"),
        ("zh-hans", ("标题", "志愿排序限期"), "、"),
    ],
)
def test_a_rounds_changed_settings_are_named_in_the_readers_language(client, officer_tdc, lang, labels, joined):
    round_ = services.round_create(user=officer_tdc, data=DOC)
    with translation.override("en"):  # changed by someone reading English
        services.round_update(
            user=officer_tdc,
            round_=round_,
            data={"title": {"en": "Renamed round"}, "ranking_deadline": dt.date(2027, 6, 1)},
        )
    client.force_login(officer_tdc)
    html = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
    line = next(li for li in html.split("<li>") if labels[0] in li and labels[1] in li)
    assert joined.join(labels) in line or joined.join(reversed(labels)) in line, line
    assert "ranking_deadline" not in html


@pytest.mark.parametrize(("lang", "shown"), [("en", "h1: 2 → 3"), ("zh-hant", "h1：2 → 3"), ("zh-hans", "h1：2 → 3")])
def test_a_rounds_change_details_take_the_readers_colon(client, officer_tdc, lang, shown):
    """Found by the new-user trial: "已更改名额：h1: 1 → 2", a half-width colon inside Chinese."""
    round_ = services.round_create(user=officer_tdc, data=DOC)
    host = round_.participants.get(ext_id="h1")
    services.capacity_set(user=officer_tdc, host=host, capacity=3, reason="More desks")
    client.force_login(officer_tdc)
    html = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
    assert shown in html
    assert lang == "en" or "h1: " not in html
