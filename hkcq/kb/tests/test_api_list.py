"""GET /api/v1/kb/entries at volume: a page is sliced in SQL without the index terms, and the
public count is counted once per change of the knowledge base, not on every request."""

from __future__ import annotations

from django.db import connection

from hkcq.kb.models import Entry, Topic
from hkcq.kb.tests.factories import EntryFactory


class Queries:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def get(client, url):
    queries = Queries()
    with connection.execute_wrapper(queries):
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), queries.sql


def test_public_list_reads_one_page_without_index_terms_and_counts_once_per_change(db, client):
    made = EntryFactory.create_batch(12)
    body, sql = get(client, "/api/v1/kb/entries?limit=5")
    assert len(body["items"]) == 5
    offered = Entry.objects.filter(state="published").count()
    assert body["count"] == offered
    page = [q for q in sql if 'FROM "kb_entry"' in q and "COUNT(" not in q.upper()]
    assert page and all("index_terms" not in q and "LIMIT" in q.upper() for q in page), page
    assert any("COUNT(" in q.upper() for q in sql)

    body, sql = get(client, "/api/v1/kb/entries?limit=5&offset=5")
    assert body["count"] == offered
    assert not any("COUNT(" in q.upper() for q in sql), sql  # counted once, kept under the version

    Entry.objects.filter(pk=made[0].pk).update(state="draft")  # any write bumps the version
    body, sql = get(client, "/api/v1/kb/entries?limit=5")
    assert body["count"] == offered - 1
    assert any("COUNT(" in q.upper() for q in sql)


def test_the_count_follows_the_filters(db, client):
    EntryFactory.create_batch(3, topic=Topic.HOUSING)
    EntryFactory.create_batch(2, topic=Topic.TAX)
    body, _sql = get(client, "/api/v1/kb/entries?limit=1&topic=housing")
    assert body["count"] == Entry.objects.filter(state="published", topic="housing").count() >= 3
