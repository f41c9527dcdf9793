"""The progress roll-up: items → measure → area → mechanism.

Rules (also shown on the dashboard):
- A measure or item without items of its own takes each side's percent from that side's
  latest *published* update; its joint percent is the mean of the sides that reported.
- A measure with items takes its percents from its items as soon as any item (at any depth)
  has a published update; until then from its own updates. Items nobody has reported on
  count as 0 % (not started).
- An area averages its top-level measures the same way; the mechanism averages its areas
  (plainly: areas carry no weight).
- Averages are weighted by ``MeasureWeight`` (1 where none is set) when the settings say
  "weighted", plain otherwise. If every weight among siblings is 0 the plain average is used.
- Each side's status on a measure is its latest published status. The joint status is the
  status both sides give, or, where they differ, the less advanced one (lower in the scale's
  order) — and the measure is flagged as a disagreement. One side reporting alone gives
  its status as the joint one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from hkcq.core.choices import Side
from hkcq.progress.models import MeasureWeight, ProgressRollup, ProgressSettings, ProgressUpdate, Status
from hkcq.registry.models import Area, Measure

HK, CQ = Side.HONG_KONG.value, Side.CHONGQING.value
CENT = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def average(values: list[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """Weighted mean of (value, weight); None values count as 0; None when all are None."""
    if not values or all(v is None for v, _w in values):
        return None
    total_weight = sum((w for _v, w in values), Decimal(0))
    if total_weight <= 0:
        values = [(v, Decimal(1)) for v, _w in values]
        total_weight = Decimal(len(values))
    return _q(sum(((v or Decimal(0)) * w for v, w in values), Decimal(0)) / total_weight)


def joint_status(hk: Status | None, cq: Status | None) -> tuple[Status | None, bool]:
    """(joint status, disagreement)."""
    if hk is None or cq is None:
        return (hk or cq), False
    if hk.pk == cq.pk:
        return hk, False
    return (hk if (hk.position, hk.pk) <= (cq.position, cq.pk) else cq), True


@dataclass
class Node:
    percent: Decimal | None = None
    percent_hk: Decimal | None = None
    percent_cq: Decimal | None = None
    status_hk: Status | None = None
    status_cq: Status | None = None
    joint: Status | None = None
    disagreement: bool = False
    last_published_at: datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def reported(self) -> bool:
        return self.percent is not None


def latest_published(measure_ids: Iterable[int] | None = None) -> dict[tuple[int, str], ProgressUpdate]:
    """The latest published update per (measure id, side)."""
    qs = ProgressUpdate.objects.filter(state=ProgressUpdate.State.PUBLISHED).select_related("status")
    if measure_ids is not None:
        qs = qs.filter(measure_id__in=list(measure_ids))
    out: dict[tuple[int, str], ProgressUpdate] = {}
    for update in qs.order_by("measure_id", "side", "-published_at", "-id").only(
        "id", "measure_id", "side", "percent", "status", "published_at"
    ):
        out.setdefault((update.measure_id, update.side), update)
    return out


def _latest_time(*times: datetime | None) -> datetime | None:
    present = [t for t in times if t is not None]
    return max(present) if present else None


def _combine(parts: list[tuple[Node, Decimal]], node: Node) -> None:
    node.percent_hk = average([(n.percent_hk, w) for n, w in parts])
    node.percent_cq = average([(n.percent_cq, w) for n, w in parts])
    node.percent = average([(n.percent, w) for n, w in parts])


def own_node(own_hk: ProgressUpdate | None, own_cq: ProgressUpdate | None, kids: list[tuple[Node, Decimal]]) -> Node:
    """A measure's node from its own latest published updates and its children's nodes (with
    their weights)."""
    node = Node()
    node.status_hk = own_hk.status if own_hk else None
    node.status_cq = own_cq.status if own_cq else None
    node.joint, node.disagreement = joint_status(node.status_hk, node.status_cq)
    node.last_published_at = _latest_time(
        own_hk.published_at if own_hk else None,
        own_cq.published_at if own_cq else None,
        *(n.last_published_at for n, _w in kids),
    )
    if kids and any(n.reported for n, _w in kids):
        _combine(kids, node)
    else:
        node.percent_hk = _q(Decimal(own_hk.percent)) if own_hk else None
        node.percent_cq = _q(Decimal(own_cq.percent)) if own_cq else None
        sides = [p for p in (node.percent_hk, node.percent_cq) if p is not None]
        node.percent = _q(sum(sides, Decimal(0)) / len(sides)) if sides else None
    return node


def compute_area(
    measures: list[Measure],
    latest: dict[tuple[int, str], ProgressUpdate],
    weights: dict[int, Decimal],
    weighted: bool,
) -> tuple[dict[int, Node], Node]:
    """Nodes for every measure of one area and for the area itself."""
    children: dict[int | None, list[Measure]] = {}
    for m in measures:
        children.setdefault(m.parent_id, []).append(m)
    nodes: dict[int, Node] = {}

    def weight(m: Measure) -> Decimal:
        return weights.get(m.id, Decimal(1)) if weighted else Decimal(1)

    def walk(m: Measure) -> Node:
        kids = children.get(m.id, [])
        for k in kids:
            walk(k)
        node = own_node(latest.get((m.id, HK)), latest.get((m.id, CQ)), [(nodes[k.id], weight(k)) for k in kids])
        nodes[m.id] = node
        return node

    top = children.get(None, [])
    for m in top:
        walk(m)
    area_node = Node()
    _combine([(nodes[m.id], weight(m)) for m in top], area_node)
    area_node.last_published_at = _latest_time(*(nodes[m.id].last_published_at for m in top))
    return nodes, area_node


def _rollup_fields(node: Node) -> dict[str, Any]:
    return {
        "percent": node.percent,
        "percent_hk": node.percent_hk,
        "percent_cq": node.percent_cq,
        "status_hk": node.status_hk,
        "status_cq": node.status_cq,
        "joint_status": node.joint,
        "disagreement": node.disagreement,
        "reported": node.reported,
        "last_published_at": node.last_published_at,
    }


FIELDS = list(_rollup_fields(Node()).keys())
STATUS_FIELDS = ("status_hk", "status_cq", "joint_status")


def _apply(row: ProgressRollup, node: Node) -> bool:
    """Set ``node``'s figures on ``row``; True when anything differs from what the row held
    (so callers write only rows that changed)."""
    changed = row.pk is None
    for name, value in _rollup_fields(node).items():
        if name in STATUS_FIELDS:
            new_id = value.pk if value is not None else None
            if getattr(row, f"{name}_id") != new_id:
                setattr(row, name, value)
                changed = True
        elif getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _node_of(row: ProgressRollup | None) -> Node:
    """The figures a stored roll-up gives its parent (percents, reported, last published)."""
    if row is None:
        return Node()
    return Node(
        percent=row.percent,
        percent_hk=row.percent_hk,
        percent_cq=row.percent_cq,
        last_published_at=row.last_published_at,
    )


def _write(to_create: list[ProgressRollup], to_update: list[ProgressRollup]) -> None:
    if to_create:
        ProgressRollup.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        ProgressRollup.objects.bulk_update(to_update, [*FIELDS, "computed_at"], batch_size=500)


def _stamp(rows: list[ProgressRollup]) -> None:
    now = timezone.now()
    for row in rows:
        row.computed_at = now


@transaction.atomic
def recompute(areas: Iterable[Area] | None = None) -> None:
    """Recompute the roll-ups of ``areas`` (all when None) and of the whole mechanism from the
    published updates: the repair path (after imports, restructuring, scale or settings
    changes). Rows whose figures did not change are not written."""
    settings = ProgressSettings.load()
    weighted = settings.rollup_method == ProgressSettings.Method.WEIGHTED
    area_list = list(areas) if areas is not None else list(Area.objects.all())
    measures = list(Measure.objects.filter(area__in=area_list).only("id", "area_id", "parent_id", "position"))
    measures.sort(key=lambda m: (m.position, m.id))
    ids = [m.id for m in measures]
    latest = latest_published(ids if areas is not None else None)
    weights = dict(
        MeasureWeight.objects.filter(**({"measure_id__in": ids} if areas is not None else {})).values_list(
            "measure_id", "weight"
        )
    )
    scope = ProgressRollup.objects.filter(level=ProgressRollup.Level.MEASURE)
    if areas is not None:
        scope = scope.filter(measure_id__in=ids)
    existing = {r.measure_id: r for r in scope}
    area_rows = {
        r.area_id: r
        for r in ProgressRollup.objects.filter(level=ProgressRollup.Level.AREA, area_id__in=[a.id for a in area_list])
    }
    by_area: dict[int, list[Measure]] = {}
    for m in measures:
        by_area.setdefault(m.area_id, []).append(m)
    to_create: list[ProgressRollup] = []
    to_update: list[ProgressRollup] = []
    for area in area_list:
        nodes, area_node = compute_area(by_area.get(area.id, []), latest, weights, weighted)
        for measure_id, node in nodes.items():
            row = existing.get(measure_id) or ProgressRollup(level=ProgressRollup.Level.MEASURE, measure_id=measure_id)
            if _apply(row, node):
                (to_update if row.pk else to_create).append(row)
        row = area_rows.get(area.id) or ProgressRollup(level=ProgressRollup.Level.AREA, area_id=area.id)
        if _apply(row, area_node):
            (to_update if row.pk else to_create).append(row)
    _stamp(to_update)
    _write(to_create, to_update)
    _recompute_mechanism()


@transaction.atomic
def recompute_for(measure_id: int) -> None:
    """Recompute after a change on one measure or item (a publication, a weight): that measure,
    its ancestors, its area and the mechanism, from the stored roll-ups of their other
    children. Nothing else is read or written. Equal to :func:`recompute` as long as the
    stored roll-ups were current before the change."""
    settings = ProgressSettings.load()
    weighted = settings.rollup_method == ProgressSettings.Method.WEIGHTED
    area_id = Measure.objects.filter(pk=measure_id).values_list("area_id", flat=True).first()
    if area_id is None:
        return
    tree = list(Measure.objects.filter(area_id=area_id).values_list("id", "parent_id", "position"))
    parent_of = {mid: parent for mid, parent, _pos in tree}
    children: dict[int | None, list[int]] = {}
    for mid, parent, _pos in sorted(tree, key=lambda t: (t[2], t[0])):
        children.setdefault(parent, []).append(mid)
    chain: list[int] = []  # the measure, then its parent, … up to the top-level measure
    current: int | None = measure_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parent_of.get(current)
    needed = set(chain) | set(children.get(None, []))
    for mid in chain:
        needed.update(children.get(mid, []))
    rows = {
        r.measure_id: r
        for r in ProgressRollup.objects.filter(level=ProgressRollup.Level.MEASURE, measure_id__in=needed)
    }
    latest = latest_published(chain)
    weights = (
        dict(MeasureWeight.objects.filter(measure_id__in=needed).values_list("measure_id", "weight"))
        if weighted
        else {}
    )

    def weight(mid: int) -> Decimal:
        return weights.get(mid, Decimal(1)) if weighted else Decimal(1)

    nodes: dict[int, Node] = {mid: _node_of(rows.get(mid)) for mid in needed}
    to_create: list[ProgressRollup] = []
    to_update: list[ProgressRollup] = []
    for mid in chain:
        kids = [(nodes[k], weight(k)) for k in children.get(mid, [])]
        node = own_node(latest.get((mid, HK)), latest.get((mid, CQ)), kids)
        nodes[mid] = node
        row = rows.get(mid) or ProgressRollup(level=ProgressRollup.Level.MEASURE, measure_id=mid)
        if _apply(row, node):
            (to_update if row.pk else to_create).append(row)
    top = [(nodes[k], weight(k)) for k in children.get(None, [])]
    area_node = Node()
    _combine(top, area_node)
    area_node.last_published_at = _latest_time(*(n.last_published_at for n, _w in top))
    area_row = ProgressRollup.objects.filter(level=ProgressRollup.Level.AREA, area_id=area_id).first()
    area_row = area_row or ProgressRollup(level=ProgressRollup.Level.AREA, area_id=area_id)
    if _apply(area_row, area_node):
        (to_update if area_row.pk else to_create).append(area_row)
    _stamp(to_update)
    _write(to_create, to_update)
    if any(r.level == ProgressRollup.Level.AREA for r in to_create + to_update):
        _recompute_mechanism()


def _recompute_mechanism() -> None:
    by_area = {r.area_id: r for r in ProgressRollup.objects.filter(level=ProgressRollup.Level.AREA)}
    rows = [by_area.get(area_id) for area_id in Area.objects.values_list("id", flat=True)]
    one = Decimal(1)
    node = Node(
        percent=average([(r.percent if r else None, one) for r in rows]),
        percent_hk=average([(r.percent_hk if r else None, one) for r in rows]),
        percent_cq=average([(r.percent_cq if r else None, one) for r in rows]),
        last_published_at=_latest_time(*(r.last_published_at for r in rows if r)),
    )
    row = ProgressRollup.objects.filter(level=ProgressRollup.Level.MECHANISM).first()
    row = row or ProgressRollup(level=ProgressRollup.Level.MECHANISM)
    if _apply(row, node):
        row.save()
