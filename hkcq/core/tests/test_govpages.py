"""The pages a government site carries (privacy policy, accessibility statement, contact,
important notices): in the three languages, with a "last revised" date, linked from every page's
footer."""

from __future__ import annotations

import pytest

PAGES = ("privacy", "accessibility", "contact", "notices")
REVISED = {
    "en": 'Last revised: <time datetime="2026-12-05">5 December 2026</time>',
    "zh-hant": '最後修訂日期：<time datetime="2026-12-05">2026年12月5日</time>',
    "zh-hans": '最后修订日期：<time datetime="2026-12-05">2026年12月5日</time>',
}
# What each page must say, in each language (a heading or phrase of each required part).
MUST_SAY = {
    "privacy": {
        "en": [
            "What we collect",
            "Why we collect it",
            "Who sees it",
            "How long we keep it",
            "Seeing and correcting your data",
            "Cap. 486",
        ],
        "zh-hant": ["我們收集的資料", "收集目的", "誰可查閱", "保存期限", "查閱及改正資料", "第486章"],
        "zh-hans": ["我们收集的信息", "收集目的", "谁可以查阅", "保存期限", "查阅和更正信息", "个人信息保护法"],
    },
    "accessibility": {
        "en": ["WCAG", "2.1", "level AA", "Known limitations", "Tell us about a problem"],
        "zh-hant": ["WCAG", "2.1 AA", "已知的限制", "告訴我們遇到的問題"],
        "zh-hans": ["WCAG", "2.1 AA", "已知的限制", "告诉我们遇到的问题"],
    },
    "contact": {
        "en": ["send an enquiry", "Hong Kong side", "Chongqing side"],
        "zh-hant": ["提出查詢", "香港方面", "重慶方面"],
        "zh-hans": ["提出咨询", "香港方面", "重庆方面"],
    },
    "notices": {
        "en": ["Disclaimer", "Copyright", "Links to other websites"],
        "zh-hant": ["免責聲明", "版權", "其他網站的連結"],
        "zh-hans": ["免责声明", "版权", "其他网站的链接"],
    },
}


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_in_each_language_with_its_revision_date(client, db, page, language):
    response = client.get(f"/{language}/{page}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert REVISED[language] in html
    for phrase in MUST_SAY[page][language]:
        assert phrase in html, phrase


@pytest.mark.parametrize("path", ["/en/", "/zh-hant/areas/", "/zh-hans/suggestions/new/", "/en/enquiries/new/"])
def test_every_page_links_to_them_from_its_footer(client, db, path):
    html = client.get(path).content.decode()
    footer = html[html.index("<footer") :]
    language = path.split("/")[1]
    for page in PAGES:
        assert f'href="/{language}/{page}/"' in footer


def test_the_secretariats_mailbox_or_a_marked_placeholder(client, db, settings):
    settings.SECRETARIAT_EMAIL = ""
    html = client.get("/en/contact/").content.decode()
    assert "placeholder-to-fill" in html and "to be filled in by the secretariat" in html
    settings.SECRETARIAT_EMAIL = "secretariat@example.gov.hk"
    html = client.get("/zh-hant/privacy/").content.decode()
    assert 'href="mailto:secretariat@example.gov.hk"' in html
    # No invented telephone numbers: every number on the contact page is a placeholder.
    import re

    for language in ("en", "zh-hant", "zh-hans"):
        text = client.get(f"/{language}/contact/").content.decode()
        assert not re.search(r"\+?852[ -]?\d{4}|\+?86[ -]?23|\(023\)|\d{4}[ -]\d{4}", text)
