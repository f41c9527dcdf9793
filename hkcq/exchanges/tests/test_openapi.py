"""Every events-and-rounds operation held against the OpenAPI document: called as someone
allowed, its answer fits the schema documented for its status; called with bad input, the
documented error shape. A new operation must join the table below.

Its people and event are the exchanges conftest's (factory-made), and the round's area is the one
``round_areas`` makes when the seed is not loaded."""

from __future__ import annotations

import contextlib
import io
from typing import Any

import pytest

from hkcq.accounts.services import api_token_create
from hkcq.exchanges import services
from hkcq.exchanges.models import ExchangeRecord, Pair
from hkcq.exchanges.tests.factories import held, round_areas  # noqa: F401 - round_areas: the fixture
from hkcq.exchanges.tests.test_matrix import ROUND, world  # noqa: F401 - the fixture
from hkcq.registry.tests.test_openapi import SchemaMismatch, check

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name

# (method, path) -> (who, concrete url, body or None), in an order that keeps each call valid
CALLS: list[tuple[str, str, str, Any, Any]] = [
    ("get", "/api/v1/events", "public", lambda c: "/api/v1/events", None),
    ("get", "/api/v1/events/{event_id}", "public", lambda c: f"/api/v1/events/{c['e'].pk}", None),
    (
        "post",
        "/api/v1/events",
        "organiser",
        lambda c: "/api/v1/events",
        {"kind": "forum", "title": {"en": "Forum"}, "starts_on": "2027-05-03", "ends_on": "2027-05-03"},
    ),
    ("patch", "/api/v1/events/{event_id}", "organiser", lambda c: f"/api/v1/events/{c['e'].pk}", {"capacity": 30}),
    (
        "post",
        "/api/v1/events/{event_id}/sessions",
        "organiser",
        lambda c: f"/api/v1/events/{c['e'].pk}/sessions",
        {"title": {"en": "Talk"}, "starts_at": "2027-05-03T11:00:00+08:00", "ends_at": "2027-05-03T12:00:00+08:00"},
    ),
    (
        "patch",
        "/api/v1/events/{event_id}/sessions/{session_id}",
        "organiser",
        lambda c: f"/api/v1/events/{c['e'].pk}/sessions/{c['s'].pk}",
        {"capacity": 10},
    ),
    (
        "post",
        "/api/v1/events/{event_id}/questions",
        "organiser",
        lambda c: f"/api/v1/events/{c['e'].pk}/questions",
        {"label": {"en": "Size"}, "kind": "choice", "options": [{"en": "Small"}, {"en": "Large"}]},
    ),
    (
        "patch",
        "/api/v1/events/{event_id}/questions/{question_id}",
        "organiser",
        lambda c: f"/api/v1/events/{c['e'].pk}/questions/{c['q'].pk}",
        {"required": True},
    ),
    (
        "post",
        "/api/v1/events/{event_id}/meetings",
        "participant",
        lambda c: f"/api/v1/events/{c['e'].pk}/meetings",
        {"recipient": "c"},
    ),
    (
        "post",
        "/api/v1/meetings/{meeting_id}/answer",
        "participant",
        lambda c: f"/api/v1/meetings/{c['m'].pk}/answer",
        {"accept": True},
    ),
    ("post", "/api/v1/events/{event_id}/schedule", "organiser", lambda c: f"/api/v1/events/{c['e'].pk}/schedule", {}),
    ("get", "/api/v1/events/{event_id}/meetings", "organiser", lambda c: f"/api/v1/events/{c['e'].pk}/meetings", None),
    (
        "delete",
        "/api/v1/events/{event_id}/sessions/{session_id}",
        "organiser",
        lambda c: f"/api/v1/events/{c['e'].pk}/sessions/{c['s'].pk}",
        None,
    ),
    (
        "delete",
        "/api/v1/events/{event_id}/questions/{question_id}",
        "organiser",
        lambda c: f"/api/v1/events/{c['e'].pk}/questions/{c['q'].pk}",
        None,
    ),
    ("delete", "/api/v1/events/{event_id}", "organiser", lambda c: f"/api/v1/events/{c['empty'].pk}", None),
    (
        "post",
        "/api/v1/events/{event_id}/registrations",
        "another",
        lambda c: f"/api/v1/events/{c['e'].pk}/registrations",
        lambda c: {
            "profile": c["another_profile"].pk,
            "languages": ["en"],
            "consent_public": True,
        },
    ),
    (
        "get",
        "/api/v1/registrations/{registration_id}",
        "participant",
        lambda c: f"/api/v1/registrations/{c['b'].pk}",
        None,
    ),
    (
        "put",
        "/api/v1/registrations/{registration_id}/availability",
        "participant",
        lambda c: f"/api/v1/registrations/{c['b'].pk}/availability",
        {"slots": [0, 1]},
    ),
    (
        "get",
        "/api/v1/registrations/{registration_id}/agenda.ics",
        "participant",
        lambda c: f"/api/v1/registrations/{c['b'].pk}/agenda.ics",
        None,
    ),
    (
        "post",
        "/api/v1/meetings/{meeting_id}/feedback",
        "participant",
        lambda c: f"/api/v1/meetings/{c['m2'].pk}/feedback",
        {"happened": True, "useful": True},
    ),
    (
        "post",
        "/api/v1/registrations/{registration_id}/decision",
        "organiser",
        lambda c: f"/api/v1/registrations/{c['p'].pk}/decision",
        {"approve": True},
    ),
    (
        "post",
        "/api/v1/registrations/{registration_id}/check-in",
        "organiser",
        lambda c: f"/api/v1/registrations/{c['b'].pk}/check-in",
        {},
    ),
    (
        "put",
        "/api/v1/events/{event_id}/phase",
        "organiser",
        lambda c: f"/api/v1/events/{c['e'].pk}/phase",
        {"phase": "event"},
    ),
    (
        "get",
        "/api/v1/registrations/{registration_id}/agenda.pdf",
        "participant",
        lambda c: f"/api/v1/registrations/{c['b'].pk}/agenda.pdf",
        None,
    ),
    (
        "get",
        "/api/v1/events/{event_id}/participants",
        "public",
        lambda c: f"/api/v1/events/{c['e'].pk}/participants",
        None,
    ),
    (
        "get",
        "/api/v1/events/{event_id}/registrations",
        "organiser",
        lambda c: f"/api/v1/events/{c['e'].pk}/registrations",
        None,
    ),
    ("get", "/api/v1/events/{event_id}/feedback", "organiser", lambda c: f"/api/v1/events/{c['e'].pk}/feedback", None),
    ("post", "/api/v1/rounds", "organiser", lambda c: "/api/v1/rounds", ROUND),
    ("get", "/api/v1/rounds", "organiser", lambda c: "/api/v1/rounds", None),
    ("get", "/api/v1/rounds/{round_id}/changes", "organiser", lambda c: f"/api/v1/rounds/{c['r'].pk}/changes", None),
    (
        "post",
        "/api/v1/round-uploads",
        "organiser",
        lambda c: "/api/v1/round-uploads",
        lambda c: Multipart({"kind": "internship", "title": "Interns", "area": "education", "file": _xlsx()}),
    ),
    (
        "post",
        "/api/v1/round-uploads",
        "organiser",
        lambda c: "/api/v1/round-uploads",
        lambda c: Multipart(
            {"kind": "internship", "title": "Interns", "area": "education", "dry_run": "false", "file": _xlsx()}
        ),
    ),
    (
        "post",
        "/api/v1/rounds/{round_id}/pairs",
        "organiser",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/pairs",
        {"applicant": "a2", "host": "h1", "reason": "Agreed at the ceremony"},
    ),
    (
        "put",
        "/api/v1/rounds/{round_id}/hosts/{ext_id}/capacity",
        "organiser",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/hosts/h1/capacity",
        {"capacity": 3, "reason": "A third desk"},
    ),
    ("get", "/api/v1/rounds/{round_id}", "organiser", lambda c: f"/api/v1/rounds/{c['r'].pk}", None),
    (
        "patch",
        "/api/v1/rounds/{round_id}",
        "organiser",
        lambda c: f"/api/v1/rounds/{c['r'].pk}",
        {"area": "education", "ranking_deadline": "2027-03-01", "eligibility": {"en": "Secondary schools"}},
    ),
    (
        "put",
        "/api/v1/rounds/{round_id}/participants/{ext_id}/ranks",
        "participant",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/participants/a1/ranks",
        {"ranks": ["h1", "h2"]},
    ),
    (
        "put",
        "/api/v1/rounds/{round_id}/participants/{ext_id}/link",
        "organiser",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/participants/a3/link",
        lambda c: {"profile": c["another_profile"].pk},
    ),
    ("post", "/api/v1/rounds/{round_id}/allocate", "organiser", lambda c: f"/api/v1/rounds/{c['r'].pk}/allocate", {}),
    (
        "get",
        "/api/v1/rounds/{round_id}/allocation",
        "organiser",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/allocation",
        None,
    ),
    (
        "post",
        "/api/v1/pairs/{pair_id}/answer",
        "participant",
        lambda c: f"/api/v1/pairs/{Pair.objects.get(round=c['r'], applicant__ext_id='a1').pk}/answer",
        {"accept": True},
    ),
    (
        "post",
        "/api/v1/pairs/{pair_id}/withdraw",
        "organiser",
        lambda c: f"/api/v1/pairs/{Pair.objects.get(round=c['r'], applicant__ext_id='a2').pk}/withdraw",
        {"reason": "The school closed"},
    ),
    ("get", "/api/v1/exchange-records", "participant", lambda c: "/api/v1/exchange-records", None),
    (
        "get",
        "/api/v1/exchange-records/{record_id}",
        "participant",
        lambda c: f"/api/v1/exchange-records/{_record(c).pk}",
        None,
    ),
    (
        "patch",
        "/api/v1/exchange-records/{record_id}",
        "participant",
        lambda c: f"/api/v1/exchange-records/{_record(c).pk}",
        {"starts_on": "2027-07-01", "completion_report": "Completed"},
    ),
    (
        "post",
        "/api/v1/exchange-records/{record_id}/activities",
        "participant",
        lambda c: f"/api/v1/exchange-records/{_record(c).pk}/activities",
        {"text": "Induction week"},
    ),
    (
        "delete",
        "/api/v1/registrations/{registration_id}",
        "organiser",  # b has checked in (above) and can no longer cancel: the organiser cancels c
        lambda c: f"/api/v1/registrations/{c['c'].pk}",
        None,
    ),
]

