"""The knowledge-base API does what the pages do with feedback and the gaps list: "this answered
my question" (anyone, on a published entry), the gaps grouped, and resolving them (the secretariat)."""

from __future__ import annotations

import pytest

from hkcq.core.text import MASK
from hkcq.kb.models import Entry, Feedback, Gap
from hkcq.kb.services import gap_record
from hkcq.kb.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_feedback_is_recorded_masked_and_only_on_published_entries(client):
    entry = EntryFactory.create()
    response = _post(client, f"/api/v1/kb/entries/{entry.slug}/feedback", {"q": "renew permit, phone 13800138000"})
    assert response.status_code == 201, response.content
    assert response.json() == {"entry": entry.slug, "helpful": True}
    assert Feedback.objects.get(entry=entry).question == f"renew permit, phone {MASK}"
    Entry.objects.filter(pk=entry.pk).update(state=Entry.State.DRAFT)
    assert _post(client, f"/api/v1/kb/entries/{entry.slug}/feedback", {}).status_code == 404  # hidden
    assert _post(client, "/api/v1/kb/entries/nope/feedback", {}).status_code == 404
    assert _post(client, f"/api/v1/kb/entries/{entry.slug}/feedback", {"q": "x" * 501}).status_code == 422


def test_gaps_listed_grouped_and_resolved(client, secretariat_hk):
    first = gap_record("what is the weather like in chongqing in winter, call me 91234567", "en", "ask")
    second = gap_record("weather in chongqing in winter", "en", "ask")
    client.force_login(secretariat_hk)
    body = client.get("/api/v1/kb/gaps").json()
    assert set(body) == {"items", "count"} and body["count"] >= 1
    questions = [g["question"] for group in body["items"] for g in group["gaps"]]
    assert f"what is the weather like in chongqing in winter, call me {MASK}" in questions
    assert not any("91234567" in q for q in questions)
    resolved = _post(client, "/api/v1/kb/gaps/resolve", {"ids": [first.pk, second.pk]})
    assert resolved.status_code == 200 and resolved.json() == {"resolved": 2}
    assert not Gap.objects.filter(pk__in=[first.pk, second.pk], resolved=False).exists()
    assert _post(client, "/api/v1/kb/gaps/resolve", {"ids": []}).status_code == 422
    # an id no database can hold, or none a row can have, is refused (it was a 500 from the driver)
    for ids in ([2**70], [-60], [0]):
        assert _post(client, "/api/v1/kb/gaps/resolve", {"ids": ids}).status_code == 422


def test_gaps_refusals(client, officer_hk, resident):
    gap = gap_record("weather in chongqing in winter", "en", "ask")
    assert client.get("/api/v1/kb/gaps").status_code == 401
    assert _post(client, "/api/v1/kb/gaps/resolve", {"ids": [gap.pk]}).status_code == 401
    for user in (officer_hk, resident):
        client.force_login(user)
        assert client.get("/api/v1/kb/gaps").status_code == 403
        assert _post(client, "/api/v1/kb/gaps/resolve", {"ids": [gap.pk]}).status_code == 403
    gap.refresh_from_db()
    assert gap.resolved is False
