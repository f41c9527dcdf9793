"""Reading an uploaded spreadsheet (XLSX or CSV) into rows of text, with clear errors.

A CSV must be UTF-8 (with or without a byte-order mark); a file in another encoding is
refused with a message that says so and, where it can tell, which encoding it looks like.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from hkcq.core.errors import InvalidInput
from hkcq.core.exports import FORMULA_START

EXTENSIONS = (".xlsx", ".csv")


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # every row as text, padded to the header's length

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(spreadsheet line number, {column: value}) for each non-empty row."""
        for index, row in enumerate(self.rows, start=2):
            if any(cell.strip() for cell in row):
                yield index, {name: row[i].strip() for i, name in enumerate(self.header) if name}


def normalise_header(name: str) -> str:
    return "_".join(str(name or "").strip().lower().replace("-", "_").split())


def read_table(upload: Any, filename: str) -> Table:
    """The table in ``upload`` (a file opened for reading in binary, from the storage)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return _read_csv(upload.read())
    if suffix == ".xlsx":
        return _read_xlsx(upload)
    raise InvalidInput(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


def decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput(
            _(
                "The file is in UTF-16 encoding, not UTF-8. Save it as “CSV UTF-8 (comma delimited)” "
                "and upload it again."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    guess = ""
    for codec, label in (("big5", "Big5"), ("gb18030", "GBK/GB18030")):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        guess = label
        break
    if guess:
        message = _(
            "The file is not in UTF-8 encoding (it looks like %(encoding)s), so Chinese text would be "
            "garbled. Save it as “CSV UTF-8 (comma delimited)” and upload it again."
        ) % {"encoding": guess}
    else:
        message = _(
            "The file is not in UTF-8 encoding, so its text cannot be read correctly. Save it as "
            "“CSV UTF-8 (comma delimited)” and upload it again."
        )
    raise InvalidInput(message)


def _read_csv(data: bytes) -> Table:
    text = decode_csv(data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InvalidInput(_("The CSV file could not be read: %(error)s") % {"error": exc}) from exc
    return _table(rows)


def _read_xlsx(upload: BinaryIO) -> Table:
    from openpyxl import load_workbook  # local import: large, and only spreadsheet imports need it

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or wrong file
        raise InvalidInput(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(rows: list[list[str]]) -> Table:
    while rows and not any(str(c).strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise InvalidInput(_("The file is empty: the first row must name the columns."))
    header = [normalise_header(c) for c in rows[0]]
    width = len(header)
    body = [[unneutralise(str(c)) for c in (r + [""] * (width - len(r)))[:width]] for r in rows[1:]]
    return Table(header=header, rows=body)


def unneutralise(value: str) -> str:
    """Undo hkcq.core.exports.neutralise: a cell our own exports wrote as ``'=…`` (or ``'-5``) reads back as
    written, so an exported file re-imports unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def parse_date(value: str) -> dt.date:
    """A date written YYYY-MM-DD (or YYYY/MM/DD); raises ValueError otherwise."""
    value = value.strip().replace("/", "-")
    if len(value) > 10 and value[10:] in ("T00:00:00", " 00:00:00"):
        value = value[:10]
    return dt.date.fromisoformat(value)
