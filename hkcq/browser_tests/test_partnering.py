"""The partnering journey of issue 13 in a real browser, in each of the three languages: at desktop
width in English and Simplified Chinese, at phone width (390 px) in Traditional Chinese: a Chongqing logistics firm and a Hong Kong
supply-chain finance firm each create a profile and post an opportunity, the facilitators of
their sides verify and publish them, each sees the other among its suggestions with reasons, one
expresses interest, the other accepts, both see the introduction, one records a joint-venture
outcome, and the progress dashboard counts it under Logistics. axe-core on every page.

The firms' people, the facilitators (officers of a trade desk on each side), the sectors and the
Logistics area are made by factories (hkcq/accounts/tests/personas.py, partnering factories)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in

officer_hk = personas.officer_hk
officer_cq = personas.officer_cq

EMAILS = {"chongqing": "li@cq.example.org", "hong_kong": "wong@hk.example.org"}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(autouse=True)
def status_scale(transactional_db):
    """Live-server tests empty the database between tests, migration data included."""
    from hkcq.progress.loading import statuses_ensure

    statuses_ensure()


@pytest.fixture
def partnering_world(officer_hk, officer_cq):  # noqa: F811
    """What the journey names: the two firms' sectors (with their parents), the Logistics area,
    and a trade desk on each side, the units of ``officer_hk`` and ``officer_cq``, who facilitate."""
    from hkcq.accounts.tests.personas import CQ_UNIT, HK_UNIT
    from hkcq.partnering.tests.factories import area, desk_unit, sector

    sector("freight-forwarding")
    sector("banking-supply-chain-finance")
    area("logistics")
    desk_unit(HK_UNIT, "hong_kong")
    desk_unit(CQ_UNIT, "chongqing")


def _account(username: str) -> None:
    from django.contrib.auth.hashers import make_password

    from hkcq.accounts.tests.factories import UserFactory

    UserFactory.create(username=username, password=make_password(PASSWORD))


def _switch(page: Any, username: str, lang: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, lang=lang, password=PASSWORD)


def _submit(page: Any, form: str = "main form") -> None:
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


def _create_profile(page: Any, lang: str, *, name: str, side: str, sector: str, languages: list[str]) -> str:
    from hkcq.partnering.models import Sector
    from hkcq.registry.models import Area

    page.goto(f"/{lang}/partnering/organisations/new/")
    assert_no_serious_axe_violations(page)
    page.fill("input[name=name_0]", name)
    page.check(f"input[name=side][value={side}]")
    page.select_option("select[name=kind]", "enterprise")
    page.select_option("select[name=sector]", str(Sector.objects.get(code=sector).pk))
    page.select_option("select[name=size]", "small")
    page.fill("input[name=city_0]", "Chongqing" if side == "chongqing" else "Hong Kong")
    for code in languages:
        page.check(f"input[name=languages][value={code}]")
    page.fill("textarea[name=description_0]", f"{name}: a made-up firm for the browser test.")
    page.check(f"input[name=areas][value='{Area.objects.get(ext_id='logistics').pk}']")
    page.fill("input[name=contact_name]", f"Contact of {name}")
    page.fill("input[name=contact_email]", EMAILS[side])
    _submit(page)
    page.wait_for_url(re.compile(r"/partnering/organisations/\d+/$"))
    assert_no_serious_axe_violations(page)
    return page.url


def _post_opportunity(page: Any, lang: str, *, type: str, title: str, description: str, sector: str) -> str:
    from hkcq.partnering.models import Sector
    from hkcq.registry.models import Area

    page.goto(f"/{lang}/partnering/opportunities/new/")
    assert_no_serious_axe_violations(page)
    page.select_option("select[name=type]", type)
    page.fill("input[name=title_0]", title)
    page.fill("textarea[name=description_0]", description)
    page.select_option("select[name=sector]", str(Sector.objects.get(code=sector).pk))
    page.check(f"input[name=areas][value='{Area.objects.get(ext_id='logistics').pk}']")
    _submit(page)
    page.wait_for_url(re.compile(r"/partnering/opportunities/\d+/$"))
    assert_no_serious_axe_violations(page)
    return page.url


@pytest.mark.parametrize(("width", "lang"), [("desktop", "en"), ("phone", "zh-hant"), ("desktop", "zh-hans")])
def test_partnering_journey(bare_page, partnering_world, officer_hk, officer_cq, width, lang):  # noqa: F811
    from hkcq.partnering.models import Interest, Outcome

    page = bare_page
    page.set_viewport_size(WIDTHS[width])
    page.set_default_timeout(60_000)  # a long journey on a shared machine; the first page warms up
    _account("cq-logistics")
    _account("hk-scf")

    # each firm creates its profile and posts an opportunity (both go to review)
    sign_in(page, "cq-logistics", lang=lang, password=PASSWORD)
    cq_profile = _create_profile(
        page,
        lang,
        name="Fog City Rail Logistics",
        side="chongqing",
        sector="freight-forwarding",
        languages=["cmn", "en"],
    )
    need = _post_opportunity(
        page,
        lang,
        type="business_request",
        title="Need supply chain finance for rail freight",
        description="Chongqing logistics firm running rail freight to Europe needs supply chain finance.",
        sector="freight-forwarding",
    )
    _switch(page, "hk-scf", lang)
    hk_profile = _create_profile(
        page,
        lang,
        name="Harbour Supply Chain Finance",
        side="hong_kong",
        sector="banking-supply-chain-finance",
        languages=["yue", "en"],
    )
    offer = _post_opportunity(
        page,
        lang,
        type="business_offer",
        title="Supply chain finance for logistics firms",
        description="Hong Kong firm offering supply chain finance to rail freight operators.",
        sector="banking-supply-chain-finance",
    )
    # nothing is public before it is published
    page.context.clear_cookies()
    assert page.goto(offer).status == 404

    # the facilitators of each side verify the profile and publish the opportunity
    for officer, profile, opportunity in (
        (officer_cq.username, cq_profile, need),
        (officer_hk.username, hk_profile, offer),
    ):
        _switch(page, officer, lang)
        page.goto(f"/{lang}/partnering/review/")
        assert_no_serious_axe_violations(page)
        page.goto(profile)
        _submit(page, "form[action$='/verify/']")
        page.goto(opportunity)
        assert_no_serious_axe_violations(page)
        _submit(page, "form[action$='/publish/']")
    from hkcq.partnering.models import Opportunity

    assert set(Opportunity.objects.filter(is_demo=False).values_list("status", flat=True)) == {"published"}

    # each sees the other among its suggestions, with reasons
    _switch(page, "cq-logistics", lang)
    page.goto(need)
    matches = page.locator("section[aria-labelledby=matches-h]")
    assert "Supply chain finance for logistics firms" in matches.inner_text()
    assert matches.locator("li ul li").count() >= 2  # the reasons
    assert_no_serious_axe_violations(page)
    _switch(page, "hk-scf", lang)
    page.goto(offer)
    assert (
        "Need supply chain finance for rail freight" in page.locator("section[aria-labelledby=matches-h]").inner_text()
    )

    # the Chongqing firm expresses interest; the Hong Kong firm accepts
    _switch(page, "cq-logistics", lang)
    page.goto(offer)
    page.fill("textarea[name=message]", "We would like to finance our rail shipments with you.")
    _submit(page, "form[action$='/interest/']")
    page.wait_for_url(re.compile(r"/partnering/interests/\d+/$"))
    assert_no_serious_axe_violations(page)
    interest_url = page.url
    _switch(page, "hk-scf", lang)
    page.goto(f"/{lang}/partnering/interests/")
    assert_no_serious_axe_violations(page)
    page.goto(interest_url)
    _submit(page, "form[action$='/accept/']")
    intro = page.locator("section[aria-labelledby=intro-h]")
    assert "li@cq.example.org" in intro.inner_text()
    assert_no_serious_axe_violations(page)

    # both get the introduction; the Chongqing firm records a joint venture under Logistics
    _switch(page, "cq-logistics", lang)
    page.goto(interest_url)
    assert "wong@hk.example.org" in page.locator("section[aria-labelledby=intro-h]").inner_text()
    from hkcq.registry.models import Area

    page.select_option("select[name=kind]", "joint_venture")
    page.select_option("select[name=area]", str(Area.objects.get(ext_id="logistics").pk))
    _submit(page, "form[action$='/outcome/']")
    assert_no_serious_axe_violations(page)
    assert Interest.objects.get().status == "accepted"
    assert Outcome.objects.get().kind == "joint_venture"

    # the progress dashboard counts it under Logistics
    page.context.clear_cookies()
    page.goto(f"/{lang}/progress/")
    row = page.locator("#area-results tbody tr", has=page.locator("a[href$='/areas/logistics/']"))
    assert row.count() == 1 and "1" in row.locator("td").all_inner_texts()
    assert_no_serious_axe_violations(page)
