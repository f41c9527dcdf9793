"""Text analysis of the partnering service: the platform's trilingual analyzer
(``hkcq.core.search.Analyzer``: script folding, jieba, stemming, concept terms) with a glossary of
business words, so "supply-chain finance" meets 供應鏈金融 and 供应链金融. Imports no model."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hkcq.core.search import CONCEPT_PREFIX, Analyzer
from hkcq.core.text import has_cjk, to_simplified, to_traditional

GLOSSARY = Path(__file__).resolve().parent / "data" / "glossary.yaml"
# Words every opportunity of the service says: they tell nothing about what it is about.
_GENERIC = {CONCEPT_PREFIX + "chongqing", CONCEPT_PREFIX + "hong-kong"}


@lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    return Analyzer(glossary_path=GLOSSARY)


def terms(text: str) -> list[str]:
    """The distinct terms that say what ``text`` is about: concept terms (language-neutral) and
    the words no glossary phrase covers, in the order found."""
    out = [t for t in analyzer().concepts(text) if t not in _GENERIC]
    return list(dict.fromkeys(out))


def concept_label(term: str, lang: str) -> str:
    """A concept term in the reader's language (the glossary's first word in it), or the term."""
    if not term.startswith(CONCEPT_PREFIX):
        if lang == "zh-hant" and has_cjk(term):
            return to_traditional(term)
        return term
    words = analyzer().glossary.groups.get(term[len(CONCEPT_PREFIX) :], [])
    if lang == "en":
        found = next((w for w in words if not has_cjk(w)), None)
    else:
        found = next((w for w in words if has_cjk(w)), None)
        if found is not None and lang == "zh-hans":
            found = to_simplified(found)
    return found or term[len(CONCEPT_PREFIX) :]
