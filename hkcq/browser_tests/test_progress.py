"""The two-key progress workflow in a real browser, by factory-made people of both sides on a
factory measure 1.1 led by their units, and the progress dashboard, checked with axe-core."""

from __future__ import annotations

import re

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in

# the people are factory-made (hkcq/accounts/tests/personas.py)
secretariat_hk = personas.secretariat_hk
secretariat_cq = personas.secretariat_cq
officer_cq = personas.officer_cq
unit_hk = personas.unit_hk
unit_cq = personas.unit_cq


@pytest.fixture(autouse=True)
def status_scale(transactional_db):
    """Live-server tests empty the database between tests, migration data included."""
    from hkcq.progress.loading import statuses_ensure

    statuses_ensure()


@pytest.fixture
def measure(unit_hk, unit_cq):  # noqa: F811
    """Measure 1.1, led by the test units of both sides (``officer_cq``'s for Chongqing)."""
    from hkcq.registry.tests.factories import MeasureFactory

    return MeasureFactory.create(code="1.1", lead_unit_hk=unit_hk, lead_unit_cq=unit_cq)


def switch_user(page, username: str, lang: str = "en") -> None:
    page.context.clear_cookies()
    sign_in(page, username, lang=lang, password=PASSWORD)


def open_queue_item(page, queue: str, code: str) -> None:
    page.goto(f"/en/progress/work/?queue={queue}")
    page.locator("main table a", has_text=code).first.click()
    page.wait_for_url(re.compile(r"/progress/updates/\d+/$"))


def test_hong_kong_update_is_returned_then_confirmed_and_published(
    bare_page,
    measure,
    secretariat_hk,  # noqa: F811
    secretariat_cq,  # noqa: F811
):
    page = bare_page
    sign_in(page, secretariat_hk.username, password=PASSWORD)
    page.goto(f"/en/measures/{measure.ext_id}/")
    page.get_by_role("link", name="Report progress").click()
    page.wait_for_url(re.compile(r"/updates/new/$"))
    assert_no_serious_axe_violations(page)
    page.select_option("select[name=status]", label="In progress")
    page.fill("input[name=percent]", "45")
    page.fill("textarea[name=public_narrative_0]", "Delegation visit held in the browser test")
    page.get_by_role("button", name="Save and submit for confirmation").click()
    page.wait_for_url(re.compile(r"/progress/updates/\d+/$"))
    update_url = page.url
    assert "Submitted" in page.locator("main").inner_text()

    # The other side's secretariat returns it with a reason; an empty reason is refused.
    switch_user(page, secretariat_cq.username)
    open_queue_item(page, "to_confirm", "1.1")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Return with this reason").click()
    assert "Say why the update is returned" in page.locator("main").inner_text()
    page.fill("textarea[name=reason]", "Please give the date of the visit")
    page.get_by_role("button", name="Return with this reason").click()
    page.wait_for_url(update_url)
    assert "Returned" in page.locator("main").inner_text()

    # The author sees the reason, fixes the update and submits it again.
    switch_user(page, secretariat_hk.username)
    open_queue_item(page, "returned", "1.1")
    assert "Please give the date of the visit" in page.locator("main").inner_text()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.fill("textarea[name=public_narrative_0]", "Delegation visit held on 3 June")
    page.get_by_role("button", name="Save and submit for confirmation").click()
    page.wait_for_url(update_url)

    switch_user(page, secretariat_cq.username)
    open_queue_item(page, "to_confirm", "1.1")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(update_url)
    assert "Confirmed" in page.locator("main").inner_text()

    switch_user(page, secretariat_hk.username)
    open_queue_item(page, "to_publish", "1.1")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(update_url)

    page.context.clear_cookies()
    page.goto(f"/en/measures/{measure.ext_id}/")
    section = page.locator("section.measure-progress")
    assert "Delegation visit held on 3 June" in section.inner_text()
    assert "45%" in section.inner_text()
    assert_no_serious_axe_violations(page)


def test_chongqing_officer_reports_and_both_secretariats_carry_it_to_the_public(
    bare_page,
    measure,
    officer_cq,  # noqa: F811
    secretariat_hk,  # noqa: F811
    secretariat_cq,  # noqa: F811
):
    page = bare_page
    sign_in(page, officer_cq.username, lang="zh-hans", password=PASSWORD)
    page.goto(f"/zh-hans/progress/measures/{measure.ext_id}/updates/new/")
    page.select_option("select[name=status]", label="大致完成")
    page.fill("textarea[name=public_narrative_2]", "已举办交流会")
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/progress/updates/\d+/$"))
    assert_no_serious_axe_violations(page)

    switch_user(page, secretariat_hk.username, lang="zh-hant")
    page.goto("/zh-hant/progress/work/?queue=to_confirm")
    page.locator("main table a", has_text="1.1").first.click()
    page.get_by_role("button", name="確認").click()
    page.wait_for_load_state()

    switch_user(page, secretariat_cq.username)
    open_queue_item(page, "to_publish", "1.1")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()

    page.context.clear_cookies()
    page.goto(f"/zh-hant/measures/{measure.ext_id}/")
    text = page.locator("section.measure-progress").inner_text()
    assert "已舉辦交流會" in text and "大致完成" in text


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_dashboard_is_accessible_and_readable_without_javascript(browser, bare_url, lang):
    """The dashboard of eleven factory-made areas (the plan's four, with its measures, and seven
    more with a measure each): its charts, and its table of one row per area, drawn without
    JavaScript."""
    from hkcq.registry.tests.factories import AreaFactory, MeasureFactory
    from hkcq.reporting.tests.factories import plan_make

    plan_make()
    for area in AreaFactory.create_batch(7):
        MeasureFactory.create(area=area)
    live_url = bare_url
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"/{lang}/progress/")
    assert page.locator("main svg[role=img]").count() == 2
    assert page.locator("main table caption").count() >= 1
    assert page.locator("main table tbody tr").count() == 11
    context.close()
    js_context = browser.new_context(base_url=live_url)
    js_context.set_default_timeout(15_000)
    js_page = js_context.new_page()
    js_page.goto(f"/{lang}/progress/")
    assert_no_serious_axe_violations(js_page)
    js_context.close()
