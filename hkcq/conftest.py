import datetime as dt
import os

import pytest
from django.utils import timezone

from hkcq.defaults.loading import defaults_load
from hkcq.partnering.loading import demo_members_ensure
from hkcq.registry.loading import demo_accounts_ensure


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the default data once into the test database; each test runs in a rolled-back transaction.

    Loading it per test cost seconds each (OpenCC, history records) and made the suite crawl.

    ``HKCQ_TEST_SEED=0`` leaves it out: a test that asks for it (``defaults``, directly or through
    a persona) then loads it in its own transaction, and a test that does not runs on an empty
    database, which shows the tests that lean on the seed without saying so.
    """
    if os.environ.get("HKCQ_TEST_SEED", "1") == "0":
        return
    global SEED_DAY
    SEED_DAY = timezone.localdate()
    with django_db_blocker.unblock():
        defaults_load()
        demo_accounts_ensure()
        demo_members_ensure()


# The day the session loaded the default data (None until it has, and without the seed).
SEED_DAY: dt.date | None = None


@pytest.fixture(autouse=True)
def _demonstration_on_the_seed_day(monkeypatch):
    """The demonstration event is dated from the day of the load (``exchanges.loading``), and a
    later load on another day moves it: that is a change. A test that loads the default data
    again loads it as on the day the session did, so a run that crosses midnight in Hong Kong
    (16:00 UTC) does not see the demonstration move in a test that expects no change. A test of
    the moving itself replaces ``demonstration_first_day`` with its own day."""
    from hkcq.exchanges import loading

    if SEED_DAY is not None:
        first_day = loading.demonstration_first_day
        monkeypatch.setattr(
            loading, "demonstration_first_day", lambda spec, today=None: first_day(spec, today or SEED_DAY)
        )


def pytest_collection_modifyitems(config, items):
    """Without the session's seed (``HKCQ_TEST_SEED=0``) only the tests that do not ask for it
    run: each would otherwise load it for itself (seconds a test)."""
    if os.environ.get("HKCQ_TEST_SEED", "1") != "0":
        return
    keep = [item for item in items if "defaults" not in getattr(item, "fixturenames", ())]
    config.hook.pytest_deselected(items=[item for item in items if item not in keep])
    items[:] = keep


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page request activates its language for the
    thread, and a test that follows must not inherit it (labels and messages would change)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttling counts live in the cache (hkcq/core/throttle.py): each test starts at zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_match_index():
    """The partnering match index is kept per process and updated from change notes; a test's
    rows are rolled back, so each test starts with no index (it is built on first use)."""
    from hkcq.partnering import matching

    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def defaults(db):
    from hkcq.registry.models import Area

    # Live-server (transactional) tests empty the database when they finish; pytest-django runs
    # them after the others, but a test that follows one still gets the default data.
    if not Area.objects.exists():
        defaults_load()
        demo_accounts_ensure()
        demo_members_ensure()


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


# -- personas: the demo accounts of the default data. An app whose tests need no seed overrides
# them in its tests/conftest.py with the factory-made people of hkcq/accounts/tests/personas.py.
@pytest.fixture
def officer_cq(defaults):
    """An officer of cq_commerce (the demo Chongqing officer)."""
    from hkcq.accounts.models import User

    return User.objects.get(username="demo-officer-cq")


@pytest.fixture
def admin_user(defaults):
    from hkcq.accounts.models import User

    return User.objects.get(username="demo-admin")


@pytest.fixture
def other_resident(defaults):
    """A second resident, who filed nothing."""
    from hkcq.accounts.models import User

    return User.objects.create_user("other-resident", "other@example.org", "x-password-123", role="resident")
