"""Text analysis and ranking shared by every app that searches or groups free text.

``analyze(text)`` turns English, Traditional or Simplified Chinese, colloquial Cantonese and
code-switched writing ("我想renew個回鄉證") into one stream of comparable terms:

1. ``fold``: NFKC width folding, case folding, Traditional → Simplified (OpenCC), so every
   script variant of a word becomes the same term;
2. Latin runs: stop words dropped, a light English stemmer (plurals, -ing, -ed …);
3. Chinese runs: jieba (search mode) with a custom dictionary of domain terms and of every
   Chinese glossary term, function words and Cantonese particles dropped; where jieba falls
   back to single characters, their character bigrams are added, so unknown words still match;
4. the synonym glossary (data in ``hkcq/core/data/glossary.yaml``): every glossary phrase found
   adds a concept term ``~<group>`` shared by all its synonyms in both languages, so
   "Home Return Permit", 回鄉證 and 回乡证 meet.

``Index`` is a BM25F index over any documents made of weighted fields of analysed terms; it
corrects misspelt query words against its own vocabulary (edit distance, trigram candidates).
Nothing here knows about a particular app.

The parts, one idea each: ``analysis`` (folding, segmentation, stemming, the glossary and
``Analyzer``), ``stopwords`` (the English and Chinese stop words), ``index`` (the BM25F ``Index``,
its spelling tolerance and the memory-mapped ``StoredIndex``), ``storage`` (the stored index's file
layout: hashed string tables over mapped arrays) and ``grouping`` (``group_similar``). Callers
import from ``hkcq.core.search`` itself.
"""

from hkcq.core.search.analysis import (
    CONCEPT_PREFIX,
    DATA_DIR,
    GLOSSARY_PATH,
    Analyzer,
    Glossary,
    analyze,
    default_analyzer,
    stem,
)
from hkcq.core.search.grouping import group_similar
from hkcq.core.search.index import Hit, Index, StoredIndex, edit_distance
from hkcq.core.search.stopwords import EN_STOPWORDS, ZH_STOP_PHRASES, ZH_STOPWORDS

__all__ = [
    "CONCEPT_PREFIX",
    "DATA_DIR",
    "EN_STOPWORDS",
    "GLOSSARY_PATH",
    "ZH_STOPWORDS",
    "ZH_STOP_PHRASES",
    "Analyzer",
    "Glossary",
    "Hit",
    "Index",
    "StoredIndex",
    "analyze",
    "default_analyzer",
    "edit_distance",
    "group_similar",
    "stem",
]
