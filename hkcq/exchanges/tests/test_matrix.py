"""The authorization matrix (issue 14): every write page and API endpoint of events and rounds
× every role (a participant, another participant, the organiser of this event or round, the
organiser of another, the secretariat, the public). Allowed: the write changes something.
Refused: nothing in the exchanges tables (their history and the notifications included) changes."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from hkcq.accounts.services import api_token_create
from hkcq.exchanges import models as xm
from hkcq.exchanges import services, urls
from hkcq.exchanges.tests.factories import area_pk, held, member, organiser_unit, registered, round_area
from hkcq.notifications.models import Notification

pytestmark = pytest.mark.django_db
ROLES = ["participant", "another", "organiser", "organiser_other", "secretariat", "public"]
ORGANISERS = {"organiser", "secretariat"}
OFFICERS = {"organiser", "organiser_other", "secretariat"}

TABLES = [
    xm.Event,
    xm.Session,
    xm.Question,
    xm.Registration,
    xm.Meeting,
    xm.Feedback,
    xm.Interpreter,
    xm.Round,
    xm.Participant,
    xm.Pair,
    xm.RoundChange,
    xm.ExchangeRecord,
]


def state() -> list[Any]:
    """Every row of every exchanges table, the count of their history rows, the notifications."""
    rows: list[Any] = []
    for model in TABLES:
        rows.append(list(model.objects.order_by("pk").values()))
        history = getattr(model, "history", None)
        if history is not None:
            rows.append(history.count())
    rows.append(Notification.objects.count())
    return rows


@dataclass
class World:
    users: dict[str, Any]
    ctx: dict[str, Any] = field(default_factory=dict)


def _xlsx() -> io.BytesIO:
    from openpyxl import Workbook

    wb = Workbook()
    for row in (
        ["role", "id", "name", "places", "ranking", "language"],
        ["applicant", "s1", "Student 1", None, "p1", "en"],
        ["host", "p1", "Placement 1", 2, "s1", "zh-hant"],
    ):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "round.xlsx"
    return buf


ROUND = {
    "kind": "internship",
    "title": "Summer internships 2027",
    "area": "education",
    "applicants": [
        {"id": "a1", "ranks": ["h2", "h1"]},
        {"id": "a2", "ranks": ["h1"]},
        {"id": "a3", "ranks": ["h1", "h2"]},
    ],
    "hosts": [{"id": "h1", "capacity": 2, "ranks": ["a3", "a1"]}, {"id": "h2", "capacity": 1, "ranks": ["a1", "a3"]}],
}


@pytest.fixture
def world(event, officer_tdc, officer_other, secretariat_hk) -> World:
    """An event organised by the HKTDC with confirmed participants a, b (the "participant"), c,
    a pending p; a request a → b and an accepted meeting b → a; a session and a question; an
    empty event to delete. A round created by the HKTDC officer: a1 is the participant's entry,
    a2 another participant's. "another" has an organisation profile but no registration."""
    round_area(ROUND["area"])  # the area the rounds name
    hk, cq, third, late = member("hong_kong"), member(), member("hong_kong"), member()
    another = member()
    # a, b and c agreed to appear on the participant list: they can be asked for a meeting
    a, b, c = registered(event, hk), registered(event, cq), registered(event, third)
    event.requires_approval = True
    event.save()
    p = registered(event, late, listed=False)
    m = services.meeting_request(user=hk[0], requester=a, recipient=b)
    m2 = xm.Meeting.objects.create(event=event, requester=b, recipient=a, status="accepted", expires_at=m.expires_at)
    s = xm.Session.objects.create(
        event=event,
        title={"en": "Opening"},
        starts_at=services.slot_start(event, 0),
        ends_at=services.slot_end(event, 0),
    )
    q = xm.Question.objects.create(event=event, label={"en": "Sector"}, kind="text")
    empty = xm.Event.objects.create(ext_id="empty", kind="forum", title={"en": "Empty"})
    empty.organiser_units.set([organiser_unit("hk_tdc")])
    round_ = services.round_create(user=officer_tdc, data=ROUND)
    xm.Participant.objects.filter(round=round_, ext_id="a1").update(user=cq[0])
    xm.Participant.objects.filter(round=round_, ext_id="a2").update(user=another[0])
    # the other officer organises a round of their own (an organiser, of another round)
    services.round_create(user=officer_other, data={**ROUND, "title": "Another round"})
    users = {
        "participant": cq[0],
        "another": another[0],
        "organiser": officer_tdc,
        "organiser_other": officer_other,
        "secretariat": secretariat_hk,
        "public": None,
    }
    ctx = {"e": event, "empty": empty, "a": a, "b": b, "c": c, "p": p, "m": m, "m2": m2, "s": s, "q": q}
    ctx["r"] = round_
    ctx["another_profile"] = another[1]
    ctx["a1"] = round_.participants.get(ext_id="a1")
    return World(users=users, ctx=ctx)


