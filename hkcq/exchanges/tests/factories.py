"""factory_boy factories for the exchanges tests. The event side's tests need none of the default
data (seed/): the units, people, organisations and events they use are made here (the "events"
section) or by the registry's and partnering's factories."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
import pytest
from django.utils import timezone
from freezegun import freeze_time

from hkcq.core.translated import TText
from hkcq.exchanges.models import Event, EventPhase, Meeting, MeetingStatus, Registration, RegistrationStatus
from hkcq.partnering.tests.factories import MembershipFactory, ProfileFactory, UserFactory  # noqa: F401
from hkcq.registry.models import Unit
from hkcq.registry.tests.factories import UnitFactory

# -- events ------------------------------------------------------------------------------------

# The units the exchanges tests name, with the ids and names of the default data's: the seed's
# unit when the session loaded it, else one made here (``organiser_unit()``).
_UNITS = {
    "hk_tdc": (
        "hong_kong",
        {"en": "Hong Kong Trade Development Council", "zh-hant": "香港貿易發展局", "zh-hans": "香港贸易发展局"},
    ),
    "cq_health": (
        "chongqing",
        {
            "en": "Chongqing Municipal Health Commission",
            "zh-hant": "重慶市衞生健康委員會",
            "zh-hans": "重庆市卫生健康委员会",
        },
    ),
}


def organiser_unit(ext_id: str = "hk_tdc") -> Unit:
    """The unit ``ext_id`` (``hk_tdc``: the HKTDC, organiser of the tests' events; ``cq_health``:
    a Chongqing unit that organises none): the default data's when loaded, else made here."""
    side, name = _UNITS[ext_id]
    return Unit.objects.filter(ext_id=ext_id).first() or UnitFactory.create(ext_id=ext_id, side=side, name=name)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    ext_id = factory.Sequence(lambda n: f"test-event-{n}")
    kind = "forum"
    title = factory.Sequence(lambda n: TText.of(en=f"Test event {n}").to_json())
    starts_on = dt.date(2027, 5, 3)
    ends_on = dt.date(2027, 5, 4)
    phase = EventPhase.BOOKING
    slots_per_day = 4
    tables = 3


def member(side: str = "chongqing", **user: object) -> tuple[object, object]:
    """A new user acting for a new organisation profile of ``side``."""
    m = MembershipFactory(profile=ProfileFactory(side=side), user=UserFactory(**user))
    return m.user, m.profile


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(UserFactory)
    profile = factory.SubFactory(ProfileFactory)
    status = RegistrationStatus.CONFIRMED
    languages = factory.LazyFunction(lambda: ["en"])


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    event = factory.SubFactory(EventFactory)
    requester = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..event"))
    recipient = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..event"))
    status = MeetingStatus.ACCEPTED
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))


def held(event: Any, day: int | None = None, at: dt.time = dt.time(18, 0)) -> Any:
    """The clock on a day of ``event`` (its first day by default; ``day`` counts from 0; -1: the
    day after its last) at ``at``, Hong Kong time: check-in and feedback are refused before the
    event's day and a meeting's time (``with held(event): ...``)."""
    from django.urls import get_resolver  # local import: only the clock needs it

    # The URL configuration (and with it the API's schemas) is built on the real clock: under a
    # frozen one ``datetime.datetime`` is freezegun's class, which pydantic cannot describe.
    get_resolver().url_patterns  # noqa: B018 - built for its side effect
    days = event.days
    date = days[-1] + dt.timedelta(days=1) if day == -1 else days[day or 0]
    return freeze_time(dt.datetime.combine(date, at, tzinfo=timezone.get_default_timezone()))


def registered(event: Any, who: tuple[Any, Any], *, listed: bool = True, **kw: Any) -> Any:
    """``who`` (user, profile) registered for ``event`` through the service, speaking English.
    ``listed``: they agreed to appear on the participant list, and so can be asked for a meeting
    (without it the service refuses a request to them); False leaves the service's default."""
    from hkcq.exchanges import services  # local import: the factories stay importable without the services' imports

    user, profile = who
    if listed:
        kw.setdefault("consent_public", True)
    kw.setdefault("languages", ["en"])
    return services.registration_submit(user=user, event=event, profile=profile, **kw)


