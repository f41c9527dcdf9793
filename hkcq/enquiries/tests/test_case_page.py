"""The officer's case page: what it records and shows (history, outcome), and its forms."""

import pytest
from django.test import Client

from hkcq.enquiries import services
from hkcq.enquiries.models import CaseAction
from hkcq.enquiries.tests.conftest import HK_UNIT

LANGS = ["en", "zh-hant", "zh-hans"]
HKID = "A123456(7)"


def _page(user, case, lang="en", **params):
    client = Client()
    client.force_login(user)
    response = client.get(f"/{lang}/enquiries/case/{case.reference}/", params)
    assert response.status_code == 200
    return response.content.decode()


def _history(html):
    return html.split('class="list-unstyled small case-history"')[1].split("</ol>")[0]


HISTORY = {
    "en": (
        "Accepted the enquiry.",
        "Asked the resident for information.",
        "Replied to the resident.",
        "Closed the enquiry: Answered.",
    ),
    "zh-hant": ("接手了這宗查詢。", "要求居民提供資料。", "回覆了居民。", "結束了這宗查詢：已回覆。"),
    "zh-hans": ("接手了这宗查询。", "要求居民提供资料。", "回复了居民。", "结束了这宗查询：已回复。"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_history_records_accept_reply_and_close_and_the_page_shows_the_outcome(
    lang, make_case, officer_hk, secretariat_hk
):
    case = make_case()
    client = Client()
    client.force_login(officer_hk)
    client.post(f"/{lang}/enquiries/case/{case.reference}/accept/")
    client.post(f"/{lang}/enquiries/case/{case.reference}/reply/", {"body": "Which permit?", "wait_for_resident": "on"})
    services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body="The 10-year one")
    client.post(f"/{lang}/enquiries/case/{case.reference}/reply/", {"body": "Renew it at the bureau."})
    note = f"Renewed at the bureau on 3 March; HKID {HKID} checked."
    response = client.post(f"/{lang}/enquiries/case/{case.reference}/close/", {"outcome": "answered", "note": note})
    assert response.status_code == 302
    kinds = list(CaseAction.objects.filter(enquiry=case).values_list("kind", "by__username"))
    assert kinds == [
        ("accept", "demo-officer-hk"),
        ("ask", "demo-officer-hk"),
        ("reply", "demo-officer-hk"),
        ("close", "demo-officer-hk"),
    ]
    html = _page(officer_hk, case, lang)
    history = _history(html)
    positions = [history.index(text) for text in HISTORY[lang]]
    assert positions == sorted(positions)  # in time order
    assert history.count("demo-officer-hk") >= 4
    # The outcome and the note the resident sees, on the officer's page (the officer sees it whole) ...
    outcome = html.split('class="enquiry-outcome-note"')[1].split("</dd>")[0]
    assert "Renewed at the bureau on 3 March" in outcome and HKID in outcome
    # ... and masked for the secretariat, like the rest of the case.
    outcome = _page(secretariat_hk, case, lang).split('class="enquiry-outcome-note"')[1].split("</dd>")[0]
    assert "Renewed at the bureau" in outcome and HKID not in outcome


@pytest.mark.parametrize(
    ("lang", "label", "help_text"),
    [
        ("en", "Outcome note for the resident (optional)", "The resident sees this note with the outcome"),
        ("zh-hant", "給居民的結果說明（選填）", "居民會在查詢追蹤頁面看到"),
        ("zh-hans", "给居民的结果说明（选填）", "居民会在查询跟踪页面看到"),
    ],
)
def test_the_outcome_note_says_the_resident_will_see_it(lang, label, help_text, make_case, officer_hk):
    case = make_case()
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_reply(user=officer_hk, enquiry=case, body="Answer")
    html = _page(officer_hk, case, lang)
    assert label in html and help_text in html


def test_the_api_gives_the_steps_and_the_outcome(make_case, officer_hk):
    from hkcq.accounts.services import api_token_create

    case = make_case(unit=HK_UNIT)
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_reply(user=officer_hk, enquiry=case, body="Answer")
    services.enquiry_close(user=officer_hk, enquiry=case, outcome="referred", note="Ask the tax bureau.")
    _t, raw = api_token_create(user=officer_hk, name="t")
    body = Client().get(f"/api/v1/enquiries/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [(a["kind"], a["by"], a["outcome"]) for a in body["actions"]] == [
        ("accept", "demo-officer-hk", ""),
        ("reply", "demo-officer-hk", ""),
        ("close", "demo-officer-hk", "referred"),
    ]
    assert (body["outcome"], body["outcome_note"]) == ("referred", "Ask the tax bureau.")
