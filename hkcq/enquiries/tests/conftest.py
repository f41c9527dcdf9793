from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings

import config.urls  # noqa: F401 - build the API schemas before any test freezes time
from hkcq.enquiries import knowledge, services
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.tasks import route
from hkcq.registry.models import Unit

# The demo officers' units (hkcq/registry/loading.py DEMO_ACCOUNTS).
HK_UNIT = "hk_chengdu_eto"
CQ_UNIT = "cq_commerce"


@pytest.fixture
def route_to(monkeypatch) -> Callable[[str | None, bool], None]:
    """Make the knowledge base suggest ``unit`` (an ext_id) for every question."""

    def set_route(unit: str | None, answered: bool = False) -> None:
        target = Unit.objects.get(ext_id=unit) if unit else None
        monkeypatch.setattr(
            knowledge, "ask", lambda q, lang, details="": knowledge.Suggestion(unit=target, answered=answered)
        )

    return set_route


@pytest.fixture
def make_case(defaults, route_to) -> Callable[..., Enquiry]:
    counter = {"n": 0}

    def make(unit: str | None = HK_UNIT, **kwargs: Any) -> Enquiry:
        counter["n"] += 1
        route_to(unit)
        data: dict[str, Any] = {
            "question": f"How do I renew my Home Return Permit in Chongqing? ({counter['n']})",
            "email": "resident@example.org",
            "consent": True,
            "language": "en",
        }
        data.update(kwargs)
        origin = {k: data.pop(k) for k in ("user", "client", "idempotency_key", "source") if k in data}
        return services.enquiry_submit(filing=services.Filing(**data), origin=services.Origin(**origin)).enquiry

    return make


QUEUE_ELSEWHERE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued():
    """The tasks queued (and not run) while the test runs: a queue outside the database (as RQ),
    django_tasks' dummy backend, which keeps what was queued and runs nothing."""
    with override_settings(TASKS=QUEUE_ELSEWHERE):
        backend = route.get_backend()
        backend.clear()  # type: ignore[attr-defined]
        yield backend.results  # type: ignore[attr-defined]
        backend.clear()  # type: ignore[attr-defined]
