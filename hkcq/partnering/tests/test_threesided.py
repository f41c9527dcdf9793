"""Three-sided projects: for an investment project with an interested investor, the
professional-service providers the pair still lacks, with reasons in the reader's language —
in the service, on the interest's page and in the API."""

import pytest

from hkcq.partnering import services, threesided
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(facilitator_cq, facilitator_hk):
    owner, project_org = verified_member("chongqing", facilitator_cq, sector="automotive", languages=["cmn", "en"])
    investor_user, investor_org = verified_member(
        "hong_kong", facilitator_hk, sector="automotive", languages=["yue", "en"]
    )
    project = published(
        facilitator_cq,
        post(
            owner,
            project_org,
            type="investment_project",
            title={"en": "New energy vehicle battery plant seeking financing"},
            description={"en": "Battery plant in Chongqing seeking investment for a second line."},
            sector="automotive",
            areas=("finance", "belt-and-road-economic-trade"),
        ),
    )
    ask = published(
        facilitator_hk,
        post(
            investor_user,
            investor_org,
            type="investor",
            title={"en": "Investor looking for battery projects"},
            description={"en": "We invest in new energy vehicle projects."},
            sector="automotive",
            areas=("finance",),
            # the investor is also its own accountant: accounting is not lacking
        ),
    )
    published(
        facilitator_hk,
        post(
            investor_user,
            investor_org,
            type="service_offered",
            service_kind="accounting",
            title={"en": "Audit for our portfolio companies"},
            description={"en": "Accounting and audit."},
            sector="accounting-tax",
            areas=("finance",),
        ),
    )
    firms = {}
    for kind, side, facilitator, languages, title in (
        ("legal", "hong_kong", facilitator_hk, ["yue", "en", "cmn"], "Law firm for cross-border investment"),
        ("legal", "chongqing", facilitator_cq, ["cmn"], "Law firm advising investment projects"),
        ("accounting", "hong_kong", facilitator_hk, ["en"], "Accountants for investment projects"),
        ("financial", "hong_kong", facilitator_hk, ["en", "yue"], "Financial advisory for investment projects"),
    ):
        user, firm = verified_member(
            side, facilitator, sector="legal-services", languages=languages, kind="professional"
        )
        firms[(kind, side)] = published(
            facilitator,
            post(
                user,
                firm,
                type="service_offered",
                service_kind=kind,
                title={"en": title},
                description={"en": f"{title}: new energy vehicle and battery plants."},
                sector="legal-services",
                areas=("finance",),
            ),
        )
    interest = services.interest_express(
        user=investor_user, opportunity=project, profile=investor_org, message="Interested.", from_opportunity=ask
    )
    return interest, firms, owner, investor_user


def test_suggests_what_the_pair_lacks_with_reasons(deal):
    interest, firms, owner, investor = deal
    found = threesided.providers(interest)
    kinds = [p.service_kind for p in found]
    assert "accounting" not in kinds, "the investor offers accounting itself"
    assert kinds[0] == "legal" and "financial" in kinds
    # the Hong Kong law firm works in the languages of both (English), the Chongqing one does not
    legal = [p for p in found if p.service_kind == "legal"]
    pks = [p.pk for p in legal]
    hk_law, cq_law = firms[("legal", "hong_kong")].pk, firms[("legal", "chongqing")].pk
    assert hk_law in pks and (cq_law not in pks or pks.index(hk_law) < pks.index(cq_law))
    legal = [p for p in legal if p.pk == hk_law]
    assert "Legal: neither of you offers it" in threesided.reasons(legal[0], lang="en")[0]
    assert any("English" in r for r in threesided.reasons(legal[0], lang="en"))
    from django.utils import translation

    with translation.override("zh-hant"):
        zh = threesided.reasons(legal[0], lang="zh-hant")
    assert zh[0].startswith("法律") and any("英語" in r or "英文" in r for r in zh), zh


def test_once_introduced_to_a_law_firm_legal_is_no_longer_lacking(deal, facilitator_hk):
    interest, firms, owner, investor = deal
    law = firms[("legal", "hong_kong")]
    intro = services.interest_express(user=owner, opportunity=law, profile=interest.opportunity.profile, message="Hi")
    law_member = law.profile.memberships.get().user
    services.interest_accept(user=law_member, interest=intro)
    assert "legal" not in [p.service_kind for p in threesided.providers(interest)]


def test_other_interests_get_no_suggestion(deal, facilitator_hk):
    interest, firms, owner, investor = deal
    services.interest_decline(user=owner, interest=interest, reason="")
    interest.refresh_from_db()
    assert threesided.providers(interest) == []


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("en", "Professional services the project may still need"),
        ("zh-hant", "項目可能仍需的專業服務"),
        ("zh-hans", "项目可能仍需的专业服务"),
    ],
)
def test_page_and_api(client, deal, lang, heading):
    interest, firms, owner, investor = deal
    client.force_login(owner)
    html = client.get(f"/{lang}/partnering/interests/{interest.pk}/").content.decode()
    assert heading in html and firms[("legal", "hong_kong")].get_absolute_url().split("/", 2)[2] in html
    listed = client.get(f"/api/v1/interests/{interest.pk}/providers", HTTP_ACCEPT_LANGUAGE=lang).json()
    rows = listed["items"]
    assert listed["count"] == len(rows)
    assert firms[("legal", "hong_kong")].pk in [r["id"] for r in rows] and all(r["reasons"] for r in rows)
    client.logout()
    assert client.get(f"/api/v1/interests/{interest.pk}/providers").status_code == 401
