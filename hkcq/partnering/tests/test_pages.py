import pytest

from hkcq.partnering.models import OrganisationProfile
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(facilitator_hk):
    user, profile = verified_member("hong_kong", facilitator_hk, sector="banking-supply-chain-finance")
    profile.contacts.create(name="Hidden Person", email="hidden@example.org", phone="+852 9876 5432")
    return published(
        facilitator_hk,
        post(
            user,
            profile,
            type="business_offer",
            title={"en": "Supply-chain finance", "zh-hant": "供應鏈金融"},
            description={"en": "Supply chain finance for logistics firms."},
            sector="banking-supply-chain-finance",
        ),
    )


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Partnering marketplace"), ("zh-hant", "合作配對市場"), ("zh-hans", "合作对接市场")]
)
def test_marketplace_in_three_languages(client, offer, lang, heading):
    page = client.get(f"/{lang}/partnering/")
    assert page.status_code == 200
    html = page.content.decode()
    assert heading in html
    assert offer.get_absolute_url().split("/", 2)[2] in html
    assert "hidden@example.org" not in html


def test_empty_marketplace_says_how_to_take_part(client):
    html = client.get("/en/partnering/?q=nothing-matches-this").content.decode()
    assert "No published opportunity matches" in html and "How to take part" in html


def test_public_pages_never_show_contacts(client, offer):
    for url in (
        f"/en/partnering/opportunities/{offer.pk}/",
        f"/en/partnering/organisations/{offer.profile_id}/",
        "/en/partnering/organisations/",
    ):
        html = client.get(url).content.decode()
        assert "hidden@example.org" not in html and "9876" not in html, url


def test_search_across_scripts(client, offer):
    for q in ("供应链金融", "供應鏈金融", "supply chain finance", "我哋要supply-chain finance"):
        assert offer.get_absolute_url().split("/", 2)[2] in client.get("/en/partnering/", {"q": q}).content.decode(), q


def test_create_a_profile_through_the_form(client, resident):
    client.force_login(resident)
    response = client.post(
        "/zh-hant/partnering/organisations/new/",
        {
            "name_0": "",
            "name_1": "霧都物流",
            "name_2": "",
            "side": "chongqing",
            "kind": "enterprise",
            "sector": "",
            "size": "small",
            "city_1": "重慶",
            "languages": ["cmn"],
            "description_1": "重慶物流公司。",
        },
    )
    assert response.status_code == 200
    assert "請從清單選擇行業。" in response.content.decode() or "行業" in response.content.decode()
    assert not OrganisationProfile.objects.filter(search_text__contains="雾都物流").exists()


def test_the_facilitators_desk_is_for_facilitators(client, facilitator_cq, member):
    client.force_login(member)
    assert client.get("/en/partnering/review/").status_code == 403
    client.force_login(facilitator_cq)
    assert client.get("/en/partnering/review/").status_code == 200
