"""Building blocks of the partnering tests: a verified organisation with a member and a published
opportunity, in a few calls of the real services. The sectors and areas they name are made by
``factories.sector`` and ``factories.area`` when the test has none."""

from __future__ import annotations

from typing import Any

from hkcq.partnering import services
from hkcq.partnering.models import Opportunity
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.factories import MembershipFactory, ProfileFactory


def verified_member(
    side: str, facilitator: Any, *, sector: str = "freight-forwarding", languages=("cmn", "en"), **kw: Any
):
    profile = ProfileFactory(side=side, sector=factories.sector(sector), languages=list(languages), **kw)
    user = MembershipFactory(profile=profile).user
    services.profile_verify(user=facilitator, profile=profile)
    profile.refresh_from_db()
    return user, profile


def post(
    user: Any, profile: Any, *, type: str, title: dict, description: dict, sector: str, areas=("logistics",), **kw: Any
) -> Opportunity:
    return services.opportunity_create(
        user=user,
        profile=profile,
        type=type,
        title=title,
        description=description,
        sector=factories.sector(sector),
        areas=[factories.area(a) for a in areas],
        **kw,
    )


def published(facilitator: Any, opportunity: Opportunity) -> Opportunity:
    return services.opportunity_publish(user=facilitator, opportunity=opportunity)
