"""The notifications' tests need none of the default data: their people are made by factories
(the root conftest's personas of the same names are the seed's demo accounts)."""

import pytest

from hkcq.accounts.tests.factories import OfficerFactory, SecretariatFactory, UserFactory
from hkcq.core.choices import Side


@pytest.fixture
def resident(db):
    return UserFactory.create()


@pytest.fixture
def officer_hk(db):
    return OfficerFactory.create()


@pytest.fixture
def secretariat_hk(db):
    return SecretariatFactory.create()


@pytest.fixture
def secretariat_cq(db):
    return SecretariatFactory.create(side=Side.CHONGQING)
