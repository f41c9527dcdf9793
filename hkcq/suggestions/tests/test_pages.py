"""The submit form with its bot traps and rate limits, and every page in the three languages."""

import pytest

from hkcq.registry.tests.factories import AreaFactory
from hkcq.suggestions.models import Suggestion
from hkcq.suggestions.tests.factories import area_about

from .conftest import form_data, publish, started, submit

# What form_data() suggests, as one text: the area about it is the one suggested.
ABOUT = "Simplify the Home Return Permit renewal: let Hong Kong people in Chongqing renew the permit locally"

URL = "/en/suggestions/new/"


def test_anonymous_submission_is_stored_and_acknowledged_with_a_tracking_link(db, client):
    area = area_about(ABOUT)
    response = client.post(URL, form_data())
    s = Suggestion.objects.get()
    assert response.status_code == 302 and response["Location"] == s.get_tracking_url() + "#main"
    page = client.get(response["Location"]).content.decode()
    assert s.reference in page and "Home Return Permit" in page
    assert s.anonymous and s.email == "" and s.ip_address == "127.0.0.1"
    assert s.suggested_area == area


def test_named_submission_needs_an_email_and_keeps_what_was_typed(db, client):
    response = client.post(URL, form_data(identity="named", name="Wong", email=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give an e-mail address" in html and "Simplify the Home Return Permit renewal" in html
    assert not Suggestion.objects.exists()
    client.post(URL, form_data(identity="named", name="Wong", email="wong@example.org"))
    s = Suggestion.objects.get()
    assert (s.anonymous, s.name, s.email) == (False, "Wong", "wong@example.org")


def test_signed_in_resident_uses_their_account(db, client, resident):
    client.force_login(resident)
    html = client.get(URL).content.decode()
    assert 'name="email"' not in html
    suggested, chosen = area_about(ABOUT), AreaFactory.create()
    client.post(URL, form_data(identity="named", area=chosen.ext_id))
    s = Suggestion.objects.get()
    assert s.submitter == resident and s.email == resident.email and not s.anonymous
    assert s.suggested_area == suggested and s.area == chosen  # the submitter's choice wins over the suggestion


def test_consent_is_required(db, client):
    response = client.post(URL, form_data(consent=""))
    assert response.status_code == 200 and not Suggestion.objects.exists()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_honeypot_refuses_and_stores_nothing(db, client, lang):
    response = client.post(f"/{lang}/suggestions/new/", form_data(website="http://spam.example"))
    assert response.status_code == 200 and not Suggestion.objects.exists()
    assert "Simplify the Home Return Permit renewal" in response.content.decode()


def test_too_fast_or_forged_time_stamp_is_refused(db, client):
    assert client.post(URL, form_data(started=started(seconds_ago=1))).status_code == 200
    assert client.post(URL, form_data(started="forged")).status_code == 200
    assert client.post(URL, form_data(started=started(seconds_ago=3 * 86400))).status_code == 200
    assert not Suggestion.objects.exists()
    html = client.post(URL, form_data(started=started(seconds_ago=1))).content.decode()
    assert "very quick" in html


# The old count of stored suggestions is gone: the cache throttle (hkcq/core/throttle.py,
# THROTTLE_RATES["suggestion_submit"]) holds the same limits per address and per account.
def test_rate_limit_per_address(db, client, settings):
    settings.THROTTLE_RATES = {"suggestion_submit": [("address", "3/h"), ("target", "100/h")]}
    for i in range(3):
        assert client.post(URL, form_data(title=f"Idea {i}")).status_code == 302
    response = client.post(URL, form_data(title="Idea 3"))
    assert response.status_code == 429 and "what you typed is kept below" in response.content.decode()
    assert Suggestion.objects.count() == 3
    # Another address is not affected.
    assert client.post(URL, form_data(title="Idea 3"), REMOTE_ADDR="10.0.0.9").status_code == 302
    # The API applies the same limit, with its own status.
    body = client.post("/api/v1/suggestions", {"title": "t", "text": "x"}, content_type="application/json")
    assert body.status_code == 429 and body.json()["error"]["code"] == "rate_limited"


def test_rate_limit_per_account(db, client, resident, settings):
    settings.THROTTLE_RATES = {"suggestion_submit": [("address", "100/h"), ("target", "2/h")]}
    client.force_login(resident)
    for i in range(2):
        assert client.post(URL, form_data(title=f"Idea {i}"), REMOTE_ADDR=f"10.0.0.{i}").status_code == 302
    response = client.post(URL, form_data(title="Idea 2"), REMOTE_ADDR="10.0.0.77")
    assert response.status_code == 429 and Suggestion.objects.count() == 2


def test_rate_limit_message_is_translated(db, client, settings):
    settings.THROTTLE_RATES = {"suggestion_submit": [("address", "1/h")]}
    client.post("/zh-hant/suggestions/new/", form_data(title="Idea 1"))
    response = client.post("/zh-hant/suggestions/new/", form_data(title="Idea 2"))
    assert response.status_code == 429 and "你輸入的內容已保留在下面" in response.content.decode()


def _key(client, lang="en"):
    html = client.get(f"/{lang}/suggestions/new/").content.decode()
    return html.split('name="idempotency_key" value="')[1].split('"')[0]


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "already sent with different content"), ("zh-hans", "已用不同内容提交")]
)
def test_the_form_sent_twice_stores_one_suggestion_and_other_content_is_refused(db, client, lang, expected):
    key = _key(client, lang)
    first = client.post(f"/{lang}/suggestions/new/", form_data(idempotency_key=key))
    again = client.post(f"/{lang}/suggestions/new/", form_data(idempotency_key=key))
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Suggestion.objects.count() == 1
    edited = client.post(f"/{lang}/suggestions/new/", form_data(idempotency_key=key, text="Something else entirely."))
    html = edited.content.decode()
    assert edited.status_code == 200 and expected in html and Suggestion.objects.count() == 1
    assert Suggestion.objects.get().tracking_token not in html
    fresh = html.split('name="idempotency_key" value="')[1].split('"')[0]
    assert fresh != key
    client.post(f"/{lang}/suggestions/new/", form_data(idempotency_key=fresh, text="Something else entirely."))
    assert Suggestion.objects.count() == 2