# -- rounds ----------------------------------------------------------------------------------------
# The co-operation areas the rounds' tests name (a round document's ``"area": "education"``, a
# page's area field), with the number and names the default data gives them (seed/registry.yaml).
ROUND_AREAS: dict[str, tuple[int, dict[str, str]]] = {
    "logistics": (4, {"en": "Logistics", "zh_hant": "物流"}),
    "education": (6, {"en": "Education", "zh_hant": "教育"}),
}


def round_area(ext_id: str = "education") -> Any:
    """The co-operation area ``ext_id`` (one of ``ROUND_AREAS``): the default data's when it is
    loaded, else made here as the default data has it, so a round's tests need no seed."""
    from hkcq.registry.models import Area
    from hkcq.registry.tests.factories import AreaFactory

    position, name = ROUND_AREAS[ext_id]
    found = Area.objects.filter(ext_id=ext_id).first()
    return found or AreaFactory.create(ext_id=ext_id, position=position, name=TText.of(**name))


@pytest.fixture
def round_areas(db: None) -> dict[str, Any]:
    """Every area of ``ROUND_AREAS``, for the tests whose round documents name one by its stable
    id (``pytestmark = pytest.mark.usefixtures("round_areas")`` with this fixture imported)."""
    return {ext_id: round_area(ext_id) for ext_id in ROUND_AREAS}


def area_pk(ext_id: str = "education") -> int:
    """A co-operation area's primary key, as a page's area field takes it (the upload asks for one)."""
    return int(round_area(ext_id).pk)


def round_sheet(rows: Any) -> Any:
    """An uploaded round's spreadsheet (XLSX) holding ``rows``, as the page and the API take it."""
    import io

    from openpyxl import Workbook  # local import: only the upload tests need a workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "round.xlsx"
    return buf


# -- a small sister-school round, people linked to both sides (trial14 and the tests after it) -----
def two_school_round(organiser: Any, people: dict[str, Any], kind: str = "sister_school") -> Any:
    """Two Hong Kong schools (a1, a2) and two Chongqing schools (h1, h2) of one place each, every
    entry linked to the organisation of ``people[id]`` (the ``people`` fixture); both sides rank
    a1/h1 first. Made through the service, as an organiser's upload or API call would."""
    from hkcq.exchanges import services
    from hkcq.registry.tests.factories import AreaFactory

    def entry(ext_id: str, name: str, ranks: list[str], **more: Any) -> dict[str, Any]:
        return {"id": ext_id, "name": name, "ranks": ranks, "profile": people[ext_id][1].pk, **more}

    return services.round_create(
        user=organiser,
        data={
            "kind": kind,
            "title": "Sister schools 2027",
            "area": AreaFactory(),
            "applicants": [
                entry("a1", "Harbour Primary School", ["h1", "h2"]),
                entry("a2", "Victoria College", ["h1", "h2"]),
            ],
            "hosts": [
                entry("h1", "Yuzhong School", ["a1", "a2"], capacity=1),
                entry("h2", "Jiangbei School", ["a1", "a2"], capacity=1),
            ],
        },
    )


def one_host_round(organiser: Any, *, title: str, name: str, account: Any = None) -> Any:
    """An internship round in education, allocated by ``organiser``: two applicants (a0, a1) who
    rank the one host (h1, two places) that ranks them a0 first, named ``name`` followed by 0, 1
    and "host"; ``account`` (when given) is a0's, so that a0's page shows Accept and Decline. Made
    through the services, as an organiser's upload and allocation would (the browser tests'
    pairs table; ``round_area`` makes the area when the default data is not loaded)."""
    from hkcq.exchanges import services

    round_area("education")
    round_ = services.round_create(
        user=organiser,
        data={
            "kind": "internship",
            "title": title,
            "area": "education",
            "applicants": [{"id": f"a{k}", "name": f"{name}{k}", "ranks": ["h1"]} for k in range(2)],
            "hosts": [{"id": "h1", "name": f"{name}host", "capacity": 2, "ranks": ["a0", "a1"]}],
        },
    )
    if account is not None:
        round_.participants.filter(ext_id="a0").update(user=account)
    services.round_allocate(user=organiser, round_=round_)
    return round_


def mail_by_address(mailoutbox: list[Any]) -> dict[str, list[Any]]:
    """The e-mails sent, by recipient address."""
    by: dict[str, list[Any]] = {}
    for message in mailoutbox:
        for address in message.to:
            by.setdefault(address, []).append(message)
    return by
