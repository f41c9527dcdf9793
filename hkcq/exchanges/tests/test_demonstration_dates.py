"""The default data's demonstration event runs on the day it is loaded, so that ``make run`` shows
the whole flow that day, check-in and feedback included (it was dated 16 March 2027: a trial in
December 2026 could not check anyone in). A later load moves it to that load's day, its sessions
with it, while nobody has changed its dates; what a person changed (its dates, its phase, its
areas) is kept, and a deleted demonstration is not made again (issue 11's rule)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.core.loading import LoadReport
from hkcq.core.models import LoadedDefault
from hkcq.exchanges import loading, services
from hkcq.exchanges.models import Event, EventPhase, Meeting

# Every test here is of the default data itself: the demonstration event its loader makes, dates
# and moves.
pytestmark = [pytest.mark.django_db, pytest.mark.seed]
CHECK_IN = {"en": "Check in", "zh-hant": "報到", "zh-hans": "报到"}


def _load(monkeypatch=None, on: dt.date | None = None) -> LoadReport:
    if monkeypatch is not None and on is not None:
        monkeypatch.setattr(loading, "demonstration_first_day", lambda spec, today=None: on)
    report = LoadReport()
    loading.exchanges_defaults_load(report)
    return report


def _demo() -> Event:
    return Event.objects.get(ext_id="demo-partnering-day")


def _sessions(event: Event) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(s.starts_at, s.ends_at) for s in event.sessions.order_by("starts_at")]


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_demonstration_runs_on_the_day_it_is_loaded_check_in_and_feedback_open(client, defaults, lang):
    _load()  # as `make run` does on its day (the test database's load may be from an earlier day)
    demo = _demo()
    today = timezone.localdate()
    assert demo.starts_on == today and demo.ends_on == today + dt.timedelta(days=1)
    assert "DEMONSTRATION" in demo.title.en
    assert all(timezone.localtime(start).date() == today for start, _end in _sessions(demo))
    assert services.check_in_open(demo)
    # the organiser's page offers check-in today
    client.force_login(User.objects.get(username="demo-secretariat-hk"))
    page = client.get(f"/{lang}/events/{demo.pk}/organise/").content.decode()
    assert f">{CHECK_IN[lang]}</button>" in page
    # a participant gives feedback on a demonstration meeting today
    meeting = Meeting.objects.filter(event=demo).select_related("requester__person").first()
    assert meeting is not None
    opens = services.feedback_opens(meeting)
    assert opens is not None and opens <= timezone.now()
    services.meeting_feedback(user=meeting.requester.person, meeting=meeting, happened=True, useful=True)
    assert meeting.feedback.count() == 1


def test_a_later_load_moves_the_untouched_demonstration_with_its_sessions(defaults, monkeypatch):
    _load()
    demo = _demo()
    assert demo.starts_on is not None and demo.ends_on is not None
    sessions = _sessions(demo)
    later = demo.starts_on + dt.timedelta(days=3)
    report = _load(monkeypatch, later)
    demo.refresh_from_db()
    assert (demo.starts_on, demo.ends_on) == (later, later + dt.timedelta(days=1))
    three_days = dt.timedelta(days=3)
    assert _sessions(demo) == [(s + three_days, e + three_days) for s, e in sessions]
    assert not report.kept
    # the same day again: nothing moves
    _load(monkeypatch, later)
    demo.refresh_from_db()
    assert demo.starts_on == later and _sessions(demo) == [(s + three_days, e + three_days) for s, e in sessions]


@pytest.mark.parametrize("changed", ["starts_on", "ends_on"])
def test_a_later_load_keeps_what_a_person_changed(defaults, monkeypatch, changed):
    _load()
    demo = _demo()
    assert demo.starts_on is not None and demo.ends_on is not None
    first, last = demo.starts_on, demo.ends_on
    officer = User.objects.get(username="demo-secretariat-hk")
    new_dates = (
        {"starts_on": first - dt.timedelta(days=1)}
        if changed == "starts_on"
        else {"ends_on": last + dt.timedelta(days=1)}
    )
    services.event_update(user=officer, event=demo, data={**new_dates, "areas": []})
    services.event_phase_set(user=officer, event=demo, phase=EventPhase.EVENT)
    demo.refresh_from_db()
    dates, sessions = (demo.starts_on, demo.ends_on), _sessions(demo)
    report = _load(monkeypatch, first + dt.timedelta(days=5))
    demo.refresh_from_db()
    # both dates as they were (the pair moves together or not at all), the sessions too
    assert (demo.starts_on, demo.ends_on) == dates and _sessions(demo) == sessions
    assert demo.phase == EventPhase.EVENT and not demo.areas.exists()
    assert any("phase" in line and changed in line for line in report.kept), report.kept


def test_a_demonstration_dated_by_the_former_loader_is_moved(defaults, monkeypatch):
    """A database loaded before this change holds the demonstration on 16–17 March 2027 with no
    note of what the loader wrote: those dates were the loader's, so it moves to the load's day."""
    _load()
    demo = _demo()
    assert demo.starts_on is not None and demo.ends_on is not None
    day = demo.starts_on
    delta = loading.FORMER_DATES[0] - day
    sessions = _sessions(demo)
    Event.objects.filter(pk=demo.pk).update(starts_on=loading.FORMER_DATES[0], ends_on=loading.FORMER_DATES[1])
    for session in demo.sessions.all():
        session.starts_at += delta
        session.ends_at += delta
        session.save()
    LoadedDefault.objects.filter(model="exchanges.event").delete()
    report = _load(monkeypatch, day)
    demo.refresh_from_db()
    assert (demo.starts_on, demo.ends_on) == (day, day + dt.timedelta(days=1))
    assert _sessions(demo) == sessions
    assert any("moved from 2027-03-16" in line for line in report.changes)


def test_a_deleted_demonstration_is_not_made_again(defaults):
    _load()
    _demo().delete()
    report = _load()
    assert not Event.objects.filter(ext_id="demo-partnering-day").exists()
    assert any("deleted by a person" in line for line in report.kept)
