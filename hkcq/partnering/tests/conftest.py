"""The partnering tests need none of the default data (a test of the seed itself is marked
``seed`` and asks for ``defaults``): their people are the factory-made personas of
hkcq/accounts/tests/personas.py and the members and facilitators below; the facilitator desks are
units made by the registry's factories, and the sectors and areas a test names are made by
``factories.sector`` and ``factories.area``."""

import pytest

from hkcq.accounts.models import User
from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures
from hkcq.core.choices import Role, Side
from hkcq.partnering.tests.factories import MembershipFactory, ProfileFactory, UserFactory, desk_unit
from hkcq.registry.models import Unit

# The units the facilitators belong to: a trade desk on each side, an education desk in Hong
# Kong, and a Chongqing unit that is no desk.
DESK_CQ = "test-desk-cq"
DESK_HK = "test-desk-hk"
DESK_HK_EDUCATION = "test-desk-hk-education"
NO_DESK_CQ = "test-unit-no-desk-cq"


def desk_cq() -> Unit:
    return desk_unit(DESK_CQ, Side.CHONGQING)


def desk_hk() -> Unit:
    return desk_unit(DESK_HK, Side.HONG_KONG)


def desk_hk_education() -> Unit:
    return desk_unit(DESK_HK_EDUCATION, Side.HONG_KONG, kind="education")


def no_desk_cq() -> Unit:
    return desk_unit(NO_DESK_CQ, Side.CHONGQING, kind=None)


@pytest.fixture
def member(db):
    """A member of a Chongqing logistics firm (unverified)."""
    return MembershipFactory(profile=ProfileFactory(side=Side.CHONGQING)).user


@pytest.fixture
def profile(member):
    return member.partnering_memberships.get().profile


@pytest.fixture
def other_member(db):
    """A member of another organisation (Hong Kong side)."""
    return MembershipFactory(profile=ProfileFactory(side=Side.HONG_KONG)).user


def _officer_of(unit: Unit, username: str) -> User:
    user = UserFactory(username=username, role=Role.OFFICER, side=unit.side)
    unit.members.add(user)
    return user


@pytest.fixture
def facilitator_cq(db):
    """An officer of the Chongqing trade desk (``DESK_CQ``)."""
    return _officer_of(desk_cq(), "test-facilitator-cq")


@pytest.fixture
def facilitator_hk(db):
    """An officer of the Hong Kong trade desk (``DESK_HK``)."""
    return _officer_of(desk_hk(), "test-facilitator-hk")


@pytest.fixture
def plain_officer_cq(db):
    """An officer of a Chongqing unit that is no facilitator desk (``NO_DESK_CQ``)."""
    return _officer_of(no_desk_cq(), "test-officer-cq")
