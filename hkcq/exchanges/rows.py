"""A round's spreadsheet: one row per participant (role, id, name, places, ranking, language,
and optionally ``profile`` and ``email`` columns, found by their headings after those six: the
organisation profile's number or stable id, an existing account's e-mail address), read into the
same document ``POST /api/v1/rounds`` takes.

Every problem is reported with its row, in the reader's language: what only a row can get wrong
here (an unknown role, a missing name, places that are not a whole number, places given to an
applicant), and what the round's rules refuse (``services.round_document_problems``: a missing or
repeated id, rankings naming unknown or repeated ids, an unknown language, profile or account, a
sister school with more than one place), each traced back to the row its entry came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from hkcq.core.errors import InvalidInput
from hkcq.core.sheets import xlsx_rows
from hkcq.core.templatetags.hkcq import listing, punct
from hkcq.exchanges import services

HEADERS = ["role", "id", "name", "places", "ranking", "language"]
OPTIONAL = ["profile", "email"]
# The role column takes the code or the word in any of the three languages.
ROLES = {"applicant": "applicants", "申請者": "applicants", "申请者": "applicants", "host": "hosts", "接待方": "hosts"}


@dataclass
class Sheet:
    """What a workbook holds: the round's document, the problems only its rows can have, and the
    row each entry of the document came from (by side, in the document's order)."""

    document: dict[str, Any]
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row, line); row 0: the file's
    rows: dict[str, list[int]] = field(default_factory=lambda: {"applicants": [], "hosts": []})

    @property
    def errors(self) -> list[str]:
        return [line for _row, line in self.problems]

    def add(self, row: int, problem: str) -> None:
        self.problems.append((row, _row(row, problem) if row else problem))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a profile's number typed into a spreadsheet cell
    return str(value).strip()


def _row(number: int, problem: str) -> str:
    return _("Row %(row)d: %(problem)s") % {"row": number, "problem": problem}


def _places(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def sheet_from_rows(rows: list[list[Any]], *, kind: str, title: str) -> Sheet:
    sheet = Sheet({"kind": kind, "title": title, "applicants": [], "hosts": []})
    if not rows:
        sheet.add(0, _("The spreadsheet is empty."))
        return sheet
    header = [str(c or "").strip().lower() for c in rows[0]]
    if header[: len(HEADERS)] != HEADERS:
        sheet.add(0, _("The first row must be the headings: %(headings)s.") % {"headings": listing(HEADERS)})
        return sheet
    optional = {name: header.index(name) for name in OPTIONAL if name in header[len(HEADERS) :]}
    width = max([len(HEADERS), *[i + 1 for i in optional.values()]])
    for number, row in enumerate(rows[1:], start=2):
        cells = [_cell(c) for c in list(row) + [None] * (width - len(row))]
        if not any(cells):
            continue
        role, ext_id, name, places, ranking, language = cells[: len(HEADERS)]
        ranks = [r.strip() for r in ranking.replace("，", ",").replace("、", ",").split(",") if r.strip()]
        entry: dict[str, Any] = {
            "id": ext_id,
            "name": name,
            "ranks": ranks,
            "language": language.lower().replace("_", "-") or "en",
        }
        for column, index in optional.items():
            if cells[index]:
                entry[column] = cells[index]
        side = ROLES.get(role.lower())
        if side is None:
            sheet.add(
                number,
                _("The role is missing: write applicant or host.")
                if not role
                else _("The role %(value)s is not known: write applicant or host.") % {"value": role},
            )
            continue
        if not name:
            sheet.add(number, _("The name is missing."))
        if side == "hosts":
            capacity = _places(places) if places else 1
            if capacity is None:
                sheet.add(number, services.places_problem(places))
                capacity = 1  # reported above; the round's rules below check the rest of the row
            entry["capacity"] = capacity
        elif places:
            sheet.add(number, _("Places are for hosts only: leave this cell empty for an applicant."))
        sheet.document[side].append(entry)
        sheet.rows[side].append(number)
    return sheet


WHERE_LABELS = {"kind": lambda: _("Kind of round"), "title": lambda: _("Title"), "area": lambda: _("Co-operation area")}


def sheet_problems(sheet: Sheet) -> list[str]:
    """Every problem of an uploaded round, each on its row ("Row 4: …", 第4行：…) in the reader's
    language: the rows' own and those the round's rules find (``round_document_problems``). The
    round's settings (kind, title, area) are named by their label."""
    found = list(sheet.problems)
    for problem in services.round_document_problems(sheet.document):
        if problem.entry is not None:
            side, index = problem.entry
            number = sheet.rows[side][index]
            found.append((number, _row(number, problem.message)))
        else:
            label = WHERE_LABELS[problem.where]() if problem.where in WHERE_LABELS else problem.where
            found.append((0, f"{label}{punct('colon')}{problem.message}"))
    # in the order of the rows (the settings' and the file's first), each row's own problems first
    return [line for _number, line in sorted(found, key=lambda item: item[0])]


def sheet_from_xlsx(file: Any, *, kind: str, title: str) -> Sheet:
    """The round's sheet from a workbook, read within the platform's spreadsheet limits
    (``hkcq.core.sheets``: size once decompressed, compression ratio, rows, cells)."""
    try:
        rows = list(xlsx_rows(file))
    except InvalidInput as exc:
        return Sheet({"kind": kind, "title": title, "applicants": [], "hosts": []}, [(0, str(exc.message))])
    return sheet_from_rows(rows, kind=kind, title=title)


def sheet_from_kept(kept: services.KeptUpload, *, kind: str, title: str) -> Sheet:
    """The round's sheet from the workbook kept since its preview (``services.round_upload_keep``)."""
    with default_storage.open(kept.name, "rb") as stored:
        return sheet_from_xlsx(stored, kind=kind, title=title)
