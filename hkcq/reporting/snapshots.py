"""Freezing the registry and its published progress into one JSON document.

The document holds, for the moment a cycle closes: the status scale; the mechanism's, each
area's and each measure's roll-up; for every measure and item (in the registry's order, depth-first:
a measure, then its items, each followed by its own) its depth, dates, lead units,
milestones and each side's latest *published* update (status, percent, public and internal
narratives, when and in which cycle it was published), the joint status and whether the sides
disagree; every agreement with its lifecycle; every decision with its follow-up; the figures other
apps count under each area (``hkcq.core.areafigures``: partnerships formed, exchange pairs and
placements), cumulative at that moment, with their labels in the three languages (``figures`` at
the top, ``figures`` per area), so the report's "since the last plenary" is the difference.
Texts are kept in all three languages (``{"en", "zh-hant", "zh-hans", "origin"}``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import translation
from django.utils.translation import gettext as _

from hkcq.core import areafigures
from hkcq.core.choices import Side
from hkcq.core.dates import show_date
from hkcq.core.translated import EN, HANS, HANT, TText
from hkcq.core.trees import depth_first
from hkcq.progress.models import ProgressRollup, ProgressUpdate, ReportingCycle, Status
from hkcq.registry.models import Agreement, Area, Decision, Measure, Meeting, Milestone, Unit

FORMAT_VERSION = 1
SIDES = (Side.HONG_KONG.value, Side.CHONGQING.value)


def digest_of(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _t(value: Any) -> dict[str, Any]:
    return TText.from_json(value).to_json()


def _d(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _n(value: Decimal | int | None) -> float | None:
    return float(value) if value is not None else None


class LatestUpdate(NamedTuple):
    """A (measure, side)'s latest published update: the fields a snapshot keeps."""

    id: int
    measure_id: int
    side: str
    status_id: int
    percent: int
    public_narrative: Any
    internal_narrative: Any
    published_at: dt.datetime | None
    cycle_id: int


def latest_published_updates() -> dict[tuple[int, str], LatestUpdate]:
    """Each (measure id, side)'s latest published update: the fields a snapshot keeps (its
    ``status_id``, not the status: the caller has the scale)."""
    # Ranked in SQL (a window per measure and side), so only the latest rows are read, not the
    # whole history of every measure; read as plain values, not model instances (a thousand
    # measures have two thousand of them).
    rank = Window(
        RowNumber(),
        partition_by=[F("measure_id"), F("side")],
        order_by=[F("published_at").desc(), F("id").desc()],
    )
    rows = (
        ProgressUpdate.objects.filter(state=ProgressUpdate.State.PUBLISHED)
        .annotate(rank=rank)
        .filter(rank=1)
        .order_by()
        .values_list(*LatestUpdate._fields)
    )
    return {(row[1], row[2]): LatestUpdate(*row) for row in rows}


def published_in_cycle(cycle: ReportingCycle) -> set[tuple[int, str]]:
    return set(
        ProgressUpdate.objects.filter(state=ProgressUpdate.State.PUBLISHED, cycle=cycle).values_list(
            "measure_id", "side"
        )
    )


def _figures(r: ProgressRollup | None) -> dict[str, Any]:
    if r is None:
        return {"percent": None, "percent_hk": None, "percent_cq": None}
    return {"percent": _n(r.percent), "percent_hk": _n(r.percent_hk), "percent_cq": _n(r.percent_cq)}


def _side_entry(u: LatestUpdate | None, cycle: ReportingCycle, statuses: dict[int, Status]) -> dict[str, Any] | None:
    """A side's latest published update of a measure, as frozen."""
    if u is None:
        return None
    return {
        "status": statuses[u.status_id].key,
        "percent": u.percent,
        "public_narrative": _t(u.public_narrative),
        "internal_narrative": _t(u.internal_narrative),
        "published_at": _d(u.published_at),
        "cycle": u.cycle_id,
        "in_this_cycle": u.cycle_id == cycle.id,
    }


