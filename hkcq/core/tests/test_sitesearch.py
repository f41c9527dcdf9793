"""The site's one search: every kind registered by the apps, grouped, with a way onward to the
consulting service (hkcq.core.sitesearch)."""

from __future__ import annotations

import re

import pytest

from hkcq.core import sitesearch
from hkcq.kb.models import Entry
from hkcq.registry.models import Measure
from hkcq.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db


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
def test_the_header_search_finds_knowledge_base_answers(defaults, client, lang, query):
    html = client.get(f"/{lang}/search/", {"q": query}).content.decode()
    assert "kb" in _groups(html), (lang, query)
    slugs = _entry_slugs(html)
    assert slugs, (lang, query)
    offered = set(Entry.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    assert offered == slugs


def test_finance_finds_every_measure_of_the_finance_area_and_others_that_say_it(defaults, client):
    finance = Measure.objects.filter(area__ext_id="finance")
    assert finance.count() >= 2
    html = client.get("/en/search/", {"q": "finance"}).content.decode()
    for measure in finance:
        assert f'href="{measure.get_absolute_url()}"' in html, measure.code
    # A measure of another area found by its own text ("financial", "finance") is still found.
    others = [m for m in Measure.objects.exclude(area__ext_id="finance") if "financ" in m.search_text]
    assert others
    for measure in others:
        assert f'href="{measure.get_absolute_url()}"' in html, measure.code


@pytest.mark.parametrize(("lang", "query"), [("zh-hant", "金融"), ("zh-hans", "金融"), ("en", "金融")])
def test_area_names_find_their_measures_in_chinese(defaults, client, lang, query):
    html = client.get(f"/{lang}/search/", {"q": query}).content.decode()
    for measure in Measure.objects.filter(area__ext_id="finance"):
        assert f'href="{measure.get_absolute_url()}"' in html, (lang, measure.code)


def test_questions_put_knowledge_base_answers_first_keywords_keep_the_registry_first(defaults, client):
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
def test_every_search_offers_the_consulting_service(defaults, client, query):
    html = client.get("/zh-hant/search/", {"q": query}).content.decode()
    assert 'id="search-onward"' in html
    assert "/zh-hant/help/ask/?q=" in html and "/zh-hant/enquiries/new/?q=" in html


def test_published_suggestions_are_found_and_pending_ones_are_not(defaults, client):
    from hkcq.accounts.models import User
    from hkcq.suggestions import services

    moderator = User.objects.get(username="demo-secretariat-hk")
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


def test_a_new_kind_registers_without_changing_core(defaults, client):
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