# Bad input for each write: the documented error (422, a clear message, nothing changed is
# held by test_matrix and test_setup).
BAD: list[tuple[str, str, Any, Any]] = [
    ("post", "/api/v1/events", lambda c: "/api/v1/events", {"kind": "forum", "title": {"en": ""}}),
    ("patch", "/api/v1/events/{event_id}", lambda c: f"/api/v1/events/{c['e'].pk}", {"slot_minutes": 1}),
    (
        "post",
        "/api/v1/events/{event_id}/sessions",
        lambda c: f"/api/v1/events/{c['e'].pk}/sessions",
        {"title": {"en": "Out"}, "starts_at": "2030-01-01T09:00:00+08:00", "ends_at": "2030-01-01T10:00:00+08:00"},
    ),
    (
        "post",
        "/api/v1/events/{event_id}/questions",
        lambda c: f"/api/v1/events/{c['e'].pk}/questions",
        {"label": {"en": "Q"}, "kind": "choice", "options": [{"en": "one"}]},
    ),
    ("post", "/api/v1/rounds", lambda c: "/api/v1/rounds", {**ROUND, "hosts": [{"id": "h1", "capacity": 0}]}),
    (
        "patch",
        "/api/v1/rounds/{round_id}",
        lambda c: f"/api/v1/rounds/{c['r'].pk}",
        {"ranking_deadline": "2027-03-01", "response_deadline": "2027-02-01"},
    ),
    (
        "put",
        "/api/v1/rounds/{round_id}/participants/{ext_id}/ranks",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/participants/a1/ranks",
        {"ranks": ["h1", "h1"]},
    ),
    (
        "post",
        "/api/v1/meetings/{meeting_id}/answer",
        lambda c: f"/api/v1/meetings/{c['m'].pk}/answer",
        {"accept": True, "slot": 999},
    ),
    (
        "post",
        "/api/v1/events/{event_id}/registrations",
        lambda c: f"/api/v1/events/{c['e'].pk}/registrations",
        {"profile": 0, "languages": ["en"]},
    ),
    (
        "put",
        "/api/v1/registrations/{registration_id}/availability",
        lambda c: f"/api/v1/registrations/{c['b'].pk}/availability",
        {"slots": [9999]},
    ),
    (
        "post",
        "/api/v1/meetings/{meeting_id}/feedback",
        lambda c: f"/api/v1/meetings/{c['m2'].pk}/feedback",
        {"happened": True, "outcome_kind": "nonsense"},
    ),
    (
        "post",
        "/api/v1/registrations/{registration_id}/decision",
        lambda c: f"/api/v1/registrations/{c['p'].pk}/decision",
        {"approve": "maybe"},
    ),
    ("put", "/api/v1/events/{event_id}/phase", lambda c: f"/api/v1/events/{c['e'].pk}/phase", {"phase": "nonsense"}),
    ("post", "/api/v1/pairs/{pair_id}/answer", lambda c: "/api/v1/pairs/0/answer", {"accept": "perhaps"}),
    (
        "put",
        "/api/v1/rounds/{round_id}/participants/{ext_id}/link",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/participants/a3/link",
        {"profile": "no-such-organisation"},
    ),
    (
        "post",
        "/api/v1/rounds/{round_id}/pairs",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/pairs",
        {"applicant": "nobody", "host": "h1", "reason": "Agreed"},
    ),
    (
        "put",
        "/api/v1/rounds/{round_id}/hosts/{ext_id}/capacity",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/hosts/h1/capacity",
        {"capacity": 0, "reason": "Fewer desks"},
    ),
    (
        "post",
        "/api/v1/pairs/{pair_id}/withdraw",
        lambda c: f"/api/v1/pairs/{_allocated_pair(c).pk}/withdraw",
        {"reason": "   "},
    ),
    (
        "patch",
        "/api/v1/exchange-records/{record_id}",
        lambda c: f"/api/v1/exchange-records/{_record(c).pk}",
        {"starts_on": "2027-09-01", "ends_on": "2027-07-01"},
    ),
    (
        "post",
        "/api/v1/exchange-records/{record_id}/activities",
        lambda c: f"/api/v1/exchange-records/{_record(c).pk}/activities",
        {"text": ""},
    ),
    (
        "post",
        "/api/v1/round-uploads",
        lambda c: "/api/v1/round-uploads",
        lambda c: Multipart(
            {"kind": "internship", "title": "Interns", "area": "education", "dry_run": "false", "file": _xlsx(bad=True)}
        ),
    ),
]


