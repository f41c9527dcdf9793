"""Count the tests that lean on the seeded default data, per app (issue 10: "seed-backed tests
only for the seed itself").

Usage: ``DJANGO_SETTINGS_MODULE=config.settings_test python bench/seed_tests.py [--list] [paths…]``

Collects the tests (runs none) and counts, per app, the tests that request the ``defaults``
fixture (directly or through another fixture, such as the demo personas ``secretariat_hk``,
``officer_hk``, ``resident``, ``admin_user``) or the browser tests' seeded live server
(``live_defaults``, behind ``page`` and ``live_url``), and those whose own source names a demo account
(``"demo-…"``) without it. The default data is also loaded once for the whole session
(``hkcq/conftest.py``), so the second kind leans on the seed as much as the first. A test of the
seed itself says so with ``@pytest.mark.seed``: it is counted apart ("of the seed"), and the
figure to bring down is the rest ("other"). ``HKCQ_TEST_SEED=0 pytest …`` runs only the tests
that do not ask for the seed, on a database without it: a failure there is a test that leans on
the seed without saying so (which this count, reading fixtures and source, cannot see).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent.parent
DEMO = re.compile(r"[\"']demo-[a-z-]+[\"']")
# Fixtures that load the default data: the session's seed, and the browser tests' seeded live
# server (``live_defaults``, behind ``page`` and ``live_url``).
SEED_FIXTURES = {"defaults", "live_defaults"}


class _Collector:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, bool, bool, bool]] = []

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            parts = Path(str(item.fspath)).relative_to(BASE).parts
            app = parts[1] if len(parts) > 2 else parts[0]
            fixture = bool(SEED_FIXTURES & set(getattr(item, "fixturenames", ())))
            try:
                source = inspect.getsource(item.function)  # type: ignore[attr-defined]
            except (AttributeError, OSError, TypeError):
                source = ""
            seed = item.get_closest_marker("seed") is not None
            self.rows.append((item.nodeid, app, fixture, bool(DEMO.search(source)), seed))


def main(argv: list[str]) -> int:
    listing = "--list" in argv
    paths = [a for a in argv if not a.startswith("--")] or ["hkcq"]
    collector = _Collector()
    pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "-W", "ignore", *paths], plugins=[collector])
    tests: Counter[str] = Counter()
    fixture: Counter[str] = Counter()
    named: Counter[str] = Counter()
    marked: Counter[str] = Counter()
    for nodeid, app, by_fixture, by_name, of_seed in collector.rows:
        tests[app] += 1
        fixture[app] += by_fixture
        named[app] += by_name and not by_fixture
        marked[app] += of_seed and (by_fixture or by_name)
        if listing and (by_fixture or by_name):
            print(("seed " if of_seed else "defaults " if by_fixture else "demo-name ") + nodeid)
    print(f"\n{'app':<16}{'tests':>7}{'defaults':>10}{'demo name only':>16}{'of the seed':>13}{'other':>7}")
    for app in sorted(tests, key=lambda a: -(fixture[a] + named[a] - marked[a])):
        other = fixture[app] + named[app] - marked[app]
        print(f"{app:<16}{tests[app]:>7}{fixture[app]:>10}{named[app]:>16}{marked[app]:>13}{other:>7}")
    total = [sum(c.values()) for c in (tests, fixture, named, marked)]
    other = total[1] + total[2] - total[3]
    print(f"{'all':<16}{total[0]:>7}{total[1]:>10}{total[2]:>16}{total[3]:>13}{other:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
