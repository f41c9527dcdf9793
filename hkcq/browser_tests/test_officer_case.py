"""The officer's case page as an officer uses it: a canned reply is added to what they typed
without the page reloading (htmx) and, without JavaScript, after a reload that keeps the draft;
entries to cite are suggested from the question and found by a search; on a phone the buttons
keep their distance from the headings. No serious accessibility violation on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in
from hkcq.kb.tests.factories import LEGAL_AID, PERMIT_RENEWAL

# the officer is factory-made (hkcq/accounts/tests/personas.py), and so are the entries a case
# about the permit is routed by and cites (kb factories, citable_entries_make) and the canned
# replies (enquiries factories, canned_replies_make)
officer_hk = personas.officer_hk
unit_hk = personas.unit_hk


@pytest.fixture
def case(transactional_db, officer_hk, unit_hk):  # noqa: F811
    from hkcq.enquiries import services
    from hkcq.enquiries.tests.factories import canned_replies_make, service_levels_ensure
    from hkcq.kb.tests.factories import citable_entries_make

    service_levels_ensure()  # the deadlines of a routed case
    citable_entries_make(unit_hk)  # the permit renewal entry, of the officer's unit, and legal aid
    canned_replies_make()  # "We need more information" among them
    enquiry = services.enquiry_submit(
        filing=services.Filing(
            question="How do I renew my Home Return Permit?", email="wong@example.org", consent=True, language="zh-hant"
        )
    ).enquiry
    assert enquiry.assigned_unit == unit_hk  # the officer's unit
    return enquiry


def test_canned_reply_and_citations_with_htmx(bare_page, officer_hk, case):  # noqa: F811
    from hkcq.enquiries.models import Message

    page = bare_page
    sign_in(page, officer_hk.username, password=PASSWORD)
    page.goto(f"/en/enquiries/case/{case.reference}/")
    page.locator("form[action$='/accept/'] button").click()
    page.wait_for_load_state()
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    page.fill("#reply_body", "Dear Mr Wong,")
    page.select_option("#canned-choice", label="We need more information")
    page.locator("button[value=canned]").click()
    # expect() polls from Playwright's side: a string predicate in wait_for_function is evaluated
    # in the page, which the Content-Security-Policy (no eval) refuses once the answer is slow.
    expect(page.locator("#reply-status")).to_contain_text("has been added")
    body = page.locator("#reply_body").input_value()
    assert body.startswith("Dear Mr Wong,\n\n為回覆你的查詢，我們需要更多資料")  # the resident's language
    assert page.evaluate("window.__sameDocument === true")

    # Suggested from the question; others found by typing, and Enter does not send the form.
    suggested = page.locator(".citation-suggested input[name=citations]")
    assert suggested.count() >= 1
    assert page.locator(".citation-suggested label", has_text="Renewing your Mainland Travel Permit").count() == 1
    page.check(f"#cite-{PERMIT_RENEWAL}")
    page.fill("#cite-q", "legal aid")
    page.locator("#cite-q").press("Enter")
    page.locator(f".citation-found #cite-{LEGAL_AID}").wait_for()
    assert page.evaluate("window.__sameDocument === true")
    assert page.locator(f"#cite-{PERMIT_RENEWAL}").is_checked()  # still chosen after the search
    page.check(f"#cite-{LEGAL_AID}")
    assert page.locator("#reply_body").input_value() == body
    assert_no_serious_axe_violations(page)

    # Sent with the canned reply's placeholder still in it: refused, the text and citations kept.
    page.locator("#reply-form button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    assert "Fill in or remove what is in brackets" in page.locator("#reply-form").inner_text()
    assert page.locator("#reply_body").input_value() == body
    assert page.locator(f"#cite-{LEGAL_AID}").is_checked()
    assert not Message.objects.filter(enquiry=case, kind="reply").exists()
    assert_no_serious_axe_violations(page)
    filled = re.sub(r"【[^】]*】", "你持有的證件類別及有效期", body)
    page.fill("#reply_body", filled)
    page.locator("#reply-form button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    reply = Message.objects.get(enquiry=case, kind="reply")
    assert "【" not in reply.body
    assert reply.body.startswith("Dear Mr Wong,") and reply.citations == [PERMIT_RENEWAL, LEGAL_AID]
    assert "Replied to the resident." in page.locator(".case-history").inner_text()


def test_canned_reply_and_search_without_javascript(browser, bare_url, officer_hk, case):  # noqa: F811
    from hkcq.enquiries import services

    services.enquiry_accept(user=officer_hk, enquiry=case)
    context = browser.new_context(base_url=bare_url, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        sign_in(page, officer_hk.username, lang="zh-hans", password=PASSWORD)
        page.goto(f"/zh-hans/enquiries/case/{case.reference}/")
        page.fill("#reply_body", "黄先生：")
        page.check("#reply_wait_for_resident")
        page.select_option("#canned-choice", label="需要更多信息")
        page.locator("button[value=canned]").click()
        page.wait_for_load_state()
        assert (
            page.locator("#reply_body").input_value().startswith("黄先生：\n\n為回覆你的查詢")
        )  # the resident reads Traditional
        assert page.locator("#reply_wait_for_resident").is_checked()
        assert "已把“需要更多信息”加到你的回复末尾。" in page.locator("#reply-status").inner_text()
        page.fill("#cite-q", "法律援助")
        page.locator("button[value=find]").click()
        page.wait_for_load_state()
        assert page.locator(f".citation-found input[value={LEGAL_AID}]").count() == 1
        assert page.locator("#reply_body").input_value().startswith("黄先生：")
        assert not case.messages.exists()
    finally:
        context.close()


def test_case_page_on_a_phone(bare_page, officer_hk, case):  # noqa: F811
    page = bare_page
    sign_in(page, officer_hk.username, lang="zh-hant", password=PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/zh-hant/enquiries/case/{case.reference}/")
    button = page.locator("form[action$='/note/'] button").bounding_box()
    heading = page.locator(".case-sidebar h2").first.bounding_box()
    assert button and heading and heading["y"] - (button["y"] + button["height"]) >= 16
    # The queue is in the menu.
    page.locator(".navbar-toggler").click()
    page.locator("#main-nav a[href='/zh-hant/enquiries/queue/']").wait_for(state="visible")
    assert_no_serious_axe_violations(page)
