import pytest

from hkcq.accounts.models import User
from hkcq.core.choices import Role, Side
from hkcq.partnering.tests.factories import MembershipFactory, ProfileFactory, UserFactory
from hkcq.registry.models import Unit


@pytest.fixture
def member(defaults):
    """A member of a Chongqing logistics firm (unverified)."""
    return MembershipFactory(profile=ProfileFactory(side=Side.CHONGQING)).user


@pytest.fixture
def profile(member):
    return member.partnering_memberships.get().profile


@pytest.fixture
def other_member(defaults):
    """A member of another organisation (Hong Kong side)."""
    return MembershipFactory(profile=ProfileFactory(side=Side.HONG_KONG)).user


def _officer_of(unit_id: str, username: str) -> User:
    unit = Unit.objects.get(ext_id=unit_id)
    user = UserFactory(username=username, role=Role.OFFICER, side=unit.side)
    unit.members.add(user)
    return user


@pytest.fixture
def facilitator_cq(defaults):
    return _officer_of("cq_commerce", "test-facilitator-cq")


@pytest.fixture
def facilitator_hk(defaults):
    return _officer_of("hk_tdc", "test-facilitator-hk")


@pytest.fixture
def plain_officer_cq(defaults):
    """An officer of a Chongqing unit that is no facilitator desk."""
    return _officer_of("cq_exit_entry", "test-officer-cq")
