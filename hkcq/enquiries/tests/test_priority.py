"""Officers and the secretariat change a case's priority with a reason; the deadlines are
counted again from receipt (holidays and waiting time still honoured); residents never see it."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from freezegun import freeze_time

from hkcq.accounts.services import api_token_create
from hkcq.calendars.loading import calendars_load
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.enquiries import services
from hkcq.enquiries.models import Enquiry, PriorityChange

HKT = ZoneInfo("Asia/Hong_Kong")
LANGS = ["en", "zh-hant", "zh-hans"]


def hkt(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=HKT)


def _state(case: Enquiry) -> tuple:
    case.refresh_from_db()
    return case.priority, case.acknowledge_due, case.reply_due, case.priority_changes.count()


@pytest.fixture
def calendars(db):
    calendars_load()


def test_deadlines_are_counted_again_from_receipt_across_a_holiday_and_a_pause(calendars, make_case, officer_hk):
    # Received on the Thursday before Easter; in Hong Kong Good Friday, Easter Monday and
    # the Tuesday after Ching Ming are holidays, so the next working day is Wednesday 8 April.
    with freeze_time(hkt(4, 2)):
        case = make_case()
    assert (case.acknowledge_due, case.reply_due) == (hkt(4, 9), hkt(4, 21))  # normal: 2 and 10 days
    with freeze_time(hkt(4, 8, 9)):
        services.enquiry_accept(user=officer_hk, enquiry=case)
    # Waiting for the resident from Wednesday noon to Friday noon: two working days.
    with freeze_time(hkt(4, 8, 12)):
        services.enquiry_wait(user=officer_hk, enquiry=case, body="Which permit do you hold?")
    with freeze_time(hkt(4, 10, 12)):
        services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body="A 10-year permit")
    case.refresh_from_db()
    assert case.reply_due == hkt(4, 23)  # 10 working days + the 2 it waited

    with freeze_time(hkt(4, 13, 15)):
        change = services.enquiry_priority_change(
            user=officer_hk, enquiry=case, priority="high", reason="The permit expires this month"
        )
    case.refresh_from_db()
    # High: 1 and 5 working days from receipt (not from Monday 13 April 15:00, the time of the
    # change), skipping the Easter holidays and the two days spent waiting.
    assert case.priority == "high"
    assert case.received_at == hkt(4, 2)
    assert (case.acknowledge_due, case.reply_due) == (hkt(4, 8), hkt(4, 16))
    assert (change.from_priority, change.to_priority) == ("normal", "high")
    assert (change.by, change.at) == (officer_hk, hkt(4, 13, 15))
    assert (change.acknowledge_due, change.reply_due) == (hkt(4, 8), hkt(4, 16))
    assert change.reason == "The permit expires this month"

    # Low: 2 and 15 working days, again from receipt; now the acknowledgement deadline, too,
    # falls after the pause began and moves on by the two days of waiting.
    with freeze_time(hkt(4, 14)):
        services.enquiry_priority_change(user=officer_hk, enquiry=case, priority="low", reason="Not urgent after all")
    case.refresh_from_db()
    assert (case.acknowledge_due, case.reply_due) == (hkt(4, 13), hkt(4, 30))
    assert list(case.priority_changes.values_list("to_priority", flat=True)) == ["high", "low"]


def test_a_change_while_waiting_for_the_resident_still_stops_the_clock(make_case, officer_hk, secretariat_hk):
    # March 2026: no public holiday on either side.
    with freeze_time(hkt(3, 2)):  # Monday
        case = make_case()
    with freeze_time(hkt(3, 2, 11)):
        services.enquiry_accept(user=officer_hk, enquiry=case)
    with freeze_time(hkt(3, 3)):
        services.enquiry_wait(user=officer_hk, enquiry=case, body="Please send a copy of your permit.")
    with freeze_time(hkt(3, 4)):
        services.enquiry_priority_change(user=secretariat_hk, enquiry=case, priority="high", reason="Ministerial")
    case.refresh_from_db()
    assert case.reply_due == hkt(3, 9) and case.is_paused  # 5 days from receipt; the open pause counts on resume
    with freeze_time(hkt(3, 5)):  # two days after the pause began
        services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body="Attached.")
    case.refresh_from_db()
    assert case.reply_due == hkt(3, 11)


@pytest.mark.parametrize(
    ("priority", "reason", "fields"),
    [
        ("urgent", "Travel next week", {"priority"}),
        ("", "Travel next week", {"priority"}),
        ("normal", "Travel next week", {"priority"}),  # it has this priority already
        ("high", "   ", {"reason"}),
        ("high", "x" * 2001, {"reason"}),
        ("critical", "", {"priority", "reason"}),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(make_case, officer_hk, priority, reason, fields):
    case = make_case()
    before = _state(case)
    with pytest.raises(InvalidInput) as exc:
        services.enquiry_priority_change(user=officer_hk, enquiry=case, priority=priority, reason=reason)
    assert set(exc.value.details) == fields
    assert _state(case) == before


def test_a_closed_case_keeps_its_priority(make_case, officer_hk, officer_cq, secretariat_hk):
    case = make_case()
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_reply(user=officer_hk, enquiry=case, body="Answer")
    services.enquiry_close(user=officer_hk, enquiry=case, outcome="answered")
    before = _state(case)
    for user in (officer_hk, secretariat_hk):
        with pytest.raises(InvalidInput) as exc:
            services.enquiry_priority_change(user=user, enquiry=case, priority="high", reason="Too late")
        assert "closed" in str(exc.value.message)
    with pytest.raises(NotPermitted):  # not theirs to see: told nothing about the case
        services.enquiry_priority_change(user=officer_cq, enquiry=case, priority="high", reason="Too late")
    assert _state(case) == before


@pytest.mark.parametrize("lang", LANGS)
def test_the_case_page_changes_the_priority_and_records_it_for_staff_only(lang, make_case, officer_hk, client):
    texts = {
        "en": ("Change the priority", "Priority changed from Normal to High.", "Give the reason for the change"),
        "zh-hant": ("更改優先次序", "優先次序由一般改為高。", "請說明更改優先次序的原因"),
        "zh-hans": ("更改优先级", "优先级由一般改为高。", "请说明更改优先级的原因"),
    }[lang]
    case = make_case()
    client.force_login(officer_hk)
    url = f"/{lang}/enquiries/case/{case.reference}/"
    page = client.get(url).content.decode()
    assert texts[0] in page and 'id="priority_reason"' in page and 'for="priority_reason"' in page

    # No reason: refused with a translated message, the choice kept, nothing changed.
    response = client.post(f"{url}priority/", {"priority": "high", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert texts[2] in html and 'aria-invalid="true"' in html
    assert '<option value="high" selected>' in html
    assert _state(case)[0] == "normal"

    response = client.post(f"{url}priority/", {"priority": "high", "reason": "The permit expires on Friday"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert texts[1] in page and "The permit expires on Friday" in page
    assert PriorityChange.objects.get(enquiry=case).by == officer_hk

    # The resident's tracking page says nothing about it.
    track = Client().get(f"/{lang}/enquiries/track/{case.token}/").content.decode()
    assert "The permit expires on Friday" not in track and texts[1] not in track


def test_the_page_keeps_the_reason_typed_when_the_priority_is_unchanged(make_case, officer_hk, client):
    case = make_case()
    client.force_login(officer_hk)
    response = client.post(
        f"/zh-hant/enquiries/case/{case.reference}/priority/", {"priority": "normal", "reason": "Still normal"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "這宗查詢已是這個優先次序。" in html and "Still normal</textarea>" in html
    assert _state(case) == (case.priority, case.acknowledge_due, case.reply_due, 0)


@pytest.mark.parametrize(("lang", "message"), [("en", "This enquiry is closed"), ("zh-hant", "這宗查詢已結束")])
def test_the_page_explains_why_a_closed_case_keeps_its_priority(lang, message, make_case, secretariat_hk, officer_hk):
    case = make_case()
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_reply(user=officer_hk, enquiry=case, body="Answer")
    services.enquiry_close(user=officer_hk, enquiry=case, outcome="answered")
    client = Client()
    client.force_login(secretariat_hk)
    page = client.get(f"/{lang}/enquiries/case/{case.reference}/").content.decode()
    assert "priority_reason" not in page  # no form for a closed case
    response = client.post(
        f"/{lang}/enquiries/case/{case.reference}/priority/", {"priority": "high", "reason": "x"}, follow=True
    )
    assert message in response.content.decode()
    assert _state(case)[0] == "normal"


def test_others_see_the_reason_masked(make_case, officer_hk, secretariat_hk):
    case = make_case()
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_priority_change(user=officer_hk, enquiry=case, priority="high", reason="Caller on 9123 4567")
    own, other = Client(), Client()
    own.force_login(officer_hk)  # the case's officer
    other.force_login(secretariat_hk)
    assert "9123 4567" in own.get(f"/en/enquiries/case/{case.reference}/").content.decode()
    page = other.get(f"/en/enquiries/case/{case.reference}/").content.decode()
    assert "Caller on" in page and "9123 4567" not in page
    _t, raw = api_token_create(user=secretariat_hk, name="t")
    data = Client().get(f"/api/v1/enquiries/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert data["priority_changes"][0]["to_priority"] == "high"
    assert "9123 4567" not in data["priority_changes"][0]["reason"]


def test_the_queue_shows_and_filters_by_priority(make_case, officer_hk, secretariat_hk, client):
    normal, high = make_case(), make_case()
    services.enquiry_priority_change(user=secretariat_hk, enquiry=high, priority="high", reason="Urgent")
    client.force_login(officer_hk)
    html = client.get("/zh-hant/enquiries/queue/", {"priority": "high"}).content.decode()
    assert high.reference in html and normal.reference not in html
    assert re.search(r'class="queue-priority"[^>]*><span class="badge text-bg-warning">高</span>', html)
    html = client.get("/en/enquiries/queue/", {"priority": "bogus"}).content.decode()  # ignored
    assert high.reference in html and normal.reference in html
    _t, raw = api_token_create(user=officer_hk, name="t")
    items = Client().get("/api/v1/enquiries?priority=normal", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"]
    assert [i["reference"] for i in items] == [normal.reference]


def test_the_api_changes_the_priority_with_the_one_error_shape(make_case, officer_hk):
    case = make_case()
    _t, raw = api_token_create(user=officer_hk, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    api = Client()
    url = f"/api/v1/enquiries/{case.reference}/priority"

    response = api.post(url, {"priority": "urgent", "reason": ""}, content_type="application/json", **auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and set(error["details"]) == {"priority", "reason"}
    response = api.post(
        url, {"priority": "low", "reason": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **auth
    )
    assert response.json()["error"]["details"]["reason"] == ["请说明更改优先级的原因。"]
    assert _state(case)[0] == "normal"

    response = api.post(url, {"priority": "high", "reason": "Travel"}, content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["priority"] == "high" and "priority" in body["allowed_actions"]
    assert [(c["from_priority"], c["to_priority"], c["reason"], c["by"]) for c in body["priority_changes"]] == [
        ("normal", "high", "Travel", officer_hk.username)
    ]
    case.refresh_from_db()
    assert abs(dt.datetime.fromisoformat(body["reply_due"]) - case.reply_due) < dt.timedelta(milliseconds=1)
    assert case.reply_due == services.sla_deadlines(case).reply_due < case.received_at + dt.timedelta(days=8)

    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_reply(user=officer_hk, enquiry=case, body="Answer")
    services.enquiry_close(user=officer_hk, enquiry=case, outcome="answered")
    response = api.post(url, {"priority": "low", "reason": "Later"}, content_type="application/json", **auth)
    assert response.status_code == 422
    assert "closed" in response.json()["error"]["message"]
    assert _state(case)[0] == "high"
