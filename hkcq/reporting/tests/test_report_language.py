"""The plenary report's PDF text and workbook in Chinese: dates in the language's one format
("2024年5月10日", never "2024-05-10"), real date cells in the workbook, and full-width brackets and
colons around the values ("合作伙伴关系：总数", "（2024年5月10日）")."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from hkcq.core.exports import xlsx_bytes
from hkcq.core.tests.test_rendered_wording import problems
from hkcq.registry.models import Decision, Milestone
from hkcq.reporting import pdf, reports, services
from hkcq.reporting.tests.helpers import open_cycle, plenary

ISO_DAY = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")


@pytest.fixture
def report(plan, secretariat_hk):
    measure = plan.measures[0]
    Milestone.objects.create(
        measure=measure,
        title={"en": "Pilot opened", "zh-hant": "試點啟用", "zh-hans": "试点启用"},
        planned_on=dt.date(2024, 3, 1),
        achieved_on=dt.date(2024, 4, 2),
    )
    Milestone.objects.create(
        measure=measure,
        title={"en": "Rules issued", "zh-hant": "發出規則", "zh-hans": "发出规则"},
        planned_on=dt.date(2024, 4, 20),
    )
    Decision.objects.filter(due_on__isnull=True).update(due_on=dt.date(2024, 9, 30))
    open_cycle()
    snapshot = services.close_cycle(open_cycle(), plenary(dt.date(2024, 11, 8), 91), secretariat_hk)
    first = reports.compare(snapshot.data, None)
    assert first["decisions"] and first["agreements_new"] and first["late"] is not None
    return first


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _texts(v)]
    return []


@pytest.mark.parametrize("lang", ["zh-hans", "zh-hant"])
def test_the_pdf_text_dates_and_punctuation_follow_the_language(report, lang):
    document = pdf.document(report, lang)
    texts = [t for key, v in document.items() if key not in {"fonts", "lang", "region"} for t in _texts(v)]
    iso = [t for t in texts if ISO_DAY.search(t)]
    assert not iso, iso
    assert document["cover"]["when"].startswith("2024年11月8日")
    assert any("2024年4月2日" in t for t in texts)  # the milestone met, in the language's format
    found = [p for t in texts for p in problems(t, lang)]
    assert not found, found


def test_the_pdf_in_english_gives_dates_as_words(report):
    document = pdf.document(report, "en")
    assert document["cover"]["when"].startswith("8 November 2024")
    texts = _texts(document)
    assert not [t for t in texts if ISO_DAY.search(t)]
    assert any("(2 April 2024)" in t for t in texts)


@pytest.mark.parametrize(("lang", "date_format"), [("zh-hans", "年"), ("en", "mmmm")])
def test_the_workbook_has_date_cells_not_iso_text(report, lang, date_format):
    from django.utils import translation

    with translation.override(lang):
        content = xlsx_bytes(reports.workbook_sheets(report, lang))
    workbook = load_workbook(io.BytesIO(content))
    text_dates = [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and ISO_DAY.search(cell.value)
    ]
    assert not text_dates, text_dates
    summary = workbook.worksheets[0]
    date_cell = next(row[1] for row in summary.iter_rows(min_row=2) if isinstance(row[1].value, dt.datetime))
    assert date_cell.value.date() == dt.date(2024, 11, 8)
    assert date_format in date_cell.number_format
    dated = [c for s in workbook.worksheets for row in s.iter_rows(min_row=2) for c in row if c.is_date]
    assert len(dated) > 1, "the decisions' due dates and the agreements' signing dates are date cells"
