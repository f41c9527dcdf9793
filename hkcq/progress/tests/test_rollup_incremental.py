"""Incremental roll-ups: after any change, the stored roll-ups equal a full recompute, and rows
whose figures did not change are not written. Random trees, built with the registry's factories."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.accounts.tests.factories import SecretariatFactory
from hkcq.progress import rollups
from hkcq.progress.models import MeasureWeight, ProgressRollup, ProgressSettings, ProgressUpdate, Status
from hkcq.progress.services import cycle_current
from hkcq.registry.models import Measure
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory

SIDES = ("hong_kong", "chongqing")
OLD = timezone.make_aware(dt.datetime(2000, 1, 1))


def figures() -> dict[tuple[str, int | None, int | None], tuple]:
    return {
        (r.level, r.measure_id, r.area_id): (
            r.percent,
            r.percent_hk,
            r.percent_cq,
            r.status_hk_id,
            r.status_cq_id,
            r.joint_status_id,
            r.disagreement,
            r.reported,
            r.last_published_at,
        )
        for r in ProgressRollup.objects.all()
    }


def random_forest(rng: random.Random, areas: int = 2, size: int = 14) -> list[Measure]:
    measures: list[Measure] = []
    for _ in range(areas):
        area = AreaFactory()
        placed: list[Measure] = []
        for position in range(size):
            parent = rng.choice(placed) if placed and rng.random() < 0.6 else None
            placed.append(MeasureFactory(area=area, parent=parent, position=position))
        measures += placed
    return measures


def publish(rng: random.Random, measure: Measure, author: User, when: dt.datetime) -> None:
    ProgressUpdate.objects.create(
        measure=measure,
        side=rng.choice(SIDES),
        cycle=cycle_current(),
        status=rng.choice(list(Status.objects.all())),
        percent=rng.randint(0, 100),
        author=author,
        state="published",
        published_at=when,
    )


@pytest.mark.parametrize("seed", range(6))
def test_incremental_equals_full_recompute(db, seed):
    rng = random.Random(seed)
    settings = ProgressSettings.load()
    settings.rollup_method = rng.choice(["plain", "weighted"])
    settings.save()
    author = SecretariatFactory.create()
    measures = random_forest(rng)
    when = timezone.now()
    for m in rng.sample(measures, 5):
        publish(rng, m, author, when)
    rollups.recompute()
    for step in range(25):
        measure = rng.choice(measures)
        when += dt.timedelta(minutes=1)
        if rng.random() < 0.75:
            publish(rng, measure, author, when)
        else:
            MeasureWeight.objects.update_or_create(
                measure=measure, defaults={"weight": Decimal(rng.choice(["0", "0.5", "1", "2", "3.25"]))}
            )
        rollups.recompute_for(measure.id)
        incremental = figures()
        rollups.recompute()
        assert incremental == figures(), f"seed {seed}, step {step}: incremental differs from a full recompute"


def _touched() -> set[tuple[int | None, int | None, str]]:
    return {
        (r.measure_id, r.area_id, r.level)
        for r in ProgressRollup.objects.exclude(computed_at=OLD).only("measure_id", "area_id", "level")
    }


def test_only_changed_rows_are_written(db):
    rng = random.Random(7)
    author = SecretariatFactory.create()
    measures = random_forest(rng, areas=2, size=20)
    for m in rng.sample(measures, 8):
        publish(rng, m, author, timezone.now())
    rollups.recompute()

    # A full recompute with nothing changed writes nothing.
    ProgressRollup.objects.update(computed_at=OLD)
    with CaptureQueriesContext(connection) as ctx:
        rollups.recompute()
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert writes == []
    assert _touched() == set()

    # A publication on a deep item writes that item, and only those of its ancestors, its area
    # and the mechanism whose figures changed.
    leaf = max(measures, key=lambda m: len(_ancestors(m)))
    chain = _ancestors(leaf)
    before = figures()
    ProgressUpdate.objects.create(
        measure=leaf,
        side="hong_kong",
        cycle=cycle_current(),
        status=Status.objects.get(key="in_progress"),
        percent=37,
        author=author,
        state="published",
        published_at=timezone.now(),
    )
    with CaptureQueriesContext(connection) as ctx:
        rollups.recompute_for(leaf.id)
    after = figures()
    changed = {key for key in after if before.get(key) != after[key]}
    touched = _touched()
    assert touched == {(mid, aid, level) for level, mid, aid in changed}
    allowed = {(mid, None, "measure") for mid in chain} | {(None, leaf.area_id, "area"), (None, None, "mechanism")}
    assert touched <= allowed
    assert (leaf.id, None, "measure") in touched
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) <= 2  # one bulk UPDATE (+ the mechanism's row)


def _ancestors(measure: Measure) -> list[int]:
    out: list[int] = []
    current: Measure | None = measure
    while current is not None:
        out.append(current.id)
        current = current.parent
    return out


def test_a_publication_reads_little(db):
    """The work a publication adds (issue 15): the area's tree with the weights set on it, the
    roll-up rows in play, the measure's and its ancestors' latest updates, the areas (only when the
    area's figures moved) and one write. The settings are read only when a weight in play is not 1."""
    rng = random.Random(3)
    author = SecretariatFactory.create()
    measures = random_forest(rng, areas=2, size=20)
    for m in measures:
        publish(rng, m, author, timezone.now())
    rollups.recompute()
    leaf = max(measures, key=lambda m: len(_ancestors(m)))
    publish(rng, leaf, author, timezone.now())

    def reads() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            rollups.recompute_for(leaf.id)
        return [
            q["sql"]
            for q in ctx.captured_queries
            if not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))
        ]

    queries = reads()
    assert len(queries) <= 5, queries
    assert not any("progress_progresssettings" in q for q in queries)
    assert not any(q.lstrip().startswith('SELECT "progress_measureweight"') for q in queries)

    # a weight other than 1 among the measures in play: the settings decide whether it counts
    MeasureWeight.objects.create(measure=leaf, weight=Decimal(2))
    assert any("progress_progresssettings" in q for q in reads())
