"""The accounts' tests need none of the default data: their people are made by factories (the
root conftest's personas of the same names are the seed's demo accounts), each with the password
``factories.PASSWORD`` so that they can sign in through the form."""

import pytest
from django.contrib.auth.hashers import make_password

from hkcq.accounts.tests.factories import PASSWORD, OfficerFactory, SecretariatFactory, UserFactory
from hkcq.core.choices import Side


@pytest.fixture
def resident(db):
    return UserFactory.create(username="resident", password=make_password(PASSWORD))


@pytest.fixture
def officer_hk(db):
    return OfficerFactory.create(username="officer-hk", password=make_password(PASSWORD))


@pytest.fixture
def secretariat_hk(db):
    return SecretariatFactory.create(username="secretariat-hk", password=make_password(PASSWORD))


@pytest.fixture
def secretariat_cq(db):
    return SecretariatFactory.create(username="secretariat-cq", side=Side.CHONGQING, password=make_password(PASSWORD))
