import pytest

from hkcq.kb.search import invalidate


@pytest.fixture(autouse=True)
def _fresh_index():
    invalidate()
    yield
    invalidate()
