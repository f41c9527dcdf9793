"""factory_boy factories for the partnering tests. The tests need none of the default data
(seed/): the sectors, co-operation areas, units and facilitator desks a test names are made here
the first time it asks for them (``sector``, ``area``, ``desk_unit``), with the names the default
data gives them (matching reads a sector's names and its parent). With the default data loaded,
the same codes find its rows."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.core.choices import Role, Side
from hkcq.core.translated import TText
from hkcq.partnering.models import (
    ContactPerson,
    FacilitatorDesk,
    Interest,
    Membership,
    Opportunity,
    OrganisationProfile,
    Outcome,
    OutcomeKind,
    Sector,
)
from hkcq.registry.models import Area, Unit
from hkcq.registry.tests.factories import AreaFactory, UnitFactory

# The sectors the tests name: code -> (parent code, names), as in seed/partnering.yaml.
SECTORS: dict[str, tuple[str | None, dict[str, str]]] = {
    "logistics-transport": (
        None,
        {"en": "Logistics and transport", "zh_hant": "物流及運輸", "zh_hans": "物流及运输"},
    ),
    "freight-forwarding": (
        "logistics-transport",
        {"en": "Freight forwarding", "zh_hant": "貨運代理", "zh_hans": "货运代理"},
    ),
    "financial-services": (None, {"en": "Financial services", "zh_hant": "金融服務", "zh_hans": "金融服务"}),
    "banking-supply-chain-finance": (
        "financial-services",
        {"en": "Banking and supply-chain finance", "zh_hant": "銀行及供應鏈金融", "zh_hans": "银行及供应链金融"},
    ),
    "manufacturing": (None, {"en": "Manufacturing", "zh_hant": "製造業", "zh_hans": "制造业"}),
    "automotive": (
        "manufacturing",
        {"en": "Automotive and new-energy vehicles", "zh_hant": "汽車及新能源汽車", "zh_hans": "汽车及新能源汽车"},
    ),
    "professional-services": (None, {"en": "Professional services", "zh_hant": "專業服務", "zh_hans": "专业服务"}),
    "legal-services": (
        "professional-services",
        {"en": "Legal services", "zh_hant": "法律服務", "zh_hans": "法律服务"},
    ),
    "accounting-tax": (
        "professional-services",
        {"en": "Accounting and tax", "zh_hant": "會計及稅務", "zh_hans": "会计及税务"},
    ),
    "trade-retail": (
        None,
        {"en": "Trade, wholesale and retail", "zh_hant": "貿易、批發及零售", "zh_hans": "贸易、批发及零售"},
    ),
}


def sector(code: str) -> Sector:
    """The sector ``code`` (one of ``SECTORS``) with its parent, made the first time a test asks."""
    parent_code, names = SECTORS[code]
    parent = sector(parent_code) if parent_code else None
    position = list(SECTORS).index(code) + 1
    return Sector.objects.get_or_create(
        code=code, defaults={"name": TText.of(**names), "parent": parent, "position": position}
    )[0]


# The co-operation areas the tests name: ext_id -> names, as in seed/registry.yaml.
AREAS: dict[str, dict[str, str]] = {
    "logistics": {"en": "Logistics", "zh-hant": "物流", "zh-hans": "物流"},
    "finance": {"en": "Finance", "zh-hant": "金融", "zh-hans": "金融"},
    "belt-and-road-economic-trade": {
        "en": "Belt and Road economic and trade co-operation",
        "zh-hant": "一帶一路經貿合作",
        "zh-hans": "一带一路经贸合作",
    },
}


def area(ext_id: str) -> Area:
    """The co-operation area ``ext_id`` (one of ``AREAS``), made the first time a test asks."""
    return Area.objects.filter(ext_id=ext_id).first() or AreaFactory.create(ext_id=ext_id, name=AREAS[ext_id])


def freight_forwarding() -> Sector:
    """The default data's freight-forwarding sector, made when the test runs without the seed."""
    return sector("freight-forwarding")


def desk_unit(ext_id: str, side: str, kind: str | None = FacilitatorDesk.Kind.TRADE) -> Unit:
    """A registry unit of ``side``, a facilitator desk of ``kind`` (``None``: no desk), made the
    first time a test asks for it."""
    unit = Unit.objects.filter(ext_id=ext_id).first() or UnitFactory.create(ext_id=ext_id, side=side)
    if kind is not None:
        FacilitatorDesk.objects.get_or_create(unit=unit, defaults={"side": side, "kind": kind})
    return unit


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
