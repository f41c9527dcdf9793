"""Reading an uploaded spreadsheet within limits, before and while it is parsed.

Every spreadsheet the platform reads (reporting imports, allocation rounds) goes through here, so a
file cannot take the worker's memory or time, whatever it holds:

- An XLSX is a zip: before openpyxl opens it, :func:`xlsx_check` reads the zip's directory only and
  refuses a file whose members would decompress to more than ``IMPORT_MAX_UNCOMPRESSED_BYTES`` in
  all, or whose large members compress more than ``IMPORT_MAX_COMPRESSION_RATIO`` to 1 (a zip
  bomb: identical rows compress 258:1; real workbooks stay far below). Python's zipfile then never
  inflates a member beyond the size it declares.
- Rows are read one at a time (openpyxl ``read_only``, the csv reader over a stream) and counted as
  they come by a :class:`Budget`: more than ``IMPORT_MAX_ROWS`` rows with content, or more than
  ``IMPORT_MAX_CELLS`` cells read (an empty row costs one), stops the reading with a clear message;
  the whole file is never in memory.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hkcq.core.errors import InvalidInput

# Members smaller than this are not judged by their ratio: a small XML part of empty styles may
# compress very well and is harmless.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MEMBERS = 1000


def _megabytes(size: int) -> int:
    return max(1, size // 2**20)


def xlsx_check(file: Any) -> None:
    """Refuse a workbook whose zip would decompress to too much (``InvalidInput``), reading only
    the zip's directory. Leaves ``file`` at its start."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InvalidInput(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    finally:
        file.seek(0)
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    total = sum(member.file_size for member in members)
    if len(members) > MAX_MEMBERS or total > limit:
        raise InvalidInput(
            _(
                "The workbook would take more than %(mb)d MB once decompressed, more than an import may "
                "read. Split it into smaller files and upload them one by one."
            )
            % {"mb": _megabytes(limit)}
        )
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > ratio * max(member.compress_size, 1):
            raise InvalidInput(
                _(
                    "The workbook is compressed far more than a real spreadsheet is (over %(ratio)d to 1), "
                    "so it is not read. Save it again from your spreadsheet program, or upload it as CSV."
                )
                % {"ratio": ratio}
            )


class Budget:
    """Counts rows and cells as they are read; raises ``InvalidInput`` as soon as either is over
    its limit (``IMPORT_MAX_ROWS`` rows with content, ``IMPORT_MAX_CELLS`` cells)."""

    def __init__(self, *, max_rows: int | None = None, max_cells: int | None = None) -> None:
        self.max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
        self.max_cells = settings.IMPORT_MAX_CELLS if max_cells is None else max_cells
        self.rows = 0
        self.cells = 0

    def count(self, row: list[Any] | tuple[Any, ...]) -> None:
        self.cells += max(len(row), 1)
        if any(cell is not None and str(cell).strip() for cell in row):
            self.rows += 1
        if self.rows > self.max_rows:
            raise InvalidInput(
                ngettext(
                    "The file has more than %(max)d row. Split it into smaller files and upload them one by one.",
                    "The file has more than %(max)d rows. Split it into smaller files and upload them one by one.",
                    self.max_rows,
                )
                % {"max": self.max_rows}
            )
        if self.cells > self.max_cells:
            raise InvalidInput(
                ngettext(
                    "The file has more than %(max)d cell (rows × columns). Remove unused columns, or split it "
                    "into smaller files.",
                    "The file has more than %(max)d cells (rows × columns). Remove unused columns, or split it "
                    "into smaller files.",
                    self.max_cells,
                )
                % {"max": self.max_cells}
            )

    def rows_of(self, rows: Iterable[Any]) -> Iterator[list[Any]]:
        """Each row of ``rows`` as a list, counted before it is handed on."""
        for row in rows:
            row = list(row)
            self.count(row)
            yield row


def xlsx_rows(file: Any, budget: Budget | None = None) -> Iterator[list[Any]]:
    """The first sheet's rows as lists of cell values, checked (:func:`xlsx_check`) and counted
    (``budget``) as they are read. Raises ``InvalidInput`` for an unreadable or too large file."""
    from openpyxl import load_workbook  # local import: large, and only spreadsheet reading needs it

    xlsx_check(file)
    budget = budget or Budget()
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or wrong file
        raise InvalidInput(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        if not workbook.worksheets:
            return
        yield from budget.rows_of(workbook.worksheets[0].iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:  # a member damaged or cut short
        raise InvalidInput(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """A cell's value as the text an import reads (dates as YYYY-MM-DD, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
