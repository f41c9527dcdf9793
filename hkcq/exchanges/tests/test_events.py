"""Event services: registration, capacity and the waiting list, approval, meeting requests,
picking a slot by hand, expiry and reminders, schedule all, feedback; each refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.exchanges import services
from hkcq.exchanges.models import Event, Interpreter, Meeting, MeetingStatus, Question, RegistrationStatus, Session
from hkcq.exchanges.selectors import exchange_counts_by_area
from hkcq.exchanges.tests.factories import EventFactory, held, member, registered, round_area
from hkcq.notifications.models import Notification
from hkcq.partnering.models import Outcome

pytestmark = pytest.mark.django_db


def register(event, who, **kw):
    """On the participant list (a request to them is allowed) unless ``listed=False``."""
    return registered(event, who, **kw)


def test_register_confirms_and_tells(event, hk_member):
    reg = register(event, hk_member, listed=False)
    assert reg.status == RegistrationStatus.CONFIRMED
    assert reg.consent_public is False  # default: not on the public list
    assert Notification.objects.filter(recipient=hk_member[0]).count() == 1


def test_register_only_for_own_profile(event, hk_member, cq_member):
    with pytest.raises(NotPermitted):
        services.registration_submit(user=hk_member[0], event=event, profile=cq_member[1], languages=["en"])
    assert not event.registrations.exists()


def test_waiting_list_promotes_next_and_tells_them(event):
    event.capacity = 1
    event.save()
    first, second, third = member(), member("hong_kong"), member()
    a = register(event, first)
    b = register(event, second)
    c = register(event, third)
    assert [a.status, b.status, c.status] == ["confirmed", "waitlisted", "waitlisted"]
    promoted = services.registration_cancel(user=first[0], registration=a)
    assert promoted == b
    b.refresh_from_db()
    c.refresh_from_db()
    assert b.status == "confirmed" and c.status == "waitlisted"
    assert Notification.objects.filter(recipient=second[0]).count() == 2  # waitlisted, then promoted


def test_approval_and_refusal(event, officer_tdc, officer_other):
    event.requires_approval = True
    event.save()
    who = member()
    reg = register(event, who)
    assert reg.status == RegistrationStatus.PENDING
    with pytest.raises(NotPermitted):
        services.registration_decide(user=officer_other, registration=reg, approve=True)
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.PENDING
    services.registration_decide(user=officer_tdc, registration=reg, approve=True)
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED


def test_extra_questions_required_and_checked(event):
    q1 = Question.objects.create(
        event=event, label={"en": "Sector?"}, kind="choice", options=[{"en": "A"}, {"en": "B"}], required=True
    )
    q2 = Question.objects.create(event=event, label={"en": "Samples?"}, kind="yes_no")
    who = member()
    with pytest.raises(InvalidInput) as exc:
        register(event, who, answers={f"q{q2.pk}": "yes"})
    assert f"q{q1.pk}" in exc.value.details
    assert not event.registrations.exists()
    with pytest.raises(InvalidInput):
        register(event, who, answers={f"q{q1.pk}": "7"})
    reg = register(event, who, answers={f"q{q1.pk}": "1", f"q{q2.pk}": "yes"})
    assert reg.answers == {f"q{q1.pk}": 1, f"q{q2.pk}": True}


@pytest.mark.parametrize("languages", [[], ["xx"]])
def test_languages_must_be_given_from_the_list(event, languages):
    with pytest.raises(InvalidInput):
        register(event, member(), languages=languages)
    assert not event.registrations.exists()


def test_request_accept_with_hand_picked_slot_and_clash(event):
    hk, cq, cq2 = member("hong_kong"), member(), member()
    a, b, c = register(event, hk), register(event, cq), register(event, cq2)
    m1 = services.meeting_request(user=hk[0], requester=a, recipient=b, note="Logistics")
    m1 = services.meeting_respond(user=cq[0], meeting=m1, accept=True, slot=2)
    assert (m1.slot, m1.table, m1.locked) == (2, 0, True)
    m2 = services.meeting_request(user=cq2[0], requester=c, recipient=a)
    with pytest.raises(InvalidInput) as exc:
        services.meeting_respond(user=hk[0], meeting=m2, accept=True, slot=2)
    assert "already has a meeting" in str(exc.value.message)
    m2.refresh_from_db()
    assert m2.status == MeetingStatus.REQUESTED and m2.slot is None
    with pytest.raises(InvalidInput) as exc:
        services.meeting_respond(user=hk[0], meeting=m2, accept=True, slot=999)
    assert "outside" in str(exc.value.message)


def test_only_the_recipient_answers(event):
    hk, cq = member("hong_kong"), member()
    a, b = register(event, hk), register(event, cq)
    m = services.meeting_request(user=hk[0], requester=a, recipient=b)
    with pytest.raises(NotPermitted):
        services.meeting_respond(user=hk[0], meeting=m, accept=True)
    m.refresh_from_db()
    assert m.status == MeetingStatus.REQUESTED


def test_cap_on_open_requests(event):
    event.max_open_requests = 2
    event.save()
    hk = member("hong_kong")
    a = register(event, hk)
    others = [register(event, member()) for _ in range(3)]
    services.meeting_request(user=hk[0], requester=a, recipient=others[0])
    services.meeting_request(user=hk[0], requester=a, recipient=others[1])
    with pytest.raises(InvalidInput):
        services.meeting_request(user=hk[0], requester=a, recipient=others[2])
    assert Meeting.objects.filter(requester=a).count() == 2


def test_session_booked_blocks_the_slot(event):
    start = dt.datetime.combine(event.starts_on, event.meeting_start, tzinfo=timezone.get_default_timezone())
    session = Session.objects.create(
        event=event, title={"en": "Plenary"}, starts_at=start, ends_at=start + dt.timedelta(minutes=60)
    )
    hk, cq = member("hong_kong"), member()
    a = register(event, hk, sessions=[session])
    b = register(event, cq)
    assert services.free_slots(a) == frozenset(range(2, event.slot_count))
    m = services.meeting_request(user=hk[0], requester=a, recipient=b)
    with pytest.raises(InvalidInput):
        services.meeting_respond(user=cq[0], meeting=m, accept=True, slot=1)


def test_expiry_reminds_once_then_expires(event):
    hk, cq = member("hong_kong"), member()
    a, b = register(event, hk), register(event, cq)
    m = services.meeting_request(user=hk[0], requester=a, recipient=b)
    before = Notification.objects.filter(recipient=cq[0]).count()
    soon = m.expires_at - dt.timedelta(hours=12)
    assert services.meetings_expire(now=soon) == (1, 0)
    assert services.meetings_expire(now=soon) == (0, 0)  # a reminder is sent once
    assert Notification.objects.filter(recipient=cq[0]).count() == before + 1
    assert services.meetings_expire(now=m.expires_at + dt.timedelta(minutes=1)) == (0, 1)
    m.refresh_from_db()
    assert m.status == MeetingStatus.EXPIRED


def test_schedule_all_places_every_accepted_meeting_and_keeps_locked(event, officer_tdc, officer_other):
    regs = [register(event, member("hong_kong" if k % 2 else "chongqing")) for k in range(6)]
    meetings = []
    for k in range(5):
        m = services.meeting_request(user=regs[k].person, requester=regs[k], recipient=regs[k + 1])
        meetings.append(
            services.meeting_respond(user=regs[k + 1].person, meeting=m, accept=True, slot=5 if k == 0 else None)
        )
    with pytest.raises(NotPermitted):
        services.event_schedule(user=officer_other, event=event)
    assert Meeting.objects.filter(slot__isnull=False).count() == 1
    summary = services.event_schedule(user=officer_tdc, event=event, time_limit=5)
    assert summary.scheduled == 5 and summary.unscheduled == 0
    placed = list(Meeting.objects.filter(event=event, status="accepted"))
    assert all(m.slot is not None for m in placed)
    assert Meeting.objects.get(pk=meetings[0].pk).slot == 5
    seen = set()
    for m in placed:
        for person in (m.requester_id, m.recipient_id):
            assert (person, m.slot) not in seen
            seen.add((person, m.slot))
    # run again: nothing moves
    before = {m.pk: (m.slot, m.table) for m in placed}
    summary = services.event_schedule(user=officer_tdc, event=event, time_limit=5)
    assert summary.moved == 0
    assert {m.pk: (m.slot, m.table) for m in Meeting.objects.filter(event=event, status="accepted")} == before


def test_interpreter_assigned_to_language_pair(event, officer_tdc):
    Interpreter.objects.create(event=event, name="I", pairs=["cmn-en"])
    hk = member("hong_kong")
    cq = member()
    a = register(event, hk, languages=["en"])
    b = register(event, cq, languages=["cmn"], needs_interpreter=True)
    m = services.meeting_request(user=hk[0], requester=a, recipient=b)
    assert m.language_pair == "cmn-en"
    services.meeting_respond(user=cq[0], meeting=m, accept=True)
    services.event_schedule(user=officer_tdc, event=event, time_limit=5)
    m.refresh_from_db()
    assert m.interpreter is not None and m.slot is not None


@pytest.mark.parametrize("written", ["en-cmn", "cmn-en", "cmn - en"])
def test_interpreter_pair_matches_whichever_way_round_it_was_written(event, officer_tdc, written):
    Interpreter.objects.create(event=event, name="I", pairs=[written])
    hk, cq = member("hong_kong"), member()
    a = register(event, hk, languages=["en", "yue"])
    b = register(event, cq, languages=["cmn"], needs_interpreter=True)
    m = services.meeting_request(user=hk[0], requester=a, recipient=b)
    services.meeting_respond(user=cq[0], meeting=m, accept=True)
    summary = services.event_schedule(user=officer_tdc, event=event, time_limit=5)
    m.refresh_from_db()
    assert summary.unscheduled == 0 and m.interpreter is not None


@pytest.mark.seed  # the demonstration event of the default data: its two meetings find a slot
def test_demonstration_event_schedules_both_its_meetings(defaults):
    demo = Event.objects.get(demonstration=True)
    summary = services.event_schedule(user=User.objects.get(username="demo-secretariat-hk"), event=demo, time_limit=5)
    assert (summary.scheduled, summary.unscheduled) == (2, 0)


def test_feedback_once_per_side_only_by_participants(event):
    hk, cq, outsider = member("hong_kong"), member(), member()
    a, b = register(event, hk), register(event, cq)
    m = services.meeting_request(user=hk[0], requester=a, recipient=b)
    services.meeting_respond(user=cq[0], meeting=m, accept=True)
    with held(event), pytest.raises(NotPermitted):
        services.meeting_feedback(user=outsider[0], meeting=m, happened=True)
    with held(event), pytest.raises(InvalidInput):
        services.meeting_feedback(user=hk[0], meeting=m, happened=False, outcome_kind="logistics")
    area = round_area("logistics")
    event.areas.add(area)
    before = exchange_counts_by_area().get(area.pk, {}).get("outcomes", 0)
    with held(event):
        services.meeting_feedback(
            user=hk[0],
            meeting=m,
            happened=True,
            useful=True,
            outcome="Agreed a pilot shipment",
            outcome_kind="logistics",
        )
        # counted through partnering's outcomes (one source), under the event's area
        assert exchange_counts_by_area()[area.pk]["outcomes"] == before + 1
        assert Outcome.objects.get(reference=f"meeting:{m.pk}").area == area
        with pytest.raises(InvalidInput):
            services.meeting_feedback(user=hk[0], meeting=m, happened=True)
    assert m.feedback.count() == 1


def test_check_in_by_organiser_only(event, officer_tdc, hk_member):
    reg = register(event, hk_member)
    with held(event), pytest.raises(NotPermitted):
        services.registration_check_in(user=hk_member[0], registration=reg)
    with held(event):
        services.registration_check_in(user=officer_tdc, registration=reg)
    reg.refresh_from_db()
    assert reg.checked_in_at is not None


@pytest.mark.seed  # the default data's programmes and demonstration event
def test_default_data_programmes_have_no_dates_and_demo_is_labelled(defaults):
    programmes = Event.objects.filter(recurring=True)
    assert programmes.count() >= 5
    assert not programmes.filter(starts_on__isnull=False).exists()
    assert {"belt-and-road-summit", "western-china-fair", "asia-summit-global-health", "arbitration-summit"} <= set(
        programmes.values_list("ext_id", flat=True)
    )
    demo = Event.objects.get(demonstration=True)
    assert "DEMONSTRATION" in demo.title.en
    assert demo.sessions.exists() and demo.registrations.count() >= 4


def test_event_list_api_is_paginated_like_other_lists(client, db):
    EventFactory.create_batch(3)
    total = Event.objects.count()
    assert total >= 2
    r = client.get("/api/v1/events?limit=1")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == total and len(body["items"]) == 1
    second = client.get("/api/v1/events?limit=1&offset=1").json()["items"]
    assert len(second) == 1 and second[0]["id"] != body["items"][0]["id"]
    assert client.get("/api/v1/events?limit=100000").status_code == 422  # bounded like every list
