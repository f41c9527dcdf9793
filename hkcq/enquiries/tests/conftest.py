from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

import config.urls  # noqa: F401 - build the API schemas before any test freezes time
from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures
from hkcq.accounts.tests.personas import HK_UNIT
from hkcq.core.choices import Role
from hkcq.enquiries import knowledge, services
from hkcq.enquiries.models import CannedReply, Enquiry
from hkcq.enquiries.tasks import route
from hkcq.enquiries.tests.factories import canned_replies_make
from hkcq.kb.models import Entry
from hkcq.kb.tests.factories import citable_entries_make
from hkcq.registry.models import Unit

# The enquiries' tests need none of the default data (a test of the seed itself is marked
# ``seed`` and asks for ``defaults``): their people are the factory-made personas of
# hkcq/accounts/tests/personas.py, the officers in the units HK_UNIT and CQ_UNIT (``unit_hk``,
# ``unit_cq``); the canned replies and the entries they cite are made by factories.


@pytest.fixture
def route_to(monkeypatch, unit_hk, unit_cq) -> Callable[[str | None, bool], None]:
    """Make the knowledge base suggest ``unit`` (an ext_id: HK_UNIT, CQ_UNIT or one a test made)
    for every question."""

    def set_route(unit: str | None, answered: bool = False) -> None:
        target = Unit.objects.get(ext_id=unit) if unit else None
        monkeypatch.setattr(
            knowledge, "ask", lambda q, lang, details="": knowledge.Suggestion(unit=target, answered=answered)
        )

    return set_route


@pytest.fixture
def make_case(route_to) -> Callable[..., Enquiry]:
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


@pytest.fixture
def canned(db) -> dict[str, CannedReply]:
    """Four canned replies in three languages, by name (``factories.canned_replies_make``)."""
    return canned_replies_make()


@pytest.fixture
def citable(unit_cq) -> dict[str, Entry]:
    """Two entries an officer may cite, by slug (``kb.tests.factories.citable_entries_make``): the
    first answers the question ``make_case`` files."""
    return citable_entries_make(unit_cq)


def secretariat_of(side: str | None = None) -> set[str]:
    """The usernames of the active secretariat (of ``side``, or of both): the people told when a
    case has nobody else. With the default data loaded, its demo secretariat is among them."""
    users = get_user_model().objects.filter(is_active=True, role=Role.SECRETARIAT)
    return set((users.filter(side=side) if side else users).values_list("username", flat=True))


@pytest.fixture
def sole_secretariat(secretariat_hk, secretariat_cq) -> None:
    """``secretariat_hk`` and ``secretariat_cq`` are the whole secretariat: any other secretariat
    account (the demo ones of the default data, when it is loaded) is made inactive."""
    others = (
        get_user_model().objects.filter(role=Role.SECRETARIAT).exclude(pk__in=[secretariat_hk.pk, secretariat_cq.pk])
    )
    others.update(is_active=False)


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
