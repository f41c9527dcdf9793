"""Text in three languages carries the ``lang`` of the language actually shown. ``{% ttext %}``
tags a text that falls back to another language (a title written only in Chinese on the English
page is ``lang="zh-Hant"``); ``|tt`` gives the bare text and so may only be used where markup
cannot go: the page's <title>, an <option>, an attribute. The new-user trial found a Chinese
round title tagged as English, and meeting places, report lines and unit names shown untagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from hkcq.core.translated import TText, text_language

ROOT = Path(__file__).resolve().parents[2]
BARE = re.compile(r"{{\s*[\w.]+\|tt\b|\b\w+=[\w.]+\|tt\b")
# Where markup cannot go, so the bare text is right.
NO_MARKUP = [
    re.compile(r"{%\s*block title\s*%}.*?{%\s*endblock\s*%}", re.S),
    re.compile(r"<title>.*?</title>", re.S),
    re.compile(r"<option\b.*?</option>", re.S),
    re.compile(r"<textarea\b.*?</textarea>", re.S),
    re.compile(r"<[a-zA-Z][^<>]*?(?:{[{%][^}]*[}%]}[^<>]*?)*>"),  # a tag's attributes
]


def bare_texts(source: str) -> list[int]:
    spans = [m.span() for pattern in NO_MARKUP for m in pattern.finditer(source)]
    return [
        source.count("\n", 0, m.start()) + 1
        for m in BARE.finditer(source)
        if not any(a <= m.start() < b for a, b in spans)
    ]


def test_the_check_finds_a_bare_text_in_the_body():
    assert bare_texts("<p>{{ meeting.place|tt }}</p>") == [1]
    assert bare_texts("{% blocktranslate with name=cycle.name|tt %}{{ name }}{% endblocktranslate %}") == [1]
    assert not bare_texts("{% block title %}{{ area.name|tt }}{% endblock %}")
    assert not bare_texts('<option value="1">{{ a.name|tt }}</option>')
    assert not bare_texts('<a aria-label="{{ a.name|tt }}" href="/">x</a>')


def test_every_template_shows_translated_text_with_its_language():
    found = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        for line in bare_texts(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert not found, "translated text shown without its language (use {% ttext %}): " + ", ".join(found)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Summer internships", "en"),
        ("暑期實習配對", "zh-hant"),
        ("暑期实习配对", "zh-hans"),
        ("重慶物流有限公司", "zh-hant"),
        ("Hong Kong (香港)", "en"),
    ],
)
def test_the_language_of_a_text_typed_in_one_box(text, language):
    assert text_language(text) == language


@pytest.mark.parametrize(("page", "tag"), [("en", "zh-Hant"), ("zh-hant", None), ("zh-hans", None)])
def test_a_text_written_only_in_chinese_is_tagged_chinese_where_it_falls_back(page, tag):
    template = Template("{% load hkcq %}{% ttext value %}|{% ttext value as shown %}{{ shown }}")
    for value in (TText.typed("重慶物流園區"), {"en": "重慶物流園區", "origin": {"en": "human"}}):
        with translation.override(page):
            html = template.render(Context({"value": value}))
        if tag is None:
            assert "lang=" not in html
        else:
            assert html.count(f'lang="{tag}"') == 2 and 'lang="en"' not in html
