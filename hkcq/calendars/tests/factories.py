"""Calendar test data (factory_boy); see hkcq/registry/tests/factories.py."""

from __future__ import annotations

import datetime as dt

import factory

from hkcq.calendars.models import Holiday
from hkcq.core.choices import Side


class HolidayFactory(factory.django.DjangoModelFactory[Holiday]):
    class Meta:
        model = Holiday

    side = Side.HONG_KONG
    date = factory.Sequence(lambda n: dt.date(2030, 1, 1) + dt.timedelta(days=n))
    kind = Holiday.Kind.HOLIDAY
    name = factory.Sequence(lambda n: {"en": f"Test holiday {n}", "zh-hant": f"測試假期{n}"})
