import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from hkcq.core.errors import InvalidInput
from hkcq.enquiries import knowledge, services
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.tests.conftest import HK_UNIT


def _form(client, lang="en", **params):
    html = client.get(f"/{lang}/enquiries/new/", params).content.decode()
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    return html, key


def _post(client, key, lang="en", **overrides):
    data = {
        "question": "How do I renew my Home Return Permit?",
        "details": "",
        "email": "chan@example.org",
        "phone": "",
        "language": "zh-hant",
        "consent": "on",
        "idempotency_key": key,
    }
    data.update(overrides)
    return client.post(f"/{lang}/enquiries/new/", data)


def test_form_is_prefilled_from_the_question_and_offers_the_notice_in_three_languages(db, client):
    html, key = _form(client, q="我想renew個回鄉證")
    assert "我想renew個回鄉證" in html
    assert len(key) == 32
    assert 'lang="en"' in html and 'lang="zh-Hant"' in html and 'lang="zh-Hans"' in html
    assert "Personal-data notice" in html and "你在此提供的資料" in html and "你在此提供的信息" in html


def test_submit_shows_reference_and_link_and_mails_in_the_chosen_language(
    db, client, route_to, django_capture_on_commit_callbacks
):
    route_to(HK_UNIT)
    _html, key = _form(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, key)
    assert response.status_code == 302
    case = Enquiry.objects.get()
    assert response["Location"] == f"/en/enquiries/track/{case.token}/received/#main"
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and f"/enquiries/track/{case.token}/" in page
    assert case.suggested_unit.ext_id == HK_UNIT == case.assigned_unit.ext_id
    assert case.language == "zh-hant" and case.status == "new" and case.consent_at is not None
    resident_mail = [m for m in mail.outbox if m.to == ["chan@example.org"]]
    assert len(resident_mail) == 1
    assert case.reference in resident_mail[0].subject and "已收到" in resident_mail[0].subject
    assert f"/zh-hant/enquiries/track/{case.token}/" in resident_mail[0].body
    assert "追蹤" in resident_mail[0].body or "連結" in resident_mail[0].body
    assert resident_mail[0].from_email.startswith("港渝合作平台 <")  # the sender too, in Chinese
    # The service named as its pages name it (docs/glossary.md).
    assert "多謝你向在渝香港居民諮詢服務提出查詢。" in resident_mail[0].body
    assert "一站式" not in resident_mail[0].body


def test_resubmitting_the_same_form_returns_the_same_case(db, client, route_to):
    route_to(None)
    _html, key = _form(client)
    first = _post(client, key)
    second = _post(client, key)
    assert first["Location"] == second["Location"]
    assert Enquiry.objects.count() == 1


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "already sent with different content"), ("zh-hant", "已用不同內容送出"), ("zh-hans", "已用不同内容提交")],
)
def test_the_same_form_sent_again_with_other_content_is_refused_then_a_new_case(db, client, route_to, lang, expected):
    route_to(None)
    _html, key = _form(client)
    first = _post(client, key)
    # Back, edit, send: the key is the first case's, the content is not. Nothing is filed and
    # the first case is not shown; the page says why and carries a fresh key.
    edited = _post(client, key, lang, details="typed a bit more before the second click")
    assert edited.status_code == 200 and Enquiry.objects.count() == 1
    html = edited.content.decode()
    assert expected in html and Enquiry.objects.get().token not in html
    fresh = html.split('name="idempotency_key" value="')[1].split('"')[0]
    assert fresh and fresh != key
    again = _post(client, fresh, lang, details="typed a bit more before the second click")
    assert again.status_code == 302 and again["Location"] != first["Location"]
    assert Enquiry.objects.count() == 2


def test_another_browser_never_gets_the_case_back(db, client, route_to):
    """The same key and the same words from another browser (someone who saw or guessed them)
    file a case of their own: they never get the first resident's tracking link."""
    from django.test import Client

    route_to(None)
    _html, key = _form(client)
    first = _post(client, key)
    stranger = Client()
    _form(stranger)
    for response in (_post(stranger, key), _post(stranger, "")):
        assert response.status_code == 302 and response["Location"] != first["Location"]
    assert Enquiry.objects.count() == 2
    assert Enquiry.objects.order_by("pk").first().token in first["Location"]


