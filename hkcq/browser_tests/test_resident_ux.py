"""What a resident notices in the browser: after a refused form they land on what to correct (on
a phone too, with or without JavaScript); the question they asked stays with them across the
answers, a change of language and "I still need help"; the keyboard focus is never dropped."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hkcq.browser_tests.conftest import assert_no_serious_axe_violations

PHONE = {"width": 390, "height": 844}
QUESTION = "我想renew個回鄉證"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_enquiry_lands_on_its_errors_on_a_phone(browser, bare_url, javascript):
    # Reduced motion: Bootstrap scrolls smoothly otherwise, and the test would catch it halfway.
    context = browser.new_context(
        base_url=bare_url, viewport=PHONE, java_script_enabled=javascript, reduced_motion="reduce"
    )
    try:
        page = context.new_page()
        page.goto("/zh-hant/enquiries/new/")
        page.fill("textarea[name=question]", QUESTION)
        page.fill("input[name=email]", "not-an-email")
        page.check("input[name=consent]")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.url.endswith("/zh-hant/enquiries/new/#error-summary")
        summary = page.locator("#error-summary")
        assert "請輸入有效的電郵地址，以便我們回覆你。" in summary.inner_text()
        # On the first screen (the browser scrolls to it once the page has loaded): the summary
        # and its first problem in full, not 860 px below.
        expect(summary.locator("li").first).to_be_in_viewport(ratio=1)
        page.wait_for_function("Math.abs(document.getElementById('error-summary').getBoundingClientRect().top) < 2")
        assert page.locator("input[name=email].is-invalid").count() == 1
        assert page.locator("textarea[name=question]").input_value() == QUESTION
        if javascript:
            assert page.evaluate("document.activeElement.id") == "error-summary"
            assert_no_serious_axe_violations(page)
    finally:
        context.close()


def test_the_question_survives_htmx_a_change_of_language_and_i_still_need_help(bare_page):
    from hkcq.kb.tests.factories import citable_entries_make

    page = bare_page
    citable_entries_make()  # the permit renewal entry answers the question
    page.goto("/zh-hant/help/ask/")
    page.locator("#id_q").fill(QUESTION)
    page.locator("main form[role=search] button[type=submit]").click()
    page.locator("#answers h3 a").first.wait_for()
    assert "/zh-hant/help/ask/?q=" in page.url  # htmx pushed the address
    english = page.locator("#language-switcher a[hreflang=en]")
    assert "/en/help/ask/?q=" in (english.get_attribute("href") or "")
    assert_no_serious_axe_violations(page)

    english.click()
    page.wait_for_url("**/en/help/ask/?q=*")
    assert page.locator("#id_q").input_value() == QUESTION
    page.locator("#answers h3 a").first.click()
    page.wait_for_url("**/en/help/entries/**")
    assert_no_serious_axe_violations(page)
    page.locator("main a.btn", has_text="I still need help").click()
    page.wait_for_url("**/en/enquiries/new/?q=*")
    assert page.locator("textarea[name=question]").input_value() == QUESTION


def test_this_answered_my_question_moves_the_focus_to_the_thanks(bare_page):
    from hkcq.kb.tests.factories import everyday_entries_make

    page = bare_page
    everyday_entries_make()  # "Converting a driving licence" among them
    page.goto("/en/help/ask/?q=driving+licence")
    button = page.locator("#answers button", has_text="This answered my question").first
    button.focus()
    page.keyboard.press("Enter")
    thanks = page.locator("#answers .feedback-thanks")
    thanks.wait_for()
    # htmx moves the focus (autofocus) once the swap settles, a moment after the thanks appears.
    expect(thanks).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('feedback-thanks')")
    assert "Thank you" in thanks.inner_text()
    assert_no_serious_axe_violations(page)
