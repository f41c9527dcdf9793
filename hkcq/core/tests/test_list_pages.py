"""No list page reads a row per row it lists: every page of the site without parameters (found by
walking the URL configuration, as ``test_page_queries.py`` does) is opened by the secretariat and
by an organisation's member over a few factory-made rows of every kind (``every_list.py``), then
again after more rows of every kind were added; the page costs the same number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hkcq.core.tests.every_list import every_list_filled
from hkcq.core.tests.test_page_queries import _pages


def _counts(client, people) -> dict[str, tuple[int, int]]:
    counts = {}
    for who, user in people:
        client.force_login(user)
        for route in _pages():
            if "<" in route:
                continue
            url = "/" + route.lstrip("^").rstrip("$")
            client.get(url)  # what a process builds once (search index …) is not counted
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            counts[f"{who} {url}"] = (response.status_code, len(ctx.captured_queries))
    return counts


@pytest.mark.django_db
def test_no_list_page_reads_a_row_per_row(client, secretariat_hk, partner_hk):
    people = (("secretariat", secretariat_hk), ("member", partner_hk))
    every_list_filled(secretariat=secretariat_hk, member=partner_hk, n=2)
    few = _counts(client, people)
    every_list_filled(secretariat=secretariat_hk, member=partner_hk, n=4)
    more = _counts(client, people)
    opened = [key for key, (status, _n) in few.items() if status == 200]
    assert len(opened) > 100, len(opened)
    grew = {key: (few[key][1], more[key][1]) for key in opened if more[key][1] != few[key][1]}
    assert grew == {}
