"""API parity (issue 11): registration, availability, approval, check-in, phase, feedback, the
agenda file and pair answers through the API, calling the services the pages call. Each: the
happy path with a bearer token, a refusal that changes nothing, bad input answered 422 in the
one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hkcq.accounts.services import api_token_create
from hkcq.exchanges import services
from hkcq.exchanges.models import Event, ExchangeRecord, Feedback, Meeting, Pair, Question, Registration, Round
from hkcq.exchanges.tests.factories import held, member, registered, round_areas  # noqa: F401 - round_areas: the fixture
from hkcq.exchanges.tests.test_matrix import ROUND

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name


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


def unchanged(response: Any, before: tuple[int, ...], status: int) -> None:
    """A refusal: exactly ``status``, in the error shape, and nothing counted changed."""
    assert response.status_code == status, response.content
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
    a = registered(event, hk)
    b = registered(event, cq)
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
    p = registered(event, late)
    assert p.status == "pending"
    url = f"/api/v1/registrations/{p.pk}/decision"
    before = counts()
    # who neither organises the event nor registered sees no such registration (404); the
    # registrant sees their own, but may not decide on it (403)
    for user, status in ((officer_other, 404), (regs["a_user"], 404), (late[0], 403)):
        r = client.post(url, {"approve": True}, content_type="application/json", **auth(user))
        unchanged(r, before, status)
    unchanged(client.post(url, {"approve": "maybe"}, content_type="application/json", **auth(officer_tdc)), before, 422)
    r = client.post(url, {"approve": True}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    # already decided: refused in the error shape
    r = client.post(url, {"approve": False}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 422 and r.json()["error"]["code"]

    check_in = f"/api/v1/registrations/{regs['b'].pk}/check-in"
    before = counts()
    with held(event):
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
    with held(event):
        outsider, _ = member()
        before = counts()
        unchanged(client.post(url, {"happened": True}, content_type="application/json", **auth(outsider)), before, 404)
        r = client.post(
            url, {"happened": True, "outcome_kind": "nonsense"}, content_type="application/json", **auth(regs["b_user"])
        )
        unchanged(r, before, 422)
        unchanged(client.post(url, {}, content_type="application/json", **auth(regs["b_user"])), before, 422)
        r = client.post(
            url, {"happened": True, "useful": True}, content_type="application/json", **auth(regs["b_user"])
        )
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


# -- the operations added for the pages' remaining actions (issue 11) ----------------------------
def test_agenda_pdf_is_the_registrants_own(client, event, regs, officer_tdc):
    url = f"/api/v1/registrations/{regs['a'].pk}/agenda.pdf"
    r = client.get(url, **auth(regs["a_user"]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and "attachment" in r["Content-Disposition"]
    outsider, _ = member()
    for user in (outsider, regs["b_user"], officer_tdc):  # an organiser reads the grid, not a person's agenda
        assert client.get(url, **auth(user)).status_code == 404
    assert client.get(url).status_code == 401


def test_participants_and_registrations(client, event, regs, officer_tdc, officer_other):
    Registration.objects.filter(pk=regs["a"].pk).update(consent_public=True)
    Registration.objects.filter(pk=regs["b"].pk).update(consent_public=False)
    r = client.get(f"/api/v1/events/{event.pk}/participants")
    assert r.status_code == 200
    assert [p["registration"] for p in r.json()["items"]] == [regs["a"].pk]  # only who consented
    assert client.get("/api/v1/events/0/participants").status_code == 404
    url = f"/api/v1/events/{event.pk}/registrations"
    every = client.get(url, **auth(officer_tdc)).json()
    assert every["count"] == 2 and {x["id"] for x in every["items"]} == {regs["a"].pk, regs["b"].pk}
    own = client.get(url, **auth(regs["b_user"])).json()
    assert [x["id"] for x in own["items"]] == [regs["b"].pk]
    assert client.get(url, **auth(officer_other)).json() == {"items": [], "count": 0}
    assert client.get(url).status_code == 401


def test_feedback_list_is_for_organisers(client, event, regs, officer_tdc, officer_other):
    m = Meeting.objects.create(
        event=event, requester=regs["a"], recipient=regs["b"], status="accepted", expires_at=timezone.now()
    )
    with held(event):
        services.meeting_feedback(
            user=regs["b_user"], meeting=m, happened=True, useful=True, outcome="A joint pilot", outcome_kind=""
        )
    url = f"/api/v1/events/{event.pk}/feedback"
    r = client.get(url, **auth(officer_tdc))
    assert r.status_code == 200 and [f["outcome"] for f in r.json()["items"]] == ["A joint pilot"]
    assert client.get(url, **auth(officer_other)).status_code == 403
    assert client.get(url, **auth(regs["a_user"])).status_code == 403


def _upload(client: Any, user: Any, file: Any, **fields: str) -> Any:
    return client.post(
        "/api/v1/round-uploads",
        {"kind": "internship", "title": "Interns", "area": "education", "file": file, **fields},
        **auth(user),
    )


def _sheet(*rows: list[Any]) -> Any:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    for row in (["role", "id", "name", "places", "ranking", "language"], *rows):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "round.xlsx"
    return buf


def test_round_upload_dry_run_then_confirm(client, officer_tdc):
    good = [["applicant", "s1", "Student 1", None, "p1", "en"], ["host", "p1", "Placement 1", 2, "s1", "zh-hant"]]
    r = _upload(client, officer_tdc, _sheet(*good))  # a dry run unless told otherwise
    assert r.status_code == 200, r.content
    assert r.json()["problems"] == [] and r.json()["document"]["hosts"][0]["capacity"] == 2
    assert Round.objects.count() == 0
    r = _upload(client, officer_tdc, _sheet(*good), dry_run="false")
    assert r.status_code == 201
    assert Round.objects.get(pk=r.json()["id"]).participants.count() == 2


def test_round_upload_bad_input_creates_nothing(client, officer_tdc, hk_member):
    bad_rows = _sheet(["referee", "s1", "", None, "", "en"], ["host", "p1", "", "two", "", "en"])
    r = _upload(client, officer_tdc, bad_rows)
    problems = r.json()["problems"]
    assert r.status_code == 200 and len(problems) == 3, problems  # every bad value on its row, nothing created
    assert [p.split(":")[0] for p in problems] == ["Row 2", "Row 3", "Row 3"]
    r = _upload(client, officer_tdc, _sheet(["referee", "s1", "", None, "", "en"]), dry_run="false")
    assert r.status_code == 422 and "Row 2" in " ".join(r.json()["error"]["details"]["file"])
    # a valid sheet whose entries are not: an unknown id ranked
    ranks_unknown = _sheet(["applicant", "s1", "", None, "p9", "en"], ["host", "p1", "", 1, "", "en"])
    r = _upload(client, officer_tdc, ranks_unknown)
    assert r.status_code == 200 and r.json()["problems"]
    r = _upload(client, officer_tdc, _sheet(["applicant", "s1", "", None, "p9", "en"]), dry_run="false")
    assert r.status_code == 422
    not_a_workbook = SimpleUploadedFile("round.xlsx", b"role,id\napplicant,s1\n")
    r = _upload(client, officer_tdc, not_a_workbook, dry_run="false")
    assert r.status_code == 422 and r.json()["error"]["details"]["file"]
    r = _upload(client, officer_tdc, _sheet(["applicant", "s1", "", None, "", "en"]), kind="lottery")
    assert r.status_code == 422
    # a resident may not create rounds
    r = _upload(client, hk_member[0], _sheet(["applicant", "s1", "", None, "", "en"]), dry_run="false")
    assert r.status_code == 403
    assert Round.objects.count() == 0


def test_round_list_fix_capacity_withdraw(client, officer_tdc, officer_other):
    round_ = services.round_create(user=officer_tdc, data=ROUND)
    services.round_create(user=officer_other, data={**ROUND, "title": "Another"})
    r = client.get("/api/v1/rounds", **auth(officer_tdc))
    assert r.status_code == 200 and [x["id"] for x in r.json()["items"]] == [round_.pk]
    fix = f"/api/v1/rounds/{round_.pk}/pairs"
    body = {"applicant": "a2", "host": "h1", "reason": "Signed at the ceremony"}
    assert client.post(fix, body, content_type="application/json", **auth(officer_other)).status_code == 404
    r = client.post(fix, {**body, "host": "h9"}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 422 and "host" in r.json()["error"]["details"]
    r = client.post(fix, {**body, "reason": ""}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 422
    assert not Pair.objects.filter(round=round_).exists()
    r = client.post(fix, body, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 201 and (r.json()["applicant"], r.json()["host"]) == ("a2", "h1")
    cap = f"/api/v1/rounds/{round_.pk}/hosts/h1/capacity"
    r = client.put(cap, {"capacity": 3, "reason": ""}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 422
    r = client.put(
        f"/api/v1/rounds/{round_.pk}/hosts/a1/capacity",
        {"capacity": 3, "reason": "x"},
        content_type="application/json",
        **auth(officer_tdc),
    )
    assert r.status_code == 404  # an applicant is not a host
    r = client.put(cap, {"capacity": 3, "reason": "A third desk"}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 200 and r.json() == {"id": "h1", "capacity": 3}
    services.round_allocate(user=officer_tdc, round_=round_)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a1")
    url = f"/api/v1/pairs/{pair.pk}/withdraw"
    assert client.post(url, {"reason": "x"}, content_type="application/json", **auth(officer_other)).status_code == 404
    r = client.post(url, {"reason": "The host closed"}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = client.post(url, {"reason": "Again"}, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 422  # no longer active
    changes = client.get(f"/api/v1/rounds/{round_.pk}/changes", **auth(officer_tdc)).json()["items"]
    assert [c["action"] for c in changes] == ["created", "fixed", "capacity", "allocated", "withdrawn"]
    assert changes[-1]["reason"] == "The host closed" and changes[-1]["actor"] == officer_tdc.username
    assert client.get(f"/api/v1/rounds/{round_.pk}/changes", **auth(officer_other)).status_code == 404


def test_exchange_records(client, officer_tdc, officer_other):
    round_ = services.round_create(user=officer_tdc, data=ROUND)
    applicant, _ = member()
    round_.participants.filter(ext_id="a1").update(user=applicant)
    services.round_allocate(user=officer_tdc, round_=round_)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a1")
    record = ExchangeRecord.objects.create(pair=pair, kind="internship", title="a1 – h2")
    outsider, _ = member()
    for user in (applicant, officer_tdc):
        r = client.get("/api/v1/exchange-records", **auth(user))
        assert r.status_code == 200 and [x["id"] for x in r.json()["items"]] == [record.pk]
    for user in (outsider, officer_other):
        assert client.get("/api/v1/exchange-records", **auth(user)).json()["count"] == 0
        assert client.get(f"/api/v1/exchange-records/{record.pk}", **auth(user)).status_code == 404
    url = f"/api/v1/exchange-records/{record.pk}"
    body = {"starts_on": "2027-09-01", "ends_on": "2027-07-01"}
    r = client.patch(url, body, content_type="application/json", **auth(applicant))
    assert r.status_code == 422 and "ends_on" in r.json()["error"]["details"]
    r = client.patch(url, {"starts_on": "1 July"}, content_type="application/json", **auth(applicant))
    assert r.status_code == 422
    r = client.patch(url, {"completion_report": "x"}, content_type="application/json", **auth(outsider))
    assert r.status_code == 404
    activities = f"{url}/activities"
    assert client.post(activities, {"text": "x"}, content_type="application/json", **auth(outsider)).status_code == 404
    r = client.post(activities, {"text": "  "}, content_type="application/json", **auth(applicant))
    assert r.status_code == 422
    record.refresh_from_db()
    assert record.starts_on is None and record.activities == [] and record.completion_report == ""
    r = client.patch(url, {"starts_on": "2027-07-01"}, content_type="application/json", **auth(applicant))
    assert r.status_code == 200 and r.json()["starts_on"] == "2027-07-01"
    r = client.post(activities, {"text": "Induction week"}, content_type="application/json", **auth(applicant))
    assert r.status_code == 201 and [a["text"] for a in r.json()["activities"]] == ["Induction week"]
    r = client.patch(url, {"completion_report": "Completed"}, content_type="application/json", **auth(officer_tdc))
    body = r.json()
    assert body["starts_on"] == "2027-07-01" and body["completion_report"] == "Completed"
    assert len(body["activities"]) == 1
