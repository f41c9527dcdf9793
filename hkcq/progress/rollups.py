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
from typing import Any, NamedTuple

from django.db import connections, router, transaction
from django.db.models import F, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from hkcq.core.choices import Side
from hkcq.progress.models import MeasureWeight, ProgressRollup, ProgressSettings, ProgressUpdate
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


def joint_status(hk: StatusRef | None, cq: StatusRef | None) -> tuple[StatusRef | None, bool]:
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
    status_hk: StatusRef | None = None
    status_cq: StatusRef | None = None
    joint: StatusRef | None = None
    disagreement: bool = False
    last_published_at: datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def reported(self) -> bool:
        return self.percent is not None


class StatusRef(NamedTuple):
    """A status as the roll-up uses it: which one, and its place in the scale."""

    pk: int
    position: int


class Latest(NamedTuple):
    """A (measure, side)'s latest published update: the figures the roll-up reads from it."""

    id: int
    measure_id: int
    side: str
    percent: int
    status: StatusRef | None
    published_at: datetime | None


def latest_published(measure_ids: Iterable[int] | None = None) -> dict[tuple[int, str], Latest]:
    """The latest published update per (measure id, side). Ranked in SQL (a window per measure
    and side, on the ``update_latest`` index), so only the latest rows are read, as plain
    values, not every update of every measure's history."""
    qs = ProgressUpdate.objects.filter(state=ProgressUpdate.State.PUBLISHED)
    if measure_ids is not None:
        qs = qs.filter(measure_id__in=list(measure_ids))
    rank = Window(
        RowNumber(), partition_by=[F("measure_id"), F("side")], order_by=[F("published_at").desc(), F("id").desc()]
    )
    rows = (
        qs.annotate(rank=rank)
        .filter(rank=1)
        .order_by()
        .values_list("id", "measure_id", "side", "percent", "status_id", "status__position", "published_at")
    )
    return {
        (measure_id, side): Latest(
            pk, measure_id, side, percent, StatusRef(status_id, position) if status_id else None, published_at
        )
        for pk, measure_id, side, percent, status_id, position, published_at in rows
    }


def _latest_time(*times: datetime | None) -> datetime | None:
    present = [t for t in times if t is not None]
    return max(present) if present else None


def _combine(parts: list[tuple[Node, Decimal]], node: Node) -> None:
    node.percent_hk = average([(n.percent_hk, w) for n, w in parts])
    node.percent_cq = average([(n.percent_cq, w) for n, w in parts])
    node.percent = average([(n.percent, w) for n, w in parts])


def own_node(own_hk: Latest | None, own_cq: Latest | None, kids: list[tuple[Node, Decimal]]) -> Node:
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
    latest: dict[tuple[int, str], Latest],
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
    return nodes, _area_node([(nodes[m.id], weight(m)) for m in top])


def _area_node(top: list[tuple[Node, Decimal]]) -> Node:
    """An area's figures from its top-level measures' nodes (with their weights)."""
    node = Node()
    _combine(top, node)
    node.last_published_at = _latest_time(*(n.last_published_at for n, _w in top))
    return node


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


def _fill_row(row: ProgressRollup, node: Node) -> set[str]:
    """Set ``node``'s figures on ``row``; the names of the fields that differ from what the row
    held (all of them for a new row), so callers write only rows, and fields, that changed."""
    changed = set()
    for name, value in _rollup_fields(node).items():
        if name in STATUS_FIELDS:
            new_id = value.pk if value is not None else None
            if getattr(row, f"{name}_id") != new_id:
                setattr(row, f"{name}_id", new_id)
                changed.add(name)
        elif getattr(row, name) != value:
            setattr(row, name, value)
            changed.add(name)
    return set(FIELDS) if row.pk is None else changed


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


class _Changes:
    """The roll-up rows to create and the changed fields of those to update."""

    def __init__(self) -> None:
        self.create: list[ProgressRollup] = []
        self.update: list[tuple[ProgressRollup, set[str]]] = []

    def add(self, row: ProgressRollup, node: Node) -> bool:
        changed = _fill_row(row, node)
        if changed:
            if row.pk is None:
                self.create.append(row)
            else:
                self.update.append((row, changed))
        return bool(changed)

    def write(self) -> None:
        now = timezone.now()
        if self.create:
            for row in self.create:
                row.computed_at = now
            ProgressRollup.objects.bulk_create(self.create, batch_size=500)
        if self.update:
            # one UPDATE, of the fields that changed in any of the rows (a publication changes a
            # few: its measure's percent and status, the ancestors' and the area's percents)
            fields: set[str] = set().union(*(changed for _row, changed in self.update))
            rows = [row for row, _changed in self.update]
            for row in rows:
                row.computed_at = now
            _update_rows(rows, [*sorted(fields), "computed_at"])


