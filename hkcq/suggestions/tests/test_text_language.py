"""A published suggestion is tagged with the language it is written in, not the language of the
page it was sent from: English typed on the Chinese page is lang="en", Chinese sent from the
English page zh-Hant or zh-Hans (the ``lang`` of shown text matches the text, found by the
new-user trial)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hkcq.suggestions.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sent_from", "title", "text", "lang"),
    [
        ("zh-hant", "More cross-border buses", "Please run more buses to Chongqing.", "en"),
        ("en", "增加跨境巴士班次", "請增加往重慶的巴士班次。", "zh-Hant"),
        ("en", "增加跨境巴士班次", "请增加往重庆的巴士班次。", "zh-Hans"),
    ],
)
def test_a_suggestion_is_tagged_with_the_language_it_is_written_in(db, sent_from, title, text, lang):
    suggestion = SuggestionFactory(language=sent_from, title=title, text=text)
    for page in ("en", "zh-hant", "zh-hans"):
        html = Client().get(f"/{page}/suggestions/{suggestion.reference}/").content.decode()
        assert re.search(rf'<div lang="{lang}"><p>{re.escape(text)}</p>', html), page
