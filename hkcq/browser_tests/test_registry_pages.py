"""The registry in a real browser: what a visitor and a secretariat member see, checked with axe-core."""

from __future__ import annotations

import re

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in
from hkcq.core.translated import TText
from hkcq.registry.tests.factories import (
    AgreementFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    UnitFactory,
)
from hkcq.reporting.tests.factories import plan_make

# the editing test's secretariat member is factory-made (hkcq/accounts/tests/personas.py); the
# visitor's pages are walked over the reporting factories' plan of co-operation (plan_make), only
# the home page's eleven areas are the default data's
secretariat_hk = personas.secretariat_hk

AREA_NAMES = {
    "en": ("Belt and Road", "Innovation and Technology", "Facilitation for Hong Kong People"),
    "zh-hant": ("一帶一路", "創新科技", "便利香港居民"),
    "zh-hans": ("一带一路", "创新科技", "便利香港居民"),
}
HTML_LANG = {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}
# the plan's second area (plan_make), in the languages its name is given in
INNOVATION = {"en": "Innovation and Technology", "zh-hant": "創新科技"}


@pytest.mark.seed
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_home_page_shows_the_eleven_areas(page, lang):
    """The default data itself: the eleven co-operation areas of the mechanism, as published,
    by their names in the three languages, are what the home page must show a visitor."""
    page.goto(f"/{lang}/")
    assert page.locator("html").get_attribute("lang") == HTML_LANG[lang]
    cards = page.locator(".area-card")
    assert cards.count() == 11
    text = page.locator("main").inner_text()
    for name in AREA_NAMES[lang]:
        assert name in text, (lang, name)
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_area_page_lists_its_measures(bare_page, lang):
    page = bare_page
    plan_make()
    page.goto(f"/{lang}/")
    page.locator(".area-card a", has_text=INNOVATION[lang]).click()
    page.wait_for_url(re.compile(r"/areas/"))
    assert page.locator("h1").count() == 1
    assert page.locator("main a[href*='/measures/']").count() >= 1
    assert_no_serious_axe_violations(page)


def test_measure_page_shows_units_and_history(bare_page):
    page = bare_page
    measure = plan_make().measures[0]  # led by a unit of each side, with items and a milestone
    page.goto(f"/en/measures/{measure.ext_id}/")
    assert page.locator("h1").inner_text().strip()
    assert page.locator("#history-heading").is_visible()
    assert_no_serious_axe_violations(page)


def test_secretariat_edits_a_measure_and_sees_it_in_the_history(bare_page, secretariat_hk):  # noqa: F811
    page = bare_page
    measure = MeasureFactory.create(
        ext_id="m-browser",
        code="1.1",
        title=TText.of(en="Belt and Road partnerships", zh_hant="「一帶一路」合作夥伴"),
        lead_unit_hk=UnitFactory.create(side="hong_kong"),
        lead_unit_cq=UnitFactory.create(side="chongqing"),
    )
    sign_in(page, secretariat_hk.username, password=PASSWORD)
    page.goto(f"/en/measures/{measure.ext_id}/")
    page.get_by_role("link", name="Edit measure").click()
    page.wait_for_url(re.compile(rf"/measures/{measure.ext_id}/edit/"))
    assert_no_serious_axe_violations(page)
    page.fill("input[name=title_0]", "Belt and Road co-operation, edited in the browser")
    page.fill("input[name=actual_start]", "2023-06-01")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/measures/{measure.ext_id}/$"))
    assert "edited in the browser" in page.locator("h1").inner_text()
    history = page.locator("section[aria-labelledby=history-heading]")
    assert secretariat_hk.username in history.inner_text() or "Secretariat" in history.inner_text()
    assert history.locator(".diff-new", has_text="edited in the browser").count() == 1
    assert history.locator(".diff-new", has_text="2023").count() >= 1
    assert_no_serious_axe_violations(page)


def test_meeting_and_agreement_pages_have_no_serious_violations(bare_page):
    page = bare_page
    plan_make()  # a plenary with its decisions, and two agreements signed there
    page.goto("/zh-hant/meetings/")
    page.locator("main a[href*='/meetings/']").first.click()
    page.wait_for_load_state()
    assert_no_serious_axe_violations(page)
    page.goto("/en/agreements/")
    page.locator("main a[href*='/agreements/']").first.click()
    page.wait_for_load_state()
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_lists_search_and_sign_in_have_no_serious_violations(bare_page, lang):
    page = bare_page
    plan = plan_make()
    OrganisationFactory.create_batch(2)
    PersonFactory.create_batch(2)
    AgreementFactory.create(
        title=TText.of(en="Arrangement on arbitration in commercial disputes", zh_hant="商業糾紛仲裁安排")
    )
    decision = plan.meeting.decisions.order_by("number").last()
    failures = []
    for path in (
        "/areas/",
        "/measures/",
        "/meetings/",
        "/decisions/",
        "/agreements/",
        "/organisations/",
        "/people/",
        "/units/",
        "/search/?q=arbitration",
        "/search/?q=nothing-matches-this",
        "/account/sign-in/",
        f"/decisions/{decision.ext_id}/",
    ):
        response = page.goto(f"/{lang}{path}")
        assert response.status == 200, path
        if path == "/search/?q=arbitration":  # the factory agreement on arbitration is found
            assert page.locator("main a[href*='/agreements/']").count() >= 1
        try:
            assert_no_serious_axe_violations(page)
        except pytest.fail.Exception as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)
