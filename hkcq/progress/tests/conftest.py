import pytest

from hkcq.accounts.models import User
from hkcq.progress.models import Status
from hkcq.registry.models import Measure, Unit


@pytest.fixture
def outsider_officer(defaults):
    """A Hong Kong officer whose unit has nothing to do with measure m-01."""
    user = User.objects.create_user(
        "other-officer-hk", email="other@example.org", password="x", role="officer", side="hong_kong"
    )
    unit = Unit.objects.filter(side="hong_kong").exclude(ext_id__in=["hk_cedb", "hk_tdc", "hk_chengdu_eto"]).first()
    unit.members.add(user)
    return user


@pytest.fixture
def measure(defaults):
    return Measure.objects.get(ext_id="m-01")


@pytest.fixture
def status(db):
    return Status.objects.get(key="in_progress")


def statuses():
    return {s.key: s for s in Status.objects.all()}
