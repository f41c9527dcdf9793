"""The "since the last plenary" report: the latest snapshot compared with the previous one.

``compare`` works on the two frozen JSON documents only, so a report reads the same however the
registry changes later. ``measure_rows`` gives the one flat table that the CSV file and the
"Measures" sheet of the workbook share, so both carry the same figures as the HTML and PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hkcq.core.dates import as_date
from hkcq.core.translated import TText
from hkcq.core.trees import depth_first
from hkcq.registry.models import AgreementEvent, Decision

DONE_DECISION = ("done", "dropped")
DECISION_LABELS: dict[str, Any] = dict(Decision.Status.choices)


def _empty() -> dict[str, Any]:
    return {"measures": [], "areas": [], "agreements": [], "decisions": [], "statuses": {}, "mechanism": {}}


def _pct(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


def _tree(measures: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """A snapshot's measures in the registry's order, depth-first, whatever order they were frozen
    in (snapshots taken before they were frozen in that order listed items by position alone)."""
    index = {id(m): i for i, m in enumerate(measures)}
    return depth_first(
        measures,
        key=lambda m: m["id"],
        parent=lambda m: m["parent"],
        order=lambda m: (m.get("position") or 0, index[id(m)]),
    )


def _status_name(statuses: dict[str, Any], key: str | None) -> dict[str, Any] | None:
    return statuses[key]["name"] if key in statuses else None


def _is_closed(statuses: dict[str, Any], key: str | None) -> bool:
    s = statuses.get(key or "")
    return bool(s and (s["is_terminal"] or s["is_ongoing"]))


def _side_status(sides: dict[str, Any], side: str) -> str | None:
    entry = sides.get(side)
    return entry["status"] if entry else None


def _measure_line(
    m: dict[str, Any],
    depth: int,
    old: dict[str, Any] | None,
    *,
    statuses: dict[str, Any],
    as_of: str,
    since: str | None,
    first_report: bool,
) -> dict[str, Any]:
    """One measure's line of the report: its statuses then and now, progress, lateness and the
    milestones met since the last report or missed."""
    sides_now = m["sides"]
    sides_old = old["sides"] if old else {}
    hk, cq = _side_status(sides_now, "hong_kong"), _side_status(sides_now, "chongqing")
    hk0, cq0 = _side_status(sides_old, "hong_kong"), _side_status(sides_old, "chongqing")
    joint, joint0 = m["joint_status"], old["joint_status"] if old else None
    met = [
        ms
        for ms in m["milestones"]
        if ms["achieved_on"] and ms["achieved_on"] <= as_of and (since is None or ms["achieved_on"] > since)
    ]
    missed = [ms for ms in m["milestones"] if ms["planned_on"] and ms["planned_on"] < as_of and not ms["achieved_on"]]
    late = bool(
        m["planned_end"] and m["planned_end"] < as_of and not m["actual_end"] and not _is_closed(statuses, joint)
    )
    percent, percent0 = _pct(m["percent"]), _pct(old["percent"]) if old else None
    return {
        "id": m["id"],
        "area": m["area"],
        "code": m["code"],
        "title": m["title"],
        "is_item": m["parent"] is not None,
        "parent": m["parent"],
        "depth": depth,
        "new": old is None and not first_report,
        "status_hk_before": _status_name(statuses, hk0),
        "status_hk": _status_name(statuses, hk),
        "status_cq_before": _status_name(statuses, cq0),
        "status_cq": _status_name(statuses, cq),
        "joint_before": _status_name(statuses, joint0),
        "joint": _status_name(statuses, joint),
        "status_changed": (hk, cq, joint) != (hk0, cq0, joint0),
        "disagreement": m["disagreement"],
        "percent_before": percent0,
        "percent": percent,
        "change": round(percent - (percent0 or 0), 2) if percent is not None else None,
        "updated_sides": m["updated_this_cycle"],
        "no_update": not m["updated_this_cycle"],
        "late": late,
        "planned_end": m["planned_end"],
        "milestones_met": met,
        "milestones_missed": missed,
        "narrative_hk": (sides_now.get("hong_kong") or {}).get("public_narrative") or {},
        "narrative_cq": (sides_now.get("chongqing") or {}).get("public_narrative") or {},
    }


# The summary's figures, in the order the page, the spreadsheet and the PDF all list them.
SUMMARY_FIGURES = (
    ("measures", gettext_lazy("Measures and items")),
    ("updated", gettext_lazy("Updated this cycle")),
    ("no_update", gettext_lazy("No update this cycle")),
    ("status_changed", gettext_lazy("Status changed")),
    ("late", gettext_lazy("Late")),
    ("disagreements", gettext_lazy("Sides disagree")),
    ("milestones_met", gettext_lazy("Milestones met")),
    ("milestones_missed", gettext_lazy("Milestones missed")),
)


def summary_figures(report: dict[str, Any]) -> list[tuple[str, int]]:
    """Each summary figure of ``report`` as (label in the active language, value)."""
    return [(str(label), report["summary"][key]) for key, label in SUMMARY_FIGURES]


def _summary(lines: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "measures": len(lines),
        "updated": sum(bool(line["updated_sides"]) for line in lines),
        "no_update": sum(line["no_update"] for line in lines),
        "status_changed": sum(line["status_changed"] for line in lines),
        "late": sum(line["late"] for line in lines),
        "disagreements": sum(bool(line["disagreement"]) for line in lines),
        "milestones_met": sum(len(line["milestones_met"]) for line in lines),
        "milestones_missed": sum(len(line["milestones_missed"]) for line in lines),
    }


def _area_results(
    area: dict[str, Any], old: dict[str, Any] | None, *, first: bool, figure_defs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each area figure (``hkcq.core.areafigures``, frozen in the snapshot) of ``area`` now and
    since the previous snapshot (``old``: the area then). Since: everything at the first report,
    and for an area new since then; unknown (None) when the previous snapshot did not count it."""
    out = []
    for f in figure_defs:
        now = (area.get("figures") or {}).get(f["key"], 0)
        then = 0 if first or old is None else (old.get("figures") or {}).get(f["key"])
        out.append(
            {"key": f["key"], "label": f["label"], "now": now, "since": now - then if then is not None else None}
        )
    return out


