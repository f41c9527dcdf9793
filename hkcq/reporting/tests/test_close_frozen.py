"""Closing a cycle freezes exactly the live figures of that moment: each measure's roll-up and
each side's latest published update (several updates per side, the latest taken)."""

from __future__ import annotations

import datetime as dt
import random

from hkcq.accounts.tests import personas
from hkcq.progress import rollups
from hkcq.progress.models import ProgressRollup, ProgressUpdate, Status
from hkcq.registry.models import Area, Measure
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory
from hkcq.reporting import services
from hkcq.reporting.tests.helpers import open_cycle, plenary

secretariat_hk = personas.secretariat_hk  # factory-made, not the default data's demo account


def _n(value):
    return float(value) if value is not None else None


def tree(rng: random.Random, size: int = 12) -> list[Measure]:
    """An area of ``size`` measures, some of them items of others."""
    area = AreaFactory.create()
    made: list[Measure] = []
    for position in range(size):
        parent = rng.choice(made) if made and rng.random() < 0.5 else None
        made.append(MeasureFactory.create(area=area, parent=parent, position=position))
    return made


def test_frozen_figures_equal_the_live_ones_at_close(secretariat_hk):
    rng = random.Random(15)
    cycle = open_cycle()
    statuses = list(Status.objects.all())
    made = tree(rng) + tree(rng)
    measures = list(Measure.objects.all())
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for measure in rng.sample(made, 16):
        for _ in range(rng.randint(1, 4)):
            when += dt.timedelta(hours=1)
            ProgressUpdate.objects.create(
                measure=measure,
                side=rng.choice(["hong_kong", "chongqing"]),
                cycle=cycle,
                status=rng.choice(statuses),
                percent=rng.randint(0, 100),
                author=secretariat_hk,
                state="published",
                published_at=when,
            )
    snapshot = services.close_cycle(cycle, plenary(dt.date(2024, 5, 10), 2), secretariat_hk)

    rollups.recompute()  # the live figures, from scratch
    live = {r.measure.ext_id: r for r in ProgressRollup.objects.filter(level="measure").select_related("measure")}
    status_key = {s.id: s.key for s in statuses}
    latest: dict[tuple[str, str], ProgressUpdate] = {}
    for u in ProgressUpdate.objects.filter(state="published").select_related("measure", "status"):
        key = (u.measure.ext_id, u.side)
        if key not in latest or (u.published_at, u.id) > (latest[key].published_at, latest[key].id):
            latest[key] = u
    frozen = snapshot.data["measures"]
    assert len(frozen) == len(measures)
    for m in frozen:
        r = live.get(m["id"])
        assert (m["percent"], m["percent_hk"], m["percent_cq"]) == (
            (_n(r.percent), _n(r.percent_hk), _n(r.percent_cq)) if r else (None, None, None)
        ), m["id"]
        assert m["joint_status"] == (status_key.get(r.joint_status_id) if r else None)
        assert m["disagreement"] == (r.disagreement if r else False)
        for side in ("hong_kong", "chongqing"):
            found = latest.get((m["id"], side))
            frozen_side = m["sides"][side]
            got = (frozen_side["status"], frozen_side["percent"]) if frozen_side else None
            assert got == ((found.status.key, found.percent) if found else None), (m["id"], side)
    areas = {a.ext_id: a for a in Area.objects.select_related("progress_rollup")}
    for a in snapshot.data["areas"]:
        assert a["percent"] == _n(areas[a["id"]].progress_rollup.percent)


def test_the_snapshot_reads_each_table_once_without_id_lists(db):
    """Freezing in bulk (issue 15): the milestones of every measure are read in one query over the
    table, not by a list of a thousand measure ids, and the latest updates as plain values."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hkcq.registry.models import Milestone
    from hkcq.reporting import snapshots

    for measure in tree(random.Random(3), size=4):
        measure.milestones.create(title={"en": "Started"}, planned_on=dt.date(2024, 1, 1))
    with CaptureQueriesContext(connection) as ctx:
        rows = snapshots._measure_rows()
    milestone_reads = [q["sql"] for q in ctx.captured_queries if '"registry_milestone"' in q["sql"]]
    assert len(milestone_reads) == 1 and " IN (" not in milestone_reads[0]
    assert sum(len(m.milestones_in_order) for m in rows) == Milestone.objects.count() > 0  # type: ignore[attr-defined]
    latest = snapshots.latest_published_updates()
    assert all(isinstance(u, snapshots.LatestUpdate) for u in latest.values())
