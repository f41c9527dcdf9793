"""Telling the people of an organisation (or its side's facilitators) what happened, each in
their own language, in the application and by e-mail (hkcq.notifications)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hkcq.core.context_processors import PLATFORM_NAME
from hkcq.notifications.services import notify
from hkcq.partnering.models import FacilitatorDesk, OrganisationProfile


def members_of(profile: OrganisationProfile) -> list[Any]:
    return [m.user for m in profile.memberships.filter(left_at__isnull=True).select_related("user") if m.user.is_active]


def facilitators_of(side: str) -> list[Any]:
    people: dict[int, Any] = {}
    for desk in FacilitatorDesk.objects.filter(side=side, is_active=True).select_related("unit"):
        for user in desk.unit.members.filter(is_active=True, role="officer"):
            people[user.pk] = user
    return list(people.values())


def tell(people: Iterable[Any], template: str, context: dict[str, Any], url: str = "") -> int:
    """One notification per person (each rendered in that person's language); returns how many."""
    count = 0
    for user in {u.pk: u for u in people}.values():
        notify(user, f"partnering/email/{template}", {**context, "PLATFORM_NAME": PLATFORM_NAME}, url=url)
        count += 1
    return count
