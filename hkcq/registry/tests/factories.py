"""Test data for the registry, built with factory_boy. Every app's ``tests/factories.py`` makes
the rows its tests need, so a test does not depend on what the default data (seed/) happens to
hold; the seed's own loading is tested in ``test_registry.py``."""

from __future__ import annotations

import datetime as dt

import factory

from hkcq.core.choices import Side
from hkcq.registry.models import Agreement, Area, Decision, Measure, Mechanism, Meeting, Organisation, Person, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    ext_id = factory.Sequence(lambda n: f"test-unit-{n}")
    name = factory.Sequence(lambda n: {"en": f"Test unit {n}", "zh-hant": f"測試單位{n}"})
    side = Side.HONG_KONG


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    ext_id = factory.Sequence(lambda n: f"test-area-{n}")
    position = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: {"en": f"Test area {n}", "zh-hant": f"測試範疇{n}"})


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    ext_id = factory.Sequence(lambda n: f"test-measure-{n}")
    area = factory.SubFactory(AreaFactory)
    title = factory.Sequence(lambda n: {"en": f"Test measure {n}", "zh-hant": f"測試措施{n}"})


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    ext_id = factory.Sequence(lambda n: f"test-org-{n}")
    name = factory.Sequence(lambda n: {"en": f"Test Organisation {n}", "zh-hant": f"測試機構{n}"})
    kind = Organisation.Kind.ENTERPRISE
    side = Side.CHONGQING


class MechanismFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mechanism

    ext_id = factory.Sequence(lambda n: f"test-mechanism-{n}")
    name = factory.Sequence(lambda n: {"en": f"Test mechanism {n}", "zh-hant": f"測試機制{n}"})


def one_mechanism() -> Mechanism:
    """The one co-operation mechanism (the pages show the first): the one there is, else a new one."""
    return Mechanism.objects.order_by("pk").first() or MechanismFactory.create()


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    ext_id = factory.Sequence(lambda n: f"test-meeting-{n}")
    mechanism = factory.LazyFunction(one_mechanism)
    kind = Meeting.Kind.WORKING
    title = factory.Sequence(lambda n: {"en": f"Test meeting {n}", "zh-hant": f"測試會議{n}"})
    date = factory.Sequence(lambda n: dt.date(2030, 1, 1) + dt.timedelta(days=n))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    ext_id = factory.Sequence(lambda n: f"test-decision-{n}")
    meeting = factory.SubFactory(MeetingFactory)
    number = factory.LazyAttribute(lambda d: d.meeting.decisions.count() + 1)  # the meeting's next
    text = factory.Sequence(lambda n: {"en": f"Test decision {n}", "zh-hant": f"測試決定{n}"})


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    ext_id = factory.Sequence(lambda n: f"test-agreement-{n}")
    kind = Agreement.Kind.AGREEMENT
    title = factory.Sequence(lambda n: {"en": f"Test agreement {n}", "zh-hant": f"測試協議{n}"})


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    ext_id = factory.Sequence(lambda n: f"test-person-{n}")
    name = factory.Sequence(lambda n: {"en": f"Test Person {n}", "zh-hant": f"測試人士{n}"})
