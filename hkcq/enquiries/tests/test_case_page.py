"""The officer's case page: what it records and shows (history, outcome), and its forms."""

import pytest
from django.test import Client

from hkcq.core.choices import Side
from hkcq.enquiries import services
from hkcq.enquiries.models import CaseAction
from hkcq.enquiries.tests.conftest import CQ_UNIT, HK_UNIT
from hkcq.kb.tests.factories import LEGAL_AID, PERMIT_RENEWAL
from hkcq.registry.tests.factories import UnitFactory

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
    "zh-hans": ("受理了该咨询。", "要求居民提供信息。", "回复了居民。", "结束了该咨询：已回复。"),
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
    response = client.post(
        f"/{lang}/enquiries/case/{case.reference}/close/", {"outcome": "answered", "note": note, "confirm": "on"}
    )
    assert response.status_code == 302
    kinds = list(CaseAction.objects.filter(enquiry=case).values_list("kind", "by__username"))
    assert kinds == [
        ("accept", "officer-hk"),
        ("ask", "officer-hk"),
        ("reply", "officer-hk"),
        ("close", "officer-hk"),
    ]
    html = _page(officer_hk, case, lang)
    history = _history(html)
    positions = [history.index(text) for text in HISTORY[lang]]
    assert positions == sorted(positions)  # in time order
    assert history.count("officer-hk") >= 4
    # Who did it, in brackets of the page's language: 受理了该咨询。（…） / Accepted the enquiry. (…)
    bracket = " (" if lang == "en" else "（"
    assert HISTORY[lang][0] + bracket in history
    assert (" (" in history) == (lang == "en")
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
        ("zh-hans", "给居民的结果说明（选填）", "居民会在咨询追踪页面看到"),
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
        ("accept", "officer-hk", ""),
        ("reply", "officer-hk", ""),
        ("close", "officer-hk", "referred"),
    ]
    assert (body["outcome"], body["outcome_note"]) == ("referred", "Ask the tax bureau.")


# -- canned replies -------------------------------------------------------------------------------
@pytest.fixture
def accepted(make_case, officer_hk, canned, citable):
    """A case in Simplified Chinese accepted by its officer, with canned replies and entries to cite."""
    case = make_case(language="zh-hans")
    services.enquiry_accept(user=officer_hk, enquiry=case)
    return case


def _officer(officer_hk):
    client = Client()
    client.force_login(officer_hk)
    return client


