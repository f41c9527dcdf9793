"""Answer snippets start where a sentence starts, in every language."""

import re

import pytest

from hkcq.core.text import fold
from hkcq.core.translated import TText
from hkcq.kb.models import Entry
from hkcq.kb.search import ask, snippet_for

SENTENCE_END = "。！？.!?」』”’）"
# The pieces of a body between every mark that might be taken for a sentence end: semicolons
# and enumeration commas separate items of one sentence, so a snippet must not start at them.
PIECES = re.compile(r"[；;、。！？.!?\n]")


def _starts_a_sentence(body: str, snippet: str) -> bool:
    start = body.find(snippet.rstrip("…")[:20])
    assert start >= 0, snippet
    before = body[:start].rstrip()
    return not before or before[-1] in SENTENCE_END


@pytest.mark.seed  # over every sample entry's answer
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_snippet_starts_at_the_start_of_a_sentence_wherever_the_best_words_are(defaults, lang):
    """Every piece of every entry is made the best match in turn (its first words are the
    query's): the snippet still starts at the start of the sentence around it."""
    checked = 0
    for entry in Entry.objects.filter(state=Entry.State.PUBLISHED):
        body = TText.from_json(entry.body).show(lang).text
        for piece in PIECES.split(body):
            words = fold(piece.strip())[:8]
            if len(words) < 4:
                continue
            snippet = snippet_for(entry, lang, {words})
            assert _starts_a_sentence(body, snippet), (entry.slug, snippet)
            checked += 1
    assert checked > 300


@pytest.mark.seed  # the sample entry of the report
def test_the_residence_permit_answer_does_not_start_inside_its_list_of_documents(defaults):
    """The reported case: the list of documents to bring is one sentence, with its items
    separated by 「；」; the last item (以及…) was shown as if it were a sentence."""
    answer = next(a for a in ask("居住證要帶住所證明嗎", "zh-hant").answers if a.slug == "residence-permit-application")
    assert not answer.snippet.startswith("以及")
    assert _starts_a_sentence(TText.from_json(answer.entry.body).show("zh-hant").text, answer.snippet)


def test_a_decimal_point_is_not_the_end_of_a_sentence():
    entry = Entry(body={"en": "The fee is HK$2.5 million for a licence. Apply online."})
    assert snippet_for(entry, "en", {"million"}) == "The fee is HK$2.5 million for a licence. Apply online."


def test_an_edited_answer_shows_its_new_sentences_at_once():
    """The sentences are kept between questions (issue 15: splitting and folding them was half of
    a warm ask), by the answer's text: an edited answer is never shown as it was."""
    entry = Entry(body={"en": "Bring your passport. The fee is HK$100."})
    assert snippet_for(entry, "en", {"passport"}) == "Bring your passport. The fee is HK$100."
    entry.body = {"en": "Bring your identity card. Passports are no longer needed."}
    assert snippet_for(entry, "en", {"passport"}) == "Passports are no longer needed."
    assert snippet_for(entry, "en", {"identity"}) == "Bring your identity card. Passports are no longer needed."
