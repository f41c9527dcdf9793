"""A history line in Chinese had a half-width space before its full-width bracket
("已更改：標題 （由陳大文）"): the template joined the line's parts by its own line breaks. The
line is now joined in ``core.history`` (``HistoryEntry.attribution``) with the punctuation of the
reader's language. Built with factories only (no default data)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hkcq.core.history import FieldChange, HistoryEntry
from hkcq.exchanges.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINES = {
    "en": "Changed: title (by Tai Man Chan) — typo",
    "zh-hant": "（由Tai Man Chan）——typo",
    "zh-hans": "（由Tai Man Chan）——typo",
}


def _line(lang: str, *, reason: str = "typo", user: bool = True) -> str:
    entry = HistoryEntry(
        when=timezone.make_aware(dt.datetime(2026, 12, 5, 10, 0)),
        kind="~",
        kind_label="Changed" if lang == "en" else "已更改",
        user=UserFactory(first_name="Tai Man", last_name="Chan") if user else None,
        reason=reason,
        changes=[FieldChange("title", "title" if lang == "en" else "標題", "a", "b")],
    )
    with translation.override(lang):
        html = render_to_string("_history.html", {"history": [entry], "show_change_details": True})
    item = html.split("<li", 1)[1].split("<table", 1)[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", "<" + item))).strip()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_history_line_is_joined_by_its_languages_punctuation(lang):
    line = _line(lang)
    assert LINES[lang] in line, line
    if lang != "en":
        assert not re.search(r"\s[（）——]", line), line  # no half-width space before a full-width mark
        assert "標題（由" in line, line


@pytest.mark.parametrize("lang", ["zh-hant", "zh-hans"])
def test_a_line_without_a_person_or_a_reason_has_no_stray_marks(lang):
    line = _line(lang, reason="", user=False)
    assert line.endswith("已更改：標題"), line
