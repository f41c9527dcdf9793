import pytest

from hkcq.core.choices import Side
from hkcq.core.errors import InvalidInput, NotFound, NotPermitted
from hkcq.core.translated import CONVERTED, HANS, HUMAN
from hkcq.partnering import selectors, services
from hkcq.partnering.models import FacilitatorDesk, Membership, OrganisationProfile, Sector
from hkcq.partnering.services import ContactIn
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.factories import UserFactory
from hkcq.registry.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def create(user, **overrides):
    values = dict(
        user=user,
        name={"en": "Yangtze River Freight", "zh-hant": "長江貨運"},
        side="chongqing",
        kind="enterprise",
        sector=factories.sector("freight-forwarding"),
        size="medium",
        city={"en": "Chongqing", "zh-hant": "重慶"},
        languages=["cmn", "en"],
        description={"en": "Rail and river freight between Chongqing and Europe."},
        areas=[factories.area("logistics")],
        contacts=[ContactIn(name="Li Ming", email="li@example.org", phone="+86 23 6000 0000")],
    )
    values.update(overrides)
    return services.profile_create(**values)


@pytest.mark.seed
def test_default_data_has_the_sector_taxonomy_and_a_desk_on_each_side(defaults):
    assert Sector.objects.filter(parent__isnull=True).count() >= 10
    finance = Sector.objects.get(code="banking-supply-chain-finance")
    assert finance.parent.code == "financial-services"
    assert finance.name.zh_hans == "银行及供应链金融" and finance.name.origin(HANS) == HUMAN
    sides = set(FacilitatorDesk.objects.filter(kind="trade").values_list("side", flat=True))
    assert sides == {"hong_kong", "chongqing"}


def test_a_resident_creates_a_profile_and_becomes_its_member(resident):
    profile = create(resident)
    resident.refresh_from_db()
    assert resident.role == "org_member"
    assert list(selectors.profiles_for_member(resident)) == [profile]
    assert profile.name.zh_hans == "长江货运" and profile.name.origin(HANS) == CONVERTED
    assert profile.contacts.get().email == "li@example.org"
    assert not profile.is_verified
    assert {h.history_user for h in profile.history.all()} == {resident}


def test_staff_cannot_create_a_profile(officer_hk):
    with pytest.raises(NotPermitted):
        create(officer_hk)
    assert not OrganisationProfile.objects.filter(name__en="Yangtze River Freight").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": {}}, "name"),
        ({"description": {"en": "x" * 5001}}, "description"),
        ({"description": {"en": "<script>alert(1)</script>"}}, "description"),
        ({"side": "mars"}, "side"),
        ({"kind": "club"}, "kind"),
        ({"size": "huge"}, "size"),
        ({"languages": ["tlh"]}, "languages"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"sector": None}, "sector"),
        ({"contacts": [ContactIn(name="Li", email="not-an-address")]}, "contacts"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(resident, overrides, field):
    before = OrganisationProfile.objects.count()
    with pytest.raises(InvalidInput) as error:
        create(resident, **overrides)
    assert field in error.value.details
    assert OrganisationProfile.objects.count() == before
    resident.refresh_from_db()
    assert resident.role == "resident"


def test_members_edit_others_cannot(member, other_member, profile):
    values = dict(
        profile=profile,
        name={"en": "Renamed"},
        kind="enterprise",
        sector=profile.sector,
        size="large",
        city={"en": "Chongqing"},
        languages=["cmn"],
        description={"en": "New text"},
    )
    with pytest.raises(NotPermitted):
        services.profile_update(user=other_member, **values)
    services.profile_update(user=member, **values)
    profile.refresh_from_db()
    assert profile.name.en == "Renamed" and profile.size == "large"
    assert profile.history.first().history_user == member


def test_several_members_and_a_member_leaves(member, profile):
    colleague = UserFactory(username="colleague", email="colleague@example.org", role="resident")
    services.member_add(user=member, profile=profile, email_or_username="COLLEAGUE@example.org")
    assert set(selectors.current_members(profile).values_list("user__username", flat=True)) == {
        member.username,
        "colleague",
    }
    membership = selectors.membership_get_for_user(user=colleague, pk=colleague.partnering_memberships.get().pk)
    services.member_leave(user=colleague, membership=membership)
    assert list(selectors.profiles_for_member(colleague)) == []
    assert Membership.objects.filter(user=colleague, left_at__isnull=False).count() == 1
    # someone else's membership is not theirs to end
    own = member.partnering_memberships.get()
    with pytest.raises(NotFound):
        selectors.membership_get_for_user(user=colleague, pk=own.pk)


def test_member_add_refuses_unknown_and_staff(member, profile, officer_hk):
    with pytest.raises(InvalidInput):
        services.member_add(user=member, profile=profile, email_or_username="nobody-here")
    with pytest.raises(InvalidInput):
        services.member_add(user=member, profile=profile, email_or_username=officer_hk.username)
    assert selectors.current_members(profile).count() == 1


def test_only_a_facilitator_of_the_side_verifies(profile, facilitator_hk, facilitator_cq, plain_officer_cq, member):
    for user in (facilitator_hk, plain_officer_cq, member):
        with pytest.raises(NotPermitted):
            services.profile_verify(user=user, profile=profile)
        profile.refresh_from_db()
        assert not profile.is_verified
    services.profile_verify(user=facilitator_cq, profile=profile)
    profile.refresh_from_db()
    assert profile.is_verified and profile.verified_by == facilitator_cq


def test_unverified_profiles_are_hidden_from_the_public_with_a_404(profile, member, facilitator_cq, facilitator_hk):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        selectors.profile_get_for_user(user=AnonymousUser(), pk=profile.pk)
    with pytest.raises(NotFound):
        selectors.profile_get_for_user(user=facilitator_hk, pk=profile.pk)
    with pytest.raises(NotFound):
        selectors.profile_get_for_user(user=AnonymousUser(), pk="not-a-number")
    assert selectors.profile_get_for_user(user=member, pk=profile.pk) == profile
    assert selectors.profile_get_for_user(user=facilitator_cq, pk=profile.pk) == profile
    assert list(selectors.profiles_awaiting_verification(facilitator_cq)) == [profile]
    services.profile_verify(user=facilitator_cq, profile=profile)
    assert selectors.profile_get_for_user(user=AnonymousUser(), pk=profile.pk) == profile


def test_the_secretariat_marks_desks(secretariat_hk, officer_hk):
    unit = UnitFactory(side=Side.HONG_KONG)  # no desk yet
    with pytest.raises(NotPermitted):
        services.desk_mark(user=officer_hk, unit=unit)
    desk = services.desk_mark(user=secretariat_hk, unit=unit, kind="trade")
    assert desk.side == "hong_kong" and desk.is_active


@pytest.mark.seed
def test_demo_set_is_labelled_and_the_demo_member_is_printed(defaults, settings):
    import io

    from django.core.management import call_command

    from hkcq.partnering.models import Opportunity

    demo = OrganisationProfile.objects.filter(is_demo=True)
    assert set(demo.values_list("side", flat=True)) == {"hong_kong", "chongqing"}
    assert all(p.is_verified for p in demo)
    assert all("Demo" in p.name.en for p in demo)
    live = Opportunity.objects.filter(is_demo=True, status="published")
    assert live.count() >= 6 and len({a for o in live for a in o.areas.values_list("ext_id", flat=True)}) >= 4
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)
    assert "partnering organisation (demonstration data): Demo Yangtze Rail Logistics" in out.getvalue()
    assert selectors.profiles_for_member(UserFactory._meta.model.objects.get(username="demo-partner-cq")).exists()


