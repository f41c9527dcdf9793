"""Who is told when a case needs a unit: its officers when a case lands in the unit (new or
transferred in) and when the resident writes; the secretariat of the unit's side when the unit
has no active officer, so that no case sits unseen. In the application and by e-mail, each in
their own language, with personal data masked."""

import pytest
from django.core import mail
from django.test import Client

from hkcq.core.choices import Side
from hkcq.enquiries import services
from hkcq.enquiries.tests.conftest import CQ_UNIT, HK_UNIT, secretariat_of
from hkcq.notifications.models import Notification
from hkcq.registry.models import Unit
from hkcq.registry.tests.factories import UnitFactory

HKID = "A123456(7)"
QUESTION = f"How do I renew my Home Return Permit? My HKID is {HKID}"
UNSTAFFED = "test-unit-unstaffed"  # a Chongqing unit without officers


@pytest.fixture(autouse=True)
def unstaffed(db):
    return UnitFactory.create(ext_id=UNSTAFFED, side=Side.CHONGQING)


def _told(**filters):
    return {n.recipient.username: n for n in Notification.objects.filter(**filters).select_related("recipient")}


@pytest.fixture
def languages(officer_hk, officer_cq, secretariat_hk, secretariat_cq):
    for user, language in ((officer_hk, "zh-hant"), (officer_cq, "zh-hans"), (secretariat_cq, "zh-hant")):
        user.preferred_language = language
        user.save()


def test_a_new_case_is_announced_to_its_units_officers_in_their_languages(
    make_case, officer_hk, django_user_model, languages, django_capture_on_commit_callbacks
):
    colleague = django_user_model.objects.create_user(
        "colleague", "colleague@example.org", "pw-123456789", role="officer", side="hong_kong"
    )
    colleague.units.add(Unit.objects.get(ext_id=HK_UNIT))
    gone = django_user_model.objects.create_user(
        "gone", "gone@example.org", "pw-123456789", role="officer", side="hong_kong", is_active=False
    )
    gone.units.add(Unit.objects.get(ext_id=HK_UNIT))
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(question=QUESTION)
    told = _told()
    assert set(told) == {officer_hk.username, "colleague"}  # not the inactive one, not the secretariat
    ref = case.reference
    assert told[officer_hk.username].title == f"貴單位的新查詢 {ref}"
    assert told[officer_hk.username].url == f"/zh-hant/enquiries/case/{ref}/"
    assert told["colleague"].title == f"New enquiry {ref} for your unit"
    assert told["colleague"].url == f"/en/enquiries/case/{ref}/"
    assert all("Home Return Permit" in n.body and HKID not in n.body for n in told.values())
    # The e-mail copies, one each, end with the case's address; the resident gets their own.
    staff_mail = {m.to[0]: m for m in mail.outbox if m.to[0] != "resident@example.org"}
    assert set(staff_mail) == {officer_hk.email, "colleague@example.org"}
    assert staff_mail[officer_hk.email].subject == told[officer_hk.username].title
    assert staff_mail[officer_hk.email].body.rstrip().endswith(f"/zh-hant/enquiries/case/{ref}/")
    assert HKID not in staff_mail[officer_hk.email].body


