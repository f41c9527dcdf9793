"""The people the tests share, made by factories: one definition for every app whose tests need
none of the default data (seed/). The root ``hkcq/conftest.py`` fixtures of the same names are
the seed's demo accounts; an app's ``tests/conftest.py`` imports them all (``__all__``) to override them::

    from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures

Each person signs in through the form with ``factories.PASSWORD``. An officer belongs to a unit
of its side made for the test, ``unit_hk`` or ``unit_cq`` (``officer_hk.units.get()``); it is the
only unit it belongs to. The units have fixed ids (``HK_UNIT``, ``CQ_UNIT``), so that a test may
name them as a person or a client would.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from hkcq.accounts.models import User
from hkcq.accounts.tests.factories import PASSWORD, OfficerFactory, SecretariatFactory, UserFactory
from hkcq.core.choices import Role, Side
from hkcq.registry.models import Unit
from hkcq.registry.tests.factories import UnitFactory

HK_UNIT = "test-unit-hk"
CQ_UNIT = "test-unit-cq"


def _officer(username: str, unit: Unit) -> User:
    user = OfficerFactory.create(username=username, side=unit.side, password=make_password(PASSWORD))
    unit.members.add(user)
    return user


_UNITS = {
    HK_UNIT: (
        Side.HONG_KONG,
        {"en": "Hong Kong Test Office", "zh-hant": "香港測試辦事處", "zh-hans": "香港测试办事处"},
    ),
    CQ_UNIT: (Side.CHONGQING, {"en": "Chongqing Test Bureau", "zh-hant": "重慶測試局", "zh-hans": "重庆测试局"}),
}


def _unit(ext_id: str) -> Unit:
    """The test unit ``ext_id``, made the first time a test asks for it (by its fixture or an
    officer's): an app's conftest may import the officers without the unit fixtures."""
    side, name = _UNITS[ext_id]
    return Unit.objects.filter(ext_id=ext_id).first() or UnitFactory.create(ext_id=ext_id, side=side, name=name)


@pytest.fixture
def unit_hk(db) -> Unit:
    """A Hong Kong unit, ``officer_hk``'s."""
    return _unit(HK_UNIT)


@pytest.fixture
def unit_cq(db) -> Unit:
    """A Chongqing unit, ``officer_cq``'s."""
    return _unit(CQ_UNIT)


@pytest.fixture
def resident(db) -> User:
    return UserFactory.create(username="resident", password=make_password(PASSWORD))


@pytest.fixture
def other_resident(db) -> User:
    """A second resident, who filed nothing."""
    return UserFactory.create(username="other-resident", password=make_password(PASSWORD))


@pytest.fixture
def officer_hk(db) -> User:
    """A Hong Kong officer of one Hong Kong unit (``unit_hk``)."""
    return _officer("officer-hk", _unit(HK_UNIT))


@pytest.fixture
def officer_cq(db) -> User:
    """A Chongqing officer of one Chongqing unit (``unit_cq``)."""
    return _officer("officer-cq", _unit(CQ_UNIT))


@pytest.fixture
def secretariat_hk(db) -> User:
    return SecretariatFactory.create(username="secretariat-hk", password=make_password(PASSWORD))


@pytest.fixture
def secretariat_cq(db) -> User:
    return SecretariatFactory.create(username="secretariat-cq", side=Side.CHONGQING, password=make_password(PASSWORD))


def _partner(username: str, side: str) -> User:
    from hkcq.partnering.tests.factories import MembershipFactory, ProfileFactory

    user = UserFactory.create(username=username, role=Role.ORG_MEMBER, password=make_password(PASSWORD))
    MembershipFactory.create(user=user, profile=ProfileFactory.create(side=side))
    return user


@pytest.fixture
def partner_hk(db) -> User:
    """A member of one Hong Kong organisation profile (partnering and events), not staff."""
    return _partner("partner-hk", Side.HONG_KONG)


@pytest.fixture
def partner_cq(db) -> User:
    """A member of one Chongqing organisation profile (partnering and events), not staff."""
    return _partner("partner-cq", Side.CHONGQING)


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory.create(
        username="admin",
        role=Role.ADMIN,
        is_staff=True,
        is_superuser=True,
        password=make_password(PASSWORD),
    )


__all__ = [
    "CQ_UNIT",
    "HK_UNIT",
    "admin_user",
    "officer_cq",
    "officer_hk",
    "other_resident",
    "partner_cq",
    "partner_hk",
    "resident",
    "secretariat_cq",
    "secretariat_hk",
    "unit_cq",
    "unit_hk",
]
