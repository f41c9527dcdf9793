"""An entry's index terms: what the search reads, computed whenever an entry is written.

``Entry.save`` stores ``entry_fields_terms(entry)`` in ``index_terms`` with the
``ANALYZER_VERSION`` it was analysed under; ``hkcq.kb.search`` only reads them (and analyses in
memory an entry stored under an older version until ``services.entries_reindex`` rewrites it).
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from hkcq.core import search as core_search
from hkcq.core.search import default_analyzer
from hkcq.core.translated import EN, HANS, HANT, TText

if TYPE_CHECKING:
    from hkcq.kb.models import Entry

FIELD_WEIGHTS = {"title": 3.0, "questions": 2.5, "body": 1.0}


# Bump when the analyzer's code changes in a way that needs every entry re-analysed. Changes to
# the glossary or the stop words are noticed by themselves (they are part of the fingerprint).
# Entries analysed under another fingerprint are re-analysed before the next index is built.
ANALYZER_CODE_VERSION = 1


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


def entry_index(entry: Entry) -> None:
    """Set ``entry``'s index terms from its current texts (called on every save)."""
    entry.index_terms = entry_fields_terms(entry)
    entry.index_version = ANALYZER_VERSION