def test_a_canned_reply_is_added_to_what_was_typed_without_javascript(accepted, officer_hk, canned):
    response = _officer(officer_hk).post(
        f"/en/enquiries/case/{accepted.reference}/draft/",
        {
            "body": "你好，",
            "citations": [PERMIT_RENEWAL],
            "wait_for_resident": "on",
            "canned": str(canned["need-more-information"].pk),
            "step": "canned",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    textarea = html.split('name="body"')[1].split("</textarea>")[0]
    # What was typed stays; the canned text follows, in the resident's language (Simplified).
    assert "你好，\n\n为回复你的咨询，我们需要更多信息" in textarea
    assert "“We need more information” has been added at the end of your reply." in html
    assert f'value="{PERMIT_RENEWAL}" id="cite-{PERMIT_RENEWAL}" checked' in html  # the chosen entry stays chosen
    wait = html.split('name="wait_for_resident"')[1].split(">")[0]
    assert "checked" in wait
    assert not accepted.messages.exists()  # nothing was sent


def test_a_canned_reply_is_added_in_place_with_htmx(accepted, officer_hk, canned):
    response = _officer(officer_hk).post(
        f"/zh-hant/enquiries/case/{accepted.reference}/draft/",
        {"body": "Draft", "canned": str(canned["looking-into-it"].pk), "step": "canned"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.startswith('<div id="reply-body-field">')
    assert "Draft\n\n感谢你的咨询。" in html
    assert 'hx-swap-oob="innerHTML:#reply-status">已把「我們正在跟進」加到你的回覆末尾。' in html


def test_choosing_no_canned_reply_changes_nothing(accepted, officer_hk):
    response = _officer(officer_hk).post(
        f"/en/enquiries/case/{accepted.reference}/draft/", {"body": "Keep me", "canned": "", "step": "canned"}
    )
    assert "Keep me</textarea>" in response.content.decode()
    assert "Choose a canned reply to add." in response.content.decode()
    response = _officer(officer_hk).post(
        f"/en/enquiries/case/{accepted.reference}/draft/", {"body": "Keep me", "canned": "x1", "step": "canned"}
    )
    assert response.status_code == 200 and "Keep me</textarea>" in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("en", "There are no canned replies yet. The secretariat keeps them"),
        ("zh-hant", "暫時沒有預設回覆。預設回覆由秘書處管理"),
        ("zh-hans", "暂时没有常用回复。常用回复由秘书处管理"),
    ],
)
def test_without_canned_replies_the_officer_is_told_how_to_get_some(lang, hint, accepted, officer_hk):
    from hkcq.enquiries.models import CannedReply

    html = _page(officer_hk, accepted, lang)
    assert 'id="canned-choice"' in html and "canned-none" not in html
    CannedReply.objects.update(is_active=False)
    html = _page(officer_hk, accepted, lang)
    assert 'id="canned-choice"' not in html
    assert hint in html and f'href="/{lang}/enquiries/canned/"' in html


# -- citations ------------------------------------------------------------------------------------
def test_the_question_suggests_entries_to_cite_as_checkboxes_with_full_titles(accepted, officer_hk):
    html = _page(officer_hk, accepted, "en")
    assert '<select name="citations"' not in html  # no multi-select any more
    suggested = html.split("citation-suggested")[1].split("</ul>")[0]
    assert f'type="checkbox" name="citations" value="{PERMIT_RENEWAL}"' in suggested
    assert "Renewing your Mainland Travel Permit (Home Return Permit)" in suggested
    assert html.count('name="citations"') <= 5
    # ... in the page's language
    assert (
        "續領港澳居民來往內地通行證（回鄉證）" in _page(officer_hk, accepted, "zh-hant").split("citation-suggested")[1]
    )


def test_finding_other_entries_without_javascript_keeps_the_draft(accepted, officer_hk):
    response = _officer(officer_hk).post(
        f"/en/enquiries/case/{accepted.reference}/draft/",
        {"body": "My draft", "citations": [PERMIT_RENEWAL], "cite_q": "legal aid", "step": "find", "canned": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "My draft</textarea>" in html
    found = html.split("citation-found")[1].split("</ul>")[0]
    assert f'value="{LEGAL_AID}"' in found and "Found for “legal aid”" in found
    chosen = html.split("citation-chosen")[1].split("</ul>")[0]
    assert f'value="{PERMIT_RENEWAL}" id="cite-{PERMIT_RENEWAL}" checked' in chosen
    assert html.count(f'value="{PERMIT_RENEWAL}"') == 1  # each entry once
    assert 'value="legal aid"' in html  # the search box keeps what was typed
    assert "Choose a canned reply" in html and "Choose a canned reply to add." not in html


def test_finding_entries_with_htmx_returns_the_choices(accepted, officer_hk):
    client = _officer(officer_hk)
    url = f"/zh-hans/enquiries/case/{accepted.reference}/citations/"
    html = client.get(
        url, {"cite_q": LEGAL_AID, "citations": [PERMIT_RENEWAL]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html
    found = html.split("citation-found")[1].split("</ul>")[0]
    assert found.index(f'value="{LEGAL_AID}"') >= 0  # an entry's id finds it
    assert f'value="{PERMIT_RENEWAL}" id="cite-{PERMIT_RENEWAL}" checked' in html
    assert 'hx-swap-oob="innerHTML:#citation-status">找到条目' in html
    html = client.get(url, {"cite_q": "zzqx"}).content.decode()
    assert "没有条目符合“zzqx”" in html


def test_the_chosen_checkboxes_are_sent_as_citations(accepted, officer_hk):
    response = _officer(officer_hk).post(
        f"/en/enquiries/case/{accepted.reference}/reply/",
        {"body": "See these.", "citations": [PERMIT_RENEWAL, LEGAL_AID], "cite_q": "ignored"},
    )
    assert response.status_code == 302
    assert accepted.messages.get().citations == [PERMIT_RENEWAL, LEGAL_AID]


# -- transfer -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "hk", "cq"), [("en", "Hong Kong", "Chongqing"), ("zh-hant", "香港", "重慶"), ("zh-hans", "香港", "重庆")]
)
def test_the_transfer_list_leaves_out_the_current_unit_and_is_grouped_by_side(lang, hk, cq, make_case, officer_hk):
    from hkcq.registry.models import Unit

    UnitFactory.create(side=Side.HONG_KONG)  # another Hong Kong unit, besides the case's own
    case = make_case(unit=HK_UNIT)
    html = _page(officer_hk, case, lang)
    select = html.split('name="to_unit"')[1].split("</select>")[0]
    current = Unit.objects.get(ext_id=HK_UNIT)
    assert f'value="{current.pk}"' not in select
    assert f'<optgroup label="{hk}">' in select and f'<optgroup label="{cq}">' in select
    hk_group = select.split(f'<optgroup label="{hk}">')[1].split("</optgroup>")[0]
    cq_group = select.split(f'<optgroup label="{cq}">')[1].split("</optgroup>")[0]
    for unit in Unit.objects.filter(is_active=True).exclude(pk=current.pk):
        assert f'value="{unit.pk}"' in (hk_group if unit.side == "hong_kong" else cq_group)


def test_transferring_to_the_current_unit_or_without_a_choice_is_refused_with_the_reason_kept(make_case, officer_hk):
    from hkcq.registry.models import Unit

    case = make_case(unit=HK_UNIT)
    client = _officer(officer_hk)
    current = Unit.objects.get(ext_id=HK_UNIT)
    response = client.post(
        f"/en/enquiries/case/{case.reference}/transfer/", {"to_unit": str(current.pk), "reason": "Wrong"}
    )
    assert response.status_code == 400 and "Choose one of the units offered." in response.content.decode()
    assert "Wrong</textarea>" in response.content.decode()
    response = client.post(f"/zh-hans/enquiries/case/{case.reference}/transfer/", {"to_unit": "", "reason": ""})
    html = response.content.decode()
    assert "请选择接收该咨询的单位。" in html and "请说明转交原因。" in html
    assert not case.transfers.exists()


# -- queue ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "No enquiries for your unit yet."),
        ("zh-hant", "你的單位暫時沒有查詢。"),
        ("zh-hans", "你的单位暂时没有咨询。"),
    ],
)
def test_an_officer_without_cases_sees_where_cases_will_come_from(lang, text, officer_hk, django_user_model):
    client = _officer(officer_hk)
    html = client.get(f"/{lang}/enquiries/queue/").content.decode()
    assert text in html and "queue-empty" in html
    assert officer_hk.units.get().name.show(lang).text in html  # the unit cases come to
    assert f'href="/{lang}/notifications/"' in html
    # With filters, the message is about the filters.
    html = client.get(f"/{lang}/enquiries/queue/", {"status": "closed"}).content.decode()
    assert text not in html and f'href="/{lang}/enquiries/queue/"' in html
    # An officer of no unit is told why nothing reaches them.
    lonely = django_user_model.objects.create_user(
        "lonely", "l@example.org", "pw-123456789", role="officer", side="hong_kong"
    )
    client.force_login(lonely)
    assert "queue-empty" in client.get(f"/{lang}/enquiries/queue/").content.decode()
    assert text not in client.get(f"/{lang}/enquiries/queue/").content.decode()


# -- who answers ----------------------------------------------------------------------------------
def test_the_secretariat_is_told_who_answers_and_when_nobody_can(make_case, secretariat_cq, officer_cq):
    case = make_case(unit=UnitFactory.create(side=Side.CHONGQING).ext_id)  # no officer there
    html = _page(secretariat_cq, case, "en")
    assert "Replies to the resident come from the officers of the assigned unit." in html
    assert "has no active officer on the platform, so nobody there can answer this enquiry" in html
    staffed = make_case(unit=CQ_UNIT)  # has an officer
    assert "unit-unstaffed" not in _page(secretariat_cq, staffed, "en")


@pytest.mark.parametrize("who", ["officer_hk", "secretariat_hk"])
def test_every_id_on_the_case_page_is_unique(who, accepted, request):
    import re

    html = _page(request.getfixturevalue(who), accepted, "en")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for target in re.findall(r'\sfor="([^"]+)"', html):
        assert target in ids, target  # every label points at an input


@pytest.mark.parametrize("lang", LANGS)
def test_entries_to_cite_are_named_by_their_titles_not_their_stored_ids(accepted, officer_hk, lang):
    """The case page showed "(mtp-renewal)" beside each entry's title: an id is the form's value,
    never text a person reads (the choices of the reply form too)."""
    import re

    from hkcq.enquiries.forms import ReplyForm
    from hkcq.kb.models import Entry

    html = _page(officer_hk, accepted, lang, cite_q="legal aid")
    labels = re.findall(r'<label class="form-check-label" for="cite-[^"]+">(.*?)</label>', html, re.S)
    assert labels
    slugs = set(Entry.objects.values_list("slug", flat=True))
    shown = [label for label in labels if any(slug in label for slug in slugs)]
    assert not shown, shown
    from django import forms
    from django.utils import translation

    with translation.override(lang):
        field = ReplyForm().fields["citations"]
        assert isinstance(field, forms.MultipleChoiceField)
        choices = field.choices
    assert choices and not [label for value, label in choices if value in label]
