"""A page form refused by a throttle is shown again (hkcq/core/throttle.py, ``form_refused``):
status 429 with Retry-After, what was typed kept, and a translated message saying when to send
it again. Every throttled page form: find my enquiry, a tracking-page reply and rating, password
reset, the ask box (the enquiry and suggestion forms: test_throttle.py)."""

import re

import pytest
from django.test import Client

from hkcq.enquiries.models import Message

KEPT = {
    "en": "what you typed is kept below",
    "zh-hant": "你輸入的內容已保留在下面",
    "zh-hans": "你输入的内容已保留在下面",
}
LANGS = pytest.mark.parametrize("lang", list(KEPT))


def refused(response, lang):
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert KEPT[lang] in html and 'role="alert"' in html
    return html


@LANGS
def test_find_my_enquiry_keeps_what_was_typed(db, settings, lang):
    from hkcq.enquiries.references import reference_make

    settings.THROTTLE_RATES = {"enquiry_find": [("address", "1/h")]}
    client = Client()
    first = {"reference": reference_make(2026, 1), "email": "first@example.org"}
    assert client.post(f"/{lang}/enquiries/find/", first).status_code == 302
    typed = {"reference": reference_make(2026, 2), "email": "kept@example.org"}
    html = refused(client.post(f"/{lang}/enquiries/find/", typed), lang)
    assert f'value="{typed["reference"]}"' in html and 'value="kept@example.org"' in html


@LANGS
def test_a_tracking_reply_keeps_what_was_typed(db, settings, make_case, lang):
    settings.THROTTLE_RATES = {"tracking_write": [("target", "1/h")], "tracking": [("address", "10/h")]}
    case = make_case()
    client = Client()
    url = f"/{lang}/enquiries/track/{case.token}/reply/"
    assert client.post(url, {"body": "First message."}).status_code == 302
    html = refused(client.post(url, {"body": "A second message, typed with care."}), lang)
    # The tracking page again, the reply box holding the text; nothing sent.
    assert "A second message, typed with care." in html and case.reference in html
    assert f'action="/{lang}/enquiries/track/{case.token}/reply/#error-summary"' in html
    assert not Message.objects.filter(enquiry=case, body__contains="second message").exists()


def test_a_tracking_reply_over_both_limits_keeps_the_text_without_reading_the_case(db, settings, make_case):
    """Reads over their limit too: the case is not read (no extra guesses at links), but the
    form comes back alone with the text."""
    settings.THROTTLE_RATES = {"tracking_write": [("address", "1/h")], "tracking": [("address", "1/h")]}
    case = make_case()
    client = Client()
    assert client.get(f"/en/enquiries/track/{case.token}/").status_code == 200
    url = f"/en/enquiries/track/{case.token}/reply/"
    assert client.post(url, {"body": "First message."}).status_code == 302
    html = refused(client.post(url, {"body": "Kept even so."}), "en")
    assert "Kept even so." in html and case.reference not in html and case.question not in html
    assert f'action="{url}#error-summary"' in html


@LANGS
def test_a_rating_keeps_what_was_typed(db, settings, make_case, officer_hk, lang):
    from hkcq.enquiries import services

    settings.THROTTLE_RATES = {"tracking_write": [("target", "1/h")], "tracking": [("address", "10/h")]}
    case = make_case()
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_close(user=officer_hk, enquiry=case, outcome="answered", note="Renew it at the bureau.")
    client = Client()
    url = f"/{lang}/enquiries/track/{case.token}/rate/"
    assert client.post(url, {"service": "", "outcome": "9"}).status_code == 400  # counted: a write
    html = refused(client.post(url, {"service": "4", "outcome": "5", "comment": "Quick and kind."}), lang)
    assert "Quick and kind." in html
    chosen = [tag for tag in re.findall(r"<input[^>]*>", html) if 'name="service"' in tag and " checked" in tag]
    assert len(chosen) == 1 and 'value="4"' in chosen[0]  # the rating typed, whatever the attributes' order
    case.refresh_from_db()
    assert not case.is_rated


@LANGS
def test_password_reset_keeps_the_address(db, settings, resident, lang):
    settings.THROTTLE_RATES = {"password_reset": [("address", "1/h")]}
    client = Client()
    assert client.post(f"/{lang}/account/password-reset/", {"email": "nobody@example.org"}).status_code == 302
    html = refused(client.post(f"/{lang}/account/password-reset/", {"email": resident.email}), lang)
    assert f'value="{resident.email}"' in html


@LANGS
def test_the_ask_box_keeps_the_question(db, settings, lang):
    settings.THROTTLE_RATES = {"ask": [("address", "1/m")]}
    client = Client()
    assert client.get(f"/{lang}/help/ask/", {"q": "permit"}).status_code == 200
    html = refused(client.get(f"/{lang}/help/ask/", {"q": "How do I renew my Home Return Permit?"}), lang)
    assert 'value="How do I renew my Home Return Permit?"' in html
    assert "/enquiries/new/?q=How+do+I+renew" in html  # the way on to an enquiry
    # The live search (htmx) gets the same in its fragment, which htmx swaps in on a 429.
    fragment = refused(client.get(f"/{lang}/help/ask/", {"q": "Home Return Permit"}, HTTP_HX_REQUEST="true"), lang)
    assert "<html" not in fragment


def test_an_htmx_request_with_no_form_gets_the_message_alone(db, settings):
    from hkcq.kb.tests.factories import EntryFactory

    settings.THROTTLE_RATES = {"kb_feedback": [("address", "1/h")]}
    entry = EntryFactory.create()
    client = Client()
    assert (
        client.post("/en/help/ask/answered/", {"entry": entry.slug, "q": "x"}, HTTP_HX_REQUEST="true").status_code
        == 200
    )
    again = client.post("/en/help/ask/answered/", {"entry": entry.slug, "q": "x"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 429 and int(again["Retry-After"]) > 0
    html = again.content.decode()
    assert "Please wait" in html and "<html" not in html
