"""Spreadsheets are read within limits, before and while they are parsed (hkcq/core/sheets.py)."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from hkcq.core.errors import InvalidInput
from hkcq.core.sheets import Budget, xlsx_check, xlsx_rows


def small_workbook(rows=(("id", "area"), ("m-1", "a-1"))) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet is replaced by ``sheet_xml`` (deflated)."""
    source = zipfile.ZipFile(io.BytesIO(small_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def identical_rows(count: int) -> bytes:
    row = b'<row><c t="inlineStr"><is><t>same</t></is></c><c t="inlineStr"><is><t>same</t></is></c></row>'
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row * count
        + b"</sheetData></worksheet>"
    )


def test_a_zip_bomb_of_identical_rows_is_refused_before_it_is_parsed():
    bomb = with_sheet(identical_rows(60_000))  # ~6 MB of XML in a few kB
    member = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/worksheets/sheet1.xml")
    assert member.file_size / member.compress_size > 258
    with pytest.raises(InvalidInput, match="compressed far more than a real spreadsheet"):
        xlsx_check(io.BytesIO(bomb))
    with pytest.raises(InvalidInput, match="compressed far more"):
        list(xlsx_rows(io.BytesIO(bomb)))


def test_a_workbook_too_large_once_decompressed_is_refused(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 50_000
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    with pytest.raises(InvalidInput, match="more than 1 MB once decompressed"):
        xlsx_check(io.BytesIO(with_sheet(identical_rows(2_000))))


def test_an_ordinary_workbook_passes_and_its_rows_are_read():
    rows = list(xlsx_rows(io.BytesIO(small_workbook())))
    assert rows == [["id", "area"], ["m-1", "a-1"]]


def test_a_file_that_is_not_a_zip_is_not_a_workbook():
    with pytest.raises(InvalidInput, match="not a readable Excel workbook"):
        list(xlsx_rows(io.BytesIO(b"id,area\nm-1,a-1\n")))


def test_rows_over_the_limit_stop_the_reading(settings):
    settings.IMPORT_MAX_ROWS = 100
    book = small_workbook([("id", "area")] + [(f"m-{i}", "a") for i in range(150)])
    with pytest.raises(InvalidInput, match="more than 100 rows"):
        list(xlsx_rows(io.BytesIO(book)))


def test_cells_over_the_limit_stop_the_reading_and_empty_rows_count(settings):
    settings.IMPORT_MAX_CELLS = 1000
    budget = Budget()
    with pytest.raises(InvalidInput, match="more than 1000 cells"):
        for _row in budget.rows_of([[]] * 5000):  # a sheet of empty rows far down is still work
            pass
    assert budget.cells == 1001


def test_a_sheet_with_rows_far_down_is_stopped_by_the_cell_budget(settings):
    settings.IMPORT_MAX_CELLS = 10_000
    sheet = identical_rows(1).replace(b"<row>", b'<row r="1">') + b""
    far = sheet.replace(b"</sheetData>", b'<row r="1000000"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    with pytest.raises(InvalidInput, match="cells"):
        list(xlsx_rows(io.BytesIO(with_sheet(far))))
