"""Rows the reporting tests share, made by factories (not the default data's). The reporting tests
need none of the default data, except those of the seed itself (marked ``seed``: the first report
from the default data, the import template filled in): their people are the factory-made personas
of hkcq/accounts/tests/personas.py, the plan they report on ``factories.plan_make``'s."""

import datetime as dt
from typing import NamedTuple

import pytest

from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures
from hkcq.core.translated import TText
from hkcq.registry.models import Area, Measure, Unit
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory, UnitFactory
from hkcq.reporting.tests.factories import Plan, plan_make


@pytest.fixture
def plan(db) -> Plan:
    """The plan of co-operation the reports are about (``factories.plan_make``)."""
    return plan_make()


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
