"""Open data, the spreadsheet import and the plenary reports in a real browser, checked with axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in

# the secretariat members are factory-made (hkcq/accounts/tests/personas.py)
secretariat_hk = personas.secretariat_hk
secretariat_cq = personas.secretariat_cq


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_open_data_page(bare_page, lang):
    page = bare_page
    page.goto(f"/{lang}/open-data/")
    assert page.locator("h1").count() == 1
    assert page.locator("a[href$='/open-data/measures.csv']").count() == 1
    page.locator("details summary").first.click()
    assert_no_serious_axe_violations(page)


def test_secretariat_imports_a_file_through_preview_and_confirmation(bare_page, secretariat_hk, tmp_path):  # noqa: F811
    from hkcq.registry.models import Measure
    from hkcq.registry.tests.factories import AreaFactory

    page = bare_page
    area = AreaFactory.create()
    upload = tmp_path / "measures.csv"
    upload.write_text(f"id,area,title_en,title_zh_hant\nbrowser-1,{area.ext_id},Imported in a browser,瀏覽器匯入\n")
    sign_in(page, secretariat_hk.username, password=PASSWORD)
    page.goto("/en/import/")
    assert_no_serious_axe_violations(page)
    page.select_option("select[name=kind]", "import_measures")
    page.set_input_files("input[name=file]", str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/import/[0-9a-f-]+/$"))
    assert "1 to create" in page.locator("main").inner_text()
    assert not Measure.objects.filter(ext_id="browser-1").exists()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Confirm and apply").click()
    page.wait_for_load_state()
    assert "Applied: 1 created" in page.locator("main").inner_text()
    assert Measure.objects.get(ext_id="browser-1").title.zh_hans == "浏览器汇入"


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_close_a_cycle_and_read_the_report(bare_page, secretariat_cq, lang):  # noqa: F811
    from hkcq.progress.loading import statuses_ensure
    from hkcq.progress.models import ReportingCycle
    from hkcq.registry.models import Meeting
    from hkcq.reporting.tests.factories import plan_make

    page = bare_page
    statuses_ensure()  # the status scale, emptied by an earlier live-server test
    plan = plan_make()  # the plan of co-operation the report is about, and its first plenary
    ReportingCycle.objects.create(name={"en": "First cycle"}, opens_on=dt.date(2023, 5, 11))
    meeting = Meeting.objects.create(
        mechanism=plan.meeting.mechanism,
        ext_id="plenary-2",
        kind=Meeting.Kind.PLENARY,
        title={"en": "Second plenary", "zh-hant": "第二次全體會議"},
        date=dt.date(2024, 5, 10),
    )
    sign_in(page, secretariat_cq.username, lang, password=PASSWORD)
    page.goto(f"/{lang}/reports/close-cycle/")
    assert_no_serious_axe_violations(page)
    page.select_option("select[name=meeting]", value=str(meeting.pk))
    page.check("input[name=confirm]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    assert page.locator("h1").count() == 1
    assert_no_serious_axe_violations(page)
    page.goto(f"/{lang}/reports/")
    assert page.locator("main table a[href*='/reports/']").count() == 1
    assert_no_serious_axe_violations(page)


def test_the_import_job_page_at_390_px_with_an_error_row(bare_page, secretariat_hk, tmp_path):  # noqa: F811
    """A checked file with a row in error (the danger row's id in <code>) and, once a good file
    is applied, the page saying what happened: no serious axe violation at phone width
    (colour contrast of the code on the tinted row)."""
    from hkcq.registry.tests.factories import AreaFactory

    area = AreaFactory.create()
    page = bare_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, secretariat_hk.username, password=PASSWORD)
    for name, text in (
        ("bad.csv", f"id,area,title_en\nphone-ok,{area.ext_id},Fine\nphone-bad,no-such-area,Broken\n"),
        ("good.csv", f"id,area,title_en,planned_end\nphone-1,{area.ext_id},Imported on a phone,2027-06-30\n"),
    ):
        upload = tmp_path / name
        upload.write_text(text)
        page.goto("/en/import/")
        page.select_option("select[name=kind]", "import_measures")
        page.set_input_files("input[name=file]", str(upload))
        page.get_by_role("button", name="Check the file").click()
        page.wait_for_url(re.compile(r"/import/[0-9a-f-]+/$"))
        page.wait_for_selector("main table")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Confirm and apply").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "What happened" in main and "What would happen" not in main and "Planned end" in main
    assert_no_serious_axe_violations(page)
