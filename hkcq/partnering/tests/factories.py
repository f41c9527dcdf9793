"""factory_boy factories for the partnering tests (the default data is loaded once per session,
so sectors, desks, areas and demo accounts already exist)."""

from __future__ import annotations

import factory

from hkcq.accounts.models import User
from hkcq.core.choices import Role, Side
from hkcq.core.translated import TText
from hkcq.partnering.models import ContactPerson, Membership, OrganisationProfile, Sector


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
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="freight-forwarding"))
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
