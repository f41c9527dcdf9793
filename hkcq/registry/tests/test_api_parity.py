"""The registry API does what the registry pages do with meeting attendees, agreement signatories
and clauses, and shows a record's change history (details for staff only), with the same refusals."""

from __future__ import annotations

import pytest

from hkcq.accounts.tests import personas
from hkcq.registry.models import Attendance, Meeting
from hkcq.registry.tests.factories import AgreementFactory, AreaFactory, MeasureFactory, MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db
# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
officer_hk, secretariat_hk = personas.officer_hk, personas.secretariat_hk


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def meeting(db) -> Meeting:
    """A meeting with one attendee."""
    meeting = MeetingFactory.create()
    Attendance.objects.create(meeting=meeting, person=PersonFactory.create(), side="hong_kong")
    return meeting


@pytest.fixture
def agreement(db):
    return AgreementFactory.create()


@pytest.fixture
def newcomer(db):
    return PersonFactory.create(ext_id="api-newcomer", name={"en": "New Comer"})


@pytest.fixture
def area(db):
    return AreaFactory.create(name={"en": "Finance"})


def test_attendees_listed_added_and_removed(meeting, newcomer, client, secretariat_hk):
    before = client.get(f"/api/v1/meetings/{meeting.ext_id}/attendees?limit=1000").json()
    assert set(before) == {"items", "count"}
    client.force_login(secretariat_hk)
    added = _post(
        client,
        f"/api/v1/meetings/{meeting.ext_id}/attendees",
        {"person": newcomer.ext_id, "side": "hong_kong", "capacity": {"en": "Observer"}},
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["person"]["id"] == newcomer.ext_id and body["capacity"]["en"] == "Observer"
    again = _post(
        client, f"/api/v1/meetings/{meeting.ext_id}/attendees", {"person": newcomer.ext_id, "side": "hong_kong"}
    )
    assert again.status_code == 422 and "person" in again.json()["error"]["details"]
    unknown = _post(client, f"/api/v1/meetings/{meeting.ext_id}/attendees", {"person": "nobody", "side": "hong_kong"})
    assert unknown.status_code == 422
    assert client.get(f"/api/v1/meetings/{meeting.ext_id}/attendees?limit=1000").json()["count"] == before["count"] + 1
    removed = client.delete(f"/api/v1/meetings/{meeting.ext_id}/attendees/{body['id']}")
    assert removed.status_code == 204
    assert not Attendance.objects.filter(pk=body["id"]).exists()


def test_attendee_refusals(meeting, newcomer, client, officer_hk, secretariat_hk):
    url = f"/api/v1/meetings/{meeting.ext_id}/attendees"
    data = {"person": newcomer.ext_id, "side": "hong_kong"}
    existing = Attendance.objects.get(meeting=meeting)
    assert _post(client, url, data).status_code == 401
    assert client.delete(f"/api/v1/meetings/{existing.meeting.ext_id}/attendees/{existing.pk}").status_code == 401
    client.force_login(officer_hk)
    assert _post(client, url, data).status_code == 403
    assert client.delete(f"/api/v1/meetings/{existing.meeting.ext_id}/attendees/{existing.pk}").status_code == 403
    client.force_login(secretariat_hk)
    assert _post(client, "/api/v1/meetings/nope/attendees", data).status_code == 404
    assert client.delete(f"/api/v1/meetings/nope/attendees/{existing.pk}").status_code == 404  # not this meeting's
    assert client.get("/api/v1/meetings/nope/attendees").status_code == 404
    assert Attendance.objects.filter(pk=existing.pk).exists()


def test_signatories_and_clauses(agreement, newcomer, client, officer_hk, secretariat_hk):
    measure = MeasureFactory.create()
    sig_url = f"/api/v1/agreements/{agreement.ext_id}/signatories"
    clause_url = f"/api/v1/agreements/{agreement.ext_id}/clauses"
    sig = {"person": newcomer.ext_id, "capacity": {"en": "Director"}}
    clause = {"number": "99", "text": {"en": "Both sides share data."}, "measures": [measure.ext_id]}
    assert _post(client, sig_url, sig).status_code == 401
    assert _post(client, clause_url, clause).status_code == 401
    client.force_login(officer_hk)
    assert _post(client, sig_url, sig).status_code == 403
    assert _post(client, clause_url, clause).status_code == 403
    client.force_login(secretariat_hk)
    assert _post(client, "/api/v1/agreements/nope/signatories", sig).status_code == 404
    assert _post(client, "/api/v1/agreements/nope/clauses", clause).status_code == 404
    added = _post(client, sig_url, sig)
    assert added.status_code == 201, added.content
    assert added.json()["person"]["id"] == newcomer.ext_id
    made = _post(client, clause_url, clause)
    assert made.status_code == 201, made.content
    assert made.json()["measures"] == [measure.ext_id] and made.json()["text"]["en"] == "Both sides share data."
    assert _post(client, clause_url, clause).status_code == 422  # the number is taken
    client.logout()
    assert newcomer.ext_id in {s["person"]["id"] for s in client.get(sig_url + "?limit=1000").json()["items"]}
    assert "99" in {c["number"] for c in client.get(clause_url + "?limit=1000").json()["items"]}


def test_history_with_details_for_staff_only(client, secretariat_hk, area):
    client.force_login(secretariat_hk)
    changed = client.patch(
        f"/api/v1/areas/{area.ext_id}", {"name": {"en": "Finance and money"}}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    staff = client.get(f"/api/v1/areas/{area.ext_id}/history").json()
    assert staff["count"] >= 1
    latest = staff["items"][0]
    assert latest["user"] and any(
        c["new"] == "Finance and money" or "Finance and money" in c["new"] for c in latest["changes"]
    )
    client.logout()
    public = client.get(f"/api/v1/areas/{area.ext_id}/history").json()["items"][0]
    assert public["fields"] == latest["fields"] and public["user"] is None and public["changes"] == []
    assert client.get("/api/v1/areas/nope/history").status_code == 404
    assert client.get(f"/api/v1/widgets/{area.ext_id}/history").status_code == 404


def test_public_operations_see_a_bearer_tokens_user(secretariat_hk, area):
    """A public operation that shows more to staff (a record's history) knows the caller by a
    bearer token as by a session: ninja authenticates only operations that declare ``auth``."""
    from django.test import Client

    from hkcq.accounts.services import api_token_create

    _token, raw = api_token_create(user=secretariat_hk, name="history")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (
        bearer.patch(
            f"/api/v1/areas/{area.ext_id}", {"name": {"en": "Finance (token)"}}, content_type="application/json"
        ).status_code
        == 200
    )
    latest = bearer.get(f"/api/v1/areas/{area.ext_id}/history").json()["items"][0]
    assert latest["user"] and latest["changes"], latest
    wrong = (
        Client(HTTP_AUTHORIZATION="Bearer not-a-token").get(f"/api/v1/areas/{area.ext_id}/history").json()["items"][0]
    )
    assert wrong["user"] is None and wrong["changes"] == []
