"""GET /api/v1/ask and the entries API."""

import pytest
from django.test import Client

from hkcq.accounts.tests.personas import HK_UNIT
from hkcq.kb.models import Entry, Topic
from hkcq.kb.tests.factories import EntryFactory

# What ``ask`` answers and where it routes is measured over the sample knowledge base: tests of the
# seed. What the entries API does needs only entries made here.


@pytest.mark.seed
def test_ask_returns_answers_unit_and_answered(defaults, client):
    r = client.get("/api/v1/ask", {"q": "我想renew個回鄉證", "lang": "zh-hant"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"answers", "unit", "answered"}
    assert body["answered"] is True
    assert body["unit"] == "cq_exit_entry"
    first = body["answers"][0]
    assert set(first) == {"id", "title", "snippet", "score"}
    assert first["id"] == "mtp-renewal"
    assert first["title"] == "續領港澳居民來往內地通行證（回鄉證）"
    assert isinstance(first["score"], float)
    scores = [a["score"] for a in body["answers"]]
    assert scores == sorted(scores, reverse=True)
    assert len(body["answers"]) <= 10


@pytest.mark.seed
def test_ask_language_defaults_to_english_and_limit_is_respected(defaults, client):
    body = client.get("/api/v1/ask", {"q": "residence permit", "limit": 2}).json()
    assert len(body["answers"]) == 2
    assert body["answers"][0]["title"].isascii()


@pytest.mark.seed
def test_ask_says_when_it_has_no_answer(defaults, client):
    body = client.get("/api/v1/ask", {"q": "best hotpot restaurant in Chongqing", "lang": "en"}).json()
    assert body["answered"] is False
    assert body["unit"] == "cq_hkmao"


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 501}])
def test_ask_rejects_a_missing_or_oversized_question(db, client, params):
    r = client.get("/api/v1/ask", params)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"


def test_entries_list_and_detail_are_public_for_published_entries(db, client):
    tax = {e.slug for e in EntryFactory.create_batch(3, topic=Topic.TAX)}
    draft = EntryFactory.create(topic=Topic.TAX, state=Entry.State.DRAFT)
    other = EntryFactory.create(topic=Topic.HOUSING, title={"en": "Renting a flat", "zh-hant": "租樓"})
    body = client.get("/api/v1/kb/entries", {"topic": "tax", "limit": 100}).json()
    ids = {e["id"] for e in body["items"]}
    # The published tax entries (the default data's too, when it is loaded), and nothing else.
    assert tax <= ids and draft.slug not in ids and other.slug not in ids
    assert {e["topic"] for e in body["items"]} == {"tax"} and body["count"] == len(ids)
    detail = client.get(f"/api/v1/kb/entries/{other.slug}").json()
    assert detail["unit"] == other.unit.ext_id
    assert detail["title"]["origin"] == {"en": "human", "zh_hant": "human", "zh_hans": "converted"}
    assert client.get("/api/v1/kb/entries/nope").status_code == 404


def test_drafts_are_hidden_from_the_public_api(db, client):
    entry = EntryFactory.create()
    assert client.get(f"/api/v1/kb/entries/{entry.slug}").status_code == 200
    Entry.objects.filter(pk=entry.pk).update(state=Entry.State.DRAFT)
    assert client.get(f"/api/v1/kb/entries/{entry.slug}").status_code == 404
    ids = {e["id"] for e in client.get("/api/v1/kb/entries", {"limit": 100}).json()["items"]}
    assert entry.slug not in ids


def _token(user):
    from hkcq.accounts.services import api_token_create

    return f"Bearer {api_token_create(user=user, name='t')[1]}"


def test_staff_write_entries_through_the_api(officer_hk, secretariat_cq, resident):
    c = Client()
    payload = {
        "id": "eto-opening-hours",
        "topic": "general",
        "title": {"en": "Opening hours of the Chengdu office", "zh_hant": "駐成都辦事處辦公時間"},
        "body": {"en": "Monday to Friday."},
        "unit": HK_UNIT,
    }
    r = c.post("/api/v1/kb/entries", payload, content_type="application/json", HTTP_AUTHORIZATION=_token(officer_hk))
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "draft"
    assert r.json()["title"]["zh_hans"] == "驻成都办事处办公时间"

    # The officer cannot publish; the secretariat can.
    r = c.post("/api/v1/kb/entries/eto-opening-hours/publish", HTTP_AUTHORIZATION=_token(officer_hk))
    assert r.status_code == 403
    r = c.post("/api/v1/kb/entries/eto-opening-hours/publish", HTTP_AUTHORIZATION=_token(secretariat_cq))
    assert r.status_code == 200 and r.json()["state"] == "published"

    # A resident cannot write; nothing changes.
    r = c.patch(
        "/api/v1/kb/entries/eto-opening-hours",
        {"title": {"en": "X"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(resident),
    )
    assert r.status_code == 403  # the entry is published, so the resident sees it: not theirs to edit
    assert Entry.objects.get(slug="eto-opening-hours").title.en == "Opening hours of the Chengdu office"


def test_api_write_errors_are_translated_and_change_nothing(secretariat_hk, unit_cq):
    c = Client()
    r = c.post(
        "/api/v1/kb/entries",
        {"id": "x-entry", "topic": "nope", "title": {"en": "X"}, "body": {"en": "Y"}, "unit": unit_cq.ext_id},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(secretariat_hk),
    )
    assert r.status_code == 422
    assert "topic" in r.json()["error"]["details"]
    r = c.post(
        "/api/v1/kb/entries",
        {"id": "x-entry", "topic": "tax", "title": {"en": "X"}, "body": {"en": "Y"}, "unit": "no-such-unit"},
        content_type="application/json",
        HTTP_AUTHORIZATION=_token(secretariat_hk),
    )
    assert r.status_code == 422
    assert not Entry.objects.filter(slug="x-entry").exists()
    r = c.post("/api/v1/kb/entries", {}, content_type="application/json")
    assert r.status_code == 401  # who is asking comes before what is asked
