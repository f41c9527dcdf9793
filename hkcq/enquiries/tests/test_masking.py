"""Identity card and phone numbers in free text: original for the officer the case is assigned
to; masked everywhere else (lists, other staff, notifications, logs, API), the tracking link's
page and API included (whoever has the link sees them, and links get forwarded)."""

import logging

import pytest
from django.core import mail
from django.test import Client

from hkcq.accounts.services import api_token_create
from hkcq.core.text import MASK
from hkcq.enquiries import services
from hkcq.enquiries.tests.conftest import CQ_UNIT
from hkcq.registry.models import Unit

HKID = "A123456(7)"
MAINLAND_ID = "11010519491231002X"
PHONE = "9123 4567"
QUESTION = f"My HKID is {HKID}, Mainland ID {MAINLAND_ID}, call me on {PHONE}"


@pytest.fixture
def case(make_case, resident, officer_hk):
    case = make_case(user=resident, question=QUESTION, details=f"Again: {HKID}", phone="+852 9123 4567")
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_note_add(user=officer_hk, enquiry=case, body=f"Checked {HKID} with the registry")
    return case


def _shows_original(html: str) -> bool:
    return HKID in html and MAINLAND_ID in html and PHONE in html


def _masked(html: str) -> bool:
    return HKID not in html and MAINLAND_ID not in html and PHONE not in html and MASK in html


def test_assigned_officer_sees_the_original_and_the_queue_is_masked(case, officer_hk):
    client = Client()
    client.force_login(officer_hk)
    assert _shows_original(client.get(f"/en/enquiries/case/{case.reference}/").content.decode())
    assert _masked(client.get("/en/enquiries/queue/").content.decode())


@pytest.mark.parametrize("who", ["secretariat_hk", "admin_user", "colleague"])
def test_other_staff_see_it_masked(case, who, request, django_user_model):
    if who == "colleague":
        user = django_user_model.objects.create_user(
            "colleague", "c@example.org", "pw-123456789", role="officer", side="hong_kong"
        )
        user.units.add(case.assigned_unit)
    else:
        user = request.getfixturevalue(who)
    client = Client()
    client.force_login(user)
    html = client.get(f"/zh-hant/enquiries/case/{case.reference}/").content.decode()
    assert _masked(html)
    assert "resident@example.org" not in html
    assert _masked(client.get("/en/enquiries/queue/").content.decode())


def test_the_tracking_link_shows_it_masked(case, officer_hk, client):
    services.enquiry_reply(user=officer_hk, enquiry=case, body=f"We called you on {PHONE}.")
    services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body=f"My ID again: {HKID}")
    html = client.get(f"/en/enquiries/track/{case.token}/").content.decode()
    assert _masked(html)
    assert "My HKID is" in html and "We called you on" in html and "My ID again:" in html
    assert "Checked" not in html  # internal notes never reach the resident
    data = client.get(f"/api/v1/enquiries/track/{case.token}").json()
    assert _masked(str(data)) and "My HKID is" in data["question"] and "Again:" in data["details"]
    assert "We called you on" in str(data["messages"])


def test_the_confirmation_email_carries_no_personal_data(db, route_to, mailoutbox, django_capture_on_commit_callbacks):
    route_to(None)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.enquiry_submit(
            filing=services.Filing(
                question=QUESTION, details=f"Again: {HKID}", phone=PHONE, email="x@example.org", consent=True
            )
        ).enquiry
    [confirmation] = [m for m in mailoutbox if m.to == ["x@example.org"]]
    assert case.reference in confirmation.subject and case.get_tracking_url() in confirmation.body
    text = confirmation.subject + confirmation.body
    assert HKID not in text and MAINLAND_ID not in text and PHONE not in text and "My HKID" not in text


def test_api_masks_for_everyone_but_the_assigned_officer(case, officer_hk, secretariat_hk):
    def get(user, url):
        _t, raw = api_token_create(user=user, name="t")
        return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()

    mine = get(officer_hk, f"/api/v1/enquiries/{case.reference}")
    assert HKID in mine["question"] and mine["email"] == "resident@example.org"
    theirs = get(secretariat_hk, f"/api/v1/enquiries/{case.reference}")
    assert HKID not in theirs["question"] and theirs["email"] == "" and HKID not in str(theirs["messages"])
    queue = get(officer_hk, "/api/v1/enquiries")
    assert queue["items"] and HKID not in str(queue)


def test_notifications_to_another_unit_and_logs_are_masked(
    case, officer_hk, officer_cq, caplog, django_capture_on_commit_callbacks
):
    officer_cq.email = "cq-officer@example.org"
    officer_cq.preferred_language = "zh-hans"
    officer_cq.save()
    mail.outbox.clear()
    with caplog.at_level(logging.INFO, logger="hkcq.enquiries"), django_capture_on_commit_callbacks(execute=True):
        services.enquiry_transfer(
            user=officer_hk,
            enquiry=case,
            to_unit=Unit.objects.get(ext_id=CQ_UNIT),
            reason=f"Mainland matter, ID {MAINLAND_ID}",
        )
    [notice] = [m for m in mail.outbox if m.to == ["cq-officer@example.org"]]
    assert _masked(notice.body) and "转交" in notice.subject  # in the officer's language
    assert case.reference in caplog.text
    assert HKID not in caplog.text and MAINLAND_ID not in caplog.text and PHONE not in caplog.text


def test_submission_log_is_masked(db, route_to, caplog):
    route_to(None)
    with caplog.at_level(logging.INFO, logger="hkcq.enquiries"):
        services.enquiry_submit(
            filing=services.Filing(
                question=f"{QUESTION} or write to chan.tai-man@example.org", email="x@example.org", consent=True
            )
        )
    assert "received" in caplog.text and HKID not in caplog.text and PHONE not in caplog.text
    assert "chan.tai-man" not in caplog.text