@pytest.mark.seed
def test_demo_texts_converted_before_the_partner_fix_read_right_unless_edited(defaults):
    """Demo opportunities loaded while OpenCC left 合作伙伴 unconverted in Hong Kong Traditional
    (before hkcq.core.text's HONG_KONG_FORMS had it) kept 伙伴: a reload compares texts as it would
    convert them today, so it saw no difference and left the stored one. A converted Traditional
    text is now read in today's Hong Kong forms (as converted Simplified text is read in Mainland
    forms), in both scripts per docs/glossary.md; a text a person wrote is read as they wrote it,
    and a load changes neither."""
    from hkcq.core.loading import LoadReport
    from hkcq.core.translated import CONVERTED, HANS, HANT
    from hkcq.partnering.loading import partnering_defaults_load
    from hkcq.partnering.models import Opportunity

    need = Opportunity.objects.get(ext_id="demo-opp-rail-needs-finance")
    research = Opportunity.objects.get(ext_id="demo-opp-university-research")
    stored = need.title.to_json()
    assert stored[HANT] == "尋找供應鏈金融合作夥伴"
    # the state a load before the fix left: the converted Traditional title with 伙伴
    Opportunity.objects.filter(pk=need.pk).update(title=dict(stored, **{HANT: "尋找供應鏈金融合作伙伴"}))
    # a person wrote the other one's Traditional title themselves, keeping 伙伴 (their choice)
    written = research.title.to_json()
    written[HANT] = "尋找工業人工智能科研合作伙伴（已核對）"
    written["origin"] = dict(written["origin"], **{HANT: "human"})
    Opportunity.objects.filter(pk=research.pk).update(title=written)
    rows = Opportunity.objects.count()
    history = Opportunity.history.count()

    need.refresh_from_db()
    research.refresh_from_db()
    assert need.title.texts[HANT] == "尋找供應鏈金融合作夥伴" and need.title.origins[HANT] == CONVERTED
    assert need.title.texts[HANS] == "寻找供应链金融合作伙伴"
    assert research.title.texts[HANT] == "尋找工業人工智能科研合作伙伴（已核對）"
    partnering_defaults_load(LoadReport())
    research.refresh_from_db()
    assert research.title.texts[HANT] == "尋找工業人工智能科研合作伙伴（已核對）", "a person's text is kept"
    assert Opportunity.objects.count() == rows and Opportunity.history.count() == history
    # nothing in the demo set reads 伙伴 in Traditional Chinese but the person's own text
    for opportunity in Opportunity.objects.filter(is_demo=True).exclude(pk=research.pk):
        for text in (opportunity.title, opportunity.description):
            assert "伙伴" not in text.texts.get(HANT, ""), opportunity.ext_id
