"""The exchanges' default data from seed/exchanges.yaml: the recurring programmes the source
names (no dates), and one clearly labelled demonstration event with sessions, an interpreter,
questions, demonstration organisations (partnering profiles marked ``is_demo``), registrations
and meetings. Idempotent: keyed on stable ids; the demonstration's registrations and meetings
are made once (a person's later changes to them are kept)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hkcq.core.translated import TText
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
from hkcq.registry.loading import SEED_DIR, LoadReport, demo_password, set_m2m, text
from hkcq.registry.models import Area, Measure, Unit

SEED_FILE = SEED_DIR / "exchanges.yaml"


def _event(report: LoadReport, spec: dict[str, Any], **extra: Any) -> Event:
    fields = {
        "kind": spec["kind"],
        "title": text(spec["title"]).to_json(),
        "description": text(spec.get("description")).to_json(),
        "venue": text(spec.get("venue")).to_json(),
        **extra,
    }
    event = Event.objects.filter(ext_id=spec["id"]).first()
    created = event is None
    if created:
        event = Event.objects.create(ext_id=spec["id"], **fields)
    report.count("events", created, False)
    assert event is not None
    set_m2m(event, "areas", Area.objects.filter(ext_id__in=spec.get("areas", [])))
    set_m2m(event, "measures", Measure.objects.filter(ext_id__in=spec.get("measures", [])))
    set_m2m(event, "organiser_units", Unit.objects.filter(ext_id__in=spec.get("organisers", [])))
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
            city=TText.of(en="Hong Kong" if spec["side"] == "hong_kong" else "Chongqing").normalised().to_json(),
            languages=spec["languages"],
            description=TText.of(en="A made-up organisation for the demonstration event.").normalised().to_json(),
            is_demo=True,
            # shown as the demonstration's participants: verified, so they are not queued for
            # the facilitators' verification
            verified_at=timezone.now(),
        )
        Membership.objects.create(profile=profile, user=user)
    return user, profile


def exchanges_defaults_load(report: LoadReport, path: Path = SEED_FILE) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for spec in data.get("programmes", []):
        _event(report, spec, recurring=True)
    demo = data.get("demonstration")
    if demo:
        _demonstration(report, demo)


@transaction.atomic
def _demonstration(report: LoadReport, spec: dict[str, Any]) -> None:
    starts = spec["starts_on"] if isinstance(spec["starts_on"], dt.date) else dt.date.fromisoformat(spec["starts_on"])
    fresh = not Event.objects.filter(ext_id=spec["id"]).exists()
    event = _event(
        report,
        spec,
        demonstration=True,
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=spec.get("days", 1) - 1),
        phase=spec.get("phase", "registration"),
        capacity=spec.get("capacity"),
        slots_per_day=spec.get("slots_per_day", 16),
        tables=spec.get("tables", 10),
    )
    if not fresh:
        return
    tz = timezone.get_default_timezone()
    for s in spec.get("sessions", []):
        day = starts + dt.timedelta(days=s.get("day", 0))
        Session.objects.create(
            event=event,
            title=text(s["title"]).to_json(),
            starts_at=dt.datetime.combine(day, dt.time.fromisoformat(s["start"]), tzinfo=tz),
            ends_at=dt.datetime.combine(day, dt.time.fromisoformat(s["end"]), tzinfo=tz),
        )
    for i in spec.get("interpreters", []):
        Interpreter.objects.create(event=event, name=i["name"], pairs=sorted(canonical_pair(p) for p in i["pairs"]))
    for k, q in enumerate(spec.get("questions", [])):
        Question.objects.create(
            event=event,
            position=k,
            label=text(q["label"]).to_json(),
            kind=q["kind"],
            required=q.get("required", False),
            options=[text(o).to_json() for o in q.get("options", [])],
        )
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
