"""The knowledge base's tests need none of the default data, except those of the seed itself
(marked ``seed``: the sample entries, their loading, and the search and routing measured over
them): their people are the factory-made personas of hkcq/accounts/tests/personas.py, their
entries made by ``factories.py``."""

import pytest

from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures
from hkcq.kb.search import invalidate


@pytest.fixture(autouse=True)
def _fresh_index():
    invalidate()
    yield
    invalidate()
