import pytest

from hkcq.exchanges.tests.factories import EventFactory, member


@pytest.fixture
def event(defaults, officer_tdc):
    from hkcq.registry.models import Unit

    e = EventFactory()
    e.organiser_units.set([Unit.objects.get(ext_id="hk_tdc")])
    return e


@pytest.fixture
def officer_tdc(defaults):
    """An officer of the HKTDC: organiser of the events it organises, of no other."""
    from hkcq.partnering.tests.factories import UserFactory
    from hkcq.registry.models import Unit

    user = UserFactory(role="officer", side="hong_kong", username="tdc-officer")
    Unit.objects.get(ext_id="hk_tdc").members.add(user)
    return user


@pytest.fixture
def officer_other(defaults):
    from hkcq.partnering.tests.factories import UserFactory
    from hkcq.registry.models import Unit

    user = UserFactory(role="officer", side="chongqing", username="other-officer")
    Unit.objects.get(ext_id="cq_health").members.add(user)
    return user


@pytest.fixture
def hk_member(defaults):
    return member("hong_kong")


@pytest.fixture
def cq_member(defaults):
    return member("chongqing")


@pytest.fixture(autouse=True)
def every_allocation_is_stable(monkeypatch):
    """Every allocation any exchanges test makes (the module's own tests, the services, the
    pages, the API) is checked: no applicant and host who would both rather have each other."""
    from hkcq.exchanges import allocation

    original = allocation.allocate

    def checked(market, *args, **kwargs):
        match = original(market, *args, **kwargs)
        assert allocation.blocking_pairs(market, match) == [], "an unstable allocation"
        return match

    monkeypatch.setattr(allocation, "allocate", checked)
