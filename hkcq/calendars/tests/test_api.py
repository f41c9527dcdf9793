"""The calendars API: anyone reads a side's days; each side's secretariat keeps its own calendar
(administrators both); a refusal or bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from hkcq.accounts.services import api_token_create
from hkcq.accounts.tests.factories import OfficerFactory, SecretariatFactory, UserFactory
from hkcq.calendars.models import Holiday
from hkcq.calendars.tests.factories import HolidayFactory
from hkcq.core.choices import Role, Side

pytestmark = pytest.mark.django_db

HK, CQ = Side.HONG_KONG.value, Side.CHONGQING.value
URL = "/api/v1/calendars/holidays"


def bearer(user) -> Client:
    _token, raw = api_token_create(user=user, name="calendar test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_anyone_lists_a_sides_days_of_a_year_in_the_one_list_shape():
    HolidayFactory.create(side=HK, date=dt.date(2031, 7, 1), name={"en": "Establishment Day"})
    HolidayFactory.create(side=HK, date=dt.date(2032, 1, 1))
    HolidayFactory.create(side=CQ, date=dt.date(2031, 10, 1))
    body = Client().get(URL, {"side": HK, "year": 2031}).json()
    assert body["count"] == 1
    day = body["items"][0]
    assert day["date"] == "2031-07-01" and day["side"] == HK and day["kind"] == "holiday"
    assert day["name"]["en"] == "Establishment Day"
    assert Client().get(f"{URL}/{day['id']}").json()["date"] == "2031-07-01"
    assert Client().get(URL, {"year": 2031}).json()["count"] == 2  # both sides
    assert Client().get(URL, {"side": "mars"}).status_code == 422
    assert Client().get(f"{URL}/999999").json()["error"]["code"] == "not_found"


def test_a_secretariat_keeps_its_own_sides_calendar_through_a_token():
    hk = bearer(SecretariatFactory(side=HK))
    created = hk.post(
        URL,
        {"side": HK, "date": "2031-12-26", "name": {"en": "The first weekday after Christmas Day"}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    holiday = Holiday.objects.get(pk=pk)
    assert holiday.name.en.startswith("The first") and holiday.from_defaults is False  # a person's record
    changed = hk.patch(f"{URL}/{pk}", {"source": "Gazette G.N. 1"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["source"] == "Gazette G.N. 1"
    assert holiday.history.count() == 2
    assert hk.delete(f"{URL}/{pk}").status_code == 204
    assert not Holiday.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        (lambda: UserFactory(role=Role.RESIDENT), 403),
        (lambda: OfficerFactory(side=HK), 403),
        (lambda: SecretariatFactory(side=CQ), 403),  # the other side's secretariat
    ],
)
def test_who_may_not_change_the_hong_kong_calendar_changes_nothing(who, status):
    day = HolidayFactory.create(side=HK, date=dt.date(2031, 5, 1), source="")
    client = bearer(who()) if who else Client()
    before = Holiday.objects.count()
    assert (
        client.post(
            URL, {"side": HK, "date": "2031-05-02", "name": {"en": "x"}}, content_type="application/json"
        ).status_code
        == status
    )
    assert client.patch(f"{URL}/{day.pk}", {"source": "x"}, content_type="application/json").status_code == status
    assert client.delete(f"{URL}/{day.pk}").status_code == status
    day.refresh_from_db()
    assert Holiday.objects.count() == before and day.source == ""


def test_an_administrator_keeps_both_calendars():
    admin = bearer(UserFactory(role=Role.ADMIN, side=HK))
    for side in (HK, CQ):
        response = admin.post(
            URL, {"side": side, "date": "2031-06-02", "name": {"zh_hans": "端午节"}}, content_type="application/json"
        )
        assert response.status_code == 201, response.content


def test_bad_input_is_refused_in_the_error_shape_and_changes_nothing():
    hk = bearer(SecretariatFactory(side=HK))
    before = Holiday.objects.count()
    weekday = hk.post(  # 2031-06-04 is a Wednesday: already a working day
        URL,
        {"side": HK, "date": "2031-06-04", "kind": "working_day", "name": {"en": "x"}},
        content_type="application/json",
    )
    assert weekday.status_code == 422 and "kind" in weekday.json()["error"]["details"]
    no_name = hk.post(URL, {"side": HK, "date": "2031-06-07", "name": {}}, content_type="application/json")
    assert no_name.status_code == 422
    bad_date = hk.post(URL, {"side": HK, "date": "2031-02-30", "name": {"en": "x"}}, content_type="application/json")
    assert bad_date.status_code == 422
    assert Holiday.objects.count() == before


def test_two_holidays_on_one_day_are_listed_with_the_chinese_enumeration_comma():
    from hkcq.calendars.loading import default_calendar_days

    names = [name for side, _day, _kind, name in default_calendar_days([2025, 2026, 2027]) if side == HK]
    joined = [n for n in names if "; " in n.en]
    assert joined, "the package joins two holidays on one day"
    for name in joined:
        assert ";" not in name.zh_hant and ";" not in name.zh_hans and "、" in name.zh_hant