def _allocated(w: World) -> None:
    services.round_allocate(user=w.users["organiser"], round_=w.ctx["r"])
    w.ctx["pair"] = xm.Pair.objects.get(round=w.ctx["r"], applicant__ext_id="a1")


def _record(w: World) -> None:
    """An accepted pair of the participant's entry, with its exchange record."""
    _allocated(w)
    pair = w.ctx["pair"]
    xm.Pair.objects.filter(pk=pair.pk).update(status="accepted", applicant_accepted=True, host_accepted=True)
    w.ctx["record"] = xm.ExchangeRecord.objects.create(pair=pair, kind="internship", title="a1 – h2")


def _text(prefix: str, value: str) -> dict[str, str]:
    return {f"{prefix}_0": value, f"{prefix}_1": "", f"{prefix}_2": ""}


def _event_form(unit_pk: int) -> dict[str, Any]:
    return {
        "kind": "forum",
        **_text("title", "Forum"),
        **_text("description", ""),
        **_text("venue", ""),
        "organiser_units": [unit_pk],
        "starts_on": "2027-05-03",
        "ends_on": "2027-05-04",
        "meeting_start": "09:00",
        "slots_per_day": "4",
        "slot_minutes": "30",
        "tables": "3",
        "max_open_requests": "10",
        "request_days": "5",
    }


@dataclass
class Write:
    """``ok``: the one status an allowed role gets (0: 302 for a page, which redirects; 200 for
    the API). ``refused``: the one status each refused role gets where it is not the default (a
    page: 302 to sign in for the public, else 404 for a row hidden from the role, and 403 written out
    where the role sees the row (or the page is the organisers'), as docs/architecture.md says; the
    API: 401 for the public, else 403).
    ``on_the_day``: the write belongs to the event's day (check-in, feedback): it runs then."""

    name: str
    url: Callable[[dict[str, Any]], str]
    data: Callable[[dict[str, Any]], Any]
    allowed: set[str]
    method: str = "post"
    prepare: Callable[[World], None] | None = None
    ok: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    on_the_day: bool = False


# A page re-shown with the form's error (200), a page that redirects back with a message (302), a
# row hidden from the role (404), a refusal of what the role can see (403), bad input (422).
HIDDEN = {"another": 404, "organiser_other": 404}  # the event's registrations and meetings, a round
OTHER_ROUND = {"organiser_other": 404}  # a round is hidden from the organiser of another
SEES_THE_ROUND = {"participant": 403, "another": 403}  # the organisers' round actions: both are entries of the round


def _hktdc() -> int:
    return organiser_unit("hk_tdc").pk


