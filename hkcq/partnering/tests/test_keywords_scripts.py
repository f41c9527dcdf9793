"""An opportunity's keywords are kept as typed, in one Chinese script, but found and shown across
scripts like the rest of the platform (found by the new-user trial: keywords typed in Traditional
were not found from Simplified, and shown in Traditional on Simplified pages)."""

import pytest

from hkcq.partnering.selectors import MarketFilters, marketplace
from hkcq.partnering.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

# 衞 and 枱 are the Hong Kong forms of 衛 and 檯.
KEYWORDS = "衞生用品, 櫃枱設計, 冷鏈倉儲"
SHOWN = {"en": KEYWORDS, "zh-hant": KEYWORDS, "zh-hans": "卫生用品, 柜台设计, 冷链仓储"}


@pytest.fixture
def opportunity(db):
    return OpportunityFactory(keywords=KEYWORDS)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["卫生用品", "衞生用品", "衛生用品", "柜台设计", "櫃枱設計", "冷链仓储"])
def test_keywords_typed_in_traditional_are_found_in_either_script(opportunity, query):
    assert list(marketplace(MarketFilters(q=query))) == [opportunity]


@pytest.mark.django_db
def test_keywords_typed_in_simplified_are_found_from_traditional(db):
    opportunity = OpportunityFactory(keywords="卫生用品, 柜台设计")
    assert list(marketplace(MarketFilters(q="衞生用品"))) == [opportunity]
    assert list(marketplace(MarketFilters(q="櫃檯設計"))) == [opportunity]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_keywords_are_shown_in_the_readers_script(client, opportunity, lang):
    html = client.get(f"/{lang}/partnering/opportunities/{opportunity.pk}/").content.decode()
    assert f'<dd class="col-sm-9">{SHOWN[lang]}</dd>' in html


@pytest.mark.django_db
def test_keywords_typed_in_simplified_are_shown_in_traditional(client):
    opportunity = OpportunityFactory(keywords="供应链金融, 贸易融资")
    html = client.get(f"/zh-hant/partnering/opportunities/{opportunity.pk}/").content.decode()
    assert '<dd class="col-sm-9">供應鏈金融, 貿易融資</dd>' in html


@pytest.mark.django_db
def test_the_market_search_page_finds_them_across_scripts(client, opportunity):
    html = client.get("/zh-hans/partnering/?q=卫生用品").content.decode()
    assert opportunity.get_absolute_url() in html
