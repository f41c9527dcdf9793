"""Every paginated list of the API takes its page in SQL and maps only that page.

The endpoints are found in the OpenAPI schema (every GET with ``limit`` and ``offset``), so a list
added later is held to the same rule without being named here. The rows they list are made by the
factories (``every_list.py``: a few of every kind, each with the rows hung on it), not taken from
the default data, which holds no report files, no round participants and no merged suggestions.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.api import api
from hkcq.core.tests.every_list import every_list_filled


def _list_paths() -> list[str]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        if {"limit", "offset"} <= names:
            paths.append(path)
    return sorted(paths)


LIST_PATHS = _list_paths()

# Lists whose length is fixed by the mechanism itself, not by what users add: read whole.
BOUNDED_BY_DESIGN = {
    "/api/v1/progress/rollups": "the mechanism and its 11 co-operation areas",
    "/api/v1/progress/statuses": "the status scale (a handful of steps)",
}


def test_the_lists_are_found():
    # The schema walk is what makes the rule cover every list: it must find the known ones.
    for known in ("/api/v1/enquiries", "/api/v1/kb/entries", "/api/v1/measures", "/api/v1/progress/updates"):
        assert known in LIST_PATHS


def _unbounded(queries: list[dict]) -> list[str]:
    """The SELECTs that could fetch a whole table: no LIMIT, not a COUNT, not a prefetch of the
    page's own rows (``IN (…)``), not a read of one row by its primary key (``WHERE id = 1``, as
    the knowledge base's version check reads its one row in plain SQL)."""
    out = []
    for q in queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        upper = sql.upper()
        if " LIMIT " in upper or "COUNT(" in upper or re.search(r"\bIN \(", upper):
            continue
        if re.search(r'\bWHERE\s+(?:"?\w+"?\.)?"?ID"?\s*=\s*(?:\d+|%S)\s*$', upper):
            continue
        out.append(sql)
    return out


# Lists of a person's own organisations: read as their member (the secretariat acts for none).
AS_MEMBER = {"/api/v1/interests", "/api/v1/memberships", "/api/v1/outcomes"}


@pytest.fixture
def every_list(secretariat_hk, partner_hk):
    every_list_filled(secretariat=secretariat_hk, member=partner_hk)


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIST_PATHS)
def test_each_list_fetches_one_page(path, client, secretariat_hk, partner_hk, every_list):
    client.force_login(partner_hk if path in AS_MEMBER else secretariat_hk)
    # A first request builds what a process keeps (the knowledge-base search index behind the
    # gaps' grouping); what is measured is what every later request costs.
    client.get(path, {"limit": 1})
    with CaptureQueriesContext(connection) as one:
        response = client.get(path, {"limit": 1})
    assert response.status_code == 200, response.content
    if path not in BOUNDED_BY_DESIGN:
        assert _unbounded(one.captured_queries) == []
    with CaptureQueriesContext(connection) as five:
        wide = client.get(path, {"limit": 5})
    assert wide.status_code == 200
    # No query per row: a page of five costs what a page of one does.
    assert len(five.captured_queries) == len(one.captured_queries), [q["sql"] for q in five.captured_queries]
    assert len(response.json()["items"]) <= 1


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIST_PATHS)
def test_each_list_for_anyone_fetches_one_page(path, client, every_list):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, {"limit": 1})
    if response.status_code == 200 and path not in BOUNDED_BY_DESIGN:
        assert _unbounded(ctx.captured_queries) == []


@pytest.mark.django_db
def test_a_small_list_is_counted_exactly_and_a_large_one_estimated(monkeypatch):
    from hkcq.core import pagination
    from hkcq.registry.models import Measure
    from hkcq.registry.tests.factories import MeasureFactory

    MeasureFactory.create_batch(3)

    qs = Measure.objects.all()
    assert pagination.count_estimate(qs) == pagination.Count(qs.count(), exact=True)
    if connection.vendor == "postgresql":
        # Above the threshold the planner's figure is used, with no COUNT query.
        monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 0)
        with CaptureQueriesContext(connection) as ctx:
            estimate = pagination.count_estimate(qs)
        assert estimate.value > 0 and not estimate.exact
        assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
