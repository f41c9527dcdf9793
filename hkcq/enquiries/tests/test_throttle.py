"""Throttling of public writes and look-ups (hkcq/core/throttle.py): per address and per target,
429 with Retry-After in the API and Open311, a translated page on the site."""

import pytest
from django.core import mail
from django.test import Client

from hkcq.enquiries.models import Enquiry
from hkcq.kb.tests.factories import EntryFactory

RATES = {
    "enquiry_submit": [("address", "3/h"), ("target", "2/h")],
    "suggestion_submit": [("address", "2/h"), ("target", "5/h")],
    "ask": [("address", "3/m")],
    "kb_feedback": [("address", "2/h")],
    "enquiry_find": [("address", "10/h"), ("target", "3/h")],
    "tracking": [("address", "3/h")],
    "tracking_write": [("address", "3/h")],
    "password_reset": [("address", "10/h"), ("target", "2/h")],
}


@pytest.fixture
def rates(settings):
    settings.THROTTLE_RATES = RATES


def enquiry(n, email="a@example.org"):
    return {"question": f"Question number {n}?", "email": email, "consent": True}


def api_post(client, data, addr):
    return client.post("/api/v1/enquiries", data, content_type="application/json", REMOTE_ADDR=addr)


def test_api_enquiries_are_throttled_per_address_and_per_email(db, rates, client):
    assert [api_post(client, enquiry(n, f"p{n}@example.org"), "203.0.113.1").status_code for n in range(3)] == [201] * 3
    refused = api_post(client, enquiry(3, "p3@example.org"), "203.0.113.1")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert Enquiry.objects.count() == 3
    # Another address is not held up ...
    assert api_post(client, enquiry(4, "q@example.org"), "203.0.113.2").status_code == 201
    # ... but one inbox gets at most two confirmations, whoever sends them from wherever.
    assert api_post(client, enquiry(5, "q@example.org"), "203.0.113.3").status_code == 201
    assert api_post(client, enquiry(6, "Q@example.org"), "203.0.113.4").status_code == 429


def test_open311_answers_429_with_retry_after_in_its_own_shape(db, rates):
    client = Client()

    def post(n):
        data = {
            "service_code": "enquiry",
            "description": f"Question {n}?",
            "email": f"o{n}@example.org",
            "attribute[consent]": "true",
        }
        return client.post("/open311/v2/requests.json", data, REMOTE_ADDR="198.51.100.1")

    assert [post(n).status_code for n in range(3)] == [201] * 3
    refused = post(3)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    [item] = refused.json()
    assert item["code"] == 429 and item["description"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "what you typed is kept below"),
        ("zh-hant", "你輸入的內容已保留在下面"),
        ("zh-hans", "你输入的内容已保留在下面"),
    ],
)
def test_the_enquiry_form_says_so_on_a_translated_page(db, rates, client, lang, expected):
    for n in range(3):
        sent = {"question": f"Question {n}?", "email": f"w{n}@example.org", "consent": "on", "language": "en"}
        assert client.post(f"/{lang}/enquiries/new/", sent).status_code == 302
    typed = {
        "question": "Where do I renew my permit, please?",
        "email": "w@example.org",
        "consent": "on",
        "language": "en",
    }
    response = client.post(f"/{lang}/enquiries/new/", typed)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    # The form again, with what was typed and when to send it again; nothing stored.
    assert expected in html and "Where do I renew my permit, please?" in html and 'value="w@example.org"' in html
    assert Enquiry.objects.count() == 3


