"""The dashboard's stale-measures list and the measure page's progress block read only what they
show: the stale list is counted and sliced in SQL, and neither page's queries grow with the data."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hkcq.accounts.tests.factories import SecretariatFactory
from hkcq.progress import selectors
from hkcq.progress.models import ProgressUpdate, Status
from hkcq.progress.services import cycle_current
from hkcq.registry.models import Measure
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory, UnitFactory

MAX_DASHBOARD_QUERIES = 30
MAX_MEASURE_PAGE_QUERIES = 25


def stale_measures(count: int) -> list[Measure]:
    """``count`` measures with a lead unit on each side and no update: stale for both sides."""
    area = AreaFactory()
    hk = UnitFactory.create(side="hong_kong")
    cq = UnitFactory.create(side="chongqing")
    made: list[Measure] = [
        MeasureFactory(area=area, position=i, lead_unit_hk=hk, lead_unit_cq=cq) for i in range(count)
    ]
    return made


def _dashboard_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/en/progress/").status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_dashboard_queries_do_not_grow_with_measures(db, client, django_assert_max_num_queries):
    stale_measures(3)
    _dashboard_queries(client)  # creates the settings row on first use
    few = len(_dashboard_queries(client))
    stale_measures(40)
    with django_assert_max_num_queries(MAX_DASHBOARD_QUERIES):
        many = _dashboard_queries(client)
    assert len(many) == few


def test_stale_list_is_computed_in_sql_with_a_limit(db, client):
    stale_measures(40)
    queries = _dashboard_queries(client)
    # The stale test (no update submitted since the cut-off) is in SQL …
    stale = [q for q in queries if '"registry_measure"' in q and "submitted_at" in q]
    assert stale, "the stale list is not computed in SQL"
    # … and every query that applies it either counts or reads a page of ten.
    for sql in stale:
        assert "COUNT(" in sql.upper() or "LIMIT 10" in sql.upper(), sql


def test_stale_list_slices_and_counts_match_the_whole_list(db):
    stale_measures(12)
    everything = list(selectors.stale_measures())
    listed = selectors.stale_measures()
    assert listed.count() == len(everything) == len(listed)
    assert [(r.measure.id, r.side) for r in listed[:10]] == [(r.measure.id, r.side) for r in everything[:10]]
    assert [(r.measure.id, r.side) for r in listed[5:17]] == [(r.measure.id, r.side) for r in everything[5:17]]
    # Registry order, a measure's Hong Kong row before its Chongqing row.
    keys = [(r.measure.area.position, r.measure.position, r.measure.id, r.side != "hong_kong") for r in everything]
    assert keys == sorted(keys)


def test_measure_page_queries_do_not_grow_with_updates(db, client, django_assert_max_num_queries):
    measure = MeasureFactory.create(lead_unit_hk=UnitFactory.create(side="hong_kong"))
    author = SecretariatFactory.create()
    status = Status.objects.get(key="in_progress")

    def publish(n: int, side: str) -> None:
        for i in range(n):
            ProgressUpdate.objects.create(
                measure=measure,
                side=side,
                cycle=cycle_current(),
                status=status,
                percent=i,
                author=author,
                state="published",
                published_at=timezone.now(),
            )

    publish(1, "hong_kong")
    publish(1, "chongqing")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/en/measures/{measure.ext_id}/").status_code == 200
    few = len(ctx.captured_queries)
    publish(20, "hong_kong")
    publish(20, "chongqing")
    with django_assert_max_num_queries(MAX_MEASURE_PAGE_QUERIES):
        response = client.get(f"/en/measures/{measure.ext_id}/")
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/en/measures/{measure.ext_id}/")
    # At most one more: the latest of a side whose updates are all older than the shown ones.
    assert len(ctx.captured_queries) <= few + 1
