"""Test data for the registry, built with factory_boy. Every app's ``tests/factories.py`` makes
the rows its tests need, so a test does not depend on what the default data (seed/) happens to
hold; the seed's own loading is tested in ``test_registry.py``."""

from __future__ import annotations

import factory

from hkcq.core.choices import Side
from hkcq.registry.models import Area, Measure, Organisation, Unit


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