def test_another_browser_with_the_same_key_and_words_gets_its_own_suggestion(db, client):
    from django.test import Client

    key = _key(client)
    first = client.post(URL, form_data(idempotency_key=key))
    stranger = Client()
    _key(stranger)
    other = stranger.post(URL, form_data(idempotency_key=key))
    assert other.status_code == 302 and other["Location"] != first["Location"]
    assert Suggestion.objects.count() == 2


def test_api_submission_is_idempotent_for_the_same_client_only(db, client):
    payload = {"title": "Ferry", "text": "More ferries", "anonymous": True}

    def send(data, addr="203.0.113.5", key="sg-key-1"):
        return client.post(
            "/api/v1/suggestions", data, content_type="application/json", REMOTE_ADDR=addr, HTTP_IDEMPOTENCY_KEY=key
        )

    first = send(payload)
    assert first.status_code == 201
    again = send(payload)
    assert again.status_code == 200 and again.json()["tracking_token"] == first.json()["tracking_token"]
    reused = send({**payload, "text": "Fewer ferries"})
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert first.json()["tracking_token"] not in reused.content.decode()
    elsewhere = send(payload, addr="198.51.100.3")
    assert elsewhere.status_code == 201 and elsewhere.json()["tracking_token"] != first.json()["tracking_token"]
    assert Suggestion.objects.count() == 2


