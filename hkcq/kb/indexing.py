"""An entry's index terms: what the search reads, computed whenever an entry is written.

``Entry.save`` stores ``entry_fields_terms(entry)`` in ``index_terms`` with the
``ANALYZER_VERSION`` it was analysed under; ``hkcq.kb.search`` only reads them (and analyses in
memory an entry stored under an older version until ``services.entries_reindex`` rewrites it).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hkcq.core import search as core_search
from hkcq.core.search import default_analyzer
from hkcq.core.translated import EN, HANS, HANT, TText

if TYPE_CHECKING:
    from hkcq.kb.models import Entry

FIELD_WEIGHTS = {"title": 3.0, "questions": 2.5, "body": 1.0, "subject": 3.0}

# What an entry is about: the glossary's ideas (concepts, not facets such as places or "how
# much") that its title or its question forms name, searched as terms of a field of their own
# ("~@home_return_permit"). A question's idea matches them in the entries about it, with the
# idf of being about it: the Home Return Permit is mentioned (as an identity document) in most
# entries, so its concept alone says little, but few entries are about it; without this, an
# entry that mentions it twice and shares the question's other words ("renew", "expire": the
# Residence Permit's renewal) outranked the entry about renewing it. Derived when the index is
# built (``index_fields``), from the fields the index is given, so a benchmark that holds a
# question form out of its entry also holds out its ideas. Its weight (as the title's) was chosen
# on the held-out question forms (bench/kb_search.py): MRR@10 0.853 without it, 0.864 at 0.5,
# 0.872 at 1, 0.870 at 2, 0.874 at 3, 0.871 at 4, 0.869 at 6.
SUBJECT_PREFIX = core_search.CONCEPT_PREFIX + "@"
SUBJECT_FIELDS = ("title", "questions")


# Bump when the analyzer's code changes in a way that needs every entry re-analysed. Changes to
# the glossary or the stop words are noticed by themselves (they are part of the fingerprint).
# Entries analysed under another fingerprint are re-analysed before the next index is built.
# 2: fold() reads Hong Kong variant characters (衞, 枱) as their Simplified forms.
ANALYZER_CODE_VERSION = 2


def _fingerprint() -> int:
    parts = [
        str(ANALYZER_CODE_VERSION),
        core_search.GLOSSARY_PATH.read_text(encoding="utf-8"),
        " ".join(sorted(core_search.ZH_STOPWORDS)),
        " ".join(sorted(core_search.EN_STOPWORDS)),
        repr(sorted(FIELD_WEIGHTS.items())),
    ]
    return zlib.crc32("\n".join(parts).encode()) & 0x7FFFFFFF


ANALYZER_VERSION = _fingerprint()


def entry_fields_terms(entry: Entry) -> dict[str, list[str]]:
    """The analysed fields of an entry, all three languages together."""
    analyzer = default_analyzer()

    def terms_of(value: Any) -> list[str]:
        t = TText.from_json(value)
        # Simplified is the folded form of Traditional: analysing both would count words twice.
        texts = [t.get(EN), t.get(HANT) or t.get(HANS)]
        out: list[str] = []
        for text in texts:
            if text:
                out.extend(analyzer.analyze(text))
        return out

    return {
        "title": terms_of(entry.title),
        "questions": terms_of(entry.question_forms),
        "body": terms_of(entry.body),
    }


def subject_terms(fields: Mapping[str, Sequence[str]]) -> list[str]:
    """The subject terms of an entry's analysed fields: one per concept (not a facet) that its
    title or question forms have, in order of first appearance."""
    facets = default_analyzer().glossary.facets
    prefix = core_search.CONCEPT_PREFIX
    seen: dict[str, None] = {}
    for name in SUBJECT_FIELDS:
        for term in fields.get(name) or ():
            if term.startswith(prefix) and not term.startswith(SUBJECT_PREFIX) and term[len(prefix) :] not in facets:
                seen.setdefault(SUBJECT_PREFIX + term[len(prefix) :], None)
    return list(seen)


def index_fields(fields: Mapping[str, Sequence[str]]) -> dict[str, Sequence[str]]:
    """What the search index is given for an entry: its analysed fields and its subject."""
    return {**fields, "subject": subject_terms(fields)}


def entry_index(entry: Entry) -> None:
    """Set ``entry``'s index terms from its current texts (called on every save)."""
    entry.index_terms = entry_fields_terms(entry)
    entry.index_version = ANALYZER_VERSION