def test_a_resident_correcting_the_form_uses_up_nothing(db, rates, client):
    """Only accepted enquiries count towards the limit: five tries with errors (no consent, no
    question) and a replay of the same enquiry do not stop three real ones."""
    for n in range(5):
        r = client.post("/en/enquiries/new/", {"question": "" if n % 2 else f"Q {n}?", "email": "c@example.org"})
        assert r.status_code == 200
    key = {"idempotency_key": "a" * 32}
    sent = {"question": "First question?", "email": "c1@example.org", "consent": "on", "language": "en", **key}
    assert client.post("/en/enquiries/new/", sent).status_code == 302
    assert client.post("/en/enquiries/new/", sent).status_code == 302  # the same one again
    for n in (2, 3):
        sent = {"question": f"Question {n}?", "email": f"c{n}@example.org", "consent": "on", "language": "en"}
        assert client.post("/en/enquiries/new/", sent).status_code == 302
    assert Enquiry.objects.count() == 3
    assert client.post("/en/enquiries/new/", {**sent, "email": "c4@example.org"}).status_code == 429


def test_the_suggestion_form_counts_only_accepted_ones_and_keeps_a_refused_text(db, rates, client):
    from hkcq.suggestions.models import Suggestion
    from hkcq.suggestions.tests.conftest import form_data

    assert client.post("/en/suggestions/new/", form_data(title="", text="")).status_code == 200  # errors
    for n in range(2):
        assert client.post("/en/suggestions/new/", form_data(title=f"Idea {n}")).status_code == 302
    response = client.post("/zh-hant/suggestions/new/", form_data(title="More Cantonese service"))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "你輸入的內容已保留在下面" in html and "More Cantonese service" in html
    assert Suggestion.objects.count() == 2


def test_ask_feedback_and_suggestions_are_throttled(db, rates, client):
    codes = [client.get("/api/v1/ask", {"q": "home return permit"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/en/help/ask/", {"q": "permit"}).status_code == 429  # the page shares the count
    entry = EntryFactory.create()
    feedback = [client.post("/en/help/ask/answered/", {"entry": entry.slug, "q": "x"}).status_code for _ in range(3)]
    assert feedback[-1] == 429
    data = {"title": "T", "text": "Text", "anonymous": True}
    answers = [
        client.post("/api/v1/suggestions", {**data, "title": f"T{n}"}, content_type="application/json").status_code
        for n in range(3)
    ]
    assert answers == [201, 201, 429]


def test_tracking_pages_and_password_reset_are_throttled(
    db, rates, client, resident, django_capture_on_commit_callbacks
):
    for _ in range(3):
        assert client.get("/en/enquiries/track/not-a-real-token/").status_code == 404
    assert client.get("/en/enquiries/track/not-a-real-token/").status_code == 429
    api = Client()
    assert [api.get("/api/v1/suggestions/track/nope").status_code for _ in range(4)][-1] == 429
    # The reset e-mail goes through the outbox, queued when the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        resets = [client.post("/en/account/password-reset/", {"email": resident.email}).status_code for _ in range(3)]
    assert resets == [302, 302, 429]
    assert len([m for m in mail.outbox if resident.email in m.to]) == 2


def test_find_my_enquiry_is_no_oracle(db, rates, make_case, mailoutbox, django_capture_on_commit_callbacks):
    """Unknown reference, right reference with the wrong address, and the right pair: the same
    answer; only the address the case was filed with gets the link, by e-mail."""
    from hkcq.enquiries.references import reference_make

    case = make_case()
    client = Client()
    answers = []
    for reference, email in (
        (reference_make(2031, 999), case.email),
        (case.reference, "someone@else.org"),
        (case.reference, case.email.upper()),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post("/en/enquiries/find/", {"reference": reference, "email": email}, follow=True)
        answers.append((r.status_code, r.redirect_chain, r.content.decode().count("If the reference number")))
        assert case.token not in r.content.decode()
    assert answers[0] == answers[1] == answers[2]
    sent = [m for m in mailoutbox if case.token in m.body]
    assert len(sent) == 1 and sent[0].to == [case.email]
    # A fourth guess at this reference, from anywhere, waits.
    guess = {"reference": case.reference, "email": "x@else.org"}
    assert Client().post("/en/enquiries/find/", guess, REMOTE_ADDR="10.9.9.9").status_code == 302
    assert Client().post("/en/enquiries/find/", guess, REMOTE_ADDR="10.9.9.8").status_code == 429
