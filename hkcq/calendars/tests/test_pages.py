"""Calendar pages, the default data and who may change what. (The service levels' pages are the
enquiries': hkcq/enquiries/tests/test_service_levels.py.)"""

from datetime import date
from html import unescape

import pytest
from django.test import Client

from hkcq.calendars import services
from hkcq.calendars.loading import calendars_load, default_calendar_days
from hkcq.calendars.models import Holiday
from hkcq.calendars.tests.factories import HolidayFactory
from hkcq.core.errors import NotPermitted

HK, CQ = "hong_kong", "chongqing"


def client_for(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.django_db
def test_default_calendars_load_once_and_respect_the_secretariat(django_user_model):
    first = calendars_load()
    assert first.created == len(default_calendar_days()) > 100
    assert calendars_load().created == 0 and calendars_load().updated == 0
    # Both sides, all three years, both kinds, names in three languages.
    for side in (HK, CQ):
        for year in (2025, 2026, 2027):
            assert Holiday.objects.filter(side=side, date__year=year, kind="holiday").count() >= 7
    lny = Holiday.objects.get(side=HK, date=date(2025, 1, 29))
    assert (
        lny.name.en == "Lunar New Year's Day" and lny.name.zh_hant == "農曆年初一" and lny.name.zh_hans == "农历年初一"
    )
    worked = Holiday.objects.get(side=CQ, date=date(2025, 1, 26))
    assert (
        worked.kind == "working_day" and "3 February 2025" in worked.name.en and worked.name.zh_hans.startswith("调休")
    )
    # Edited by the secretariat: kept; deleted by the secretariat: not created again.
    admin = django_user_model.objects.create(username="a", role="admin", is_superuser=True)
    services.holiday_update(user=admin, holiday=lny, data={"name": {"en": "LNY (edited)"}})
    christmas = Holiday.objects.get(side=HK, date=date(2025, 12, 25))
    services.holiday_delete(user=admin, holiday=christmas)
    again = calendars_load()
    assert again.created == 0 and again.kept == 2
    assert Holiday.objects.get(side=HK, date=date(2025, 1, 29)).name.en == "LNY (edited)"
    assert not Holiday.objects.filter(side=HK, date=date(2025, 12, 25)).exists()
    # A default record changed at the source is brought up to date while nobody edited it.
    Holiday.objects.filter(side=CQ, date=date(2025, 10, 1)).update(name={"en": "Old"})
    assert calendars_load().updated == 1
    assert Holiday.objects.get(side=CQ, date=date(2025, 10, 1)).name.en == "National Day"


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_pages_render_in_each_language(secretariat_hk, lang):
    calendars_load()
    public = client_for()
    r = public.get(f"/{lang}/calendars/?side=chongqing&year=2025")
    assert r.status_code == 200
    html = r.content.decode()
    assert {"en": "Tomb-Sweeping Day", "zh-hant": "農曆除夕", "zh-hans": "农历除夕"}[lang] in html
    assert {"en": "Add a calendar day", "zh-hant": "新增日子", "zh-hans": "新增日期"}[lang] not in html
    staff = client_for(secretariat_hk)
    html = staff.get(f"/{lang}/calendars/?side=hong_kong&year=2025").content.decode()
    assert {"en": "Add a calendar day", "zh-hant": "新增日子", "zh-hans": "新增日期"}[lang] in html
    for url in (
        f"/{lang}/calendars/days/new/?side=hong_kong",
        f"/{lang}/calendars/days/{Holiday.objects.filter(side=HK).first().pk}/edit/",
        f"/{lang}/calendars/days/{Holiday.objects.filter(side=HK).first().pk}/delete/",
    ):
        assert staff.get(url).status_code == 200, url


def test_empty_year_says_what_to_do(secretariat_hk):
    html = client_for(secretariat_hk).get("/en/calendars/?side=hong_kong&year=2031").content.decode()
    assert "No public holidays are recorded for this calendar and year" in html
    html = client_for().get("/en/calendars/?side=hong_kong&year=2031").content.decode()
    assert "Choose another year or calendar" in html
    # Nonsense parameters fall back to a sensible calendar rather than failing.
    assert client_for().get("/en/calendars/?side=mars&year=abc").status_code == 200


def test_secretariat_adds_edits_and_deletes_a_day(secretariat_hk):
    staff = client_for(secretariat_hk)
    data = {
        "side": HK,
        "date": "2025-09-01",
        "kind": "holiday",
        "name_0": "Typhoon signal No. 10",
        "name_1": "十號風球",
        "name_2": "",
        "source": "HKO",
    }
    r = staff.post("/en/calendars/days/new/", data)
    assert r.status_code == 302 and "side=hong_kong&year=2025" in r["Location"]
    day = Holiday.objects.get(side=HK, date=date(2025, 9, 1))
    assert day.name.zh_hans == "十号风球" and not day.from_defaults
    assert day.history.first().history_user == secretariat_hk
    # The same date again: a translated error on the form, what was typed kept, nothing saved.
    r = client_for(secretariat_hk).post("/zh-hant/calendars/days/new/", {**data, "name_0": "Second typed"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Second typed" in html and "此日曆已有這一天的紀錄" in html
    assert Holiday.objects.filter(side=HK, date=date(2025, 9, 1)).count() == 1
    # A weekday cannot be an adjusted working day.
    r = staff.post("/en/calendars/days/new/", {**data, "date": "2025-09-02", "kind": "working_day"})
    assert r.status_code == 200 and "Only a Saturday or Sunday" in r.content.decode()
    assert not Holiday.objects.filter(date=date(2025, 9, 2)).exists()
    r = staff.post(f"/en/calendars/days/{day.pk}/edit/", {**data, "name_0": "Black rainstorm"})
    assert r.status_code == 302
    day.refresh_from_db()
    assert day.name.en == "Black rainstorm"
    r = staff.get(f"/en/calendars/days/{day.pk}/delete/")
    assert "Delete" in r.content.decode() and Holiday.objects.filter(pk=day.pk).exists()
    r = staff.post(f"/en/calendars/days/{day.pk}/delete/")
    assert r.status_code == 302 and not Holiday.objects.filter(pk=day.pk).exists()


# -- authorization matrix ---------------------------------------------------------------------
ROLES = ["public", "resident", "officer_hk", "secretariat_hk", "secretariat_cq", "admin"]
# action → roles allowed
MATRIX = {
    "view_calendar": set(ROLES),
    "add_hk_day": {"secretariat_hk", "admin"},
    "add_cq_day": {"secretariat_cq", "admin"},
    "edit_hk_day": {"secretariat_hk", "admin"},
    "delete_cq_day": {"secretariat_cq", "admin"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_authorization_matrix(request, role, action):
    for side in (HK, CQ):
        HolidayFactory.create(side=side, date=date(2025, 1, 1), name={"en": "New Year's Day"}, from_defaults=True)
    # The personas of the calendars' conftest (factory-made); "admin" is ``admin_user``.
    user = None if role == "public" else request.getfixturevalue({"admin": "admin_user"}.get(role, role))
    c = client_for(user)
    hk_day = Holiday.objects.filter(side=HK).first()
    cq_day = Holiday.objects.filter(side=CQ).first()
    day = {"kind": "holiday", "name_0": "X", "name_1": "", "name_2": "", "source": ""}
    requests = {
        "view_calendar": lambda: c.get("/en/calendars/"),
        "add_hk_day": lambda: c.post("/en/calendars/days/new/", {**day, "side": HK, "date": "2030-01-02"}),
        "add_cq_day": lambda: c.post("/en/calendars/days/new/", {**day, "side": CQ, "date": "2030-01-02"}),
        "edit_hk_day": lambda: c.post(
            f"/en/calendars/days/{hk_day.pk}/edit/", {**day, "side": HK, "date": hk_day.date.isoformat()}
        ),
        "delete_cq_day": lambda: c.post(f"/en/calendars/days/{cq_day.pk}/delete/"),
    }
    before = (Holiday.objects.count(), list(Holiday.objects.values_list("name", flat=True)))
    r = requests[action]()
    after = (Holiday.objects.count(), list(Holiday.objects.values_list("name", flat=True)))
    allowed = role in MATRIX[action]
    if action.startswith("view"):
        assert r.status_code == 200
        return
    if allowed:
        assert r.status_code == 302 and "sign-in" not in r["Location"], r
        assert before != after
    else:
        # Refused: sent to sign in; or, for a day on the other side's calendar (not among the
        # sides the form offers a secretariat), the form refuses the side; otherwise forbidden.
        other_side_day = action in ("add_hk_day", "add_cq_day") and role.startswith("secretariat")
        expected = 302 if user is None else (200 if other_side_day else 403)
        assert r.status_code == expected, (action, role)
        if expected == 302:
            assert "sign-in" in r["Location"]
        if expected == 200:
            assert "Select a valid choice" in r.content.decode()
        assert before == after


def test_services_refuse_the_other_sides_calendar(secretariat_hk):
    calendars_load()
    cq_day = Holiday.objects.filter(side=CQ).first()
    with pytest.raises(NotPermitted):
        services.holiday_update(user=secretariat_hk, holiday=cq_day, data={"name": {"en": "x"}})
    hk_day = Holiday.objects.filter(side=HK).first()
    with pytest.raises(NotPermitted):  # moving a day onto the other side's calendar
        services.holiday_update(user=secretariat_hk, holiday=hk_day, data={"side": CQ})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "label"),
    [
        ("en", "The platform's default data (an open-source holiday calendar)"),
        ("zh-hant", "平台預設資料（開源假期資料庫）"),
        ("zh-hans", "平台默认数据（开源节假日数据库）"),
    ],
)
def test_the_default_datas_source_is_shown_in_the_readers_language(lang, label):
    """The default days store a provenance code; the page shows what it means, in the page's
    language, and a source a person typed as typed."""
    calendars_load()
    HolidayFactory.create(side=HK, date=date(2026, 11, 2), source="Gazette notice G.N. 1234")
    html = unescape(Client().get(f"/{lang}/calendars/?side={HK}&year=2026").content.decode())
    assert label in html and "Gazette notice G.N. 1234" in html
    assert "python-holidays" not in html and "holidays package" not in html
