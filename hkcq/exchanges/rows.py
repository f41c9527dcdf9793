"""A round's spreadsheet: one row per participant (role, id, name, places, ranking, language,
and optionally ``profile`` and ``email`` columns, found by their headings after those six: the
organisation profile's number or stable id, an existing account's e-mail address), read into the
same document ``POST /api/v1/rounds`` takes. Problems are reported per row; the
page shows them (a dry run creates nothing)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hkcq.core.errors import InvalidInput
from hkcq.core.sheets import xlsx_rows

HEADERS = ["role", "id", "name", "places", "ranking", "language"]
OPTIONAL = ["profile", "email"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a profile's number typed into a spreadsheet cell
    return str(value).strip()


def document_from_rows(rows: list[list[Any]], *, kind: str, title: str) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    doc: dict[str, Any] = {"kind": kind, "title": title, "applicants": [], "hosts": []}
    if not rows:
        return doc, [_("The spreadsheet is empty.")]
    header = [str(c or "").strip().lower() for c in rows[0]]
    if header[: len(HEADERS)] != HEADERS:
        return doc, [_("The first row must be the headings: %(headings)s.") % {"headings": ", ".join(HEADERS)}]
    optional = {name: header.index(name) for name in OPTIONAL if name in header[len(HEADERS) :]}
    width = max([len(HEADERS), *[i + 1 for i in optional.values()]])
    for number, row in enumerate(rows[1:], start=2):
        cells = [_cell(c) for c in list(row) + [None] * (width - len(row))]
        if not any(cells):
            continue
        role, ext_id, name, places, ranking, language = cells[: len(HEADERS)]
        ranks = [r.strip() for r in ranking.replace("，", ",").split(",") if r.strip()]
        entry: dict[str, Any] = {"id": ext_id, "name": name, "ranks": ranks, "language": language or "en"}
        for column, index in optional.items():
            if cells[index]:
                entry[column] = cells[index]
        if role.lower() == "applicant":
            doc["applicants"].append(entry)
        elif role.lower() == "host":
            try:
                entry["capacity"] = int(float(places)) if places else 1
            except ValueError:
                errors.append(_("Row %(row)d: places must be a whole number.") % {"row": number})
                continue
            doc["hosts"].append(entry)
        else:
            errors.append(_("Row %(row)d: the role must be applicant or host.") % {"row": number})
        if not ext_id:
            errors.append(_("Row %(row)d: the id is missing.") % {"row": number})
    return doc, errors


def document_from_xlsx(file: Any, *, kind: str, title: str) -> tuple[dict[str, Any], list[str]]:
    """The round's document from a workbook, read within the platform's spreadsheet limits
    (``hkcq.core.sheets``: size once decompressed, compression ratio, rows, cells)."""
    try:
        rows = list(xlsx_rows(file))
    except InvalidInput as exc:
        return {"kind": kind, "title": title, "applicants": [], "hosts": []}, [str(exc.message)]
    return document_from_rows(rows, kind=kind, title=title)
