"""Browser tests: real headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright's
sync API against pytest-django's live server, with axe-core for accessibility.

Fixtures and helpers for every app's browser tests:

- ``browser`` (session): one Chromium for the whole run.
- ``live_url``: the live server's address, with the default data and the demo accounts loaded.
- ``page``: a fresh browser context and page (English-speaking, 1280×900), closed after the test.
- ``bare_page``: the same on a live server without the default data (rows made by factories);
  ``bare_url``: that server's address, for a test that opens its own browser context.
- ``sign_in(page, username)``: signs a demo account (or, with ``password``, a factory-made person)
  in through the sign-in form.
- ``assert_no_serious_axe_violations(page)``: runs axe-core on the page and fails on any
  violation of impact "serious" or "critical", listing them.

Import the helpers with ``from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in``.
Pages are opened with paths relative to the live server (``page.goto("/en/areas/")``).
CI installs chromium (``.ci/run``); only where it is absent is this folder skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to be called
# from a thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_defaults(transactional_db: None) -> None:
    """The default data and demo accounts, in a database the live server's thread can see."""
    from hkcq.defaults.loading import defaults_load
    from hkcq.partnering.loading import demo_members_ensure
    from hkcq.registry.loading import demo_accounts_ensure

    defaults_load()
    demo_accounts_ensure()
    demo_members_ensure()


@pytest.fixture
def live_url(live_server: Any, live_defaults: None) -> str:
    return str(live_server.url)


def _new_page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=base_url, locale="en-GB", viewport={"width": 1280, "height": 900}, java_script_enabled=True
    )
    context.set_default_timeout(15_000)
    browser_page = context.new_page()
    yield browser_page
    context.close()


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    yield from _new_page(browser, live_url)


@pytest.fixture
def bare_url(live_server: Any, transactional_db: None) -> str:
    """The address of a live server without the default data: the test makes its rows and people
    with factories (the personas of hkcq/accounts/tests/personas.py sign in with
    ``factories.PASSWORD``). For a test that opens its own browser context (no JavaScript, another
    viewport). The URL configuration (and with it the API's schemas) is built here first: built by
    the server's first request, it outlasted the page's 15 s on a loaded machine."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - built for its side effect
    return str(live_server.url)


@pytest.fixture
def bare_page(browser: Any, bare_url: str) -> Iterator[Any]:
    """Like ``page``, on a live server without the default data (``bare_url``)."""
    yield from _new_page(browser, bare_url)


def sign_in(page: Any, username: str, lang: str = "en", password: str | None = None) -> None:
    """Sign ``username`` in through the form: a demo account with its password (``<username>-2023``),
    or a factory-made person with the ``password`` given (``accounts.tests.factories.PASSWORD``)."""
    from hkcq.registry.loading import demo_password

    page.goto(f"/{lang}/account/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or demo_password(username))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/account/sign-in/" not in page.url, f"sign-in of {username} failed: {page.url}"


def axe_serious_violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS_IMPACTS]


def assert_no_serious_axe_violations(page: Any) -> None:
    """Fail when axe-core finds a serious or critical violation on the page, listing each with
    the elements it concerns."""
    violations = axe_serious_violations(page)
    if violations:
        lines = [f"axe-core found {len(violations)} serious/critical violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
            for node in v.get("nodes", [])[:5]:
                lines.append(f"    {node.get('target')}: {node.get('failureSummary', '').splitlines()[-1:]}")
                lines.append(f"      {node.get('html', '')[:200]}")
        pytest.fail("\n".join(lines), pytrace=False)
