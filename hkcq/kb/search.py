"""Answering a question from the knowledge base: ``ask(query, language)``.

The analysed terms of each entry are stored on the entry (``Entry.index_terms``, computed on
every write by ``hkcq.kb.indexing``). From them a BM25F index of the entries offered today
(published, in force) is built once per change and stored as flat arrays
(``hkcq.core.search.Index.save``) under ``settings.KB_INDEX_DIR``, in a folder named after the
knowledge base's version (``SearchVersion``, bumped by database triggers with every write to an
entry), the date and the analyzer. Every process maps the same files read-only, so the index's
memory is shared and a new worker only maps them (milliseconds). Before each question one
primary-key read of the version says whether the mapped index is still current
(docs/decisions/0011-shared-knowledge-base-index.md). This module only reads the database.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import re
import shutil
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from hkcq.core.search import CONCEPT_PREFIX, Hit, Index, StoredIndex, default_analyzer
from hkcq.core.text import fold
from hkcq.core.translated import EN, HANS, HANT, LANGS, TText
from hkcq.kb.indexing import ANALYZER_VERSION, FIELD_WEIGHTS, SUBJECT_PREFIX, entry_fields_terms, index_fields
from hkcq.kb.models import Entry, SearchVersion
from hkcq.registry.models import Unit

if TYPE_CHECKING:
    from hkcq.kb.models import Entry
    from hkcq.registry.models import Unit

CONCEPT_WEIGHT = 1.0


# BM25 term-frequency saturation. Chosen, like the unit vote below, on the knowledge base's own
# question forms, each held out of its entry in turn and asked (bench/kb_search.py, "held-out
# question forms"), not on the labelled enquiries: an entry that repeats a question's idea
# across its fields is the better answer more often than the usual 1.2 allows. Ranking improves
# up to about 3 and is flat beyond; 3 also gave the best unit accuracy there.
K1 = 3.0

# The suggested unit: the units of the best answers vote, each answer by how close its score
# is to the best one (exp(-UNIT_VOTE_DECAY × shortfall)).
UNIT_VOTE_DEPTH = 10
UNIT_VOTE_DECAY = 3.0

# Confidence below which ``ask`` says it has no answer. Calibrated on the development set of
# enquiries as one global threshold: the middle of the range (0.12–0.16) where abstention
# accuracy is best (bench/kb_search.py reports the effect).
MIN_CONFIDENCE = 0.14

# The unit that runs the one-stop platform: a question the knowledge base does not cover goes
# to it, to answer or pass on, rather than to whichever unit owns a weakly matching entry.
FALLBACK_UNIT = "cq_hkmao"


@dataclass
class Answer:
    entry: Entry
    slug: str
    title: str
    snippet: str
    score: float


@dataclass
class AskResult:
    answers: list[Answer]
    unit: Unit | None
    answered: bool
    confidence: float = 0.0


def normalise_language(language: str | None) -> str:
    lang = (language or EN).lower().replace("_", "-")
    if lang.startswith("zh"):
        return HANS if ("hans" in lang or lang in {"zh-cn", "zh-sg"}) else HANT
    return EN


# -- the shared index ------------------------------------------------------------------------
logger = logging.getLogger(__name__)


@dataclass
class _Built:
    key: tuple[Any, ...]
    index: Index
    units: Mapping[int, int]  # entry id → unit id


class _StoredUnits(Mapping[int, int]):
    """Entry id → unit id from two stored arrays sorted by entry id."""

    def __init__(self, keys: np.ndarray, units: np.ndarray) -> None:
        self._keys, self._units = keys, units

    def __getitem__(self, key: int) -> int:
        i = int(np.searchsorted(self._keys, key))
        if i >= len(self._keys) or int(self._keys[i]) != key:
            raise KeyError(key)
        return int(self._units[i])

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self._keys)

    def __len__(self) -> int:
        return len(self._keys)


_lock = threading.Lock()
_cache: dict[str, _Built] = {}

# Folders of other versions are removed once they are this old and not among the newest few.
KEEP_OLD_SECONDS = 600
KEEP_OLD_FOLDERS = 3


def offered_filter(today: date) -> Q:
    return (
        Q(state="published")
        & (Q(effective_from__isnull=True) | Q(effective_from__lte=today))
        & (Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    )


def search_version() -> tuple[int, str]:
    """The knowledge base's version (counter, token): changes with every write to an entry, in
    the writing transaction (database triggers, ``SearchVersion``). One primary-key read."""
    row = version_row(1)
    return (int(row[0]), str(row[1])) if row else (0, "")


def version_row(pk: int) -> tuple[Any, ...] | None:
    """Row ``pk`` of ``SearchVersion`` as (counter, token): read before every question, so in
    plain SQL (the ORM's query compilation cost more than the read; issue 15)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT counter, token FROM {connection.ops.quote_name(SearchVersion._meta.db_table)} WHERE id = %s", [pk]
        )
        row = cursor.fetchone()
    return tuple(row) if row else None


