"""factory_boy factories for the exchanges tests (the default data is loaded once per session)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from hkcq.core.translated import TText
from hkcq.exchanges.models import Event, EventPhase, Meeting, MeetingStatus, Registration, RegistrationStatus
from hkcq.partnering.tests.factories import MembershipFactory, ProfileFactory, UserFactory  # noqa: F401


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
