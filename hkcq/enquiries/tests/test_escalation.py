"""Escalation of late enquiries: who is told, in which language, and never twice."""

from datetime import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from freezegun import freeze_time

import config.urls  # noqa: F401 - build the API schemas before any test freezes time
from hkcq.calendars.loading import calendars_load
from hkcq.core.dates import TZ
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.enquiries import knowledge, service_levels
from hkcq.enquiries import services as enquiry_services
from hkcq.enquiries.escalation import escalate_enquiries
from hkcq.enquiries.models import Escalation, UnitSupervisor
from hkcq.enquiries.tests.conftest import HK_UNIT
from hkcq.enquiries.tests.factories import UnitSupervisorFactory


def hkt(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def escalate(django_capture_on_commit_callbacks):
    """Run the escalation at ``now`` and send the e-mails it queues after its commit."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return escalate_enquiries(now)

    return run


@pytest.fixture
def setup(monkeypatch, django_user_model, secretariat_hk, secretariat_cq, sole_secretariat, officer_hk, unit_hk):
    calendars_load()
    unit = unit_hk
    monkeypatch.setattr(knowledge, "ask", lambda q, lang, details="": knowledge.Suggestion(unit=unit, answered=False))
    other = django_user_model.objects.create_user(
        "officer-hk-2", "officer2@example.org", "x-password-123", role="officer", side="hong_kong"
    )
    unit.members.add(other)
    officer_hk.preferred_language = "zh-hant"
    officer_hk.save()
    secretariat_hk.preferred_language = "en"
    secretariat_hk.save()
    return {"unit": unit, "other": other, "officer": officer_hk, "sec_hk": secretariat_hk, "sec_cq": secretariat_cq}


def submit(question="How do I renew my Home Return Permit? My HKID is A123456(7)."):
    return enquiry_services.enquiry_submit(
        filing=enquiry_services.Filing(question=question, email="resident@example.org", consent=True)
    ).enquiry


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_late_acknowledgement_is_escalated_once_in_each_recipients_language(setup, escalate):
    service_levels.unit_supervisor_add(user=setup["sec_hk"], unit=setup["unit"], supervisor=setup["officer"])
    with freeze_time(hkt(2025, 3, 3, 10)):  # Monday
        case = submit()
    assert case.acknowledge_due == hkt(2025, 3, 5, 10)
    mail.outbox.clear()
    assert escalate(hkt(2025, 3, 5, 9, 59)).escalated == 0
    report = escalate(hkt(2025, 3, 5, 10, 1))
    assert (report.escalated, report.messages) == (1, 2)
    # The supervisor (not the other officer) and the Hong Kong secretariat; not the Chongqing one.
    assert recipients() == sorted([setup["officer"].email, setup["sec_hk"].email])
    by_address = {m.to[0]: m for m in mail.outbox}
    zh = by_address[setup["officer"].email]
    en = by_address[setup["sec_hk"].email]
    assert case.reference in zh.subject and "未確認收到" in zh.subject
    assert case.reference in en.subject and "has not been acknowledged" in en.subject
    # The question is masked: recipients are not (necessarily) the assigned officer.
    assert "A123456" not in zh.body and "A123456" not in en.body and "Home Return Permit" in en.body
    assert "/enquiries/" in en.body and case.reference in en.body
    # Running again, even much later, tells nobody again.
    mail.outbox.clear()
    again = escalate(hkt(2025, 3, 20, 10))
    assert again.already >= 1 and not [m for m in mail.outbox if "acknowledged" in m.subject]
    assert Escalation.objects.filter(enquiry=case, kind="acknowledge").count() == 1


def test_a_late_reply_is_escalated_unless_answered_or_paused(setup, escalate):
    with freeze_time(hkt(2025, 3, 3, 10)):
        late, answered, paused = submit("Question one?"), submit("Question two?"), submit("Question three?")
    with freeze_time(hkt(2025, 3, 4, 9)):
        for case in (late, answered, paused):
            enquiry_services.enquiry_accept(user=setup["officer"], enquiry=case)
        enquiry_services.enquiry_reply(user=setup["officer"], enquiry=answered, body="Here is the answer.")
        enquiry_services.enquiry_wait(user=setup["officer"], enquiry=paused, body="Which city were you born in?")
    late.refresh_from_db()
    assert late.reply_due == hkt(2025, 3, 17, 10)
    mail.outbox.clear()
    report = escalate(hkt(2025, 3, 17, 10, 30))
    assert report.escalated == 1
    assert list(Escalation.objects.values_list("enquiry__reference", "kind")) == [(late.reference, "reply")]
    # No supervisors named: every officer of the unit is told, and the secretariat of its side.
    assert recipients() == sorted([setup["officer"].email, setup["other"].email, setup["sec_hk"].email])
    assert all("has not been answered" in m.subject or "未回覆" in m.subject for m in mail.outbox)
    assert escalate(hkt(2025, 3, 18, 10)).escalated == 0


def test_a_moved_deadline_missed_again_is_escalated_again(setup, escalate):
    with freeze_time(hkt(2025, 3, 3, 10)):
        case = submit()
    escalate(hkt(2025, 3, 6, 10))
    assert Escalation.objects.filter(enquiry=case).count() == 1
    case.acknowledge_due = hkt(2025, 3, 10, 10)
    case.save()
    assert escalate(hkt(2025, 3, 7, 10)).escalated == 0
    assert escalate(hkt(2025, 3, 10, 11)).escalated == 1
    assert Escalation.objects.filter(enquiry=case).count() == 2


def test_a_case_without_a_unit_goes_to_both_secretariats(setup, escalate, monkeypatch):
    monkeypatch.setattr(knowledge, "ask", lambda q, lang, details="": knowledge.Suggestion(unit=None, answered=False))
    with freeze_time(hkt(2025, 3, 3, 10)):
        case = submit()
    assert case.assigned_unit is None
    mail.outbox.clear()
    assert escalate(hkt(2025, 3, 20)).escalated >= 1
    assert setup["sec_hk"].email in recipients() and setup["sec_cq"].email in recipients()
    assert setup["officer"].email not in recipients()


def test_the_command_is_idempotent(setup, django_capture_on_commit_callbacks):
    with freeze_time(hkt(2025, 3, 3, 10)):
        submit()
    from io import StringIO

    mail.outbox.clear()
    with freeze_time(hkt(2025, 3, 6, 12)), django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("escalate_enquiries", stdout=out)
        assert "Escalated 1 late deadline(s)" in out.getvalue()
        out = StringIO()
        call_command("escalate_enquiries", stdout=out)
        assert "Escalated 0 late deadline(s)" in out.getvalue() and "1 already escalated" in out.getvalue()
    assert len(mail.outbox) == 3  # the unit's two officers (no supervisors named) and the HK secretariat


def test_supervisors_are_officers_of_the_unit_named_by_its_sides_secretariat(setup, resident):
    unit = setup["unit"]
    with pytest.raises(NotPermitted):
        service_levels.unit_supervisor_add(user=setup["sec_cq"], unit=unit, supervisor=setup["officer"])
    with pytest.raises(NotPermitted):
        service_levels.unit_supervisor_add(user=setup["officer"], unit=unit, supervisor=setup["officer"])
    with pytest.raises(InvalidInput):
        service_levels.unit_supervisor_add(user=setup["sec_hk"], unit=unit, supervisor=resident)
    record = service_levels.unit_supervisor_add(user=setup["sec_hk"], unit=unit, supervisor=setup["other"])
    assert service_levels.unit_supervisor_add(user=setup["sec_hk"], unit=unit, supervisor=setup["other"]) == record
    assert UnitSupervisor.objects.count() == 1
    service_levels.unit_supervisor_remove(user=setup["sec_hk"], record=record)
    assert UnitSupervisor.objects.count() == 0


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_supervisors_page(setup, client, lang):
    client.force_login(setup["sec_hk"])
    r = client.get(f"/{lang}/calendars/supervisors/")
    assert r.status_code == 200
    html = r.content.decode()
    assert {"en": "Unit supervisors", "zh-hant": "單位主管", "zh-hans": "单位主管"}[lang] in html
    assert "officer-hk-2" in html
    r = client.post(f"/{lang}/calendars/supervisors/", {"unit": setup["unit"].pk, "supervisor": setup["other"].pk})
    assert r.status_code == 302
    record = UnitSupervisor.objects.get()
    assert record.user == setup["other"]
    # A resident is not an officer of the unit: refused with a message, nothing saved.
    client.post(f"/{lang}/calendars/supervisors/", {"unit": setup["unit"].pk, "supervisor": 999999})
    assert UnitSupervisor.objects.count() == 1
    assert client.post(f"/{lang}/calendars/supervisors/{record.pk}/remove/").status_code == 302
    assert UnitSupervisor.objects.count() == 0


def test_supervisors_page_is_for_the_secretariat(setup, client, resident):
    assert client.get("/en/calendars/supervisors/").status_code == 302  # sign in first
    for user in (resident, setup["officer"]):
        client.force_login(user)
        assert client.get("/en/calendars/supervisors/").status_code == 403
    record = UnitSupervisorFactory.create(unit=setup["unit"], user=setup["officer"])
    client.force_login(setup["sec_cq"])  # the other side's secretariat
    assert client.post(f"/en/calendars/supervisors/{record.pk}/remove/").status_code == 403
    assert UnitSupervisor.objects.filter(pk=record.pk).exists()
    # The Chongqing secretariat sees only Chongqing units.
    html = client.get("/en/calendars/supervisors/").content.decode()
    assert HK_UNIT not in html and setup["unit"].name.show("en").text not in html


def test_each_escalation_is_also_a_notification_in_each_recipients_language_once(setup, escalate):
    from hkcq.notifications.models import Notification

    setup["other"].preferred_language = "zh-hans"
    setup["other"].email = ""  # told in the application only
    setup["other"].save()
    with freeze_time(hkt(2025, 3, 3, 10)):
        case = submit()
    # The unit's officers were told of the new case when it came in (hkcq.enquiries); here, only
    # the escalation's notifications count.
    assert Notification.objects.filter(recipient=setup["other"]).count() == 1
    Notification.objects.all().delete()
    mail.outbox.clear()
    report = escalate(hkt(2025, 3, 5, 10, 1))
    assert (report.escalated, report.notifications, report.messages) == (1, 3, 2)
    notes = {n.recipient_id: n for n in Notification.objects.all()}
    assert set(notes) == {setup["officer"].pk, setup["other"].pk, setup["sec_hk"].pk}
    ref = case.reference
    assert notes[setup["officer"].pk].title == f"逾期：查詢 {ref} 未確認收到"
    assert notes[setup["other"].pk].title == f"逾期：咨询 {ref} 未确认收到"
    assert notes[setup["sec_hk"].pk].title == f"Late: enquiry {ref} has not been acknowledged"
    # Each links to the staff case page in the recipient's language; the question is masked.
    assert notes[setup["officer"].pk].url == f"/zh-hant/enquiries/case/{ref}/"
    assert notes[setup["sec_hk"].pk].url == f"/en/enquiries/case/{ref}/"
    assert all("Home Return Permit" in n.body and "A123456" not in n.body for n in notes.values())
    assert "香港時間" in notes[setup["officer"].pk].body
    # The e-mail copies go to those with an address, and end with the case's address.
    assert recipients() == sorted([setup["officer"].email, setup["sec_hk"].email])
    assert all(m.body.rstrip().endswith(f"/enquiries/case/{ref}/") for m in mail.outbox)
    escalation = Escalation.objects.get(enquiry=case)
    assert {u.pk for u in escalation.told.all()} == set(notes) and escalation.recipients == 3
    # The same deadline is never notified twice.
    assert escalate(hkt(2025, 3, 12, 10)).notifications == 0
    assert Notification.objects.count() == 3


@pytest.mark.parametrize(
    ("lang", "notice"),
    [
        ("en", "Late: the deadline to acknowledge, 5 March 2025, 10:00, has passed."),
        ("zh-hant", "逾期：確認收到的期限（2025年3月5日 10:00）已過。"),
        ("zh-hans", "逾期：确认收到的期限（2025年3月5日 10:00）已过。"),
    ],
)
def test_the_staff_case_page_shows_the_escalation_and_the_tracking_page_does_not(setup, escalate, lang, notice):
    from django.test import Client

    from hkcq.accounts.services import api_token_create

    with freeze_time(hkt(2025, 3, 3, 10)):
        case = submit()
    escalate(hkt(2025, 3, 5, 10, 1))
    staff = Client()
    staff.force_login(setup["sec_hk"])
    url = f"/{lang}/enquiries/case/{case.reference}/"
    page = staff.get(url).content.decode()
    assert 'class="alert alert-danger late-escalation"' in page and notice in page
    told = [setup["officer"].display_name, setup["other"].display_name, setup["sec_hk"].display_name]
    assert all(name in page for name in told)
    assert 'class="mb-2 case-event-escalation"' in page  # and in the case history

    _t, raw = api_token_create(user=setup["sec_hk"], name="t")
    data = Client().get(f"/api/v1/enquiries/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    [entry] = data["escalations"]
    assert entry["kind"] == "acknowledge" and sorted(entry["told"]) == sorted(
        u.username for u in (setup["officer"], setup["other"], setup["sec_hk"])
    )

    # The resident sees none of it, on the page or through the API.
    track = Client().get(f"/{lang}/enquiries/track/{case.token}/").content.decode()
    assert "late-escalation" not in track and notice not in track
    assert not any(name in track for name in told)
    tracked = Client().get(f"/api/v1/enquiries/track/{case.token}").content.decode()
    assert "escalat" not in tracked and setup["sec_hk"].username not in tracked

    # Once acknowledged the notice goes; the history keeps the escalation.
    enquiry_services.enquiry_accept(user=setup["officer"], enquiry=case)
    page = staff.get(url).content.decode()
    assert "late-escalation" not in page and 'class="mb-2 case-event-escalation"' in page
