"""Calendars, service levels, unit supervisors, statistics and the Open311 page in a real browser:
they render, their charts are drawn without JavaScript, and axe finds no serious violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in

# the secretariat member is factory-made (hkcq/accounts/tests/personas.py)
secretariat_hk = personas.secretariat_hk


@pytest.fixture
def some_cases(transactional_db):
    """Rated cases of a factory-made unit, the calendars' days and the service levels."""
    from hkcq.calendars.loading import calendars_load
    from hkcq.enquiries.models import Enquiry
    from hkcq.enquiries.references import reference_make
    from hkcq.enquiries.tests.factories import service_levels_ensure
    from hkcq.registry.tests.factories import UnitFactory

    calendars_load()
    service_levels_ensure()
    unit = UnitFactory.create(side="hong_kong")
    now = timezone.now()
    for n, language in enumerate(["en", "zh-hant", "zh-hans", "zh-hant"], start=1):
        received = now - timedelta(days=10 + n)
        Enquiry.objects.create(
            reference=reference_make(now.year, 900 + n),
            token=f"browser-{n}",
            question=f"Question {n}?",
            email=f"r{n}@example.org",
            consent_at=received,
            content_digest=f"browser-{n}",
            received_at=received,
            assigned_unit=unit,
            language=language,
            acknowledged_at=received + timedelta(hours=n * 20),
            acknowledge_due=received + timedelta(days=2),
            service_rating=n + 1,
            outcome_rating=n,
            rated_at=now,
        )


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_public_pages(bare_page, some_cases, lang):
    page = bare_page
    for path in (
        "calendars/?side=chongqing&year=2025",
        "calendars/service-levels/",
        "enquiries/statistics/",
    ):
        page.goto(f"/{lang}/{path}")
        assert page.locator("h1").count() == 1
        assert_no_serious_axe_violations(page)
    page.goto(f"/{lang}/enquiries/statistics/")
    assert page.locator("svg[role=img]").count() == 4
    assert page.locator("svg[role=img] rect").first.bounding_box()["width"] > 0


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_open311_page_describes_every_service(bare_page, lang):
    page = bare_page
    page.goto(f"/{lang}/open311/")
    assert page.locator("h1").count() == 1
    for code in ("enquiry", "suggestion"):
        section = page.locator(f"section[aria-labelledby=service-{code}]")
        assert section.locator("h3").is_visible() and section.locator("table tbody tr").count() >= 5
    assert_no_serious_axe_violations(page)


def test_secretariat_pages(bare_page, some_cases, secretariat_hk):  # noqa: F811
    page = bare_page
    sign_in(page, secretariat_hk.username, password=PASSWORD)
    for path in (
        "/en/calendars/?side=hong_kong&year=2026",
        "/en/calendars/days/new/?side=hong_kong",
        "/en/calendars/service-levels/normal/edit/",
        "/en/calendars/supervisors/",
        "/en/enquiries/statistics/full/",
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_no_serious_axe_violations(page)
    # Adding a day through the form, as a person would.
    page.goto("/en/calendars/days/new/?side=hong_kong")
    page.fill("#id_date", "2026-09-15")
    page.fill("input[name=name_0]", "Typhoon day")
    page.click("main form[method=post] button[type=submit]")
    assert "Typhoon day" in page.content()


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_statistics_fit_a_phone(bare_page, some_cases, lang):
    """At 390 px the page does not scroll sideways (a wide table scrolls inside its own box),
    and the period fields show the period the figures are for."""
    page = bare_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/{lang}/enquiries/statistics/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    today = timezone.localdate()
    assert page.input_value("#id_end") == today.isoformat()
    assert page.input_value("#id_start") == (today.replace(year=today.year - 1) + timedelta(days=1)).isoformat()
