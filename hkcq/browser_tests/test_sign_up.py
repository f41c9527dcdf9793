"""Sign-up in a real browser (issue 11, issue 13's "each create a profile" as new users): from the
partnering page to the sign-up form (its error summary first), the e-mail's confirmation link,
sign-in with the e-mail address, and the profile form pre-filled with the organisation named at
sign-up — at 1280 px and at 390 px, in English and in Traditional and Simplified Chinese, with
axe-core on every page (no serious or critical violations)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hkcq.browser_tests.conftest import assert_no_serious_axe_violations

PASSWORD = "harbour-lantern-2026"
CASES = [
    # width, language, organisation, side, e-mail
    (1280, "en", "Example Chongqing Logistics (browser test)", "chongqing", "li.ming@cq-logistics.example"),
    (390, "zh-hant", "示例香港供應鏈金融（瀏覽器測試）", "hong_kong", "chan.taiman@hk-finance.example"),
    (390, "zh-hans", "示例重庆物流（浏览器测试）", "chongqing", "wang.fang@cq-freight.example"),
]


def _submit(page: Any) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize(("width", "lang", "organisation", "side", "email"), CASES)
def test_sign_up_confirm_sign_in_and_create_the_profile(
    bare_page: Any, mailoutbox: Any, width: int, lang: str, organisation: str, side: str, email: str
) -> None:
    from hkcq.core.models import OutgoingEmail
    from hkcq.partnering.models import Membership
    from hkcq.partnering.tests.factories import freight_forwarding

    page = bare_page
    sector = freight_forwarding()  # a sector under its parent, for the profile form
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.set_default_timeout(60_000)  # the first page of a live server loads the search dictionaries
    page.goto(f"/{lang}/partnering/")
    page.locator(f"main a[href='/{lang}/partnering/sign-up/']").first.click()
    page.wait_for_url(f"**/{lang}/partnering/sign-up/")
    assert_no_serious_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # an empty form: the summary lists every problem with its field, and nothing is lost
    page.fill("input[name=organisation_name]", organisation)
    _submit(page)
    summary = page.locator("#error-summary")
    assert summary.count() == 1 and summary.locator("li").count() >= 4
    assert page.input_value("input[name=organisation_name]") == organisation
    assert_no_serious_axe_violations(page)

    page.fill("input[name=name]", "Test Person")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_again]", PASSWORD)
    page.check(f"input[name=language][value={lang}]")
    page.check(f"input[name=organisation_side][value={side}]")
    _submit(page)
    page.wait_for_url(f"**/{lang}/account/sign-up/sent/")
    assert_no_serious_axe_violations(page)

    # not yet: the address is not confirmed
    page.goto(f"/{lang}/account/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    assert "/account/sign-in/" in page.url and page.locator("a[href$='/account/sign-up/confirm-again/']").count()
    assert_no_serious_axe_violations(page)

    # exactly one e-mail, through the outbox (sent by the worker, which erases the stored body)
    assert OutgoingEmail.objects.filter(to=[email]).count() == 1
    [mail] = [m for m in mailoutbox if m.to == [email]]
    path = re.search(r"https?://[^/]+(/\S+/sign-up/confirm/\S+/)", mail.body).group(1)
    page.goto(path)
    assert_no_serious_axe_violations(page)
    _submit(page)
    assert_no_serious_axe_violations(page)
    page.locator("main a.btn-primary").click()  # sign in, then on to the profile form
    page.wait_for_load_state()
    page.fill("input[name=username]", email.upper())
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    page.wait_for_url(f"**/{lang}/partnering/organisations/new/")
    assert_no_serious_axe_violations(page)
    names = page.locator("input[name^=name_]")
    assert organisation in [names.nth(i).input_value() for i in range(names.count())]
    assert page.is_checked(f"input[name=side][value={side}]")

    page.select_option("select[name=kind]", "enterprise")
    page.select_option("select[name=sector]", str(sector.pk))
    page.select_option("select[name=size]", "small")
    page.fill("input[name=city_0]", "Chongqing" if side == "chongqing" else "Hong Kong")
    page.fill("textarea[name=description_0]", "A made-up firm for the browser test.")
    _submit(page)
    page.wait_for_url(re.compile(r"/partnering/organisations/\d+/$"))
    assert_no_serious_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    membership = Membership.objects.select_related("profile", "user").get(user__email=email)
    assert not membership.profile.is_verified and membership.user.role == "org_member"
