"""Personal data as people meet it in the browser: finding an enquiry puts no e-mail address in
the URL; the tracking page and the gaps page show identity card and phone numbers masked. No
serious accessibility violation on the way."""

from __future__ import annotations

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in

# the gaps page's secretariat member is factory-made (hkcq/accounts/tests/personas.py)
secretariat_hk = personas.secretariat_hk

PHONE = "9123 4567"
HKID = "A123456(7)"


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_find_an_enquiry_without_the_address_in_the_url(bare_page, lang):
    from hkcq.enquiries import services
    from hkcq.enquiries.tests.factories import service_levels_ensure

    page = bare_page
    service_levels_ensure()  # the deadlines of a filed enquiry
    case = services.enquiry_submit(
        filing=services.Filing(
            question=f"How do I renew my permit? HKID {HKID}, phone {PHONE}",
            email="resident@example.org",
            consent=True,
            language=lang,
        )
    ).enquiry
    page.goto(f"/{lang}/enquiries/find/")
    assert_no_serious_axe_violations(page)
    page.fill("input[name=reference]", case.reference)
    page.fill("input[name=email]", "someone@else.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    # The same answer whether or not they match (the link goes by e-mail), and no address in
    # the URL.
    page.wait_for_url("**/enquiries/find/#main")
    assert "@" not in page.url and "email" not in page.url and case.token not in page.content()
    assert page.locator("main .alert").count() == 1
    assert_no_serious_axe_violations(page)
    page.goto(case.get_tracking_url().replace("/en/", f"/{lang}/"))
    question = page.locator(".question").inner_text()
    assert "How do I renew my permit?" in question and PHONE not in question and HKID not in question
    assert_no_serious_axe_violations(page)


def test_gaps_page_shows_masked_questions_and_plain_labels(bare_page, secretariat_hk):  # noqa: F811
    from hkcq.kb.services import gap_record
    from hkcq.kb.tests.factories import everyday_entries_make

    page = bare_page
    everyday_entries_make()  # a knowledge base in which "Chongqing" is too general a word for a label
    gap_record(f"What is the weather like in Chongqing in winter? Call me on {PHONE}", "en", "ask")
    gap_record("我想带宠物猫到重庆怎么办", "zh-hans", "ask")
    sign_in(page, secretariat_hk.username, lang="zh-hant", password=PASSWORD)
    page.goto("/zh-hant/help/gaps/")
    text = page.locator("main").inner_text()
    assert "▇▇▇" in text and PHONE not in text
    headings = " ".join(page.locator("main h2").all_inner_texts())
    assert "寵物貓" in headings and "重庆" not in headings and "重慶" not in headings
    assert_no_serious_axe_violations(page)
