"""Reads for progress pages and the API, with their joins applied."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, overload

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.accounts.types import Viewer
from hkcq.core import areafigures
from hkcq.core.areafigures import AreaFigure
from hkcq.core.choices import Side
from hkcq.core.errors import NotFound
from hkcq.core.mywork import WorkCount, WorkSection
from hkcq.progress import permissions
from hkcq.progress.models import (
    Evidence,
    ProgressRollup,
    ProgressSettings,
    ProgressUpdate,
    ReportingCycle,
    Status,
    UpdateTransition,
)
from hkcq.registry.models import Area, Measure, Unit
from hkcq.registry.permissions import user_unit_ids

State = ProgressUpdate.State
SIDES = (Side.HONG_KONG, Side.CHONGQING)
REPORTED_STATES = (State.SUBMITTED, State.CONFIRMED, State.PUBLISHED)


def status_list(*, active_only: bool = False) -> QuerySet[Status]:
    qs = Status.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("position", "id")


def status_get(key: str) -> Status:
    """A status of the scale by its key (retired ones too); ``NotFound`` (404) otherwise."""
    status = Status.objects.filter(key=key).first()
    if status is None:
        raise NotFound()
    return status


def cycle_open_get() -> ReportingCycle | None:
    return ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN).first()


def _update_base() -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.select_related(
        "measure", "measure__area", "status", "cycle", "author", "confirmed_by", "published_by"
    )


def published_updates(*, measure: Measure | None = None, side: str | None = None) -> QuerySet[ProgressUpdate]:
    qs = _update_base().filter(state=State.PUBLISHED)
    if measure is not None:
        qs = qs.filter(measure=measure)
    if side:
        qs = qs.filter(side=side)
    return qs.order_by("-published_at", "-id")


def update_get_for_user(*, user: Viewer, update_id: int) -> ProgressUpdate:
    """The update, if ``user`` may see it; otherwise ``NotFound`` (404: never reveal that it exists)."""
    qs = _update_base().prefetch_related(
        "evidence",
        Prefetch("transitions", queryset=UpdateTransition.objects.select_related("actor")),
        "measure__supporting_units",
        "measure__lead_unit_hk",
        "measure__lead_unit_cq",
    )
    update = qs.filter(pk=update_id).first()
    if update is None or not permissions.can_view(user, update):
        raise NotFound()
    return update


def evidence_get_for_user(*, user: Viewer, evidence_id: int) -> Evidence:
    """An evidence file ``user`` may download: public evidence of a published update, or any
    evidence of an update the user may see as staff; ``NotFound`` (404) otherwise, and for a
    record without a stored file."""
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is None or not evidence.file:
        raise NotFound()
    update = update_get_for_user(user=user, update_id=evidence.update_id)
    if not (permissions.can_see_internal(user) or (evidence.is_public and update.is_published)):
        raise NotFound()
    return evidence


def _drafter_filter(user: Viewer) -> Q:
    """Updates of the user's side the user may draft for."""
    side = permissions.user_side(user)
    if side is None:
        return Q(pk__in=[])
    if permissions.is_secretariat_of(user, side):
        return Q(side=side)
    units = user_unit_ids(user) if isinstance(user, User) and user.is_officer else set()
    lead = "measure__lead_unit_hk_id__in" if side == Side.HONG_KONG else "measure__lead_unit_cq_id__in"
    return Q(side=side) & (
        Q(**{lead: units}) | Q(measure__supporting_units__in=units, measure__supporting_units__side=side)
    )


QUEUES = ("drafts", "returned", "submitted", "to_confirm", "to_publish")


def queue(user: Viewer, name: str) -> QuerySet[ProgressUpdate]:
    side = permissions.user_side(user)
    qs = _update_base()
    if name == "to_confirm":
        if side is None or not permissions.is_secretariat_of(user, side):
            return qs.none()
        other = Side.CHONGQING if side == Side.HONG_KONG else Side.HONG_KONG
        return qs.filter(state=State.SUBMITTED, side=other).order_by("submitted_at", "id")
    if name == "to_publish":
        if side is None or not permissions.is_secretariat_of(user, side):
            return qs.none()
        return qs.filter(state=State.CONFIRMED, side=side).order_by("confirmed_at", "id")
    state = {"drafts": State.DRAFT, "returned": State.RETURNED, "submitted": State.SUBMITTED}.get(name)
    if state is None:
        return qs.none()
    ids = ProgressUpdate.objects.filter(_drafter_filter(user), state=state).values("id")
    return qs.filter(id__in=ids).order_by("-updated_at", "-id")


def queue_counts(user: Viewer) -> dict[str, int]:
    return {name: queue(user, name).count() for name in QUEUES}


def open_update_for(measure: Measure, side: str) -> ProgressUpdate | None:
    return ProgressUpdate.objects.filter(measure=measure, side=side, state__in=ProgressUpdate.OPEN_STATES).first()