class Multipart(dict):
    """A body sent as multipart/form-data (a file upload), not JSON."""


def _xlsx(*, bad: bool = False) -> Any:
    from hkcq.exchanges.tests.test_matrix import _xlsx as good

    if not bad:
        return good()
    from openpyxl import Workbook

    wb = Workbook()
    for row in (["role", "id", "name", "places", "ranking", "language"], ["referee", "s1", "", None, "", "en"]):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "round.xlsx"
    return buf


def _allocated_pair(c: dict[str, Any]) -> Pair:
    pair = Pair.objects.filter(round=c["r"], applicant__ext_id="a1").first()
    if pair is None:
        services.round_allocate(user=c["r"].created_by, round_=c["r"])
        pair = Pair.objects.get(round=c["r"], applicant__ext_id="a1")
    return pair


def _record(c: dict[str, Any]) -> ExchangeRecord:
    """The participant's (a1's) accepted pair's exchange record."""
    pair = _allocated_pair(c)
    record = ExchangeRecord.objects.filter(pair=pair).first()
    if record is None:
        Pair.objects.filter(pk=pair.pk).update(status="accepted", applicant_accepted=True, host_accepted=True)
        record = ExchangeRecord.objects.create(pair=pair, kind="internship", title="a1 – h2")
    return record


