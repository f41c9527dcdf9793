"""The home page's way in for residents."""

import pytest

from hkcq.registry.tests.factories import AreaFactory


@pytest.mark.parametrize(
    ("lang", "heading", "ask"),
    [
        ("en", "Consulting service for Hong Kong residents in Chongqing", "Ask a question"),
        ("zh-hant", "在渝香港居民諮詢服務", "提出問題"),
        ("zh-hans", "在渝香港居民咨询服务", "提出问题"),
    ],
)
def test_the_home_page_invites_residents_to_ask_or_follow_an_enquiry(db, client, lang, heading, ask):
    AreaFactory.create()
    html = client.get(f"/{lang}/").content.decode()
    cta = html.partition('class="card mb-4 resident-cta"')[2].partition("</section>")[0]
    assert heading in cta and f">{ask}</button>" in cta
    assert f'<form method="get" action="/{lang}/help/ask/" role="search"' in cta and 'name="q"' in cta
    assert f'href="/{lang}/enquiries/find/"' in cta
    # ahead of the co-operation areas
    assert html.index("resident-cta") < html.index('id="areas-heading"')