# -- the measure page --------------------------------------------------------------------------
@dataclass
class SideProgress:
    side: str
    label: str
    latest: ProgressUpdate | None


def measure_progress(measure: Measure, *, limit: int = 5) -> dict[str, Any]:
    rollup = (
        ProgressRollup.objects.select_related("status_hk", "status_cq", "joint_status").filter(measure=measure).first()
    )
    updates = list(published_updates(measure=measure).prefetch_related("evidence")[: limit + 1])
    latest: dict[str, ProgressUpdate | None] = {}
    for side in SIDES:
        # The latest of each side is among the shown updates unless they are all the other side's.
        shown = next((u for u in updates if u.side == side), None)
        latest[side] = (
            shown
            if shown is not None or len(updates) <= limit
            else published_updates(measure=measure, side=side).first()
        )
    return {
        "rollup": rollup,
        "sides": [SideProgress(side, str(Side(side).label), latest[side]) for side in SIDES],
        "updates": updates[:limit],
        "more_updates": len(updates) > limit,
    }


# -- the dashboard -----------------------------------------------------------------------------
def area_rollups() -> list[tuple[Area, ProgressRollup | None]]:
    return rollups_overall()[0]


def rollups_overall() -> tuple[list[tuple[Area, ProgressRollup | None]], ProgressRollup | None]:
    """Each area with its roll-up, in order, and the mechanism's roll-up: one read of the roll-ups."""
    rows = list(ProgressRollup.objects.filter(level__in=[ProgressRollup.Level.AREA, ProgressRollup.Level.MECHANISM]))
    by_area = {r.area_id: r for r in rows if r.level == ProgressRollup.Level.AREA}
    mechanism = next((r for r in rows if r.level == ProgressRollup.Level.MECHANISM), None)
    return [(a, by_area.get(a.id)) for a in Area.objects.order_by("position")], mechanism


@dataclass(frozen=True)
class AreaResults:
    """The figures other apps count under each area (``hkcq.core.areafigures``: partnerships,
    exchange pairs and placements), one row per area with any, and the totals."""

    figures: list[AreaFigure]
    rows: list[tuple[Area, list[int]]]
    totals: list[int]


def area_results(areas: list[Area] | None = None) -> AreaResults:
    """``areas``: the areas in order when the caller has them already (the dashboard)."""
    figs = areafigures.figures()
    counts = areafigures.counts_by_area()
    rows = []
    for area in areas if areas is not None else Area.objects.order_by("position"):
        values = [counts[f.key].get(area.pk, 0) for f in figs]
        if any(values):
            rows.append((area, values))
    totals = [sum(values[i] for _, values in rows) for i in range(len(figs))]
    return AreaResults(figures=figs, rows=rows, totals=totals)


def mechanism_rollup() -> ProgressRollup | None:
    return ProgressRollup.objects.filter(level=ProgressRollup.Level.MECHANISM).first()


def _measure_rows() -> QuerySet[Measure]:
    return Measure.objects.select_related(
        "area",
        "progress_rollup",
        "progress_rollup__status_hk",
        "progress_rollup__status_cq",
        "progress_rollup__joint_status",
    )


def late_measures(*, today: date | None = None) -> QuerySet[Measure]:
    """Planned end passed, not completed (nor ongoing by nature), no actual end."""
    today = today or timezone.localdate()
    return (
        _measure_rows()
        .filter(planned_end__lt=today, actual_end__isnull=True)
        .exclude(progress_rollup__joint_status__is_terminal=True)
        .exclude(progress_rollup__joint_status__is_ongoing=True)
        .order_by("planned_end", "area__position", "position", "id")
    )


def disagreements() -> QuerySet[Measure]:
    return _measure_rows().filter(progress_rollup__disagreement=True).order_by("area__position", "position", "id")


@dataclass
class StaleRow:
    measure: Measure
    side: str
    side_label: str
    last_submitted_at: datetime | None
    in_current_cycle: bool
    units: list[Unit]


def _stale_for_side(side: str, cutoff: datetime, cycle: ReportingCycle | None) -> QuerySet[Measure]:
    """The measures ``side`` answers for that are stale for it, in the registry's order, as SQL."""
    lead = "lead_unit_hk" if side == Side.HONG_KONG else "lead_unit_cq"
    supporting = Measure.supporting_units.through.objects.filter(measure_id=OuterRef("pk"), unit__side=side)
    reported = ProgressUpdate.objects.filter(measure_id=OuterRef("pk"), side=side, state__in=REPORTED_STATES)
    last = reported.order_by(F("submitted_at").desc(nulls_last=True)).values("submitted_at")[:1]
    qs = Measure.objects.filter(Q(**{f"{lead}__isnull": False}) | Exists(supporting)).annotate(
        last_submitted_at=Subquery(last),
        in_current_cycle=Exists(reported.filter(cycle=cycle)) if cycle is not None else Value(True),
    )
    stale: Any = ~Exists(reported.filter(submitted_at__gte=cutoff))
    if cycle is not None:
        stale |= Q(in_current_cycle=False)
    return qs.filter(stale).order_by("area__position", "position", "id")