def _documented(openapi: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any] | None:
    responses = openapi["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path}: {status} is not documented"
    content = responses[str(status)].get("content")
    return content["application/json"]["schema"] if content else None


def _call(client, world, who, method, url, body, **extra):  # noqa: F811
    """Check-in and feedback are called the day after the event (they are refused before)."""
    on_the_day = method == "post" and url.endswith(("/check-in", "/feedback"))
    with held(world.ctx["e"], day=-1) if on_the_day else contextlib.nullcontext():
        headers = {**extra}
        if world.users[who] is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=world.users[who], name='t')[1]}"
        if isinstance(body, Multipart):
            return client.post(url, dict(body), **headers)
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(url, body, content_type="application/json", **headers)


def test_every_operation_answers_as_documented(client, world):  # noqa: F811
    openapi = client.get("/api/v1/openapi.json").json()
    ours = {
        (method, path)
        for path, ops in openapi["paths"].items()
        for method, op in ops.items()
        if "events and rounds" in op.get("tags", [])
    }
    assert ours == {(m, p) for m, p, *_ in CALLS}, ours ^ {(m, p) for m, p, *_ in CALLS}
    uploaded = False
    for method, path, who, url, body in CALLS:
        if body == {"recipient": "c"}:
            body = {"recipient": world.ctx["c"].pk}
        if callable(body):
            body = body(world.ctx)
        response = _call(client, world, who, method, url(world.ctx), body)
        assert response.status_code < 300, (method, path, response.status_code, response.content[:300])
        if path.endswith(".ics"):  # a file, documented as text/calendar
            content = openapi["paths"][path][method]["responses"]["200"]["content"]
            assert "text/calendar" in content and response["Content-Type"].startswith("text/calendar")
            assert response.content.startswith(b"BEGIN:VCALENDAR")
            continue
        if path.endswith(".pdf"):  # a file, documented as application/pdf
            content = openapi["paths"][path][method]["responses"]["200"]["content"]
            assert "application/pdf" in content and response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")
            continue
        if path.endswith("round-uploads"):  # the dry run previews (200), the confirmation creates (201)
            assert response.status_code == (201 if uploaded else 200), response.content
            uploaded = True
        schema = _documented(openapi, method, path, response.status_code)
        if schema is None:
            assert not response.content
            continue
        try:
            check(response.json(), schema, openapi)
        except SchemaMismatch as exc:
            pytest.fail(f"{method.upper()} {path} does not match its OpenAPI schema: {exc}")


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_bad_input_answers_with_the_documented_error_in_the_readers_language(client, world, lang):  # noqa: F811
    openapi = client.get("/api/v1/openapi.json").json()
    for method, path, url, body in BAD:
        participant_paths = ("ranks", "answer", "availability", "feedback")
        who = "participant" if any(w in path for w in participant_paths) else "organiser"
        if callable(body):
            body = body(world.ctx)
        response = _call(client, world, who, method, url(world.ctx), body, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 422, (path, response.status_code, response.content[:300])
        check(response.json(), _documented(openapi, method, path, 422), openapi)
        error = response.json()["error"]
        assert error["message"] and error["details"], (path, error)
        details = error["details"]
        # a service's refusal gives messages by field; the document's own validation, a list
        words = [str(v) for vs in details.values() for v in vs] if isinstance(details, dict) else []
        text = " ".join([error["message"], *words])
        assert (lang == "en") != any("\u4e00" <= ch <= "\u9fff" for ch in text), (path, lang, text)
