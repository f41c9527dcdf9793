"""Rows the reporting tests share, made by factories (not the default data's)."""

import datetime as dt
from typing import NamedTuple

import pytest

from hkcq.core.translated import TText
from hkcq.registry.models import Area, Measure, Unit
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory, UnitFactory


class Existing(NamedTuple):
    measure: Measure  # a measure with a Hong Kong lead unit and a planned start
    hk_unit: Unit  # another Hong Kong unit
    area: Area  # another area: an import's new measures go there


@pytest.fixture
def existing(db) -> Existing:
    """What a measures import updates and refers to (``test_import.good_rows``)."""
    measure = MeasureFactory.create(
        code="1.1",
        title=TText.of(en="Existing measure", zh_hant="現有措施"),
        lead_unit_hk=UnitFactory.create(side="hong_kong"),
        planned_start=dt.date(2023, 5, 11),
    )
    return Existing(measure, UnitFactory.create(side="hong_kong"), AreaFactory.create())
