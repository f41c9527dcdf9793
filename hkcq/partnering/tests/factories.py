"""factory_boy factories for the partnering tests (the default data is loaded once per session,
so sectors, desks, areas and demo accounts already exist)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.core.choices import Role, Side
from hkcq.core.translated import TText
from hkcq.partnering.models import (
    ContactPerson,
    Interest,
    Membership,
    Opportunity,
    OrganisationProfile,
    Outcome,
    OutcomeKind,
    Sector,
)


def freight_forwarding() -> Sector:
    """The default data's freight-forwarding sector, made when the test runs without the seed."""
    return Sector.objects.get_or_create(
        code="freight-forwarding", defaults={"name": TText.of(en="Freight forwarding", zh_hant="貨運代理")}
    )[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"partner-user-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = Role.ORG_MEMBER
    preferred_language = "en"


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationProfile

    name = factory.Sequence(lambda n: TText.of(en=f"Example Organisation {n}"))
    side = Side.CHONGQING
    kind = OrganisationProfile.Kind.ENTERPRISE
    sector = factory.LazyFunction(freight_forwarding)
    size = OrganisationProfile.Size.SMALL
    city = factory.LazyFunction(lambda: TText.of(en="Chongqing", zh_hant="重慶"))
    languages = factory.LazyFunction(lambda: ["cmn", "en"])
    description = factory.LazyFunction(lambda: TText.of(en="A made-up organisation for tests."))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    profile = factory.SubFactory(ProfileFactory)
    user = factory.SubFactory(UserFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    profile = factory.SubFactory(ProfileFactory)
    name = "Chan Tai Man"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "+852 2123 4567"


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A published business offer (made directly, not through the review services)."""

    class Meta:
        model = Opportunity

    profile = factory.SubFactory(ProfileFactory)
    type = "business_offer"
    title = factory.Sequence(lambda n: TText.of(en=f"Example opportunity {n}"))
    description = factory.LazyFunction(lambda: TText.of(en="A made-up opportunity for tests."))
    sector = factory.LazyFunction(freight_forwarding)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=180))
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class InterestFactory(factory.django.DjangoModelFactory):
    """An accepted expression of interest: an introduction."""

    class Meta:
        model = Interest

    opportunity = factory.SubFactory(OpportunityFactory)
    from_profile = factory.SubFactory(ProfileFactory, side=Side.HONG_KONG)
    message = "We would like to talk."
    status = "accepted"
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    decided_at = factory.LazyFunction(timezone.now)


class OutcomeFactory(factory.django.DjangoModelFactory):
    """What came of an introduction (``area``: give a registry Area)."""

    class Meta:
        model = Outcome

    interest = factory.SubFactory(InterestFactory)
    kind = OutcomeKind.JOINT_VENTURE
