"""Documents for download: PDF (WeasyPrint or Typst), XLSX (openpyxl) and CSV, shared by every app.

A PDF is rendered from a template that extends ``core/print_base.html``, which sets the
page size, page numbers and the Noto CJK font for the active language, so Chinese text
comes out with the right glyphs (fonts-noto-cjk, docs/deploy.md). A long document (the
plenary report) is typeset by Typst instead (``typst_pdf``): some ten times faster on tables
of a thousand rows (docs/decisions/0012-report-pdf-typst.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[Any]
# A text cell starting with one of these is read as a formula (or its start) by spreadsheet
# programs: "=HYPERLINK(...)" in a suggestion's title would run in the reader's Excel. Every CSV
# and XLSX the platform writes goes through csv_text() or xlsx_bytes(), which neutralise them here.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text that would start a formula, made inert with a leading apostrophe (OWASP's advice
    for CSV); numbers, dates and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def render_pdf(template: str, context: Mapping[str, Any], request: HttpRequest | None = None) -> bytes:
    """The PDF of ``template`` rendered with ``context`` (in the active language)."""
    html = render_to_string(template, dict(context), request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return html_to_pdf(html, base_url)


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    from weasyprint import HTML  # local import: loading Pango is slow and only PDFs need it

    return HTML(string=html, base_url=base_url).write_pdf()


_TYPST_LOCK = threading.Lock()
_TYPST_FONTS: Any = None


def typst_pdf(template: Path, data: Mapping[str, Any]) -> bytes:
    """The PDF of the Typst ``template`` given ``data``, which it reads as JSON from
    ``sys.inputs.data`` (``json(bytes(sys.inputs.data))``). Texts passed as data are placed as
    values, never read as markup, so they need no escaping. The system's fonts (Noto CJK) are
    looked up once per process."""
    import typst  # local import: the compiler is large and only these PDFs need it

    global _TYPST_FONTS
    payload = json.dumps(data, ensure_ascii=False, default=str)
    with _TYPST_LOCK:  # one compilation at a time per process (and the font list built once)
        if _TYPST_FONTS is None:
            _TYPST_FONTS = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)
        compiler = typst.Compiler(str(template), root=str(template.parent), font_paths=_TYPST_FONTS)
        pdf = compiler.compile(format="pdf", sys_inputs={"data": payload})
    if not isinstance(pdf, bytes):
        raise RuntimeError("Typst returned no PDF")
    return pdf


# Excel number formats for dates, one per language as on the pages ("5 December 2026", "2026年12月5日").
XLSX_DATE_FORMATS = {"en": "d mmmm yyyy", "zh": 'yyyy"年"m"月"d"日"'}
XLSX_DATETIME_FORMATS = {"en": "d mmmm yyyy, hh:mm", "zh": 'yyyy"年"m"月"d"日" hh:mm'}
COLUMN_MIN, COLUMN_MAX = 8, 60


def display_width(value: Any) -> int:
    """How wide a value reads in a spreadsheet column: a Chinese character takes two places."""
    text = str(value if value is not None else "")
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def xlsx_bytes(sheets: Mapping[str, Iterable[Row]]) -> bytes:
    """A workbook with one sheet per entry of ``sheets``; the first row of each is its header
    (bold and frozen, so it stays in view), columns as wide as their contents (within limits,
    longer text wraps), dates in the language's format."""
    # local import: openpyxl is large and only spreadsheet downloads need it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font  # local import: as above
    from openpyxl.utils import get_column_letter  # local import: as above

    chinese = (translation.get_language() or "en").startswith("zh")
    date_format = XLSX_DATE_FORMATS["zh" if chinese else "en"]
    datetime_format = XLSX_DATETIME_FORMATS["zh" if chinese else "en"]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title=_sheet_title(title))
        widths: dict[int, int] = {}
        for index, row in enumerate(rows):
            sheet.append([_cell(value) for value in row])
            for cell in sheet[sheet.max_row]:
                # openpyxl stores a text starting with "=" as a formula: store every such text
                # as text (it shows as typed and never runs).
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type = "s"
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = datetime_format
                elif isinstance(cell.value, dt.date):
                    cell.number_format = date_format
                width = 18 if isinstance(cell.value, dt.date) else display_width(cell.value)
                widths[cell.column] = max(widths.get(cell.column, 0), width)
                if width > COLUMN_MAX:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index == 0:
                for cell in sheet[1]:
                    cell.font = Font(bold=True)
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = min(COLUMN_MAX, max(COLUMN_MIN, width + 2))
        if sheet.max_row > 1:
            sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if value is None else neutralise(value) for value in row])
    return buffer.getvalue()


def download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    """An attachment response. CSV text gets a UTF-8 byte-order mark so spreadsheet programs read Chinese."""
    if isinstance(content, str):
        content = ("\ufeff" + content).encode("utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(content: bytes, name: str) -> HttpResponse:
    return download(content, f"{slugify(name) or 'document'}.pdf", "application/pdf")


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    return download(content, f"{slugify(name) or 'workbook'}.xlsx", XLSX_TYPE)


def csv_response(rows: Iterable[Row], name: str) -> HttpResponse:
    return download(csv_text(rows), f"{slugify(name) or 'data'}.csv", "text/csv; charset=utf-8")


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title))
    return cleaned[:31] or "Sheet"


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)
