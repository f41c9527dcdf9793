"""The plenary report as a PDF, typeset by Typst (docs/decisions/0012-report-pdf-typst.md).

``document`` turns a report (``reports.compare``) into plain data in one language: every text
resolved to that language, every label translated, every figure formatted. The Typst template
(``typst/report.typ``) only lays it out: it receives the data as JSON and places each text as a
value, so nothing a person typed (a title with ``#``, ``*``, ``[`` or ``$``) is ever read as
Typst markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from hkcq.core.dates import show_date
from hkcq.core.exports import typst_pdf
from hkcq.core.templatetags.hkcq import punct
from hkcq.core.translated import TText
from hkcq.reporting.reports import summary_figures

TEMPLATE = Path(__file__).resolve().parent / "typst" / "report.typ"
# Fonts in the order Typst tries them for each language (fonts-noto-cjk, docs/deploy.md); the
# Hong Kong and Mainland forms of the same characters differ, so each script has its own.
FONTS = {
    "en": ["DejaVu Sans", "Noto Sans CJK TC"],
    "zh-hant": ["Noto Sans CJK HK", "Noto Sans CJK TC"],
    "zh-hans": ["Noto Sans CJK SC"],
}
REGIONS = {"en": ("en", "gb"), "zh-hant": ("zh", "hk"), "zh-hans": ("zh", "cn")}
# A measure with more lines than this may break across pages (it would not fit on one).
KEEP_LINES = 25
DASH = "—"


def _t(value: Any) -> str:
    return TText.from_json(value).show().text if value else ""


def _in_brackets(text: str) -> str:
    """``text`` in brackets after what comes before: " (5 December 2026)", "（2026年12月5日）"."""
    return punct("(") + text + punct(")")


def _pct(value: float | None, *, sign: bool = True) -> str:
    if value is None:
        return DASH
    return f"{value:.1f}%" if sign else f"{value:.1f}"


def _change(before: Any, now: Any) -> str:
    """The status now, after the one before and an arrow when it changed (a dash when none)."""
    now_text = _t(now) or DASH
    if before and before != now:
        return f"{_t(before)} → {now_text}"
    return now_text


def _line(line: dict[str, Any]) -> dict[str, Any]:
    colon = punct("colon")
    notes = []
    if line["narrative_hk"]:
        notes.append(_("Hong Kong") + colon + _t(line["narrative_hk"]))
    if line["narrative_cq"]:
        notes.append(_("Chongqing") + colon + _t(line["narrative_cq"]))
    notes += [
        f"✓ {_('Milestone met')}{colon}{_t(ms['title'])}{_in_brackets(show_date(ms['achieved_on']))}"
        for ms in line["milestones_met"]
    ]
    notes += [
        f"✗ {_('Milestone missed')}{colon}{_t(ms['title'])}{_in_brackets(show_date(ms['planned_on']))}"
        for ms in line["milestones_missed"]
    ]
    percent = _pct(line["percent"])
    if line["percent_before"] is not None and line["percent_before"] != line["percent"]:
        percent = f"{_pct(line['percent_before'], sign=False)} → {percent}"
    return {
        "depth": min(line["depth"], 3),
        "measure": f"{line['code']} {_t(line['title'])}".strip(),
        "new": line["new"],
        "notes": notes,
        "hk": _change(line["status_hk_before"], line["status_hk"]),
        "cq": _change(line["status_cq_before"], line["status_cq"]),
        "joint": _t(line["joint"]) or DASH,
        "disagree": bool(line["disagreement"]),
        "percent": percent,
        "cycle": _("no update") if line["no_update"] else _("updated"),
        "late": line["late"],
    }


def _area(area: dict[str, Any]) -> dict[str, Any]:
    if area["percent"] is None:
        percent = _("not reported")
    elif area["percent_before"] is not None:
        percent = f"{_pct(area['percent_before'])} → {_pct(area['percent'])}"
    else:
        percent = _pct(area["percent"])
    return {
        "name": _t(area["name"]),
        "percent": percent,
        "groups": [
            {"keep": len(group) <= KEEP_LINES, "lines": [_line(line) for line in group]} for group in area["groups"]
        ],
    }


def _since(value: int | None) -> str:
    return DASH if value is None else str(value)


def _results(report: dict[str, Any]) -> dict[str, Any] | None:
    figures = report.get("figures") or []
    if not figures:
        return None
    header = [_("Area")]
    for f in figures:
        label = _t(f["label"])
        header += [label + punct("colon") + _("since the last plenary"), label + punct("colon") + _("total")]
    rows = [
        [_t(a["name"]), *(v for r in a["results"] for v in (_since(r["since"]), str(r["now"])))]
        for a in report["areas"]
        if a["has_results"]
    ]
    rows.append([_("Total"), *(v for f in figures for v in (_since(f["since"]), str(f["now"])))])
    return {"header": header, "rows": rows}


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    mechanism = report["mechanism"]
    if report["previous_meeting"]:
        intro = _("Changes since %(previous)s (%(since)s) up to %(as_of)s.") % {
            "previous": _t(report["previous_meeting"]["title"]),
            "since": show_date(report["since"]),
            "as_of": show_date(report["as_of"]),
        }
    else:
        intro = _("The first report: the position up to %(as_of)s.") % {"as_of": show_date(report["as_of"])}
    overall = _pct(mechanism["percent"])
    if mechanism["percent_before"] is not None:
        overall = f"{_pct(mechanism['percent_before'])} → {overall}"
    rows = [(_("Overall progress"), overall), *summary_figures(report)]
    return {"intro": intro, "rows": [[label, str(value)] for label, value in rows]}


def _agreements(report: dict[str, Any]) -> list[str]:
    def one(a: dict[str, Any], change: str) -> str:
        signed = _in_brackets(show_date(a["signed_on"])) if a.get("signed_on") else ""
        return f"{_t(a['title'])}{signed} — {change}"

    return [one(a, _("new")) for a in report["agreements_new"]] + [
        one(a, _("changed")) for a in report["agreements_changed"]
    ]


def _decision(d: dict[str, Any]) -> dict[str, Any]:
    status = str(d["status_label"])
    if d["status_before"] and d["status_before"] != d["status"]:
        status = f"{d['status_before_label']} → {status}"
    return {
        "meeting": _t(d["meeting_title"]),
        "text": _t(d["text"]),
        "new": d["change"] == "new",
        "due": show_date(d["due_on"], DASH),
        "overdue": d["overdue"],
        "status": status,
        "follow_up": _t(d["follow_up"]),
    }


def _labels() -> dict[str, Any]:
    def mark(text: str) -> str:
        return _in_brackets(text).strip()

    return {
        "contents": _("Contents"),
        "summary": _("Summary"),
        "results": _("Partnerships and exchanges by area"),
        "areas": _("Progress by area and measure"),
        "no_measures": _("No measures in this area."),
        "tree_header": [
            _("Measure"),
            _("Hong Kong"),
            _("Chongqing"),
            _("Joint status"),
            _("Percent"),
            _("This cycle"),
        ],
        "new_mark": mark(_("new")),
        "disagree_mark": mark(_("sides disagree")),
        "overdue_mark": mark(_("overdue")),
        "late": _("late"),
        "late_heading": _("Late measures"),
        "none_late": _("No measure is late."),
        "stale_heading": _("Measures with no update this cycle"),
        "none_stale": _("Every measure was updated this cycle."),
        "agreements_heading": _("New and changed agreements"),
        "none_agreements": _("No agreement was signed or changed in this cycle."),
        "decisions_heading": _("Decisions and their follow-up"),
        "decision_header": [_("Meeting"), _("Decision"), _("Due"), _("Status"), _("Follow-up")],
        "none_decisions": _("No decisions have been recorded."),
    }


def document(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """The report's data for the Typst template, in ``lang``."""
    with translation.override(lang):
        meeting = report["meeting"]
        place = _t(meeting.get("place"))
        language, region = REGIONS[lang]
        title = _("Progress since the last plenary")
        return {
            "title": f"{title} · {_t(meeting['title'])}",
            "lang": language,
            "region": region,
            "fonts": FONTS[lang],
            "labels": _labels(),
            "cover": {
                "conference": _("Hong Kong/Chongqing Co-operation Conference"),
                "title": title,
                "meeting": _t(meeting["title"]),
                "when": f"{show_date(meeting['date'])} · {place}" if place else show_date(meeting["date"]),
                "compared": _("Compared with: %(previous)s") % {"previous": _t(report["previous_meeting"]["title"])}
                if report["previous_meeting"]
                else "",
            },
            "summary": _summary(report),
            "results": _results(report),
            "areas": [_area(a) for a in report["areas"]],
            "late": [
                f"{line['code']} {_t(line['title'])} — "
                + _("planned to end %(date)s") % {"date": show_date(line["planned_end"])}
                for line in report["late"]
            ],
            "no_update": [f"{line['code']} {_t(line['title'])}" for line in report["no_update"]],
            "agreements": _agreements(report),
            "decisions": [_decision(d) for d in report["decisions"]],
        }


def report_pdf(report: dict[str, Any], lang: str) -> bytes:
    """The report's PDF in ``lang``: a cover, the contents, numbered pages, tables whose header
    repeats on every page, each measure kept on one page with its items."""
    return typst_pdf(TEMPLATE, document(report, lang))