def test_similar_published_suggestions_are_offered(db, client, secretariat_hk):
    s = publish(submit(title="回鄉證續期", text="希望可以在重慶辦理回鄉證續期"), secretariat_hk)
    publish(submit(title="Night buses", text="More buses at night"), secretariat_hk)
    pending = submit(title="回乡证", text="回乡证续期")
    html = client.get(
        "/zh-hans/suggestions/similar/", {"title": "回乡证", "text": "在重庆办理回乡证续期"}
    ).content.decode()
    assert s.get_absolute_url().replace("/en/", "/zh-hans/") in html
    assert "Night buses" not in html and pending.reference not in html
    # Without JavaScript: a refused submission shows them beside the form.
    html = client.post(URL, form_data(title="Home Return Permit", text="回鄉證續期", consent="")).content.decode()
    assert s.public_title in html


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_public_pages_in_each_language(db, client, secretariat_hk, lang):
    s = publish(submit(), secretariat_hk)
    for url in (
        f"/{lang}/suggestions/",
        f"/{lang}/suggestions/new/",
        f"/{lang}/suggestions/you-said-we-did/",
        f"/{lang}/suggestions/{s.reference}/",
        f"/{lang}/suggestions/track/{s.tracking_token}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{ {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}[lang] }"' in response.content.decode()
    expected = {"en": "Make a suggestion", "zh-hant": "提出建議", "zh-hans": "提出建议"}[lang]
    assert expected in client.get(f"/{lang}/suggestions/").content.decode()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_staff_pages_in_each_language(db, client, secretariat_hk, lang):
    s = submit()
    client.force_login(secretariat_hk)
    assert s.reference in client.get(f"/{lang}/suggestions/moderation/").content.decode()
    assert client.get(f"/{lang}/suggestions/moderation/{s.reference}/").status_code == 200
    assert client.get(f"/{lang}/suggestions/digest/").status_code == 200


def test_empty_states_say_what_to_do(db, client):
    assert "Make the first suggestion" in client.get("/en/suggestions/").content.decode()
    assert "Clear filters" in client.get("/en/suggestions/?q=nothing-like-this").content.decode()
    assert "Clear filters" in client.get("/en/suggestions/you-said-we-did/").content.decode()


def test_list_is_paginated(db, client, secretariat_hk, settings):
    settings.PAGE_SIZE = 2
    for i in range(5):
        publish(submit(title=f"Idea {i}"), secretariat_hk)
    html = client.get("/en/suggestions/").content.decode()
    assert html.count("suggestion-item") == 2 and "Page 1 of 3" in html


def test_moderator_flow_through_the_pages(db, client, secretariat_hk):
    s = submit(text="Renew permits in Chongqing. Phone 9123 4567")
    client.force_login(secretariat_hk)
    url = f"/en/suggestions/moderation/{s.reference}/"
    html = client.get(url).content.decode()
    assert "9123 4567" in html  # the original, for the moderator
    assert "▇▇▇" in html  # the proposal
    response = client.post(
        url,
        {
            "action": "approve",
            "approve-public_title": "Renew permits",
            "approve-public_text": "Renew permits in Chongqing. Phone [removed]",
            "approve-area": "",
            "approve-unit": "",
        },
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.is_public and s.public_text.endswith("[removed]")
    # Not adopted without a reason: refused on the form, nothing changed.
    response = client.post(url, {"action": "respond", "respond-status": "not_adopted", "respond-response_0": "No"})
    assert response.status_code == 400 and "Give the reason" in response.content.decode()
    s.refresh_from_db()
    assert s.status == "received"
    response = client.post(
        url,
        {
            "action": "respond",
            "respond-status": "implemented",
            "respond-response_0": "Done: renewals are now possible in Chongqing.",
            "respond-response_1": "",
            "respond-response_2": "",
        },
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == "implemented" and s.response.en.startswith("Done")
    response = client.post(url, {"action": "reject", "reject-reason": "abusive"})
    assert response.status_code == 302
    assert client.get(s.get_absolute_url()).status_code == 404
