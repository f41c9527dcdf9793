"""The issue's journey as the trial took it: a Chongqing logistics firm offers rail freight and says
it looks for supply-chain finance; a Hong Kong supply-chain finance firm offers finance to logistics
firms. Neither posts a request, yet each is suggested to the other ("mutual offers": each offer
names what the other offers), with reasons in the reader's language, on the page and in the API;
then interest, introduction and a joint venture counted under Logistics. An opportunity without
suggestions says why and what to do, in the three languages (docs/decisions/0014)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from hkcq.core.tests.test_rendered_wording import problems, visible_text
from hkcq.partnering import matching, selectors, services
from hkcq.partnering.models import Opportunity
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db

LANGS = ["en", "zh-hant", "zh-hans"]
# the mutual reason, with what the other offers, as the Chongqing firm reads it
MUTUAL_FOR_CQ = {
    "en": "Two offers that answer each other: they offer supply chain finance, which yours names; you offer logistics",
    "zh-hant": "雙方的供應互相配合：對方提供供應鏈金融，你的合作機會有提及；你提供物流",
    "zh-hans": "双方的供给互相匹配：对方提供供应链金融，你的合作机会有提到；你提供物流",
}
# as the Hong Kong firm reads it: what the Chongqing firm offers (logistics, rail freight …), and theirs
MUTUAL_FOR_HK = {
    "en": ("they offer logistics", "; you offer supply chain finance, which theirs names."),
    "zh-hant": ("對方提供物流", "；你提供供應鏈金融，對方的合作機會也有提及。"),
    "zh-hans": ("对方提供物流", "；你提供供应链金融，对方的合作机会也有提到。"),
}
NONE_YET = {
    "en": "No suggestion yet: no published opportunity fits this one.",
    "zh-hant": "暫時沒有建議：沒有已發布的合作機會與這一項相配。",
    "zh-hans": "暂时没有推荐：没有已发布的合作机会与这一项相匹配。",
}
MATCHED_WITH = {
    "en": "Opportunities of this type (Logistics service offered) are matched with: “Logistics service needed”.",
    "zh-hant": "這類合作機會（提供物流服務）會與以下類型配對：「需要物流服務」。",
    "zh-hans": "这类合作机会（提供物流服务）会与以下类型匹配：“需要物流服务”。",
}
POST_A_REQUEST = {"en": "post a request for it", "zh-hant": "請發布一項需求", "zh-hans": "请发布一项需求"}
IN_REVIEW = {
    "en": "Suggestions are made for published opportunities: a facilitator of your side reviews this one first.",
    "zh-hant": "合作機會發布後才會有建議：你所屬一方的配對服務單位會先審核這一項。",
    "zh-hans": "合作机会发布后才会有推荐：你所属一方的对接服务单位会先审核这一项。",
}


@pytest.fixture
def quiet_market(db):
    """No demonstration opportunity live, when the default data is loaded (its Hong Kong
    supply-chain finance offer answers the Chongqing logistics offer too): for the tests that need
    an empty list."""
    Opportunity.objects.filter(is_demo=True).update(status=Opportunity.Status.WITHDRAWN)


@pytest.fixture
def firms(facilitator_cq, facilitator_hk):
    cq_user, cq = verified_member("chongqing", facilitator_cq, sector="freight-forwarding", languages=["cmn", "en"])
    hk_user, hk = verified_member(
        "hong_kong", facilitator_hk, sector="banking-supply-chain-finance", languages=["yue", "cmn", "en"]
    )
    return cq_user, cq, hk_user, hk


def cq_offer(cq_user, cq, *, says_finance: bool = True):
    wants = "，寻找供应链金融合作伙伴" if says_finance else ""
    return post(
        cq_user,
        cq,
        type="logistics_offered",
        title={"zh-hans": "中欧班列铁路货运"},
        description={"zh-hans": f"重庆物流企业，提供中欧班列和陆海新通道铁路货运{wants}。"},
        sector="freight-forwarding",
        areas=("logistics", "finance"),
    )


def hk_offer(hk_user, hk):
    return post(
        hk_user,
        hk,
        type="business_offer",
        title={"en": "Supply-chain finance for logistics firms"},
        description={"en": "We offer supply chain finance and trade finance to logistics and rail freight operators."},
        sector="banking-supply-chain-finance",
        areas=("logistics", "finance"),
    )


def test_two_offers_of_the_two_sides_are_suggested_to_each_other_with_reasons(
    firms, facilitator_cq, facilitator_hk, django_capture_on_commit_callbacks
):
    cq_user, cq, hk_user, hk = firms
    logistics = published(facilitator_cq, cq_offer(cq_user, cq))
    finance = published(facilitator_hk, hk_offer(hk_user, hk))

    # (with the default data loaded, its demonstration Hong Kong supply-chain finance offer is
    # suggested to it as well)
    for_cq = {m.pk: m for m in matching.suggestions(logistics)}
    assert finance.pk in for_cq and for_cq[finance.pk].mutual is not None and for_cq[finance.pk].score > 0
    for_hk = {m.pk: m for m in matching.suggestions(finance)}
    assert logistics.pk in for_hk and for_hk[logistics.pk].mutual is not None
    index = matching.current_index()
    for lang in LANGS:
        with translation.override(lang):  # as the page and the API call it: in the reader's language
            why_cq = matching.reasons(for_cq[finance.pk], index.docs[logistics.pk], lang=lang)
            why_hk = matching.reasons(for_hk[logistics.pk], index.docs[finance.pk], lang=lang)
        assert why_cq[0].startswith(MUTUAL_FOR_CQ[lang]), why_cq
        assert all(part in why_hk[0] for part in MUTUAL_FOR_HK[lang]), why_hk

    # the rest of the journey: interest from the suggestion, introduction, an outcome under Logistics
    hk.contacts.create(name="Wong Siu Ming", email="wong@hk.example.org")
    cq.contacts.create(name="Li Ming", email="li@cq.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        interest = services.interest_express(
            user=cq_user, opportunity=finance, profile=cq, message="我们希望合作。", from_opportunity=logistics
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_accept(user=hk_user, interest=interest)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "li@cq.example.org" in by_address[hk_user.email].body
    assert "wong@hk.example.org" in by_address[cq_user.email].body
    interest.refresh_from_db()
    services.outcome_record(user=hk_user, interest=interest, kind="joint_venture", area=factories.area("logistics"))
    rows = selectors.partnerships_per_area()
    assert [(r["area"].ext_id, r["total"]) for r in rows] == [("logistics", 1)]


def test_an_offer_that_names_nothing_it_needs_is_not_paired_with_offers(
    quiet_market, firms, facilitator_cq, facilitator_hk
):
    cq_user, cq, hk_user, hk = firms
    logistics = published(facilitator_cq, cq_offer(cq_user, cq, says_finance=False))
    finance = published(facilitator_hk, hk_offer(hk_user, hk))
    assert matching.suggestions(logistics) == []
    assert matching.suggestions(finance) == []  # one-sided: the logistics offer does not name finance
    # a request for what it needs is matched with the offer that answers it (the trial's way)
    need = published(
        facilitator_cq,
        post(
            cq_user,
            cq,
            type="business_request",
            title={"zh-hans": "寻找供应链金融"},
            description={"zh-hans": "重庆铁路货运企业需要供应链金融和贸易融资。"},
            sector="freight-forwarding",
            areas=("logistics", "finance"),
        ),
    )
    assert [m.pk for m in matching.suggestions(need)] == [finance.pk]


def test_offers_of_the_same_side_are_not_paired(quiet_market, firms, facilitator_hk):
    _cq_user, _cq, hk_user, hk = firms
    finance = published(facilitator_hk, hk_offer(hk_user, hk))
    other_user, other = verified_member("hong_kong", facilitator_hk, sector="freight-forwarding")
    same_side = published(
        facilitator_hk,
        post(
            other_user,
            other,
            type="logistics_offered",
            title={"en": "Rail freight to Europe"},
            description={"en": "Hong Kong forwarder offering rail freight; we look for supply chain finance."},
            sector="freight-forwarding",
        ),
    )
    assert matching.suggestions(same_side) == [] and matching.suggestions(finance) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_and_the_api_show_the_mutual_suggestion(
    client, lang, quiet_market, firms, facilitator_cq, facilitator_hk
):
    cq_user, cq, hk_user, hk = firms
    logistics = published(facilitator_cq, cq_offer(cq_user, cq))
    finance = published(facilitator_hk, hk_offer(hk_user, hk))
    client.force_login(cq_user)
    page = client.get(f"/{lang}/partnering/opportunities/{logistics.pk}/").content.decode()
    assert f'href="/{lang}/partnering/opportunities/{finance.pk}/"' in page
    assert MUTUAL_FOR_CQ[lang] in page.replace("&#x27;", "'")
    if lang != "en":
        assert not problems(visible_text(page, lang), lang)
    assert 'id="why-none"' not in page
    answer = client.get(f"/api/v1/opportunities/{logistics.pk}/matches", HTTP_ACCEPT_LANGUAGE=lang).json()
    assert [i["id"] for i in answer["items"]] == [finance.pk] and answer["count"] == 1
    assert answer["items"][0]["reasons"][0].startswith(MUTUAL_FOR_CQ[lang])
    assert answer["explanation"] == []
    assert answer["matched_with"][0] == "logistics_needed" and "business_offer" in answer["matched_with"]


@pytest.mark.parametrize("lang", LANGS)
def test_no_suggestion_says_why_and_what_to_do(client, lang, quiet_market, firms, facilitator_cq):
    cq_user, cq, _hk_user, _hk = firms
    logistics = published(facilitator_cq, cq_offer(cq_user, cq, says_finance=False))
    client.force_login(cq_user)
    page = client.get(f"/{lang}/partnering/opportunities/{logistics.pk}/").content.decode()
    for text in (NONE_YET[lang], MATCHED_WITH[lang], POST_A_REQUEST[lang]):
        assert text in page, text
    if lang != "en":  # the glossary's words and the language's punctuation
        assert not problems(visible_text(page, lang), lang)
    assert f'href="/{lang}/partnering/opportunities/new/?type=business_request"' in page
    answer = client.get(f"/api/v1/opportunities/{logistics.pk}/matches", HTTP_ACCEPT_LANGUAGE=lang).json()
    assert answer["items"] == [] and answer["count"] == 0
    assert answer["explanation"][:2] == [NONE_YET[lang], MATCHED_WITH[lang]]
    assert any(POST_A_REQUEST[lang] in line for line in answer["explanation"])
    # the form the link opens has the request type chosen
    form = client.get(f"/{lang}/partnering/opportunities/new/?type=business_request").content.decode()
    assert '<option value="business_request" selected>' in form


@pytest.mark.parametrize("lang", LANGS)
def test_an_offer_that_names_its_need_says_so_while_none_answers(client, lang, quiet_market, firms, facilitator_cq):
    cq_user, cq, _hk_user, _hk = firms
    logistics = published(facilitator_cq, cq_offer(cq_user, cq))
    topic = {"en": "supply chain finance", "zh-hant": "供應鏈金融", "zh-hans": "供应链金融"}[lang]
    answer = client.get(f"/api/v1/opportunities/{logistics.pk}/matches", HTTP_ACCEPT_LANGUAGE=lang).json()
    assert answer["items"] == []
    assert topic in answer["explanation"][2], answer["explanation"]


@pytest.mark.parametrize("lang", LANGS)
def test_an_opportunity_in_review_says_suggestions_come_after_publishing(client, lang, firms):
    cq_user, cq, _hk_user, _hk = firms
    waiting = cq_offer(cq_user, cq)
    client.force_login(cq_user)
    page = client.get(f"/{lang}/partnering/opportunities/{waiting.pk}/").content.decode()
    assert IN_REVIEW[lang] in page
    assert "?type=business_request" not in page  # not live: publishing comes first
    answer = client.get(f"/api/v1/opportunities/{waiting.pk}/matches", HTTP_ACCEPT_LANGUAGE=lang).json()
    assert answer["items"] == [] and answer["explanation"] == [IN_REVIEW[lang]]