_MEASURE_COLUMNS = (
    "id",
    "ext_id",
    "area_id",
    "parent_id",
    "code",
    "position",
    "title",
    "lead_unit_hk_id",
    "lead_unit_cq_id",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
)


def _measure_rows() -> list[Measure]:
    """Every measure with plain columns only and its milestones in order (a plain list: no
    queryset built per measure); areas, units and parents are looked up in dicts by the caller,
    as a thousand measures would otherwise each bring their area, parent and units' texts along.
    The milestones are read in one query over the table (every measure's are wanted), not by a
    list of a thousand ids."""
    by_measure: dict[int, list[Milestone]] = {}
    for ms in Milestone.objects.only("id", "measure_id", "ext_id", "title", "planned_on", "achieved_on").order_by(
        "planned_on", "id"
    ):
        by_measure.setdefault(ms.measure_id, []).append(ms)
    rows = list(Measure.objects.only(*_MEASURE_COLUMNS))
    for m in rows:
        m.milestones_in_order = by_measure.get(m.id, [])  # type: ignore[attr-defined]
    return rows


def _measures(
    cycle: ReportingCycle,
    statuses: dict[int, Status],
    by_measure: dict[int | None, ProgressRollup],
    areas: dict[int, Area],
) -> list[dict[str, Any]]:
    """Every measure and item, depth-first in the registry's order, with both sides' latest
    published updates, its roll-up and its milestones."""
    latest = latest_published_updates()
    this_cycle = published_in_cycle(cycle)
    rows = _measure_rows()
    ext_ids = {m.id: m.ext_id for m in rows}
    unit_ids = {u for m in rows for u in (m.lead_unit_hk_id, m.lead_unit_cq_id) if u}
    units = {u.id: _t(u.name) for u in Unit.objects.filter(id__in=unit_ids).only("id", "name")}
    tree = depth_first(
        rows,
        key=lambda m: m.id,
        parent=lambda m: m.parent_id,
        order=lambda m: (areas[m.area_id].position, m.position, m.id),
    )
    measures = []
    for m, depth in tree:
        r = by_measure.get(m.id)
        joint = r.joint_status_id if r else None
        measures.append(
            {
                "id": m.ext_id,
                "area": areas[m.area_id].ext_id,
                "parent": ext_ids.get(m.parent_id) if m.parent_id else None,
                "depth": depth,
                "code": m.code,
                "position": m.position,
                "title": _t(m.title),
                "lead_unit_hk": units[m.lead_unit_hk_id] if m.lead_unit_hk_id else None,
                "lead_unit_cq": units[m.lead_unit_cq_id] if m.lead_unit_cq_id else None,
                "planned_start": _d(m.planned_start),
                "planned_end": _d(m.planned_end),
                "actual_start": _d(m.actual_start),
                "actual_end": _d(m.actual_end),
                "sides": {side: _side_entry(latest.get((m.id, side)), cycle, statuses) for side in SIDES},
                "updated_this_cycle": [s for s in SIDES if (m.id, s) in this_cycle],
                "joint_status": (statuses[joint].key if joint in statuses else None) if r else None,
                "disagreement": bool(r.disagreement) if r else False,
                **_figures(r),
                "milestones": [_milestone(ms) for ms in m.milestones_in_order],  # type: ignore[attr-defined]  # set by _measure_rows
            }
        )
    return measures


def _milestone(ms: Milestone) -> dict[str, Any]:
    return {
        "id": ms.ext_id or str(ms.id),
        "title": _t(ms.title),
        "planned_on": _d(ms.planned_on),
        "achieved_on": _d(ms.achieved_on),
    }


def _agreements() -> list[dict[str, Any]]:
    agreements = []
    for a in Agreement.objects.prefetch_related("events").order_by("signed_on", "ext_id"):
        events = sorted(a.events.all(), key=lambda e: (e.date, e.id))
        agreements.append(
            {
                "id": a.ext_id,
                "kind": a.kind,
                "title": _t(a.title),
                "signed_on": _d(a.signed_on),
                "status": events[-1].kind if events else None,
                "events": [{"kind": e.kind, "date": _d(e.date), "note": _t(e.note)} for e in events],
            }
        )
    return agreements


