"""The progress tests need none of the default data: their people are the factory-made personas
(hkcq/accounts/tests/personas.py) and their measure a factory measure whose lead units are the
officers' units. The status scale comes with the migrations."""

import pytest

from hkcq.accounts.tests.factories import OfficerFactory, SecretariatFactory
from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures
from hkcq.core.choices import Side
from hkcq.progress.models import Status
from hkcq.registry.models import Measure
from hkcq.registry.tests.factories import MeasureFactory, UnitFactory


@pytest.fixture
def outsider_officer(db):
    """A Hong Kong officer whose unit has nothing to do with the measure."""
    user = OfficerFactory.create(username="other-officer-hk", side=Side.HONG_KONG)
    UnitFactory.create(side=Side.HONG_KONG).members.add(user)
    return user


@pytest.fixture
def measure(request) -> Measure:
    """Measure 1.1: officer_hk's unit leads it for Hong Kong, officer_cq's for Chongqing."""
    hk, cq = (request.getfixturevalue(name).units.get() for name in ("officer_hk", "officer_cq"))
    return MeasureFactory.create(code="1.1", lead_unit_hk=hk, lead_unit_cq=cq)


@pytest.fixture
def status(db):
    return Status.objects.get(key="in_progress")


def statuses():
    return {s.key: s for s in Status.objects.all()}


def secretariat_of(side: str):
    """The secretariat member of ``side`` the personas name (``secretariat_hk``, ``secretariat_cq``),
    made here when the test did not ask for it."""
    from hkcq.accounts.models import User

    username = "secretariat-hk" if side == Side.HONG_KONG else "secretariat-cq"
    return User.objects.filter(username=username).first() or SecretariatFactory.create(username=username, side=side)