def test_same_content_and_email_within_minutes_is_the_same_case(db, client, route_to):
    route_to(None)
    _h, key1 = _form(client)
    _h, key2 = _form(client)
    assert key1 != key2
    first = _post(client, key1)
    second = _post(client, key2, question="  how do I renew my home return permit? ")
    assert first["Location"] == second["Location"]
    assert Enquiry.objects.count() == 1
    # a different question from the same person is a new case
    _post(client, key2, question="Where do I pay social insurance?")
    assert Enquiry.objects.count() == 2
    # the same question much later is a new case too
    Enquiry.objects.update(received_at=timezone.now() - dt.timedelta(hours=1))
    _h, key3 = _form(client)
    _post(client, key3)
    assert Enquiry.objects.count() == 3


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "personal-data notice"), ("zh-hant", "個人資料"), ("zh-hans", "个人信息")],
)
def test_missing_consent_and_bad_email_are_refused_with_translated_errors(db, client, route_to, lang, expected):
    route_to(None)
    _h, key = _form(client, lang)
    response = client.post(
        f"/{lang}/enquiries/new/",
        {"question": "My question", "email": "not-an-email", "language": "en", "idempotency_key": key},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html and 'aria-invalid="true"' in html
    assert "My question" in html  # what was typed is kept
    assert Enquiry.objects.count() == 0


def test_service_validation(db, route_to):
    route_to(None)
    with pytest.raises(InvalidInput) as exc:
        services.enquiry_submit(
            filing=services.Filing(question=" ", email="x@example.org", consent=False, language="fr")
        )
    assert set(exc.value.details) == {"question", "consent", "language"}
    assert Enquiry.objects.count() == 0


def test_unanswered_question_is_recorded_as_a_gap(db, monkeypatch, route_to):
    gaps = []
    monkeypatch.setattr(knowledge, "gap_record", lambda q, lang: gaps.append((q, lang)))
    route_to(None, answered=False)
    services.enquiry_submit(
        filing=services.Filing(question="Can I bring my cat?", email="a@example.org", consent=True, language="en")
    )
    route_to(HK_UNIT, answered=True)
    services.enquiry_submit(
        filing=services.Filing(question="Home Return Permit renewal", email="a@example.org", consent=True)
    )
    assert gaps == [("Can I bring my cat?", "en")]
    assert list(Enquiry.objects.order_by("id").values_list("kb_answered", flat=True)) == [False, True]


def test_signed_in_resident_sees_their_cases(db, client, resident, other_resident, route_to):
    route_to(None)
    client.force_login(resident)
    _h, key = _form(client)
    _post(client, key)
    case = Enquiry.objects.get()
    assert case.resident == resident
    for lang in ("en", "zh-hant", "zh-hans"):
        html = client.get(f"/{lang}/enquiries/mine/").content.decode()
        assert case.reference in html
    client.force_login(other_resident)
    html = client.get("/en/enquiries/mine/").content.decode()
    assert case.reference not in html and "/enquiries/new/" in html


def test_api_submit_is_idempotent(db, client, route_to):
    route_to(HK_UNIT)
    payload = {
        "question": "Driving licence",
        "email": "api@example.org",
        "consent": True,
        "language": "zh-hans",
        "idempotency_key": "k-1",
    }
    first = client.post("/api/v1/enquiries", payload, content_type="application/json")
    assert first.status_code == 201
    body = first.json()
    assert body["created"] is True and body["reference"].startswith("HKCQ-")
    assert "/zh-hans/enquiries/track/" in body["tracking_url"]
    again = client.post("/api/v1/enquiries", payload, content_type="application/json")
    assert again.status_code == 200 and again.json()["reference"] == body["reference"]
    # The same key with other content: refused, nothing filed, nothing of the first case shown.
    reused = client.post("/api/v1/enquiries", {**payload, "details": "x"}, content_type="application/json")
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert body["token"] not in reused.content.decode() and Enquiry.objects.count() == 1
    bad = client.post(
        "/api/v1/enquiries", {**payload, "consent": False, "idempotency_key": "k-2"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "consent" in bad.json()["error"]["details"]
    track = client.get(f"/api/v1/enquiries/track/{body['token']}").json()
    assert track["reference"] == body["reference"] and track["unit"] == HK_UNIT
    assert client.get("/api/v1/enquiries/track/not-a-token").status_code == 404


def test_api_hands_a_case_back_only_to_the_client_that_filed_it(db, client, route_to, resident, settings):
    """Resident A's key and words, sent by someone else (another address, or another account's
    token), file a new case: never A's reference and token (the audit's leak)."""
    settings.THROTTLE_RATES = {}  # not what this test is about (test_throttle.py)
    from hkcq.accounts.services import api_token_create

    route_to(None)
    payload = {
        "question": "Work permit",
        "email": "a@example.org",
        "consent": True,
        "idempotency_key": "resident-a-key-1",
    }

    def send(data, **extra):
        return client.post("/api/v1/enquiries", data, content_type="application/json", **extra)

    first = send(payload, REMOTE_ADDR="203.0.113.5")
    assert first.status_code == 201
    token_a = first.json()["token"]
    assert send(payload, REMOTE_ADDR="203.0.113.5").json()["token"] == token_a
    # Another address with the same key and content; and with the same content and no key.
    other = send(payload, REMOTE_ADDR="198.51.100.7")
    no_key = send({**payload, "idempotency_key": ""}, REMOTE_ADDR="198.51.100.8")
    for response in (other, no_key):
        assert response.status_code == 201 and response.json()["token"] != token_a
    # An account's token binds the key to the account, wherever it is sent from.
    _, secret = api_token_create(user=resident, name="app")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    mine = send({**payload, "idempotency_key": "acct-1"}, REMOTE_ADDR="203.0.113.9", **auth)
    moved = send({**payload, "idempotency_key": "acct-1"}, REMOTE_ADDR="192.0.2.1", **auth)
    assert mine.status_code == 201 and moved.status_code == 200
    assert moved.json()["token"] == mine.json()["token"] != token_a
    assert send({**payload, "idempotency_key": "acct-1"}, REMOTE_ADDR="203.0.113.9").status_code == 201