def _current_key(today: date) -> tuple[Any, ...]:
    return (today, *search_version(), ANALYZER_VERSION, K1)


def build_index(today: date | None = None, key: tuple[Any, ...] | None = None) -> _Built:
    """Build the index of the entries offered on ``today`` in this process's memory. ``key``
    (read before the entries, so the index is at least as new as it says) labels it."""
    today = today or timezone.localdate()
    key = key or _current_key(today)
    index = Index(FIELD_WEIGHTS, k1=K1)
    units: dict[int, int] = {}
    offered = Entry.objects.filter(offered_filter(today)).order_by("id")
    rows = offered.values_list("id", "unit_id", "index_terms", "index_version")
    stale: list[int] = []
    for entry_id, unit_id, terms, version in rows.iterator(chunk_size=2000):
        if version != ANALYZER_VERSION:
            stale.append(entry_id)
            continue
        index.add(entry_id, index_fields(terms or {}))
        units[entry_id] = unit_id
    # Entries analysed under an older analyzer or glossary are analysed here, in memory: the
    # search only reads. ``services.entries_reindex`` (run by load_defaults) stores the new terms.
    for entry in Entry.objects.filter(pk__in=stale).order_by("id"):
        index.add(entry.pk, index_fields(entry_fields_terms(entry)))
        units[entry.pk] = entry.unit_id
    return _Built(key, index.freeze(), units)


def index_directory() -> Path:
    return Path(settings.KB_INDEX_DIR)


def _folder_name(key: tuple[Any, ...]) -> str:
    today, counter, token, analyzer, k1 = key
    return f"{today.isoformat()}-{counter}-{token or 'none'}-{analyzer}-{k1}"


def _load(folder: Path, key: tuple[Any, ...]) -> _Built:
    index = StoredIndex(folder)
    return _Built(key, index, _StoredUnits(index.extra["unit_keys"], index.extra["unit_ids"]))


