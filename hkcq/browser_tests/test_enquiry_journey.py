"""The consulting service as people use it: a resident asks, still needs help, files an
enquiry; an officer accepts, answers citing an entry and raises the priority; the resident
reads it by the private link and rates the service. No serious accessibility violation on any
page on the way."""

from __future__ import annotations

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in
from hkcq.kb.tests.factories import PERMIT_RENEWAL

# the officer is factory-made (hkcq/accounts/tests/personas.py), and so are the entries the
# resident finds and the officer cites (kb factories, citable_entries_make)
officer_hk = personas.officer_hk
unit_hk = personas.unit_hk

QUESTION = {"en": "How do I renew my Home Return Permit?", "zh-hant": "我想renew個回鄉證", "zh-hans": "回乡证怎么续期"}


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_ask_enquire_reply_rate(bare_page, browser, live_server, officer_hk, unit_hk, lang):  # noqa: F811
    from hkcq.enquiries.models import Enquiry
    from hkcq.enquiries.tests.factories import service_levels_ensure
    from hkcq.kb.tests.factories import citable_entries_make

    page = bare_page
    service_levels_ensure()  # the deadlines of a routed case
    citable_entries_make(unit_hk)  # the permit renewal entry, of the unit a case about it goes to

    # The resident asks and still needs help.
    page.goto(f"/{lang}/help/ask/")
    page.locator("main input[name=q]").fill(QUESTION[lang])
    page.locator("main form[role=search] button[type=submit]").click()
    page.locator("#answers a[href*='/enquiries/new/']").first.wait_for()
    assert_no_serious_axe_violations(page)
    page.locator("#answers a[href*='/enquiries/new/']").first.click()
    page.wait_for_url("**/enquiries/new/**")
    assert page.locator("textarea[name=question]").input_value() == QUESTION[lang]
    assert_no_serious_axe_violations(page)

    # The form without consent is refused, keeping what was typed.
    page.fill("input[name=email]", "resident@example.org")
    page.locator("main form button[type=submit]").click()
    assert page.locator("input[name=consent][aria-invalid=true]").count() == 1
    assert page.locator("textarea[name=question]").input_value() == QUESTION[lang]
    page.check("input[name=consent]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/received/#main")  # success lands at the top, not at #error-summary
    reference = page.locator(".reference").inner_text()
    tracking = page.locator("a.tracking-link").get_attribute("href")
    assert_no_serious_axe_violations(page)
    case = Enquiry.objects.get(reference=reference)
    assert case.assigned_unit is not None and case.language == lang

    # An officer of the unit it was routed to answers, citing an entry.
    officer_hk.units.add(case.assigned_unit)
    staff_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    sign_in(staff, officer_hk.username, lang=lang, password=PASSWORD)
    staff.goto(f"/{lang}/enquiries/queue/")
    staff.locator(f"a:text('{reference}')").click()
    assert_no_serious_axe_violations(staff)
    staff.locator("form[action$='/accept/'] button").click()
    staff.fill("textarea[name=body] >> nth=0", "Renew it at the exit-entry office; see the entry.")
    staff.check(f"#cite-{PERMIT_RENEWAL}")  # suggested from the question
    staff.locator("form[action$='/reply/'] button[type=submit]:not([name])").click()  # send, not a draft step
    staff.wait_for_load_state()
    # ... and raises its priority, with the reason, which the case history then shows.
    staff.select_option("select[name=priority]", "high")
    staff.fill("#priority_reason", "The permit expires next week.")
    staff.locator("form[action$='/priority/'] button[type=submit]").click()
    staff.wait_for_load_state()
    assert "The permit expires next week." in staff.locator(".case-history").inner_text()
    assert_no_serious_axe_violations(staff)

    # The resident reads the reply with the cited entry linked.
    page.goto(tracking)
    assert "Renew it at the exit-entry office" in page.locator(".conversation").inner_text()
    assert page.locator(f".citations a[href='/{lang}/help/entries/{PERMIT_RENEWAL}/']").count() == 1
    assert_no_serious_axe_violations(page)

    # The officer closes the case; the resident rates it, once.
    staff.select_option("select[name=outcome]", "answered")
    staff.locator("form[action$='/close/'] button[type=submit]").click()  # not yet confirmed: refused
    staff.wait_for_load_state()
    assert staff.locator("#close_confirm_error").count() == 1
    staff.check("#close_confirm")
    staff.locator("form[action$='/close/'] button[type=submit]").click()
    staff.wait_for_load_state()
    staff_context.close()
    page.goto(tracking)
    page.check("input[name=service][value='4']")
    page.check("input[name=outcome][value='5']")
    assert_no_serious_axe_violations(page)
    page.locator("form[action*='/rate/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=service]").count() == 0
    case.refresh_from_db()
    assert (case.status, case.service_rating, case.outcome_rating) == ("closed", 4, 5)
