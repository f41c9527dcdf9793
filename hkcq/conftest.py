import pytest

from hkcq.registry.loading import defaults_load, demo_accounts_ensure


@pytest.fixture
def defaults(db):
    defaults_load()
    demo_accounts_ensure()


@pytest.fixture
def secretariat_hk(defaults, client):
    from hkcq.accounts.models import User

    return User.objects.get(username="demo-secretariat-hk")


@pytest.fixture
def secretariat_cq(defaults):
    from hkcq.accounts.models import User

    return User.objects.get(username="demo-secretariat-cq")


@pytest.fixture
def officer_hk(defaults):
    from hkcq.accounts.models import User

    return User.objects.get(username="demo-officer-hk")


@pytest.fixture
def resident(defaults):
    from hkcq.accounts.models import User

    return User.objects.get(username="demo-resident")
