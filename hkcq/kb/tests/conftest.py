import pytest

from hkcq.kb.search import invalidate


@pytest.fixture(autouse=True)
def _fresh_index():
    invalidate()
    yield
    invalidate()


@pytest.fixture
def officer_cq(defaults):
    """An officer of cq_commerce (the demo Chongqing officer)."""
    from hkcq.accounts.models import User

    return User.objects.get(username="demo-officer-cq")


@pytest.fixture
def admin_user(defaults):
    from hkcq.accounts.models import User

    return User.objects.get(username="demo-admin")
