"""The exchanges' default data from seed/exchanges.yaml: the recurring programmes the source
names (no dates), and one clearly labelled demonstration event with sessions, an interpreter,
questions, demonstration organisations (partnering profiles marked ``is_demo``), registrations
and meetings. The demonstration is dated from the day of the load (``starts_in_days``), so that
``make run`` shows registration, meetings, check-in and feedback on that day.

Idempotent and never undoing a person's work: events go through ``core.loading.upsert`` (a field
or link a person changed is kept, a deleted event is not made again); the demonstration's
sessions, registrations and meetings are made once (a person's later changes to them are kept)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from hkcq.core.loading import REASON, as_json, last_loaded, upsert
from hkcq.exchanges.models import (
    Event,
    Interpreter,
    Meeting,
    MeetingStatus,
    Question,
    Registration,
    RegistrationStatus,
    Session,
)
from hkcq.exchanges.services import canonical_pair, language_pair
from hkcq.partnering.models import Membership, OrganisationProfile, Sector
from hkcq.registry.loading import SEED_DIR, LoadReport, demo_password, text
from hkcq.registry.models import Area, Measure, Unit

SEED_FILE = SEED_DIR / "exchanges.yaml"
# What the demonstration's organisations say of themselves, in the three languages (they stood in
# English on Chinese pages: found by the new-user trial). Traditional machine-translated, as the
# rest of the demonstration; Simplified derived.
DEMO_CITY = {
    "hong_kong": {"en": "Hong Kong", "zh_hant": "香港"},
    "chongqing": {"en": "Chongqing", "zh_hans": "重庆"},
}
DEMO_DESCRIPTION = {
    "en": "A made-up organisation for the demonstration event.",
    "zh_hant": "為示範活動虛構的機構。",
    "origin": {"en": "human", "zh_hant": "machine"},
}


def _event(report: LoadReport, spec: dict[str, Any], **extra: Any) -> Event | None:
    """Create or bring up to date an event under the default data's rule (``core.loading.upsert``:
    a field or link a person changed is kept; an event a person deleted is not made again)."""
    values = {
        "kind": spec["kind"],
        "title": text(spec["title"]),
        "description": text(spec.get("description")),
        "venue": text(spec.get("venue")),
        **extra,
    }
    links: dict[str, Iterable[Model | None]] = {
        "areas": Area.objects.filter(ext_id__in=spec.get("areas", [])),
        "measures": Measure.objects.filter(ext_id__in=spec.get("measures", [])),
        "organiser_units": Unit.objects.filter(ext_id__in=spec.get("organisers", [])),
    }
    event: Event | None = upsert(Event, report, {"ext_id": spec["id"]}, values, m2m=links)
    return event


def _demo_profile(spec: dict[str, Any]) -> tuple[Any, Any]:
    user_model = get_user_model()
    user = user_model.objects.filter(username=spec["username"]).first()
    if user is None:
        user = user_model(username=spec["username"], email=f"{spec['username']}@example.org", role="org_member")
        user.set_password(demo_password(spec["username"]))
        user.save()
    ext_id = f"exchanges-{spec['username']}"
    profile = OrganisationProfile.objects.filter(ext_id=ext_id).first()
    if profile is None:
        profile = OrganisationProfile.objects.create(
            ext_id=ext_id,
            name=text(
                {"en": spec["name"], "zh_hant": spec["zh"], "origin": {"en": "human", "zh_hant": "machine"}}
            ).to_json(),
            side=spec["side"],
            kind="enterprise",
            sector=Sector.objects.filter(parent__isnull=False).order_by("position", "id").first(),  # type: ignore[misc]
            size="small",
            city=text(DEMO_CITY[spec["side"]]).to_json(),
            languages=spec["languages"],
            description=text(DEMO_DESCRIPTION).to_json(),
            is_demo=True,
            # shown as the demonstration's participants: verified, so they are not queued for
            # the facilitators' verification
            verified_at=timezone.now(),
        )
        Membership.objects.create(profile=profile, user=user)
    return user, profile


# The demonstration's dates before it was dated from the day of the load: an event still on them
# was dated by the loader (before ``LoadedDefault`` kept what it wrote), not by a person.
FORMER_DATES = (dt.date(2027, 3, 16), dt.date(2027, 3, 17))


def _dates_settle(report: LoadReport, event: Event, dates: dict[str, Any]) -> None:
    """Make the demonstration's new ``dates`` safe for ``upsert``: its two dates move together or
    not at all. A date a person changed is kept by ``upsert``; the other one is then given as it
    is, so the event never ends before it starts. An event the former loader dated (no
    bookkeeping, still on ``FORMER_DATES``) is moved here, its sessions with it."""
    loaded = last_loaded(report, Event, {"ext_id": event.ext_id})
    if loaded:
        changed = {name for name in dates if as_json(getattr(event, name)) != loaded.get(name)}
        if changed and not report.force:
            for name in set(dates) - changed:
                dates[name] = getattr(event, name)
    elif (event.starts_on, event.ends_on) == FORMER_DATES and event.starts_on != dates["starts_on"]:
        delta = dates["starts_on"] - event.starts_on
        event.starts_on, event.ends_on = dates["starts_on"], dates["ends_on"]
        # not the loader's usual reason: ``upsert`` then keeps whatever else differs (it may be a person's)
        event._change_reason = f"{REASON}: demonstration dated from the day of the load"  # type: ignore[attr-defined]
        event.save(update_fields=["starts_on", "ends_on"])
        _sessions_move(event, delta)
        report.changes.append(f"event {event.ext_id}: moved from {FORMER_DATES[0]} to {event.starts_on}")


def _sessions_move(event: Event, delta: dt.timedelta) -> None:
    """Move the sessions with the event the loader moved, keeping their times of day (and a
    person's changes to them, relative to the event)."""
    for session in event.sessions.all():
        session.starts_at += delta
        session.ends_at += delta
        session._change_reason = REASON  # type: ignore[attr-defined]
        session.save(update_fields=["starts_at", "ends_at"])


def exchanges_defaults_load(report: LoadReport, path: Path = SEED_FILE) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for spec in data.get("programmes", []):
        _event(report, spec, recurring=True)
    demo = data.get("demonstration")
    if demo:
        _demonstration(report, demo)


def demonstration_first_day(spec: dict[str, Any], today: dt.date | None = None) -> dt.date:
    """The demonstration event's first day: ``starts_in_days`` after the day of the load (0: it
    runs from today, so check-in and feedback are open on the day ``make run`` loads it)."""
    return (today or timezone.localdate()) + dt.timedelta(days=int(spec.get("starts_in_days", 0)))


@transaction.atomic
def _demonstration(report: LoadReport, spec: dict[str, Any]) -> None:
    """The demonstration event, dated from the day of the load. A later load moves it to that
    day's date, its sessions with it, while nobody has changed its dates (``upsert``'s rule: a
    person's dates are kept, and so is everything else a person changed); its sessions,
    interpreter, questions, registrations and meetings are made once."""
    starts = demonstration_first_day(spec)
    dates = {"starts_on": starts, "ends_on": starts + dt.timedelta(days=spec.get("days", 1) - 1)}
    current = Event.objects.filter(ext_id=spec["id"]).first()
    if current is not None:
        _dates_settle(report, current, dates)
    event = _event(
        report,
        spec,
        demonstration=True,
        **dates,
        phase=spec.get("phase", "registration"),
        capacity=spec.get("capacity"),
        slots_per_day=spec.get("slots_per_day", 16),
        tables=spec.get("tables", 10),
    )
    if event is None:  # a person deleted it: not made again
        return
    if current is not None:
        if current.starts_on is not None and event.starts_on is not None and event.starts_on != current.starts_on:
            _sessions_move(event, event.starts_on - current.starts_on)  # the loader moved it: its sessions follow
        return
    _demonstration_programme(event, spec, starts)
    _demonstration_people(event, spec)


def _demonstration_programme(event: Event, spec: dict[str, Any], starts: dt.date) -> None:
    """A new demonstration event's sessions (days counted from ``starts``), interpreter and questions."""
    tz = timezone.get_default_timezone()
    for s in spec.get("sessions", []):
        day = starts + dt.timedelta(days=s.get("day", 0))  # relative to the event's first day
        Session.objects.create(
            event=event,
            title=text(s["title"]).to_json(),
            starts_at=dt.datetime.combine(day, dt.time.fromisoformat(s["start"]), tzinfo=tz),
            ends_at=dt.datetime.combine(day, dt.time.fromisoformat(s["end"]), tzinfo=tz),
        )
    for i in spec.get("interpreters", []):
        Interpreter.objects.create(
            event=event, name=text(i["name"]).to_json(), pairs=sorted(canonical_pair(p) for p in i["pairs"])
        )
    for k, q in enumerate(spec.get("questions", [])):
        Question.objects.create(
            event=event,
            position=k,
            label=text(q["label"]).to_json(),
            kind=q["kind"],
            required=q.get("required", False),
            options=[text(o).to_json() for o in q.get("options", [])],
        )


def _demonstration_people(event: Event, spec: dict[str, Any]) -> None:
    """A new demonstration event's confirmed participants and their accepted meetings."""
    regs: dict[str, Registration] = {}
    for p in spec.get("participants", []):
        user, profile = _demo_profile(p)
        regs[p["username"]] = Registration.objects.create(
            event=event,
            person=user,
            profile=profile,
            status=RegistrationStatus.CONFIRMED,
            consent_public=p.get("consent", False),
            languages=p["languages"],
            needs_interpreter=p.get("interpreter", False),
            answers={},
        )
    for a, b in spec.get("meetings", []):
        Meeting.objects.create(
            event=event,
            requester=regs[a],
            recipient=regs[b],
            status=MeetingStatus.ACCEPTED,
            expires_at=timezone.now() + dt.timedelta(days=event.request_days),
            responded_at=timezone.now(),
            language_pair=language_pair(regs[a], regs[b]),
        )
