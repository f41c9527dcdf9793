"""Suggestions in a real browser: a resident submits (seeing similar ones as they type), a
moderator approves and answers, the answer shows publicly; axe-core on every page."""

from __future__ import annotations

import re

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in

# the moderators and the officer are factory-made (hkcq/accounts/tests/personas.py)
secretariat_hk = personas.secretariat_hk
secretariat_cq = personas.secretariat_cq
officer_hk = personas.officer_hk


@pytest.fixture
def quick_forms(settings):
    settings.SUGGESTION_MIN_FILL_SECONDS = 0


def _published_permit_suggestion(moderator):
    from hkcq.suggestions import services

    s = services.suggestion_submit(
        user=None, title="回鄉證續期", text="希望可以在重慶辦理回鄉證續期", language="zh-hant"
    )
    title, text = services.redaction_proposal(s)
    return services.suggestion_approve(
        user=moderator, suggestion=s, public_title=title, public_text=text, area=s.suggested_area
    )


def test_submit_moderate_respond(bare_page, quick_forms, secretariat_hk, secretariat_cq):  # noqa: F811
    page = bare_page
    existing = _published_permit_suggestion(secretariat_cq)
    page.goto("/en/suggestions/new/")
    assert_no_serious_axe_violations(page)
    page.fill("#id_title", "Renew the Home Return Permit in Chongqing")
    page.fill("#id_text", "Please let us renew the Home Return Permit in Chongqing. My phone is 9123 4567.")
    # As they type, similar published suggestions appear (htmx), offering support instead.
    page.wait_for_selector(f"#similar-panel a[href$='/suggestions/{existing.reference}/']")
    assert "Support this instead" in page.locator("#similar-panel").inner_text()
    page.check("#id_consent")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/suggestions/track/"))
    assert_no_serious_axe_violations(page)
    reference = re.search(r"SG-\d{6}-\d", page.locator("h1").inner_text()).group(0)
    # Not public before approval.
    assert page.goto(f"/en/suggestions/{reference}/").status == 404

    sign_in(page, secretariat_hk.username, password=PASSWORD)
    page.goto(f"/en/suggestions/moderation/{reference}/")
    assert_no_serious_axe_violations(page)
    public_text = page.locator("#id_approve-public_text").input_value()
    assert "9123 4567" not in public_text and "▇▇▇" in public_text
    page.locator("form:has(input[name=action][value=approve]) button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/moderation/{reference}/$"))
    page.select_option("#id_respond-status", "adopted")
    page.fill("textarea[name=respond-response_0]", "Adopted: renewal counters open in Chongqing.")
    page.fill("textarea[name=respond-response_1]", "採納：在重慶設立續期櫃檯。")
    page.locator("form:has(input[name=action][value=respond]) button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/moderation/{reference}/$"))
    assert "Response or status set" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)

    page.goto(f"/zh-hant/suggestions/{reference}/")
    main = page.locator("main").inner_text()
    assert "在重慶設立續期櫃檯" in main and "9123 4567" not in main
    assert_no_serious_axe_violations(page)
    page.goto("/zh-hans/suggestions/you-said-we-did/")
    assert "在重庆设立续期柜台" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)


def test_support_and_digest_pages(bare_page, secretariat_cq, officer_hk):  # noqa: F811
    page = bare_page
    existing = _published_permit_suggestion(secretariat_cq)
    page.goto(f"/en/suggestions/{existing.reference}/")
    page.get_by_role("button", name="Support this suggestion").click()
    page.wait_for_load_state()
    assert "your support is counted" in page.locator("main").inner_text()
    assert "2 voices" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
    sign_in(page, officer_hk.username, password=PASSWORD)
    page.goto("/en/suggestions/digest/?start=2020-01-01&end=2099-12-31")
    assert page.locator("#digest-total").inner_text().strip() == "1"
    assert_no_serious_axe_violations(page)