def _figure_totals(areas: list[dict[str, Any]], figure_defs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each area figure summed over the areas; "since" unknown (None) if any area's is."""
    totals = []
    for i, f in enumerate(figure_defs):
        results = [a["results"][i] for a in areas]
        since = [r["since"] for r in results]
        totals.append(
            {
                "key": f["key"],
                "label": f["label"],
                "now": sum(r["now"] for r in results),
                "since": None if None in since else sum(since),
            }
        )
    return totals


def _area_rows(
    current: dict[str, Any], before: dict[str, Any], lines_by_area: dict[str, list[dict[str, Any]]], *, first: bool
) -> list[dict[str, Any]]:
    """Each area with its measures' lines, grouped so a measure stays with its items on a page."""
    old_areas = {a["id"]: a for a in before["areas"]}
    areas = []
    for a in current["areas"]:
        old = old_areas.get(a["id"])
        lines = lines_by_area.get(a["id"], [])
        groups: list[list[dict[str, Any]]] = []
        for line in lines:  # each measure with its items, kept together on a printed page
            if line["depth"] == 0 or not groups:
                groups.append([])
            groups[-1].append(line)
        areas.append(
            {
                "id": a["id"],
                "name": a["name"],
                "percent_before": _pct(old["percent"]) if old else None,
                "percent": _pct(a["percent"]),
                "measures": lines,
                "groups": groups,
                "results": (results := _area_results(a, old, first=first, figure_defs=current.get("figures", []))),
                "has_results": any(r["now"] or r["since"] for r in results),
            }
        )
    return areas


def _agreement_changes(
    current: dict[str, Any], before: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The agreements new since the last report, and those whose title, status or events changed."""
    old_agreements = {a["id"]: a for a in before["agreements"]}
    agreements_new, agreements_changed = [], []
    for a in current["agreements"]:
        old = old_agreements.get(a["id"])
        if old is None:
            agreements_new.append(a)
        elif (old["title"], old["status"], old["events"]) != (a["title"], a["status"], a["events"]):
            agreements_changed.append({**a, "status_before": old["status"]})
    return agreements_new, agreements_changed


def _decision_rows(current: dict[str, Any], before: dict[str, Any], as_of: str) -> list[dict[str, Any]]:
    old_decisions = {d["id"]: d for d in before["decisions"]}
    decisions = []
    for d in current["decisions"]:
        old = old_decisions.get(d["id"])
        change = (
            "new"
            if old is None
            else ("changed" if (old["status"], old["follow_up"]) != (d["status"], d["follow_up"]) else "")
        )
        decisions.append(
            {
                **d,
                "change": change,
                "status_before": old["status"] if old else None,
                "status_label": DECISION_LABELS.get(d["status"], d["status"]),
                "status_before_label": DECISION_LABELS.get(old["status"], old["status"]) if old else "",
                "overdue": bool(d["due_on"] and d["due_on"] < as_of and d["status"] not in DONE_DECISION),
                "open": d["status"] not in DONE_DECISION,
            }
        )
    return decisions


def compare(
    current: dict[str, Any], previous: dict[str, Any] | None, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """What changed between two snapshots (``previous`` None: the first plenary report)."""
    before = previous or _empty()
    as_of = current["as_of"]
    since = previous["as_of"] if previous else None
    statuses = {**before.get("statuses", {}), **current["statuses"]}
    old_measures = {m["id"]: m for m in before["measures"]}
    lines_by_area: dict[str, list[dict[str, Any]]] = {}
    measure_lines = []
    for index, (m, depth) in enumerate(_tree(current["measures"]), start=1):
        line = _measure_line(
            m,
            depth,
            old_measures.get(m["id"]),
            statuses=statuses,
            as_of=as_of,
            since=since,
            first_report=previous is None,
        )
        lines_by_area.setdefault(m["area"], []).append(line)
        measure_lines.append(line)
        if progress is not None:
            progress(index)
    areas = _area_rows(current, before, lines_by_area, first=previous is None)
    all_lines = [line for a in areas for line in a["measures"]]
    agreements_new, agreements_changed = _agreement_changes(current, before)
    return {
        "meeting": current["meeting"],
        "cycle": current["cycle"],
        "as_of": as_of,
        "previous_meeting": previous["meeting"] if previous else None,
        "since": since,
        "mechanism": {
            "percent": _pct(current["mechanism"].get("percent")),
            "percent_before": _pct(before["mechanism"].get("percent")),
        },
        "summary": _summary(measure_lines),
        "figures": _figure_totals(areas, current.get("figures", [])),
        "areas": areas,
        "late": [line for line in all_lines if line["late"]],
        "no_update": [line for line in all_lines if line["no_update"]],
        "status_changed": [line for line in all_lines if line["status_changed"]],
        "agreements_new": agreements_new,
        "agreements_changed": agreements_changed,
        "decisions": _decision_rows(current, before, as_of),
    }


# -- flat tables (CSV and workbook) ----------------------------------------------------------------
def _text(value: Any, lang: str) -> str:
    return TText.from_json(value).show(lang).text if value else ""


def decision_status(key: str | None) -> str:
    return str(dict(Decision.Status.choices).get(key, key or "")) if key else ""


def agreement_status(key: str | None) -> str:
    return str(dict(AgreementEvent.Kind.choices).get(key, key or "")) if key else ""


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def measure_rows(report: dict[str, Any], lang: str) -> list[list[Any]]:
    """The measures table, header first, with texts in ``lang``."""
    with translation.override(lang):
        header = [
            _("Area"),
            _("Id"),
            _("Number"),
            _("Part of"),
            _("Measure"),
            _("Hong Kong status before"),
            _("Hong Kong status"),
            _("Chongqing status before"),
            _("Chongqing status"),
            _("Joint status before"),
            _("Joint status"),
            _("Sides disagree"),
            _("Percent before"),
            _("Percent"),
            _("Change (points)"),
            _("Updated this cycle"),
            _("Late"),
            _("Milestones met"),
            _("Milestones missed"),
        ]
        # The areas' figures (partnerships, exchange pairs) are not repeated on each measure's row:
        # a column summed over the rows would count an area's figure once per measure. They have
        # their own table (``result_rows``: the workbook's sheet, the HTML and PDF's section, and
        # the open data's partnerships-by-area).
        rows: list[list[Any]] = [header]
        codes = {line["id"]: line["code"] for area in report["areas"] for line in area["measures"]}
        for area in report["areas"]:
            area_name = _text(area["name"], lang)
            for line in area["measures"]:
                rows.append(
                    [
                        area_name,
                        line["id"],
                        line["code"],
                        codes.get(line["parent"], line["parent"]) or "",
                        _text(line["title"], lang),
                        _text(line["status_hk_before"], lang),
                        _text(line["status_hk"], lang),
                        _text(line["status_cq_before"], lang),
                        _text(line["status_cq"], lang),
                        _text(line["joint_before"], lang),
                        _text(line["joint"], lang),
                        _yes(line["disagreement"]),
                        line["percent_before"],
                        line["percent"],
                        line["change"],
                        _yes(not line["no_update"]),
                        _yes(line["late"]),
                        len(line["milestones_met"]),
                        len(line["milestones_missed"]),
                    ]
                )
    return rows


def summary_rows(report: dict[str, Any], lang: str) -> list[list[Any]]:
    with translation.override(lang):
        rows: list[list[Any]] = [
            [_("Figure"), _("Value")],
            [_("Meeting"), _text(report["meeting"]["title"], lang)],
            [_("Date"), as_date(report["meeting"]["date"])],
            [
                _("Previous plenary"),
                _text(report["previous_meeting"]["title"], lang) if report["previous_meeting"] else "",
            ],
            [_("Overall progress (percent)"), report["mechanism"]["percent"]],
            [_("Overall progress at the previous plenary (percent)"), report["mechanism"]["percent_before"]],
            *([label, value] for label, value in summary_figures(report)),
        ]
        for area in report["areas"]:
            rows.append([_text(area["name"], lang), area["percent"]])
        for f in report.get("figures", []):
            label = _text(f["label"], lang)
            rows.append([_("%(figure)s since the last plenary") % {"figure": label}, f["since"]])
            rows.append([_("%(figure)s, total") % {"figure": label}, f["now"]])
    return rows


def result_rows(report: dict[str, Any], lang: str) -> list[list[Any]]:
    """Partnerships and exchanges by area (the figures other apps count under each area): for
    each figure, since the last plenary and in total; then a total row."""
    with translation.override(lang):
        header: list[Any] = [_("Area")]
        for f in report.get("figures", []):
            label = _text(f["label"], lang)
            header += [
                _("%(figure)s since the last plenary") % {"figure": label},
                _("%(figure)s, total") % {"figure": label},
            ]
        rows: list[list[Any]] = [header]
        for area in report["areas"]:
            if area.get("has_results"):
                rows.append([_text(area["name"], lang), *(v for r in area["results"] for v in (r["since"], r["now"]))])
        rows.append([_("Total"), *(v for f in report.get("figures", []) for v in (f["since"], f["now"]))])
    return rows


def decision_rows(report: dict[str, Any], lang: str) -> list[list[Any]]:
    with translation.override(lang):
        rows: list[list[Any]] = [
            [
                _("Id"),
                _("Meeting"),
                _("Decision"),
                _("Due"),
                _("Status"),
                _("Status before"),
                _("Overdue"),
                _("Follow-up"),
            ]
        ]
        for d in report["decisions"]:
            rows.append(
                [
                    d["id"],
                    _text(d["meeting_title"], lang),
                    _text(d["text"], lang),
                    as_date(d["due_on"]),
                    decision_status(d["status"]),
                    decision_status(d["status_before"]),
                    _yes(d["overdue"]),
                    _text(d["follow_up"], lang),
                ]
            )
    return rows


def agreement_rows(report: dict[str, Any], lang: str) -> list[list[Any]]:
    with translation.override(lang):
        rows: list[list[Any]] = [[_("Id"), _("Agreement"), _("Signed on"), _("Status"), _("Change")]]
        for a in report["agreements_new"]:
            rows.append(
                [a["id"], _text(a["title"], lang), as_date(a["signed_on"]), agreement_status(a["status"]), _("new")]
            )
        for a in report["agreements_changed"]:
            rows.append(
                [a["id"], _text(a["title"], lang), as_date(a["signed_on"]), agreement_status(a["status"]), _("changed")]
            )
    return rows


def workbook_sheets(report: dict[str, Any], lang: str) -> dict[str, list[list[Any]]]:
    with translation.override(lang):
        return {
            _("Summary"): summary_rows(report, lang),
            _("Measures"): measure_rows(report, lang),
            _("Partnerships and exchanges"): result_rows(report, lang),
            _("Agreements"): agreement_rows(report, lang),
            _("Decisions"): decision_rows(report, lang),
        }