class StaleList:
    """The stale (measure, side) rows, both sides merged in the registry's order (a measure's Hong
    Kong row first). Counting and slicing run in SQL: a slice ``[a:b]`` reads at most ``b`` rows
    per side, so the dashboard's first ten read ten per side, not every measure."""

    def __init__(self, *, now: datetime | None = None) -> None:
        now = now or timezone.now()
        self.stale_after_days = ProgressSettings.load().stale_after_days
        cutoff = now - timedelta(days=self.stale_after_days)
        cycle = cycle_open_get()
        self.by_side = {side: _stale_for_side(side, cutoff, cycle) for side in SIDES}
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(qs.count() for qs in self.by_side.values())
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _rows(self, limit: int | None) -> list[StaleRow]:
        rows: list[tuple[tuple[int, int, int, int], StaleRow]] = []
        for index, (side, qs) in enumerate(self.by_side.items()):
            lead = "lead_unit_hk" if side == Side.HONG_KONG else "lead_unit_cq"
            page = qs.select_related("area", lead).prefetch_related(
                Prefetch("supporting_units", queryset=Unit.objects.filter(side=side), to_attr="side_units")
            )
            for m in page[:limit] if limit is not None else page:
                lead_unit = getattr(m, lead)
                units = [lead_unit] if lead_unit is not None else list(m.side_units)
                when, current = getattr(m, "last_submitted_at"), getattr(m, "in_current_cycle")  # noqa: B009 (annotations)
                row = StaleRow(m, side, str(Side(side).label), when, current, units)
                rows.append(((m.area.position, m.position, m.id, index), row))
        rows.sort(key=lambda pair: pair[0])
        return [row for _key, row in rows]

    @overload
    def __getitem__(self, index: int) -> StaleRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[StaleRow]: ...
    def __getitem__(self, index: int | slice) -> StaleRow | list[StaleRow]:
        if isinstance(index, int):
            return self._rows(index + 1)[index]
        if index.stop is None or index.stop < 0 or (index.start or 0) < 0:
            return self._rows(None)[index]
        return self._rows(index.stop)[index]

    def __iter__(self) -> Iterator[StaleRow]:
        return iter(self._rows(None))


def stale_measures(*, now: datetime | None = None) -> StaleList:
    """For each side, the measures that side answers for (a lead unit, else supporting units on
    that side) with no update submitted in the last N days (settings) or none in the open
    cycle. Updates count once submitted (also when later confirmed or published). Counted and
    sliced in SQL (``StaleList``)."""
    return StaleList(now=now)


def stale_by_unit(*, now: datetime | None = None) -> dict[Unit, list[StaleRow]]:
    out: dict[Unit, list[StaleRow]] = {}
    for row in stale_measures(now=now):
        for unit in row.units:
            if unit.is_active:
                out.setdefault(unit, []).append(row)
    if out:
        members = Unit.objects.prefetch_related("members").in_bulk([u.id for u in out])
        out = {members[u.id]: rows for u, rows in out.items()}
    return out


def recent_updates() -> QuerySet[ProgressUpdate]:
    return published_updates()


def my_work(user: Viewer) -> WorkSection | None:
    """Progress updates on the "my work" page (hkcq.core.mywork): an officer's updates to write
    (drafts, returned); the secretariat's updates to confirm and publish and the late and
    overdue-for-update measures. Each count is the length of the list it links to."""
    side = permissions.user_side(user)
    if side is None:
        return None
    queue_url = reverse("progress:queue")
    counts = queue_counts(user)
    labels = {
        "drafts": _("Drafts"),
        "returned": _("Returned"),
        "submitted": _("Awaiting the other side"),
        "to_confirm": _("To confirm (other side)"),
        "to_publish": _("To publish (my side)"),
    }
    secretariat = permissions.is_secretariat_of(user, side)
    names = ("to_confirm", "to_publish", "returned") if secretariat else ("drafts", "returned", "submitted")
    items = [
        WorkCount(labels[name], counts[name], f"{queue_url}?queue={name}", urgent=name == "returned") for name in names
    ]
    if secretariat:
        items += [
            WorkCount(
                _("Late measures"), late_measures().count(), reverse("progress:list", args=["late"]), urgent=True
            ),
            WorkCount(_("Stale measures"), stale_measures().count(), reverse("progress:list", args=["stale"])),
        ]
    return WorkSection("progress", str(_("My work on updates")), items)
