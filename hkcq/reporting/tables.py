"""Reading an uploaded spreadsheet (XLSX or CSV) into rows of text, with clear errors.

A CSV must be UTF-8 (with or without a byte-order mark); a file in another encoding is
refused with a message that says so and, where it can tell, which encoding it looks like.
Both kinds are read row by row within the import limits (``hkcq.core.sheets``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from hkcq.core.errors import InvalidInput
from hkcq.core.exports import FORMULA_START
from hkcq.core.sheets import Budget, cell_text, xlsx_rows

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


def read_table(upload: Any, filename: str, budget: Budget | None = None) -> Table:
    """The table in ``upload`` (a file opened for reading in binary, from the storage), read row by
    row within the import limits (``hkcq.core.sheets``): a file over them is refused while it is
    read, never loaded whole."""
    suffix = Path(filename).suffix.lower()
    budget = budget or Budget()
    if suffix == ".csv":
        return _table(_csv_rows(upload, budget))
    if suffix == ".xlsx":
        return _table([cell_text(v) for v in row] for row in xlsx_rows(upload, budget))
    raise InvalidInput(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


def decode_error(data: bytes) -> InvalidInput:
    """The error for a CSV that is not UTF-8, naming the encoding ``data`` (its start) looks like."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InvalidInput(
            _(
                "The file is in UTF-16 encoding, not UTF-8. Save it as “CSV UTF-8 (comma delimited)” "
                "and upload it again."
            )
        )
    guess = ""
    for codec, label in (("big5", "Big5"), ("gb18030", "GBK/GB18030")):
        try:
            data.decode(codec)
        except UnicodeDecodeError as exc:
            if exc.start < len(data) - 2:  # not only a character cut at the end of the sample
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
    return InvalidInput(message)


def decode_csv(data: bytes) -> str:
    """``data`` as text (UTF-8, with or without a byte-order mark), or the precise error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise decode_error(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise decode_error(data) from None


class _Raw(io.RawIOBase):
    """Any file object with ``read(n)`` (a storage's file) as a raw stream, for TextIOWrapper."""

    def __init__(self, file: Any) -> None:
        self.file = file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


SAMPLE_BYTES = 64 * 1024


def _csv_rows(upload: Any, budget: Budget) -> Iterator[list[str]]:
    """The CSV's rows, decoded and counted as they are read."""
    head = upload.read(SAMPLE_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise decode_error(head)
    upload.seek(0)
    text = io.TextIOWrapper(io.BufferedReader(_Raw(upload)), encoding="utf-8-sig", newline="")
    try:
        yield from budget.rows_of(csv.reader(text))
    except UnicodeDecodeError:
        raise decode_error(head) from None
    except csv.Error as exc:
        raise InvalidInput(_("The CSV file could not be read: %(error)s") % {"error": exc}) from exc


def _table(rows: Iterable[list[str]]) -> Table:
    """The header (the first row with content) and the rows under it, padded to its width."""
    header: list[str] | None = None
    body: list[list[str]] = []
    for row in rows:
        if header is None:
            if any(str(c).strip() for c in row):
                header = [normalise_header(c) for c in row]
            continue
        width = len(header)
        body.append([unneutralise(str(c)) for c in (row + [""] * (width - len(row)))[:width]])
    if header is None:
        raise InvalidInput(_("The file is empty: the first row must name the columns."))
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