def _decisions() -> list[dict[str, Any]]:
    return [
        {
            "id": d.ext_id,
            "meeting": d.meeting.ext_id,
            "meeting_title": _t(d.meeting.title),
            "meeting_date": _d(d.meeting.date),
            "number": d.number,
            "text": _t(d.text),
            "due_on": _d(d.due_on),
            "status": d.status,
            "follow_up": _t(d.follow_up),
            "measures": sorted(m.ext_id for m in d.measures.all()),
        }
        for d in Decision.objects.select_related("meeting")
        .prefetch_related("measures")
        .order_by("meeting__date", "number", "id")
    ]


def draft_meeting(as_of: dt.date) -> dict[str, Any]:
    """The plenary a draft report is prepared for, before it is recorded: titled in the three
    languages as a draft up to ``as_of`` (the day it is prepared, or the plenary's planned day)."""
    titles = {}
    for lang in (EN, HANT, HANS):
        with translation.override(lang):
            titles[lang] = _("Draft for the next plenary, up to %(date)s") % {"date": show_date(as_of)}
    return {
        "id": None,
        "kind": "plenary",
        "title": TText.of(titles[EN], titles[HANT], titles[HANS]).to_json(),
        "date": _d(as_of),
        "place": {},
    }


def build(
    *, cycle: ReportingCycle, meeting: Meeting | None, taken_at: dt.datetime, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The document a snapshot freezes at ``meeting``; without a meeting, a draft of the open
    cycle up to ``as_of`` (the report a secretariat prepares before the plenary is recorded),
    built the same way from the registry as it is now and never stored."""
    statuses = {s.id: s for s in Status.objects.all()}
    rollups = list(ProgressRollup.objects.all())
    by_measure = {r.measure_id: r for r in rollups if r.level == ProgressRollup.Level.MEASURE}
    by_area = {r.area_id: r for r in rollups if r.level == ProgressRollup.Level.AREA}
    mechanism = next((r for r in rollups if r.level == ProgressRollup.Level.MECHANISM), None)
    area_rows = list(Area.objects.order_by("position"))  # read once, for the measures and the areas
    measures = _measures(cycle, statuses, by_measure, {a.id: a for a in area_rows})
    area_counts = areafigures.counts_by_area()
    areas = [
        {
            "id": a.ext_id,
            "position": a.position,
            "name": _t(a.name),
            **_figures(by_area.get(a.id)),
            "figures": {key: counts.get(a.id, 0) for key, counts in area_counts.items()},
        }
        for a in area_rows
    ]
    return {
        "version": FORMAT_VERSION,
        "taken_at": _d(taken_at),
        "as_of": _d(meeting.date if meeting is not None else as_of),
        "cycle": {"id": cycle.id, "name": _t(cycle.name), "opens_on": _d(cycle.opens_on)},
        "meeting": {
            "id": meeting.ext_id,
            "kind": meeting.kind,
            "title": _t(meeting.title),
            "date": _d(meeting.date),
            "place": _t(meeting.place),
        }
        if meeting is not None
        else draft_meeting(as_of or taken_at.date()),
        "draft": meeting is None,
        "statuses": {
            s.key: {
                "name": _t(s.name),
                "position": s.position,
                "is_terminal": s.is_terminal,
                "is_ongoing": s.is_ongoing,
            }
            for s in statuses.values()
        },
        "mechanism": _figures(mechanism),
        "figures": area_figure_labels(),
        "areas": areas,
        "measures": measures,
        "agreements": _agreements(),
        "decisions": _decisions(),
    }


def area_figure_labels() -> list[dict[str, Any]]:
    """The registered area figures, each with its label in the three languages."""
    out = []
    for f in areafigures.figures():
        labels = {}
        for lang, _name in settings.LANGUAGES:
            with translation.override(lang):
                labels[lang] = str(f.label())
        out.append({"key": f.key, "label": TText.of(labels["en"], labels["zh-hant"], labels["zh-hans"]).to_json()})
    return out