def _store(built: _Built, root: Path, folder: Path) -> None:
    """Write ``built`` to ``folder`` (complete or not at all: written aside, then renamed)."""
    keys = np.fromiter(built.units.keys(), dtype=np.int64, count=len(built.units))
    order = np.argsort(keys)
    ids = np.fromiter(built.units.values(), dtype=np.int64, count=len(built.units))
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        built.index.save(work, extra={"unit_keys": keys[order], "unit_ids": ids[order]})
        os.rename(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _remove_old(root: Path, keep: Path) -> None:
    """Remove the folders of older versions, except the newest ``KEEP_OLD_FOLDERS`` and any
    younger than ``KEEP_OLD_SECONDS``: a worker still answering from one (on this host, or on
    another one where the folder is on a shared volume) is never left without its files."""
    folders = []
    for path in root.iterdir():
        try:
            if path != keep and path.is_dir():
                folders.append((path.stat().st_mtime, path))
        except OSError:
            continue
    cutoff = time.time() - KEEP_OLD_SECONDS
    for mtime, path in sorted(folders, reverse=True)[KEEP_OLD_FOLDERS:]:
        if mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def _load_or_build(key: tuple[Any, ...]) -> _Built:
    """The stored index for ``key``: mapped if some process has stored it, else built here
    (one process at a time: the others wait for it and map what it stored)."""
    root = index_directory()
    folder = root / _folder_name(key)
    try:
        if folder.is_dir():
            return _load(folder, key)
        root.mkdir(parents=True, exist_ok=True)
        with open(root / ".lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not folder.is_dir():
                    _store(build_index(key[0], key), root, folder)
                    _remove_old(root, folder)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return _load(folder, key)
    except OSError:
        # No writable storage: this process keeps an index of its own, as before.
        logger.exception("Knowledge-base index could not be stored in %s; kept in memory", root)
        return build_index(key[0], key)


def current_index() -> _Built:
    key = _current_key(timezone.localdate())
    built = _cache.get("kb")
    if built is not None and built.key == key:
        return built
    with _lock:
        built = _cache.get("kb")
        if built is None or built.key != key:
            built = _load_or_build(key)
            _cache["kb"] = built
    return built


def invalidate() -> None:
    """Forget this process's mapping (the next question maps the current index again)."""
    _cache.clear()


def warm() -> None:
    """Load the analyzer (jieba's dictionary: about a second) before the first question; the web
    server's entry point (config/wsgi.py) calls it when a worker starts."""
    default_analyzer()


def document_share(term: str, index: Index | None = None) -> float:
    """The share (0–1) of the entries offered today (or of ``index``'s documents) whose analysed
    text has ``term``: a word most entries use (香港, 重庆, Chongqing…) says nothing about what a
    question is about."""
    index = index if index is not None else current_index().index
    n = len(index)
    return index.document_frequency(term) / n if n else 0.0


# -- query analysis -------------------------------------------------------------------------------
@dataclass
class QueryTerms:
    terms: list[str]  # what is searched: misspelt words replaced by their correction
    groups: list[list[str]]  # the same terms grouped by idea (Analyzer.groups)
    corrected: set[str]  # corrections that were not typed as such: weaker evidence

    def weight(self, term: str) -> float:
        base = default_analyzer().term_weight(term)
        return base * CORRECTION_WEIGHT if term in self.corrected else base


CORRECTION_WEIGHT = 0.5
MIN_CORRECTION_LENGTH = 5


def analyse_query(index: Index, query: str) -> QueryTerms:
    """The analysed query, with misspelt words corrected against the index's vocabulary."""
    analyzer = default_analyzer()
    units = analyzer.base_units(query)
    typed = {term for unit in units for term in unit}
    fixes: set[str] = set()
    corrected: list[list[str]] = []
    for unit in units:
        out = []
        for term in unit:
            fix = None
            if len(term) >= MIN_CORRECTION_LENGTH and not analyzer.in_glossary(term):
                fix = index.correct(term)
            out.append(fix or term)
            if fix:
                fixes.add(fix)
        corrected.append(out)
    groups = [with_subject(group) for group in analyzer.groups(corrected)]
    # A correction is a guess, and so are the ideas it brings ("trails" corrected to "train" is
    # not a question about train tickets): its group's concepts are as weak as the word.
    guessed = fixes - typed
    guessed |= {t for group in groups if guessed.intersection(group) for t in group if t.startswith(CONCEPT_PREFIX)}
    return QueryTerms([t for group in groups for t in group], groups, guessed)


def with_subject(group: list[str]) -> list[str]:
    """An idea of a question with the subject terms of its concepts (``indexing.SUBJECT_PREFIX``):
    it also matches the entries whose title or question forms name it. Facets (places, "how
    much") get none: they say where, not what about."""
    analyzer = default_analyzer()
    if analyzer.is_facet(group):
        return group
    subjects = [
        SUBJECT_PREFIX + t[len(CONCEPT_PREFIX) :]
        for t in group
        if t.startswith(CONCEPT_PREFIX) and not t.startswith(SUBJECT_PREFIX)
    ]
    return group + [s for s in subjects if s not in group]


def query_terms(index: Index, query: str) -> list[str]:
    return analyse_query(index, query).terms


# -- snippets --------------------------------------------------------------------------------------
# Where a sentence ends: after a Chinese full stop, question or exclamation mark (and its
# closing quote or bracket); after a Latin one only before a space (not inside "2.5" or
# "www.gov.hk"); at a line break. Never at a semicolon or an enumeration comma (；; 、): they
# separate the items of one sentence ("須帶備：A；B；以及C。"), and a snippet starting there
# would start mid-sentence.
_SENTENCE = re.compile(r"(?<=[。！？])(?![」』”’）])\s*|(?<=[。！？][」』”’）])\s*|(?<=[.!?])\s+|\s*\n\s*")


# An answer's sentences and their folded forms, by the answer's text (so never stale): splitting
# and folding (OpenCC, width, case) were half of a warm ask's CPU, the same for every question
# that shows the entry (issue 15). Bounded: emptied when full.
_SENTENCES_MAX = 4096
_sentences_cache: dict[str, tuple[list[str], list[str]]] = {}


def _sentences(body: str) -> tuple[list[str], list[str]]:
    found = _sentences_cache.get(body)
    if found is None:
        sentences = [s for s in _SENTENCE.split(body) if s.strip()]
        found = (sentences, [fold(s) for s in sentences])
        if len(_sentences_cache) >= _SENTENCES_MAX:
            _sentences_cache.clear()
        _sentences_cache[body] = found
    return found


def snippet_for(entry: Entry, language: str, terms: set[str], length: int | None = None) -> str:
    length = length or (220 if language == EN else 110)
    body = TText.from_json(entry.body).show(language).text
    if not body:
        return ""
    sentences, folded_sentences = _sentences(body)
    # Cheap: the sentence whose folded text contains the most of the query's words (no
    # segmentation per sentence; this runs for every answer shown).
    words = [t for t in terms if not t.startswith(CONCEPT_PREFIX) and (len(t) > 1 if not t.isascii() else len(t) > 2)]
    best, best_score = 0, -1
    for i, folded in enumerate(folded_sentences):
        score = sum(1 for w in words if w in folded)
        if score > best_score:
            best, best_score = i, score
    text = ""
    for sentence in sentences[best:]:
        text = f"{text} {sentence}".strip() if language == EN else f"{text}{sentence}"
        if len(text) >= length:
            break
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return text


# -- asking ------------------------------------------------------------------------------------------
def _confidence(index: Index, query: QueryTerms, top_score: float) -> float:
    """The best answer's score as a share of what a document matching every idea of the
    question would get (Index.ceiling: an idea the knowledge base never mentions in any form
    counts at the highest weight: it is probably what the question is about)."""
    if not any(not t.startswith(CONCEPT_PREFIX) for t in query.terms):
        return 0.0
    ceiling = index.ceiling(query.groups, query.weight)
    return min(top_score / ceiling, 1.0) if ceiling else 0.0


@dataclass
class Ranking:
    hits: list[Hit]
    terms: list[str]
    confidence: float
    unit_id: int | None  # the unit whose answers vote strongest; None without answers
    topical: bool = True  # the best answer matches more of the question than its facets

    @property
    def answered(self) -> bool:
        return bool(self.hits) and self.topical and self.confidence >= MIN_CONFIDENCE


def rank(built: _Built, query: str, limit: int = 10) -> Ranking:
    """Rank the entries of ``built`` for ``query``: the part of :func:`ask` that needs no database
    (the benchmark runs it on indexes of its own)."""
    index = built.index
    analysed = analyse_query(index, query)
    hits = index.search(analysed.terms, limit=max(limit, UNIT_VOTE_DEPTH), term_weight=analysed.weight)
    if not hits:
        return Ranking([], analysed.terms, 0.0, None)
    votes: dict[int, float] = defaultdict(float)
    top = hits[0].score
    for hit in hits[:UNIT_VOTE_DEPTH]:
        votes[built.units[hit.key]] += math.exp(-UNIT_VOTE_DECAY * (1 - hit.score / top))
    unit_id = max(votes.items(), key=lambda kv: kv[1])[0]
    # Matching only "how much", "apply" or the place names is no answer to what the question is about.
    analyzer = default_analyzer()
    topical_terms = {t for group in analysed.groups if not analyzer.is_facet(group) for t in group}
    topical = bool(hits[0].matched & topical_terms)
    return Ranking(hits, analysed.terms, _confidence(index, analysed, top), unit_id, topical)


def _fallback_unit() -> Unit | None:

    return Unit.objects.filter(ext_id=FALLBACK_UNIT, is_active=True).first()


def ask(query: str, language: str, limit: int = 10) -> AskResult:
    """Ranked answers to ``query`` among the entries offered today, the unit that should handle
    it, and whether an answer is likely (``answered``; false for questions not covered)."""

    lang = normalise_language(language)
    query = (query or "").strip()
    if not query:
        return AskResult([], None, False)
    built = current_index()
    ranking = rank(built, query, limit)
    hits = ranking.hits
    if not hits:
        return AskResult([], _fallback_unit(), False)
    answered = ranking.answered
    confidence = ranking.confidence
    unit_id = ranking.unit_id
    assert unit_id is not None  # there are answers, so they voted
    terms = ranking.terms

    shown = hits[:limit]
    entries = Entry.objects.select_related("unit").defer("index_terms").in_bulk([h.key for h in shown])
    term_set = set(terms)
    answers = []
    for hit in shown:
        entry = entries.get(hit.key)
        if entry is None:  # deleted since the index was built
            continue
        answers.append(
            Answer(
                entry=entry,
                slug=entry.slug,
                title=TText.from_json(entry.title).show(lang).text,
                snippet=snippet_for(entry, lang, term_set),
                score=round(hit.score, 4),
            )
        )
    unit = next((a.entry.unit for a in answers if a.entry.unit_id == unit_id), None) if answered else None
    if unit is None:
        unit = (
            Unit.objects.filter(pk=unit_id).first()
            if answered
            else (_fallback_unit() or Unit.objects.filter(pk=unit_id).first())
        )
    return AskResult(answers, unit, answered, round(confidence, 4))


__all__ = ["LANGS", "Answer", "AskResult", "ask", "entry_fields_terms", "invalidate", "search_version", "warm"]