PAGES = [
    # events: participants
    Write(
        "register",
        lambda c: f"/en/events/{c['e'].pk}/register/",
        lambda c: {"languages": ["en"], "profile": ""},
        set(),
        refused={"participant": 302, "another": 200, "organiser": 200, "organiser_other": 200, "secretariat": 200},
    ),
    Write("cancel", lambda c: f"/en/events/{c['e'].pk}/mine/cancel/", lambda c: {}, {"participant"}),
    Write(
        "availability",
        lambda c: f"/en/events/{c['e'].pk}/mine/availability/",
        lambda c: {"slots": ["1"]},
        {"participant"},
    ),
    Write(
        "request meeting",
        lambda c: f"/en/events/{c['e'].pk}/mine/request/",
        lambda c: {"recipient": c["c"].pk},
        {"participant"},
    ),
    Write(
        "answer meeting",
        lambda c: f"/en/events/meetings/{c['m'].pk}/answer/",
        lambda c: {"accept": "yes"},
        {"participant"},
        refused={"organiser": 302, "secretariat": 302},
    ),
    Write(
        "feedback",
        lambda c: f"/en/events/meetings/{c['m2'].pk}/feedback/",
        lambda c: {"happened": "yes"},
        {"participant"},
        refused={"organiser": 302, "secretariat": 302},
        on_the_day=True,
    ),
    # events: organisers
    Write("approve", lambda c: f"/en/events/registrations/{c['p'].pk}/approve/", lambda c: {}, ORGANISERS),
    Write("refuse", lambda c: f"/en/events/registrations/{c['p'].pk}/refuse/", lambda c: {}, ORGANISERS),
    Write(
        "check in",
        lambda c: f"/en/events/registrations/{c['b'].pk}/check-in/",
        lambda c: {},
        ORGANISERS,
        on_the_day=True,
        refused={"participant": 403},
    ),
    Write(
        "schedule all",
        lambda c: f"/en/events/{c['e'].pk}/organise/schedule/",
        lambda c: {},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "set phase",
        lambda c: f"/en/events/{c['e'].pk}/organise/phase/",
        lambda c: {"phase": "event"},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "create event",
        lambda c: "/en/events/new/",
        lambda c: _event_form(_hktdc()),
        ORGANISERS,
        refused={"participant": 403, "another": 403, "organiser_other": 200},
    ),
    Write(
        "edit event",
        lambda c: f"/en/events/{c['e'].pk}/organise/edit/",
        lambda c: _event_form(_hktdc()),
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "delete event",
        lambda c: f"/en/events/{c['empty'].pk}/organise/delete/",
        lambda c: {},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "add session",
        lambda c: f"/en/events/{c['e'].pk}/organise/sessions/new/",
        lambda c: {**_text("title", "Talk"), "starts_at": "2027-05-03T11:00", "ends_at": "2027-05-03T12:00"},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "edit session",
        lambda c: f"/en/events/{c['e'].pk}/organise/sessions/{c['s'].pk}/",
        lambda c: {**_text("title", "Talk"), "starts_at": "2027-05-03T11:00", "ends_at": "2027-05-03T12:00"},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "delete session",
        lambda c: f"/en/events/{c['e'].pk}/organise/sessions/{c['s'].pk}/delete/",
        lambda c: {},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "add question",
        lambda c: f"/en/events/{c['e'].pk}/organise/questions/new/",
        lambda c: {**_text("label", "Size"), **_text("options", ""), "kind": "text", "position": "1"},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "edit question",
        lambda c: f"/en/events/{c['e'].pk}/organise/questions/{c['q'].pk}/",
        lambda c: {**_text("label", "Size"), **_text("options", ""), "kind": "text", "position": "1", "required": "on"},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    Write(
        "delete question",
        lambda c: f"/en/events/{c['e'].pk}/organise/questions/{c['q'].pk}/delete/",
        lambda c: {},
        ORGANISERS,
        refused={"another": 403, "organiser_other": 403, "participant": 403},
    ),
    # rounds
    Write(
        "upload round",
        lambda c: "/en/rounds/new/",
        lambda c: {"kind": "internship", "title": "Interns", "area": area_pk(), "file": _xlsx()},
        OFFICERS,
        refused={"another": 403, "participant": 403},
    ),
    Write(
        "rank",
        lambda c: f"/en/rounds/{c['r'].pk}/ranks/{c['a1'].pk}/",
        lambda c: {f"p{c['a1'].pk}-ranks": "h1, h2"},
        {"participant", "organiser", "secretariat"},
    ),
    Write(
        "allocate",
        lambda c: f"/en/rounds/{c['r'].pk}/do/allocate/",
        lambda c: {},
        ORGANISERS,
        refused=SEES_THE_ROUND,
    ),
    Write(
        "edit round",
        lambda c: f"/en/rounds/{c['r'].pk}/edit/",
        lambda c: {
            **_text("title", "Summer internships"),
            **_text("eligibility", ""),
            "area": area_pk(),  # a round keeps its area (test_round_area.py)
            "ranking_deadline": "2027-03-01",
        },
        ORGANISERS,
        refused={"another": 403, "participant": 403},
    ),
    Write(
        "fix pair",
        lambda c: f"/en/rounds/{c['r'].pk}/do/fix/",
        lambda c: {"fix-applicant": "a2", "fix-host": "h1", "fix-reason": "Agreed at the ceremony"},
        ORGANISERS,
        refused=SEES_THE_ROUND,
    ),
    Write(
        "capacity",
        lambda c: f"/en/rounds/{c['r'].pk}/do/capacity/",
        lambda c: {"cap-host": "h1", "cap-capacity": "3", "cap-reason": "A third desk"},
        ORGANISERS,
        refused=SEES_THE_ROUND,
    ),
    Write(
        "accept place",
        lambda c: f"/en/rounds/pairs/{c['pair'].pk}/",
        lambda c: {"accept": "yes"},
        {"participant"},
        prepare=_allocated,
        refused={"another": 403, "organiser": 403, "secretariat": 403},
    ),
    Write(
        "exchange record",
        lambda c: f"/en/rounds/records/{c['record'].pk}/",
        lambda c: {"starts_on": "2027-07-01", "ends_on": "2027-08-31", "activity": "Induction week", "report": ""},
        {"participant", "organiser", "secretariat"},
        prepare=_record,
    ),
    Write(
        "link entry",
        lambda c: f"/en/rounds/{c['r'].pk}/do/link/",
        lambda c: {"link-role": "applicant", "link-participant": "a3", "link-profile": str(c["another_profile"].pk)},
        ORGANISERS,
        refused=SEES_THE_ROUND,
    ),
    Write(
        "answer for an unlinked side",
        lambda c: f"/en/rounds/pairs/{c['pair'].pk}/",
        lambda c: {"action": "answer_for", "side": "host", "accept": "yes", "reason": "Letter of 3 May"},
        ORGANISERS,
        prepare=_allocated,
        refused={"another": 403, "participant": 403},
    ),
    Write(
        "withdraw pair",
        lambda c: f"/en/rounds/pairs/{c['pair'].pk}/",
        lambda c: {"action": "withdraw", "reason": "The host closed"},
        ORGANISERS,
        prepare=_allocated,
        refused={"another": 403, "participant": 403},
    ),
]

API = [
    Write("schedule", lambda c: f"/api/v1/events/{c['e'].pk}/schedule", lambda c: {}, ORGANISERS, ok=200),
    Write(
        "answer",
        lambda c: f"/api/v1/meetings/{c['m'].pk}/answer",
        lambda c: {"accept": True},
        {"participant"},
        ok=200,
        refused=HIDDEN,
    ),
    Write(
        "request",
        lambda c: f"/api/v1/events/{c['e'].pk}/meetings",
        lambda c: {"recipient": c["c"].pk},
        {"participant"},
        ok=201,
        refused={"another": 404, "organiser": 404, "organiser_other": 404, "secretariat": 404},
    ),
    Write(
        "create event",
        lambda c: "/api/v1/events",
        lambda c: {"kind": "forum", "title": {"en": "Forum"}, "organiser_units": ["hk_tdc"]},
        ORGANISERS,
        ok=201,
        refused={"organiser_other": 422},
    ),
    Write(
        "edit event", lambda c: f"/api/v1/events/{c['e'].pk}", lambda c: {"capacity": 50}, ORGANISERS, "patch", ok=200
    ),
    Write("delete event", lambda c: f"/api/v1/events/{c['empty'].pk}", lambda c: None, ORGANISERS, "delete", ok=204),
    Write(
        "add session",
        lambda c: f"/api/v1/events/{c['e'].pk}/sessions",
        lambda c: {
            "title": {"en": "Talk"},
            "starts_at": "2027-05-03T11:00:00+08:00",
            "ends_at": "2027-05-03T12:00:00+08:00",
        },
        ORGANISERS,
        ok=201,
    ),
    Write(
        "edit session",
        lambda c: f"/api/v1/events/{c['e'].pk}/sessions/{c['s'].pk}",
        lambda c: {"capacity": 20},
        ORGANISERS,
        "patch",
        ok=200,
    ),
    Write(
        "delete session",
        lambda c: f"/api/v1/events/{c['e'].pk}/sessions/{c['s'].pk}",
        lambda c: None,
        ORGANISERS,
        "delete",
        ok=204,
    ),
    Write(
        "add question",
        lambda c: f"/api/v1/events/{c['e'].pk}/questions",
        lambda c: {"label": {"en": "Size"}, "kind": "yes_no"},
        ORGANISERS,
        ok=201,
    ),
    Write(
        "edit question",
        lambda c: f"/api/v1/events/{c['e'].pk}/questions/{c['q'].pk}",
        lambda c: {"required": True},
        ORGANISERS,
        "patch",
        ok=200,
    ),
    Write(
        "delete question",
        lambda c: f"/api/v1/events/{c['e'].pk}/questions/{c['q'].pk}",
        lambda c: None,
        ORGANISERS,
        "delete",
        ok=204,
    ),
    Write("create round", lambda c: "/api/v1/rounds", lambda c: {**ROUND, "title": "New"}, OFFICERS, ok=201),
    Write(
        "rank",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/participants/a1/ranks",
        lambda c: {"ranks": ["h1"]},
        {"participant", "organiser", "secretariat"},
        "put",
        ok=200,
        refused=HIDDEN,
    ),
    Write(
        "allocate",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/allocate",
        lambda c: {},
        ORGANISERS,
        ok=200,
        refused=OTHER_ROUND,
    ),
    Write(
        "link entry",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/participants/a3/link",
        lambda c: {"profile": c["another_profile"].pk},
        ORGANISERS,
        "put",
        ok=200,
        refused=OTHER_ROUND,
    ),
    Write(
        "answer for an unlinked side",
        lambda c: f"/api/v1/pairs/{c['pair'].pk}/answer",
        lambda c: {"accept": True, "on_behalf_of": "host", "reason": "Letter of 3 May"},
        ORGANISERS,
        prepare=_allocated,
        ok=200,
        refused=OTHER_ROUND,
    ),
    Write(
        "edit round",
        lambda c: f"/api/v1/rounds/{c['r'].pk}",
        lambda c: {"ranking_deadline": "2027-03-01"},
        ORGANISERS,
        "patch",
        ok=200,
        refused=OTHER_ROUND,
    ),
    Write(
        "register",
        lambda c: f"/api/v1/events/{c['e'].pk}/registrations",
        lambda c: {"profile": c["another_profile"].pk, "languages": ["en"]},
        {"another"},
        ok=201,
        refused={"participant": 422, "organiser": 422, "organiser_other": 422, "secretariat": 422},
    ),
    Write(
        "cancel",
        lambda c: f"/api/v1/registrations/{c['b'].pk}",
        lambda c: None,
        {"participant"} | ORGANISERS,
        "delete",
        ok=204,
        refused=HIDDEN,
    ),
    Write(
        "availability",
        lambda c: f"/api/v1/registrations/{c['b'].pk}/availability",
        lambda c: {"slots": [1]},
        {"participant"},
        "put",
        ok=200,
        refused=HIDDEN,
    ),
    Write(
        "feedback",
        lambda c: f"/api/v1/meetings/{c['m2'].pk}/feedback",
        lambda c: {"happened": True},
        {"participant"},
        ok=201,
        refused=HIDDEN,
        on_the_day=True,
    ),
    Write(
        "approve",
        lambda c: f"/api/v1/registrations/{c['p'].pk}/decision",
        lambda c: {"approve": True},
        ORGANISERS,
        ok=200,
        refused={"participant": 404, **HIDDEN},
    ),
    Write(
        "refuse",
        lambda c: f"/api/v1/registrations/{c['p'].pk}/decision",
        lambda c: {"approve": False},
        ORGANISERS,
        ok=200,
        refused={"participant": 404, **HIDDEN},
    ),
    Write(
        "check in",
        lambda c: f"/api/v1/registrations/{c['b'].pk}/check-in",
        lambda c: {},
        ORGANISERS,
        ok=200,
        refused=HIDDEN,
        on_the_day=True,
    ),
    Write(
        "set phase",
        lambda c: f"/api/v1/events/{c['e'].pk}/phase",
        lambda c: {"phase": "event"},
        ORGANISERS,
        "put",
        ok=200,
    ),
    Write(
        "accept place",
        lambda c: f"/api/v1/pairs/{c['pair'].pk}/answer",
        lambda c: {"accept": True},
        {"participant"},
        prepare=_allocated,
        ok=200,
        refused=OTHER_ROUND,
    ),
    Write(
        "upload round",
        lambda c: "/api/v1/round-uploads",
        lambda c: {"kind": "internship", "title": "Interns", "area": "education", "dry_run": "false", "file": _xlsx()},
        OFFICERS,
        "multipart",
        ok=201,
    ),
    Write(
        "fix pair",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/pairs",
        lambda c: {"applicant": "a2", "host": "h1", "reason": "Agreed at the ceremony"},
        ORGANISERS,
        ok=201,
        refused=OTHER_ROUND,
    ),
    Write(
        "capacity",
        lambda c: f"/api/v1/rounds/{c['r'].pk}/hosts/h1/capacity",
        lambda c: {"capacity": 3, "reason": "A third desk"},
        ORGANISERS,
        "put",
        ok=200,
        refused=OTHER_ROUND,
    ),
    Write(
        "withdraw pair",
        lambda c: f"/api/v1/pairs/{c['pair'].pk}/withdraw",
        lambda c: {"reason": "The host closed"},
        ORGANISERS,
        prepare=_allocated,
        ok=200,
        refused=OTHER_ROUND,
    ),
    Write(
        "exchange record",
        lambda c: f"/api/v1/exchange-records/{c['record'].pk}",
        lambda c: {"starts_on": "2027-07-01", "completion_report": "Completed"},
        {"participant", "organiser", "secretariat"},
        "patch",
        prepare=_record,
        ok=200,
        refused=HIDDEN,
    ),
    Write(
        "record activity",
        lambda c: f"/api/v1/exchange-records/{c['record'].pk}/activities",
        lambda c: {"text": "Induction week"},
        {"participant", "organiser", "secretariat"},
        prepare=_record,
        ok=201,
        refused=HIDDEN,
    ),
]


def _check(w: World, write: Write, role: str, call: Callable[[], Any]) -> None:
    if write.prepare:
        write.prepare(w)
    before = state()
    response = call()
    after = state()
    page = not write.url(w.ctx).startswith("/api/")
    if role in write.allowed:
        expected = write.ok or (302 if page else 200)
        assert response.status_code == expected, (role, write.name, response.status_code, expected)
        assert after != before, f"{role} should be able to {write.name}"
    else:
        default = (302 if page else 401) if role == "public" else (404 if page else 403)
        expected = write.refused.get(role, default)
        assert after == before, f"{role} must not {write.name} (status {response.status_code})"
        assert response.status_code == expected, (role, write.name, response.status_code, expected)


def _clock(w: World, write: Write) -> Any:
    """The clock the write runs at: the day after the event for check-in and feedback (they are
    refused before the event's day and the meeting's time), else now."""
    return held(w.ctx["e"], day=-1) if write.on_the_day else contextlib.nullcontext()


@pytest.mark.parametrize("write", PAGES, ids=[w.name for w in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_pages(client, world, write, role):
    user = world.users[role]

    def call() -> Any:
        if user is not None:
            client.force_login(user)  # at the write's clock: a session opened earlier may have expired by then
        response = client.post(write.url(world.ctx), write.data(world.ctx))
        if role == "public":
            assert response.status_code == 302 and "sign-in" in response.headers["Location"]
        return response

    with _clock(world, write):
        _check(world, write, role, call)


@pytest.mark.parametrize("write", API, ids=[w.name for w in API])
@pytest.mark.parametrize("role", ROLES)
def test_api(client, world, write, role):
    user = world.users[role]
    headers = {}
    if user is not None:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}

    def call() -> Any:
        body = write.data(world.ctx)
        if write.method == "multipart":
            response = client.post(write.url(world.ctx), body, **headers)
            if role == "public":
                assert response.status_code == 401
            return response
        method = getattr(client, write.method)
        if body is None:
            response = method(write.url(world.ctx), **headers)
        else:
            response = method(write.url(world.ctx), body, content_type="application/json", **headers)
        if role == "public":
            assert response.status_code == 401
        return response

    with _clock(world, write):
        _check(world, write, role, call)


def test_every_write_route_is_in_the_matrix():
    """A new write page or endpoint must join the matrix."""
    from config.api import api

    covered_pages = {
        "register", "my_cancel", "my_availability", "meeting_request", "meeting_answer", "meeting_feedback",
        "registration_action", "schedule", "phase", "event_create", "event_edit", "event_delete",
        "session_create", "session_edit", "session_delete", "question_create", "question_edit", "question_delete",
        "round_upload", "round_ranks", "round_action", "pair_answer", "round_edit", "record",
    }  # fmt: skip
    read_only = {
        "events",
        "event",
        "my_event",
        "agenda",
        "agenda_pdf",
        "agenda_ics",
        "organise",
        "grid",
        "cards",
        "rounds",
        "round",
    }
    names = {p.name for p in urls.urlpatterns}
    assert names == covered_pages | read_only, names ^ (covered_pages | read_only)
    doc = api.get_openapi_schema()
    writes = {
        (method, path)
        for path, ops in doc["paths"].items()
        for method in ops
        if method != "get" and any("events and rounds" in ops[m].get("tags", []) for m in ops)
    }
    expected = {
        ("post", "/api/v1/events/{event_id}/schedule"),
        ("post", "/api/v1/meetings/{meeting_id}/answer"),
        ("post", "/api/v1/events/{event_id}/meetings"),
        ("post", "/api/v1/events"),
        ("patch", "/api/v1/events/{event_id}"),
        ("delete", "/api/v1/events/{event_id}"),
        ("post", "/api/v1/events/{event_id}/sessions"),
        ("patch", "/api/v1/events/{event_id}/sessions/{session_id}"),
        ("delete", "/api/v1/events/{event_id}/sessions/{session_id}"),
        ("post", "/api/v1/events/{event_id}/questions"),
        ("patch", "/api/v1/events/{event_id}/questions/{question_id}"),
        ("delete", "/api/v1/events/{event_id}/questions/{question_id}"),
        ("post", "/api/v1/rounds"),
        ("put", "/api/v1/rounds/{round_id}/participants/{ext_id}/ranks"),
        ("put", "/api/v1/rounds/{round_id}/participants/{ext_id}/link"),
        ("post", "/api/v1/rounds/{round_id}/allocate"),
        ("patch", "/api/v1/rounds/{round_id}"),
        ("post", "/api/v1/events/{event_id}/registrations"),
        ("delete", "/api/v1/registrations/{registration_id}"),
        ("put", "/api/v1/registrations/{registration_id}/availability"),
        ("post", "/api/v1/meetings/{meeting_id}/feedback"),
        ("post", "/api/v1/registrations/{registration_id}/decision"),
        ("post", "/api/v1/registrations/{registration_id}/check-in"),
        ("put", "/api/v1/events/{event_id}/phase"),
        ("post", "/api/v1/pairs/{pair_id}/answer"),
        ("post", "/api/v1/round-uploads"),
        ("post", "/api/v1/rounds/{round_id}/pairs"),
        ("put", "/api/v1/rounds/{round_id}/hosts/{ext_id}/capacity"),
        ("post", "/api/v1/pairs/{pair_id}/withdraw"),
        ("patch", "/api/v1/exchange-records/{record_id}"),
        ("post", "/api/v1/exchange-records/{record_id}/activities"),
    }
    assert writes == expected, writes ^ expected
    assert len(API) == len(expected) + 2  # approve and refuse share one route, and so do the two answers