def _update_rows(rows: list[ProgressRollup], fields: list[str]) -> None:
    """``UPDATE … SET <fields> WHERE id = …`` for each row, sent as one ``executemany``.

    ``bulk_update`` builds one ``CASE WHEN id = … THEN …`` expression per field and row and spent
    most of a cycle's close resolving them (1,000 changed rows: 2 s of CPU, issue 15); the
    statement here is prepared once and its parameters are the fields' own database values. It is
    still an ``UPDATE`` on the connection, so the page cache sees the write (core.pagecache)."""
    meta = ProgressRollup._meta
    connection = connections[router.db_for_write(ProgressRollup)]
    quote = connection.ops.quote_name
    columns = [field for field in meta.concrete_fields if field.name in fields]
    assert len(columns) == len(fields), fields  # every name is a concrete column of the table
    assert meta.pk is not None
    assignments = ", ".join(f"{quote(col.column)} = %s" for col in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [col.get_db_prep_save(getattr(row, col.attname), connection) for col in columns] + [row.pk] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _rows_in(
    scope: Q,
) -> tuple[dict[int, ProgressRollup], dict[int, ProgressRollup], ProgressRollup | None]:
    """The roll-up rows matching ``scope``, in one query: by measure, by area, the mechanism's."""
    measures: dict[int, ProgressRollup] = {}
    areas: dict[int, ProgressRollup] = {}
    mechanism = None
    for r in ProgressRollup.objects.filter(scope):
        if r.level == ProgressRollup.Level.MEASURE and r.measure_id is not None:
            measures[r.measure_id] = r
        elif r.level == ProgressRollup.Level.AREA and r.area_id is not None:
            areas[r.area_id] = r
        elif r.level == ProgressRollup.Level.MECHANISM:
            mechanism = r
    return measures, areas, mechanism


@transaction.atomic
def recompute(areas: Iterable[Area] | None = None) -> None:
    """Recompute the roll-ups of ``areas`` (all when None) and of the whole mechanism from the
    published updates: the repair path (after imports, restructuring, scale or settings
    changes). Rows whose figures did not change are not written, and of the others only the
    fields that changed."""
    settings = ProgressSettings.load()
    weighted = settings.rollup_method == ProgressSettings.Method.WEIGHTED
    area_ids = [a.id for a in areas] if areas is not None else list(Area.objects.values_list("id", flat=True))
    measures = list(Measure.objects.filter(area_id__in=area_ids).only("id", "area_id", "parent_id", "position"))
    measures.sort(key=lambda m: (m.position, m.id))
    ids = [m.id for m in measures]
    latest = latest_published(ids if areas is not None else None)
    weights = dict(
        MeasureWeight.objects.filter(**({"measure_id__in": ids} if areas is not None else {})).values_list(
            "measure_id", "weight"
        )
    )
    # every roll-up row in scope in one query: the measures', every area's, the mechanism's
    scope = Q(level__in=[ProgressRollup.Level.AREA, ProgressRollup.Level.MECHANISM])
    scope |= Q(level=ProgressRollup.Level.MEASURE, **({"measure_id__in": ids} if areas is not None else {}))
    existing, area_rows, mechanism_row = _rows_in(scope)
    by_area: dict[int, list[Measure]] = {}
    for m in measures:
        by_area.setdefault(m.area_id, []).append(m)
    changes = _Changes()
    area_nodes = {area_id: _node_of(row) for area_id, row in area_rows.items()}
    for area_id in area_ids:
        nodes, area_node = compute_area(by_area.get(area_id, []), latest, weights, weighted)
        for measure_id, node in nodes.items():
            row = existing.get(measure_id) or ProgressRollup(level=ProgressRollup.Level.MEASURE, measure_id=measure_id)
            changes.add(row, node)
        row = area_rows.get(area_id) or ProgressRollup(level=ProgressRollup.Level.AREA, area_id=area_id)
        changes.add(row, area_node)
        area_nodes[area_id] = area_node
    every_area = area_ids if areas is None else list(Area.objects.values_list("id", flat=True))
    changes.add(
        mechanism_row or ProgressRollup(level=ProgressRollup.Level.MECHANISM),
        _mechanism_node([area_nodes.get(area_id) for area_id in every_area]),
    )
    changes.write()


class _AreaTree(NamedTuple):
    """The measures of one area as :func:`recompute_for` walks them."""

    area_id: int
    children: dict[int | None, list[int]]  # by parent (None: the top level), in position order
    parent_of: dict[int, int | None]
    weight_of: dict[int, Decimal | None]  # None where no weight is set


def _area_tree(measure_id: int) -> _AreaTree | None:
    """The tree of the area ``measure_id`` is in, with each measure's weight, in one query."""
    area_of = Measure.objects.filter(pk=measure_id).values("area_id")
    tree = list(
        Measure.objects.filter(area_id=Subquery(area_of)).values_list(
            "id", "parent_id", "position", "area_id", "progress_weight__weight"
        )
    )
    if not tree:
        return None
    children: dict[int | None, list[int]] = {}
    for mid, parent, _pos, _area, _w in sorted(tree, key=lambda t: (t[2], t[0])):
        children.setdefault(parent, []).append(mid)
    return _AreaTree(
        area_id=tree[0][3],
        children=children,
        parent_of={mid: parent for mid, parent, _pos, _area, _w in tree},
        weight_of={mid: w for mid, _p, _pos, _area, w in tree},
    )


def _path_up(tree: _AreaTree, measure_id: int) -> list[int]:
    """The measure, then its parent, … up to its top-level measure."""
    chain: list[int] = []
    current: int | None = measure_id
    while current is not None and current not in chain:
        chain.append(current)
        current = tree.parent_of.get(current)
    return chain


def _weights_in_play(tree: _AreaTree, needed: set[int]) -> dict[int, Decimal]:
    """The weights the averages over ``needed`` use: those set, when the settings say "weighted";
    none (every measure counts 1) otherwise. Every weight 1 (the default) averages the same
    either way: the settings are read only when a weight in play says otherwise."""
    set_weights = {mid: w for mid, w in tree.weight_of.items() if mid in needed and w is not None}
    weighted = any(w != 1 for w in set_weights.values()) and (
        ProgressSettings.load().rollup_method == ProgressSettings.Method.WEIGHTED
    )
    return set_weights if weighted else {}


@transaction.atomic
def recompute_for(measure_id: int) -> None:
    """Recompute after a change on one measure or item (a publication, a weight): that measure,
    its ancestors, its area and the mechanism, from the stored roll-ups of their other
    children. Nothing else is read or written. Equal to :func:`recompute` as long as the
    stored roll-ups were current before the change."""
    tree = _area_tree(measure_id)
    if tree is None:
        return
    chain = _path_up(tree, measure_id)
    needed = set(chain) | set(tree.children.get(None, []))
    for mid in chain:
        needed.update(tree.children.get(mid, []))
    weights = _weights_in_play(tree, needed)
    # the rows of those measures, of every area and of the mechanism, in one query
    scope = Q(level=ProgressRollup.Level.MEASURE, measure_id__in=needed)
    scope |= Q(level__in=[ProgressRollup.Level.AREA, ProgressRollup.Level.MECHANISM])
    rows, area_rows, mechanism_row = _rows_in(scope)
    latest = latest_published(chain)

    def weighed(mids: list[int]) -> list[tuple[Node, Decimal]]:
        return [(nodes[k], weights.get(k, Decimal(1))) for k in mids]

    nodes: dict[int, Node] = {mid: _node_of(rows.get(mid)) for mid in needed}
    changes = _Changes()
    for mid in chain:
        node = own_node(latest.get((mid, HK)), latest.get((mid, CQ)), weighed(tree.children.get(mid, [])))
        nodes[mid] = node
        changes.add(rows.get(mid) or ProgressRollup(level=ProgressRollup.Level.MEASURE, measure_id=mid), node)
    area_node = _area_node(weighed(tree.children.get(None, [])))
    area_row = area_rows.get(tree.area_id) or ProgressRollup(level=ProgressRollup.Level.AREA, area_id=tree.area_id)
    if changes.add(area_row, area_node):
        area_nodes = {a: _node_of(r) for a, r in area_rows.items()} | {tree.area_id: area_node}
        every_area = Area.objects.values_list("id", flat=True)
        changes.add(
            mechanism_row or ProgressRollup(level=ProgressRollup.Level.MECHANISM),
            _mechanism_node([area_nodes.get(a) for a in every_area]),
        )
    changes.write()


def _mechanism_node(areas: list[Node | None]) -> Node:
    """The mechanism's figures: the plain mean of its areas' (an area with no roll-up yet as 0)."""
    one = Decimal(1)
    return Node(
        percent=average([(a.percent if a else None, one) for a in areas]),
        percent_hk=average([(a.percent_hk if a else None, one) for a in areas]),
        percent_cq=average([(a.percent_cq if a else None, one) for a in areas]),
        last_published_at=_latest_time(*(a.last_published_at for a in areas if a)),
    )
