"""The exchanges tests' shared people and event. None of them needs the default data: the HKTDC
unit (``hk_tdc``) and the Chongqing unit of ``officer_other`` are the seed's when the session
loaded it, else made by ``factories.organiser_unit``; the people and organisations are made by
factories, the secretariat is the factory-made personas' (hkcq/accounts/tests/personas.py)."""

import pytest

from hkcq.accounts.tests.personas import secretariat_cq, secretariat_hk  # noqa: F401 - fixtures
from hkcq.exchanges.tests.factories import EventFactory, UserFactory, member, organiser_unit


@pytest.fixture
def event(db, officer_tdc):
    """An event in booking, organised by the HKTDC (``officer_tdc``'s unit)."""
    e = EventFactory()
    e.organiser_units.set([organiser_unit("hk_tdc")])
    return e


@pytest.fixture
def officer_tdc(db):
    """An officer of the HKTDC: organiser of the events it organises, of no other."""
    user = UserFactory(role="officer", side="hong_kong", username="tdc-officer")
    organiser_unit("hk_tdc").members.add(user)
    return user


@pytest.fixture
def officer_other(db):
    """A Chongqing officer of a unit (``cq_health``) that organises none of the tests' events."""
    user = UserFactory(role="officer", side="chongqing", username="other-officer")
    organiser_unit("cq_health").members.add(user)
    return user


@pytest.fixture
def hk_member(db):
    return member("hong_kong")


@pytest.fixture
def cq_member(db):
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


@pytest.fixture
def organiser(db):
    """The secretariat organising ``factories.two_school_round``."""
    from hkcq.accounts.tests.factories import SecretariatFactory

    return SecretariatFactory(username="trial14-secretariat")


@pytest.fixture
def people(db):
    """A person and their organisation behind each entry of ``factories.two_school_round``, each
    reading their own language (a module may define its own ``people``)."""
    return {
        "a1": member("hong_kong", preferred_language="zh-hant"),
        "a2": member("hong_kong", preferred_language="en"),
        "h1": member("chongqing", preferred_language="zh-hans"),
        "h2": member("chongqing", preferred_language="en"),
    }
