"""Progress test data (factory_boy); see hkcq/registry/tests/factories.py. The status scale
comes with the migrations (``in_progress``, ``completed`` …): ``StatusFactory`` makes others."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from hkcq.accounts.tests.factories import OfficerFactory, SecretariatFactory
from hkcq.core.choices import Side
from hkcq.progress.models import MeasureWeight, ProgressUpdate, ReportingCycle, Status
from hkcq.registry.tests.factories import MeasureFactory


class StatusFactory(factory.django.DjangoModelFactory[Status]):
    class Meta:
        model = Status

    key = factory.Sequence(lambda n: f"test-status-{n}")
    name = factory.Sequence(lambda n: {"en": f"Test status {n}"})
    position = factory.Sequence(lambda n: 100 + n)


class ReportingCycleFactory(factory.django.DjangoModelFactory[ReportingCycle]):
    class Meta:
        model = ReportingCycle

    name = factory.Sequence(lambda n: {"en": f"Test cycle {n}"})
    opens_on = factory.Sequence(lambda n: dt.date(2030, 1, 1) + dt.timedelta(days=n))
    state = ReportingCycle.State.CLOSED


class ProgressUpdateFactory(factory.django.DjangoModelFactory[ProgressUpdate]):
    """A draft of the Hong Kong side; pass ``cycle``, ``status`` and ``author`` where they matter."""

    class Meta:
        model = ProgressUpdate

    measure = factory.SubFactory(MeasureFactory)
    side = Side.HONG_KONG
    cycle = factory.SubFactory(ReportingCycleFactory)
    status = factory.LazyFunction(lambda: Status.objects.get(key="in_progress"))
    percent = 0
    author = factory.SubFactory(OfficerFactory)
    state = ProgressUpdate.State.DRAFT


class PublishedUpdateFactory(ProgressUpdateFactory):
    state = ProgressUpdate.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class MeasureWeightFactory(factory.django.DjangoModelFactory[MeasureWeight]):
    class Meta:
        model = MeasureWeight

    measure = factory.SubFactory(MeasureFactory)
    weight = 1


def update_published(*, author, measure, percent: int = 40) -> ProgressUpdate:
    """An update of ``author``'s side on ``measure`` (status in progress), taken through the
    workflow by the services: drafted and submitted by the author, confirmed by a secretariat
    member of the other side and published by one of its own side (both made here)."""
    from hkcq.progress import services  # local import: the factories stay importable without the services' imports

    status = Status.objects.get(key="in_progress")
    update = services.update_save(user=author, measure=measure, data={"status": status, "percent": percent})
    update = services.update_submit(user=author, update=update)
    other = Side.CHONGQING if update.side == Side.HONG_KONG else Side.HONG_KONG
    update = services.update_confirm(user=SecretariatFactory.create(side=other), update=update)
    return services.update_publish(user=SecretariatFactory.create(side=update.side), update=update)
