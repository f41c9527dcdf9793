"""The site's one search: every kind registered by the apps, grouped, with a way onward to the
consulting service (hkcq.core.sitesearch)."""

from __future__ import annotations

import re

import pytest

from hkcq.core import sitesearch
from hkcq.kb.models import Entry
from hkcq.kb.tests.factories import EntryFactory
from hkcq.registry.models import Measure
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory
from hkcq.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def permits(db):
    """Two answers of the knowledge base: renewing a Home Return Permit, applying for a residence
    permit, each in the three languages."""
    return [
        EntryFactory.create(
            title={
                "en": "Renewing a Home Return Permit",
                "zh-hant": "續領回鄉證",
                "zh-hans": "续领回乡证",
            },
            body={
                "en": "Renew your Home Return Permit (Mainland Travel Permit) at any Chongqing exit-entry office.",
                "zh-hant": "你可在重慶任何出入境辦事處續領回鄉證（港澳居民來往內地通行證）。",
                "zh-hans": "你可在重庆任何出入境办事处续领回乡证（港澳居民来往内地通行证）。",
            },
        ),
        EntryFactory.create(
            title={
                "en": "Applying for a residence permit",
                "zh-hant": "申領居住證",
                "zh-hans": "申领居住证",
            },
            body={
                "en": "Hong Kong residents living in Chongqing may apply for a residence permit.",
                "zh-hant": "在重慶居住的香港居民可申領居住證。",
                "zh-hans": "在重庆居住的香港居民可申领居住证。",
            },
        ),
    ]


@pytest.fixture
def ceramics(db):
    """An area named Ceramics (陶瓷, one form in both scripts) with two measures, and a measure of
    another area whose own text says "ceramics"."""
    area = AreaFactory.create(name={"en": "Ceramics", "zh-hant": "陶瓷", "zh-hans": "陶瓷"})
    own = [MeasureFactory.create(area=area) for _n in range(2)]
    other = MeasureFactory.create(
        title={"en": "A joint exhibition of ceramics and lacquer", "zh-hant": "聯合展覽", "zh-hans": "联合展览"}
    )
    return area, own, other


def _groups(html: str) -> list[str]:
    return re.findall(r'data-kind="([a-z_]+)"', html)


def _entry_slugs(html: str) -> set[str]:
    return set(re.findall(r'href="/[a-z-]+/help/entries/([^/"]+)/"', html))


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "Home Return Permit"),
        ("zh-hant", "回鄉證"),
        ("zh-hans", "回乡证"),
        ("en", "回鄉證"),
        ("zh-hans", "居住证"),
    ],
)
def test_the_header_search_finds_knowledge_base_answers(permits, client, lang, query):
    html = client.get(f"/{lang}/search/", {"q": query}).content.decode()
    assert "kb" in _groups(html), (lang, query)
    slugs = _entry_slugs(html)
    assert slugs, (lang, query)
    offered = set(Entry.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    assert offered == slugs


def test_an_area_name_finds_every_measure_of_the_area_and_others_that_say_it(ceramics, client):
    area, own, other = ceramics
    assert set(Measure.objects.filter(area=area)) == set(own)
    html = client.get("/en/search/", {"q": "ceramics"}).content.decode()
    for measure in own:
        assert f'href="{measure.get_absolute_url()}"' in html, measure.code
    # A measure of another area found by its own text ("ceramics") is still found.
    assert "ceramics" in other.search_text and other.area != area
    assert f'href="{other.get_absolute_url()}"' in html, other.code


@pytest.mark.parametrize(("lang", "query"), [("zh-hant", "陶瓷"), ("zh-hans", "陶瓷"), ("en", "陶瓷")])
def test_area_names_find_their_measures_in_chinese(ceramics, client, lang, query):
    area, own, _other = ceramics
    html = client.get(f"/{lang}/search/", {"q": query}).content.decode()
    for measure in own:
        assert f'href="{measure.get_absolute_url()}"' in html, (lang, measure.code)


def test_questions_put_knowledge_base_answers_first_keywords_keep_the_registry_first(permits, client):
    MeasureFactory.create(title={"en": "Commercial arbitration between the two sides", "zh-hant": "商事仲裁"})
    question = client.get("/en/search/", {"q": "How do I renew my Home Return Permit?"}).content.decode()
    assert _groups(question)[0] == "kb"
    assert sitesearch.is_question("回鄉證點樣續期？")
    assert sitesearch.is_question("回乡证怎么办理")
    assert not sitesearch.is_question("arbitration")
    keywords = client.get("/en/search/", {"q": "arbitration"}).content.decode()
    kinds = _groups(keywords)
    assert "measure" in kinds
    if "kb" in kinds:
        assert kinds.index("kb") == 0  # knowledge base is listed first by its order too
    order = [p.kind for p in sitesearch.providers()]
    assert order.index("kb") < order.index("area") < order.index("measure") < order.index("suggestion")


@pytest.mark.parametrize("query", ["Home Return Permit", "nothing-matches-this-zzz", "arbitration"])
def test_every_search_offers_the_consulting_service(client, query):
    html = client.get("/zh-hant/search/", {"q": query}).content.decode()
    assert 'id="search-onward"' in html
    assert "/zh-hant/help/ask/?q=" in html and "/zh-hant/enquiries/new/?q=" in html


def test_published_suggestions_are_found_and_pending_ones_are_not(client, secretariat_hk):
    from hkcq.suggestions import services

    moderator = secretariat_hk
    text = "Please open more cross-boundary coach routes from Chongqing to Kowloon."
    published = services.suggestion_submit(title="Coach routes to Kowloon", text=text, user=None, language="en")
    title, public_text = services.redaction_proposal(published)
    services.suggestion_approve(
        user=moderator, suggestion=published, public_title=title, public_text=public_text, area=None
    )
    pending = services.suggestion_submit(title="More coach routes to Kowloon", text=text, user=None, language="en")
    published.refresh_from_db()
    pending.refresh_from_db()
    assert published.state == Suggestion.State.PUBLISHED and pending.state == Suggestion.State.PENDING
    html = client.get("/en/search/", {"q": "coach routes Kowloon"}).content.decode()
    assert "suggestion" in _groups(html)
    assert published.get_absolute_url() in html
    assert "More coach routes" not in html and pending.tracking_token not in html


def test_a_new_kind_registers_without_changing_core(client):
    def find(query, language, user, limit):
        return (
            [sitesearch.Result(title="Matching fair", url="/en/events/1/", translated=False)] if "fair" in query else []
        )

    sitesearch.register(sitesearch.Provider("event", lambda: "Events", find, order=70))
    try:
        html = client.get("/en/search/", {"q": "fair"}).content.decode()
        assert "event" in _groups(html) and "Matching fair" in html
    finally:
        sitesearch.unregister("event")
    assert "event" not in _groups(client.get("/en/search/", {"q": "fair"}).content.decode())
