"""API parity (issue 11): registration, availability, approval, check-in, phase, feedback, the
agenda file and pair answers through the API, calling the services the pages call. Each: the
happy path with a bearer token, a refusal that changes nothing, bad input answered 422 in the
one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from hkcq.accounts.services import api_token_create
from hkcq.exchanges import services
from hkcq.exchanges.models import Event, Feedback, Meeting, Pair, Question, Registration
from hkcq.exchanges.tests.factories import member
from hkcq.exchanges.tests.test_matrix import ROUND

pytestmark = pytest.mark.django_db


def auth(user: Any) -> dict[str, str]:
    _, raw = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def counts() -> tuple[int, ...]:
    return (
        Registration.objects.count(),
        Registration.objects.filter(status="confirmed").count(),
        Registration.objects.exclude(checked_in_at=None).count(),
        Feedback.objects.count(),
        Pair.objects.filter(status="offered").count(),
    )


def unchanged(response: Any, before: tuple[int, ...], *statuses: int) -> None:
    assert response.status_code in statuses, response.content
    assert counts() == before
    assert "error" in response.json()


def test_register_with_answers_then_cancel(client, event):
    user, profile = member()
    q = Question.objects.create(event=event, label={"en": "Sector"}, kind="text", required=True)
    url = f"/api/v1/events/{event.pk}/registrations"
    r = client.post(
        url,
        {"profile": profile.pk, "languages": ["en"], "answers": {f"q{q.pk}": "Logistics"}, "consent_public": True},
        content_type="application/json",
        **auth(user),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "confirmed" and body["answers"] == {f"q{q.pk}": "Logistics"} and body["consent_public"]
    mine = f"/api/v1/registrations/{body['id']}"
    assert client.get(mine, **auth(user)).json()["id"] == body["id"]
    outsider, _ = member()
    assert client.get(mine, **auth(outsider)).status_code == 404
    assert client.delete(mine, **auth(outsider)).status_code == 404
    assert Registration.objects.get(pk=body["id"]).status == "confirmed"
    assert client.delete(mine, **auth(user)).status_code == 204
    assert Registration.objects.get(pk=body["id"]).status == "cancelled"


def test_register_refusals_change_nothing(client, event):
    user, profile = member()
    other, _ = member()
    q = Question.objects.create(event=event, label={"en": "Sector"}, kind="text", required=True)
    url = f"/api/v1/events/{event.pk}/registrations"
    before = counts()
    # someone else's organisation profile
    r = client.post(url, {"profile": profile.pk, "languages": ["en"]}, content_type="application/json", **auth(other))
    unchanged(r, before, 422)
    assert "profile" in r.json()["error"]["details"]
    # the required extra answer missing
    r = client.post(url, {"profile": profile.pk, "languages": ["en"]}, content_type="application/json", **auth(user))
    unchanged(r, before, 422)
    assert f"q{q.pk}" in r.json()["error"]["details"]
    # malformed body
    r = client.post(url, {"profile": "x"}, content_type="application/json", **auth(user))
    unchanged(r, before, 422)
    # the public
    r = client.post(url, {"profile": profile.pk, "languages": ["en"]}, content_type="application/json")
    assert r.status_code == 401 and counts() == before
    # cancelling what does not exist
    unchanged(client.delete("/api/v1/registrations/0", **auth(user)), before, 404)


@pytest.fixture
def regs(event):
    hk, cq = member("hong_kong"), member()
    a = services.registration_submit(user=hk[0], event=event, profile=hk[1], languages=["en"])
    b = services.registration_submit(user=cq[0], event=event, profile=cq[1], languages=["en"])
    return {"a": a, "b": b, "a_user": hk[0], "b_user": cq[0]}


def test_availability(client, event, regs):
    url = f"/api/v1/registrations/{regs['a'].pk}/availability"
    r = client.put(url, {"slots": [2, 1]}, content_type="application/json", **auth(regs["a_user"]))
    assert r.status_code == 200 and r.json()["available_slots"] == [1, 2]
    r = client.put(url, {"slots": [event.slot_count]}, content_type="application/json", **auth(regs["a_user"]))
    assert r.status_code == 422 and "slots" in r.json()["error"]["details"]
    r = client.put(url, {"slots": "all"}, content_type="application/json", **auth(regs["a_user"]))
    assert r.status_code == 422 and "error" in r.json()
    outsider, _ = member()
    r = client.put(url, {"slots": [3]}, content_type="application/json", **auth(outsider))
    assert r.status_code == 404
    assert Registration.objects.get(pk=regs["a"].pk).available_slots == [1, 2]


def test_approval_and_check_in(client, event, regs, officer_tdc, officer_other):
    event.requires_approval = True
    event.save()
    late = member()
    p = services.registration_submit(user=late[0], event=event, profile=late[1], languages=["en"])
    assert p.status == "pending"
    url = f"/api/v1/registrations/{p.pk}/decision"
    before = counts()
    for user in (officer_other, regs["a_user"], late[0]):
        r = client.post(url, {"approve": True}, content_type="application/json", **auth(user))
        unchanged(r, before, 403, 404)
    unchanged(client.post(url, {"approve": "maybe"}, content_type="application/json", **auth(officer_tdc)), before, 422)
    r = client.post(url, {"approve": True}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    # already decided: refused in the error shape
    r = client.post(url, {"approve": False}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 422 and r.json()["error"]["code"]

    check_in = f"/api/v1/registrations/{regs['b'].pk}/check-in"
    before = counts()
    unchanged(client.post(check_in, **auth(regs["b_user"])), before, 403)
    unchanged(client.post(check_in, **auth(officer_other)), before, 404)
    r = client.post(check_in, **auth(officer_tdc))
    assert r.status_code == 200 and r.json()["checked_in_at"]


def test_phase(client, event, officer_tdc, officer_other):
    url = f"/api/v1/events/{event.pk}/phase"
    r = client.put(url, {"phase": "nonsense"}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 422 and "phase" in r.json()["error"]["details"]
    r = client.put(url, {"phase": "event"}, content_type="application/json", **auth(officer_other))
    assert r.status_code == 403
    assert Event.objects.get(pk=event.pk).phase != "event"
    r = client.put(url, {"phase": "event"}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 200 and r.json()["phase"] == "event"


def test_feedback(client, event, regs):
    m = Meeting.objects.create(
        event=event, requester=regs["a"], recipient=regs["b"], status="accepted", expires_at=timezone.now()
    )
    url = f"/api/v1/meetings/{m.pk}/feedback"
    outsider, _ = member()
    before = counts()
    unchanged(client.post(url, {"happened": True}, content_type="application/json", **auth(outsider)), before, 404)
    r = client.post(
        url, {"happened": True, "outcome_kind": "nonsense"}, content_type="application/json", **auth(regs["b_user"])
    )
    unchanged(r, before, 422)
    unchanged(client.post(url, {}, content_type="application/json", **auth(regs["b_user"])), before, 422)
    r = client.post(url, {"happened": True, "useful": True}, content_type="application/json", **auth(regs["b_user"]))
    assert r.status_code == 201 and r.json()["useful"] is True
    before = counts()
    r = client.post(url, {"happened": True}, content_type="application/json", **auth(regs["b_user"]))
    unchanged(r, before, 422)  # once each


def test_agenda_ics(client, event, regs):
    url = f"/api/v1/registrations/{regs['a'].pk}/agenda.ics"
    r = client.get(url, **auth(regs["a_user"]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    assert r.content.startswith(b"BEGIN:VCALENDAR")
    outsider, _ = member()
    assert client.get(url, **auth(outsider)).status_code == 404
    assert client.get(url, **auth(regs["b_user"])).status_code == 404
    assert client.get(url).status_code == 401


def test_pair_answer(client, officer_tdc):
    round_ = services.round_create(user=officer_tdc, data=ROUND)
    applicant, _ = member()
    other, _ = member()
    round_.participants.filter(ext_id="a1").update(user=applicant)
    services.round_allocate(user=officer_tdc, round_=round_)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a1")
    url = f"/api/v1/pairs/{pair.pk}/answer"
    before = counts()
    unchanged(client.post(url, {"accept": True}, content_type="application/json", **auth(other)), before, 404)
    unchanged(client.post(url, {"accept": "x"}, content_type="application/json", **auth(applicant)), before, 422)
    r = client.post(url, {"accept": True}, content_type="application/json", **auth(applicant))
    assert r.status_code == 200 and r.json()["applicant_accepted"] is True and r.json()["status"] == "offered"
    r = client.post(url, {"accept": False}, content_type="application/json", **auth(applicant))
    assert r.status_code == 200 and r.json()["status"] == "declined"