def test_a_case_for_a_unit_without_officers_goes_to_that_sides_secretariat(
    make_case, languages, secretariat_cq, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(unit=UNSTAFFED, question=QUESTION)
    told = _told()
    # Chongqing's unit: its secretariat, not the Hong Kong secretariat
    assert secretariat_cq.username in told and set(told) == secretariat_of(Side.CHONGQING)
    notice = told[secretariat_cq.username]
    assert notice.title == f"新查詢 {case.reference}：沒有人員可以處理"
    assert "沒有在職人員" in notice.body and HKID not in notice.body
    assert any(m.to == [secretariat_cq.email] for m in mail.outbox)


def test_a_case_with_no_unit_goes_to_both_secretariats(make_case, secretariat_hk, secretariat_cq):
    make_case(unit=None)
    told = set(_told())
    assert {secretariat_hk.username, secretariat_cq.username} <= told and told == secretariat_of()


def test_a_transfer_tells_the_new_units_officers_and_not_the_one_who_made_it(
    make_case, officer_hk, officer_cq, secretariat_cq, languages, django_capture_on_commit_callbacks
):
    case = make_case()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_transfer(
            user=officer_hk, enquiry=case, to_unit=Unit.objects.get(ext_id=CQ_UNIT), reason=f"Commerce; ID {HKID}"
        )
    told = _told()
    assert set(told) == {officer_cq.username}
    assert told[officer_cq.username].title == f"咨询 {case.reference} 已转交贵单位"
    assert "Commerce" in told[officer_cq.username].body and HKID not in told[officer_cq.username].body
    assert [m.to for m in mail.outbox] == [[officer_cq.email]]

    # The Chongqing secretariat routes it on to a unit with no officer: the other Chongqing
    # secretariat members are told, not the person who did it.
    other = type(secretariat_cq).objects.create_user(
        "sec-cq-2", "sec2@example.org", "pw-123456789", role="secretariat", side="chongqing"
    )
    Notification.objects.all().delete()
    services.enquiry_transfer(
        user=secretariat_cq, enquiry=case, to_unit=Unit.objects.get(ext_id=UNSTAFFED), reason="Tax matter"
    )
    told = _told()
    assert other.username in told and set(told) == secretariat_of(Side.CHONGQING) - {secretariat_cq.username}
    assert told[other.username].title == f"Enquiry {case.reference} was transferred to a unit with no officer"


def test_the_residents_message_goes_to_the_cases_officer_else_to_the_unit(
    make_case, officer_hk, secretariat_hk, django_user_model
):
    colleague = django_user_model.objects.create_user(
        "colleague", "colleague@example.org", "pw-123456789", role="officer", side="hong_kong"
    )
    colleague.units.add(Unit.objects.get(ext_id=HK_UNIT))
    case = make_case()
    # Not yet accepted: the unit's officers.
    Notification.objects.all().delete()
    services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body=f"Also: my HKID is {HKID}")
    assert set(_told()) == {officer_hk.username, "colleague"}
    notice = _told()["colleague"]
    assert notice.title == f"The resident replied on enquiry {case.reference}"
    assert "my HKID is" in notice.body and HKID not in notice.body

    # Accepted: only the officer working it.
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_wait(user=officer_hk, enquiry=case, body="Which permit?")
    Notification.objects.all().delete()
    services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body="A 10-year one")
    assert set(_told()) == {officer_hk.username}

    # The officer has left the unit, and nobody else is in it: the secretariat of its side.
    officer_hk.units.clear()
    colleague.units.clear()
    Notification.objects.all().delete()
    services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body="Any news?")
    told = set(_told())
    assert secretariat_hk.username in told and told == secretariat_of(Side.HONG_KONG)


@pytest.mark.parametrize(
    ("lang", "heading", "button"),
    [("en", "Notifications", "Open"), ("zh-hant", "通知", "開啟"), ("zh-hans", "通知", "打开")],
)
def test_the_notifications_page_shows_enquiry_events(make_case, officer_hk, lang, heading, button):
    case = make_case()
    client = Client()
    client.force_login(officer_hk)
    html = client.get(f"/{lang}/notifications/").content.decode()
    assert heading in html and case.reference in html
    assert f'name="open" value="1">{button}</button>' in html  # not a decision's "open" (未展開)
    notice = Notification.objects.get(recipient=officer_hk)
    response = client.post(f"/{lang}/notifications/{notice.pk}/read/", {"open": "1"})
    # The case page in the reader's language, whichever language the notification was sent in.
    assert response.status_code == 302 and response["Location"] == f"/{lang}/enquiries/case/{case.reference}/"
