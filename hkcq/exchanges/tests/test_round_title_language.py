"""A round's title typed in one box is kept in the language it is written in, and shown with
that language's ``lang`` wherever it falls back (the new-user trial found a Chinese placement
round's title tagged lang="en"): the round page, the list of rounds, the page's <title> without
markup."""

from __future__ import annotations

import re

import pytest

from hkcq.core.translated import EN, HANS, HANT
from hkcq.exchanges import services
from hkcq.exchanges.models import Round
from hkcq.exchanges.tests.factories import round_areas  # noqa: F401 - the fixture
from hkcq.exchanges.tests.test_rounds import DOC

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name

TITLES = {"zh-Hant": "二〇二七年暑期實習配對", "zh-Hans": "二〇二七年暑期实习配对"}


def _tags(html: str, title: str) -> list[str]:
    """The lang of the elements whose text is exactly ``title`` (none: the page's own)."""
    return re.findall(r'<(?:span|div) lang="([^"]+)">' + re.escape(title) + "<", html)


@pytest.mark.parametrize(("written", "key"), [("zh-Hant", HANT), ("zh-Hans", HANS)])
def test_a_chinese_title_typed_in_one_box_is_kept_and_tagged_as_chinese(client, officer_tdc, written, key):
    title = TITLES[written]
    round_ = services.round_create(user=officer_tdc, data={**DOC, "title": title})
    round_.refresh_from_db()
    assert round_.title.get(key) == title and not round_.title.get(EN)
    client.force_login(officer_tdc)
    # The English page falls back to Traditional Chinese (a Simplified title's conversion), and says so.
    shown = TITLES["zh-Hant"]
    for path in (f"/en/rounds/{round_.pk}/", "/en/rounds/"):
        html = client.get(path).content.decode()
        body = html.split("<body", 1)[1]
        assert set(_tags(body, shown)) == {"zh-Hant"}, path
        assert len(_tags(body, shown)) == body.count(shown), f"{path}: every occurrence tagged"
    head = client.get(f"/en/rounds/{round_.pk}/").content.decode().split("</title>", 1)[0].split("<title>", 1)[1]
    assert shown in head and "<" not in head, "the <title> holds text, not a tagged span"
    # On the page of its own language it is not tagged at all (the page's lang is right).
    own = client.get(f"/{written.lower()}/rounds/{round_.pk}/").content.decode()
    assert _tags(own, title) == []


def test_a_chinese_title_stored_as_english_before_is_read_as_chinese(client, officer_tdc):
    round_ = services.round_create(user=officer_tdc, data=DOC)
    Round.objects.filter(pk=round_.pk).update(title={"en": TITLES["zh-Hant"], "origin": {"en": "human"}})
    client.force_login(officer_tdc)
    html = client.get(f"/en/rounds/{round_.pk}/").content.decode()
    assert "zh-Hant" in _tags(html, TITLES["zh-Hant"]) and "en" not in _tags(html, TITLES["zh-Hant"])
    hans = client.get(f"/zh-hans/rounds/{round_.pk}/").content.decode()
    assert TITLES["zh-Hans"] in hans and _tags(hans, TITLES["zh-Hant"]) == []


def test_an_english_title_stays_english(officer_tdc):
    round_ = services.round_create(user=officer_tdc, data=DOC)
    round_.refresh_from_db()
    assert round_.title.get(EN) == DOC["title"] and not round_.title.get(HANT)
