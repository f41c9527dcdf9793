"""Rules a case keeps for the resident's sake: no canned reply's placeholder reaches them, an
enquiry is closed as answered only once they have an answer, phone numbers are phone numbers,
and a signed-in resident hears of their enquiry in the application too."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hkcq.accounts.services import api_token_create
from hkcq.core.errors import InvalidInput
from hkcq.enquiries import services
from hkcq.enquiries.models import CannedReply, Enquiry
from hkcq.enquiries.statistics import enquiry_statistics
from hkcq.notifications.models import Notification

EN_PLACEHOLDER = "[in short, what the resident needs to do and where]"
HANT_PLACEHOLDER = "【簡述居民需要辦理的手續及地點】"
HANS_PLACEHOLDER = "【所需信息，例如你持有的证件类别及有效期】"


@pytest.fixture
def accepted(make_case, officer_hk, canned):
    """A case accepted by its officer; the canned replies (with their placeholders) exist."""
    case = make_case()
    services.enquiry_accept(user=officer_hk, enquiry=case)
    return Enquiry.objects.get(pk=case.pk)


# -- N1: placeholders of canned replies ------------------------------------------------------
@pytest.mark.seed
def test_the_seeded_canned_replies_placeholders_are_known_in_every_language(defaults):
    assert CannedReply.objects.filter(ext_id="see-the-entry").exists()
    known = services.canned_placeholders()
    assert {EN_PLACEHOLDER, HANT_PLACEHOLDER, HANS_PLACEHOLDER} <= known


def test_the_placeholders_of_canned_replies_are_known_in_every_language(canned):
    known = services.canned_placeholders()
    assert {EN_PLACEHOLDER, HANT_PLACEHOLDER, HANS_PLACEHOLDER} <= known


@pytest.mark.parametrize("placeholder", [EN_PLACEHOLDER, HANT_PLACEHOLDER, HANS_PLACEHOLDER])
@pytest.mark.parametrize("wait", [False, True])
def test_a_reply_with_an_unfilled_placeholder_is_refused_and_nothing_changes(accepted, officer_hk, placeholder, wait):
    body = f"The answer is in the entry linked below: {placeholder}. Reply if unclear."
    with pytest.raises(InvalidInput) as caught:
        services.enquiry_reply(user=officer_hk, enquiry=accepted, body=body, wait_for_resident=wait)
    [error] = caught.value.details["body"]
    assert placeholder in error and "brackets" in error
    accepted.refresh_from_db()
    assert accepted.messages.count() == 0 and accepted.status == "accepted" and accepted.first_reply_at is None


def test_brackets_the_officer_typed_are_not_placeholders(accepted, officer_hk):
    body = "Bring your permit [the blue one] and form ID(E) 【表格】 to the office."
    services.enquiry_reply(user=officer_hk, enquiry=accepted, body=body)
    accepted.refresh_from_db()
    assert accepted.status == "answered" and accepted.messages.get().body == body


def test_a_placeholder_of_a_canned_reply_the_secretariat_wrote_counts_too(accepted, officer_hk, secretariat_hk):
    services.canned_reply_save(
        user=secretariat_hk, data={"title": {"en": "Office"}, "body": {"en": "Come to [office address] on weekdays."}}
    )
    with pytest.raises(InvalidInput):
        services.enquiry_reply(user=officer_hk, enquiry=accepted, body="Come to [office address] on weekdays.")


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "Fill in or remove what is in brackets"), ("zh-hant", "發送前請填寫"), ("zh-hans", "发送前请填写")],
)
def test_the_page_keeps_the_reply_and_shows_the_error(accepted, officer_hk, lang, message):
    client = Client()
    client.force_login(officer_hk)
    body = f"Please go to {EN_PLACEHOLDER} with your permit."
    response = client.post(f"/{lang}/enquiries/case/{accepted.reference}/reply/", {"body": body})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and "Please go to [in short, what the resident needs to do and where] with" in html
    assert accepted.messages.count() == 0


def test_the_api_refuses_a_reply_with_a_placeholder(accepted, officer_hk):
    _token, raw = api_token_create(user=officer_hk, name="test")
    response = Client().post(
        f"/api/v1/enquiries/{accepted.reference}/reply",
        {"body": f"You need {HANS_PLACEHOLDER}", "wait_for_resident": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert HANS_PLACEHOLDER in response.json()["error"]["details"]["body"][0]
    assert accepted.messages.count() == 0


# -- N2: closing as answered ---------------------------------------------------------------
def test_answered_without_a_reply_or_a_note_is_refused_and_nothing_changes(accepted, officer_hk):
    with pytest.raises(InvalidInput) as caught:
        services.enquiry_close(user=officer_hk, enquiry=accepted, outcome="answered", note="  ")
    assert "no reply yet" in caught.value.details["note"][0]
    accepted.refresh_from_db()
    assert accepted.status == "accepted" and accepted.outcome == "" and accepted.closed_at is None
    assert not accepted.actions.filter(kind="close").exists()


def test_the_note_is_the_reply_when_there_was_none(accepted, officer_hk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_close(user=officer_hk, enquiry=accepted, outcome="answered", note="Renew it at the bureau.")
    accepted.refresh_from_db()
    assert accepted.status == "closed" and accepted.outcome_note == "Renew it at the bureau."
    assert accepted.first_reply_at == accepted.closed_at
    # The statistics count the reply deadline as met, not as running.
    day = timezone.localdate(accepted.received_at)
    stats = enquiry_statistics(day, day, now=accepted.closed_at + dt.timedelta(days=1))
    assert (stats.reply.met, stats.reply.running, stats.reply.missed) == (1, 0, 0)


def test_answered_after_a_reply_needs_no_note_and_keeps_the_first_reply_time(accepted, officer_hk):
    services.enquiry_reply(user=officer_hk, enquiry=accepted, body="Renew it at the bureau.")
    first = Enquiry.objects.get(pk=accepted.pk).first_reply_at
    services.enquiry_close(user=officer_hk, enquiry=accepted, outcome="answered")
    accepted.refresh_from_db()
    assert accepted.status == "closed" and accepted.first_reply_at == first


def test_other_outcomes_may_close_without_a_note(accepted, officer_hk):
    services.enquiry_close(user=officer_hk, enquiry=accepted, outcome="withdrawn")
    accepted.refresh_from_db()
    assert accepted.status == "closed" and accepted.first_reply_at is None


def test_the_outcome_note_may_not_keep_a_placeholder(accepted, officer_hk):
    with pytest.raises(InvalidInput) as caught:
        services.enquiry_close(user=officer_hk, enquiry=accepted, outcome="referred", note="Ask [name of the body].")
    assert "[name of the body]" in caught.value.details["note"][0]


@pytest.mark.parametrize(
    ("lang", "confirm_error", "no_reply"),
    [
        ("en", "Confirm that the resident has been told the outcome", "The resident has had no reply yet."),
        ("zh-hant", "請確認已告知居民結果", "居民尚未收到回覆。"),
        ("zh-hans", "请确认已告知居民结果", "居民尚未收到回复。"),
    ],
)
def test_the_close_form_asks_for_confirmation_and_keeps_what_was_typed(
    accepted, officer_hk, lang, confirm_error, no_reply
):
    client = Client()
    client.force_login(officer_hk)
    url = f"/{lang}/enquiries/case/{accepted.reference}/close/"
    page = client.get(f"/{lang}/enquiries/case/{accepted.reference}/").content.decode()
    assert 'name="confirm"' in page and 'id="close_confirm"' in page and 'for="close_confirm"' in page
    response = client.post(url, {"outcome": "referred", "note": "Ask the tax bureau."})
    html = response.content.decode()
    assert response.status_code == 400 and confirm_error in html and "Ask the tax bureau." in html
    response = client.post(url, {"outcome": "answered", "note": "", "confirm": "on"})
    assert response.status_code == 400 and no_reply in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == "accepted"
    response = client.post(url, {"outcome": "referred", "note": "Ask the tax bureau.", "confirm": "on"})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == "closed" and accepted.outcome == "referred"


def test_an_empty_outcome_note_shows_a_dash_not_none(accepted, officer_hk):
    services.enquiry_close(user=officer_hk, enquiry=accepted, outcome="withdrawn")
    client = Client()
    client.force_login(officer_hk)
    html = client.get(f"/en/enquiries/case/{accepted.reference}/").content.decode()
    note = html.split('class="enquiry-outcome-note"')[1].split("</dd>")[0]
    assert "None" not in note and "—" in note


# -- N5: phone numbers -----------------------------------------------------------------------
@pytest.mark.parametrize("phone", ["abc", "12345", "+852 12345678901234567890", "9123 4567 ext 2", "++852 91234567"])
def test_the_service_refuses_what_is_not_a_phone_number(make_case, phone):
    with pytest.raises(InvalidInput) as caught:
        make_case(phone=phone)
    assert "6 to 20 digits" in caught.value.details["phone"][0]
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize("phone", ["", "+852 9123 4567", "(023) 6123-4567", "912345", "+86 138 0013 8000"])
def test_the_service_takes_phone_numbers(make_case, phone):
    assert make_case(phone=phone).phone == phone


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Enter a phone number of 6 to 20 digits"),
        ("zh-hant", "請輸入 6 至 20 位數字"),
        ("zh-hans", "请输入 6 至 20 位数字"),
    ],
)
def test_the_form_refuses_abc_and_keeps_what_was_typed(db, client, route_to, lang, message):
    route_to(None)
    data = {"question": "Where do I renew my permit?", "email": "lee@example.org", "phone": "abc"}
    response = client.post(f"/{lang}/enquiries/new/", data | {"language": "en", "consent": "on"})
    html = response.content.decode()
    assert message in html
    assert 'value="abc"' in html and "Where do I renew my permit?" in html
    assert not Enquiry.objects.exists()


# -- N3: the signed-in resident's notifications -------------------------------------------------
def _events(make_case, officer_hk, user, capture):
    with capture(execute=True):
        case = make_case(user=user, email="lee@example.org", language="zh-hant")
    with capture(execute=True):
        services.enquiry_accept(user=officer_hk, enquiry=case)
    with capture(execute=True):
        services.enquiry_reply(user=officer_hk, enquiry=case, body="Renew it at the bureau.")
    with capture(execute=True):
        services.enquiry_close(user=officer_hk, enquiry=case, outcome="answered")
    return case


def test_a_signed_in_resident_is_notified_in_the_application_and_by_one_e_mail(
    make_case, officer_hk, django_user_model, django_capture_on_commit_callbacks
):
    resident = django_user_model.objects.create_user(
        "lee", "lee-account@example.org", "x-password-123", role="resident", preferred_language="en"
    )
    mail.outbox.clear()
    case = _events(make_case, officer_hk, resident, django_capture_on_commit_callbacks)
    to_resident = [m for m in mail.outbox if "lee@example.org" in m.to]
    assert len(to_resident) == 4  # received, being handled, reply, closed: once each
    assert not [m for m in mail.outbox if "lee-account@example.org" in m.to]
    notes = list(Notification.objects.filter(recipient=resident).order_by("id"))
    assert len(notes) == 4
    assert [n.title for n in notes] == [m.subject for m in to_resident]
    assert all(n.url == f"/zh-hant/enquiries/track/{case.token}/" for n in notes)
    assert all(case.reference in n.title for n in notes)
    # in the language the resident asked replies in
    assert "查詢" in notes[0].title


def test_an_anonymous_resident_gets_e_mail_only(make_case, officer_hk, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    _events(make_case, officer_hk, None, django_capture_on_commit_callbacks)
    assert len([m for m in mail.outbox if "lee@example.org" in m.to]) == 4
    assert not Notification.objects.filter(recipient__role="resident").exists()
