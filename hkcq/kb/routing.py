"""Which unit should handle a question: the unit model, combined with the answering entries.

Each unit that takes enquiries has a profile (``kb.UnitProfile``): the analysed terms of its
remit and name in the three languages and of the published entries it owns, computed and
stored by ``services.unit_profiles_refresh`` whenever a unit or an entry changes. This module
only reads them: each process keeps a TF-IDF model of the profiles (one vector per unit,
inverse document frequency over the units) and rebuilds it when the profiles change (their
version, a row bumped by database triggers, read by primary key per question).

A question's unit is the one with the best combined score:

    ROUTE_MODEL_WEIGHT × cosine(question, unit's profile)
    + (1 − ROUTE_MODEL_WEIGHT) × the unit's best answer (its score as a share of the best
      answer's, times the search's confidence)

so a question the knowledge base answers goes where its answer lives, and a question it does
not answer (tap water, a faulty fridge) still goes to the unit whose remit and entries are
closest. The catch-all (``search.FALLBACK_UNIT``, the Hong Kong and Macao Affairs Office) is
chosen when it scores best itself, or when no other unit reaches ``ROUTE_MIN_SCORE``.
The settings were chosen by cross-validation over the knowledge base's own question forms
(each entry held out in turn; each question form held out of its entry), never on the labelled
enquiries: ``bench/kb_routing.py``.
"""

from __future__ import annotations

import math
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hkcq.core.search import default_analyzer
from hkcq.core.translated import EN, HANS, HANT, TText
from hkcq.kb import search
from hkcq.kb.indexing import ANALYZER_VERSION
from hkcq.kb.models import SearchVersion, UnitProfile
from hkcq.kb.search import FALLBACK_UNIT, AskResult
from hkcq.registry.models import Unit

# -- settings (bench/kb_routing.py: cross-validated on the question forms) ----------------------
# A unit's profile: its remit counts this much per term, its name this much; each published
# entry it owns adds ENTRY_MASS spread over its terms (title, question forms and answer weighted
# as below), so a long answer does not outweigh a short one and a unit with many entries is not
# all about its entries.
REMIT_WEIGHT = 6.0  # cross-validated: 0.789 at 6, 0.784 at 3, 0.783 at 1 (bench/kb_routing.py --tune)
NAME_WEIGHT = 1.0
ENTRY_MASS = 30.0
ENTRY_FIELD_WEIGHTS = {"title": 3.0, "questions": 2.5, "body": 1.0}

# What a stored profile was computed under: the analyzer's version and the profile settings. A
# profile under another one is recomputed by ``services.unit_profiles_refresh(stale_only=True)``
# (run by load_defaults).
PROFILE_VERSION = (
    zlib.crc32(
        repr((ANALYZER_VERSION, REMIT_WEIGHT, NAME_WEIGHT, ENTRY_MASS, sorted(ENTRY_FIELD_WEIGHTS.items()))).encode()
    )
    & 0x7FFFFFFF
)

# The units a question can be routed to: those that own at least this many published entries
# (the units of the one-stop service; the registry's other units lead measures, not enquiries).
# Every active unit has a profile; one that publishes its first entry starts taking enquiries.
MIN_ENTRIES = 1

# The combination of the unit model and the answering entries, and the least combined score
# for a unit other than the catch-all to be chosen.
# Cross-validated (bench/kb_routing.py --tune): the mean held-out accuracy is highest at 0.8 and
# 0.03 (0.784 with remit weight 3; 0.770 at 0.7 and 0.1, 0.730 at 0.9 and 0.1). A higher least
# score sends more questions of units without a matching entry to the catch-all.
ROUTE_MODEL_WEIGHT = 0.8
ROUTE_MIN_SCORE = 0.03

# When the search answers the question (topical, confidence at least search.MIN_CONFIDENCE), the
# unit its answers vote for is kept as it stands (the search's own unit, as before the unit model);
# the combination above decides only the questions the knowledge base does not answer. This is a
# floor, not a cross-validated optimum: over the knowledge base's question forms it raises "form
# held out" (0.873 -> 0.886) but lowers "entry held out" (0.695 -> 0.432: with its entry held out, a
# question is often answered by another unit's entry) and the mean of the three (0.789 -> 0.693);
# no threshold from 0.14 to 0.45 did better on that mean (bench/kb_routing.py, docs/benchmarks.md).
# It keeps the development enquiries at the search's 0.917 instead of 0.883. None turns it off.
TRUST_CONFIDENCE: float | None = 0.14


# -- profiles: computed by the service on write, with these functions -----------------------------
def text_terms(value: Any) -> list[str]:
    """The analysed terms of a text in three languages (English and one Chinese script: the
    other is its OpenCC conversion and would count every word twice)."""
    analyzer = default_analyzer()
    texts = TText.from_json(value)
    out: list[str] = []
    for text in (texts.get(EN), texts.get(HANT) or texts.get(HANS)):
        if text:
            out.extend(analyzer.analyze(text))
    return out


def profile_terms(
    *, remit: Sequence[str], name: Sequence[str], entries: Iterable[Mapping[str, Sequence[str]]]
) -> dict[str, float]:
    """A unit's profile from the analysed terms of its remit and name and of its entries'
    fields (``Entry.index_terms``)."""
    weights: dict[str, float] = defaultdict(float)
    for term in remit:
        weights[term] += REMIT_WEIGHT
    for term in name:
        weights[term] += NAME_WEIGHT
    for fields in entries:
        counts: dict[str, float] = defaultdict(float)
        for field, weight in ENTRY_FIELD_WEIGHTS.items():
            for term in fields.get(field) or ():
                counts[term] += weight
        total = sum(counts.values())
        for term, count in counts.items():
            weights[term] += ENTRY_MASS * count / total
    return {term: round(weight, 4) for term, weight in weights.items()}


# -- the model --------------------------------------------------------------------------------------
class UnitModel:
    """TF-IDF over the units' profiles: sublinear term weights, inverse document frequency over
    the units, one unit vector per unit; a question scores each unit by cosine similarity."""

    def __init__(self, profiles: Mapping[int, Mapping[str, float]], fallback: int | None = None) -> None:
        self.fallback = fallback
        n = len(profiles)
        df: Counter[str] = Counter()
        for terms in profiles.values():
            df.update(terms.keys())
        self.idf = {term: math.log(1 + n / d) for term, d in df.items()}
        self.vectors: dict[int, dict[str, float]] = {}
        for unit_id, terms in profiles.items():
            vector = {t: (1 + math.log(w) if w >= 1 else w) * self.idf[t] for t, w in terms.items() if w > 0}
            norm = math.sqrt(sum(x * x for x in vector.values())) or 1.0
            self.vectors[unit_id] = {t: x / norm for t, x in vector.items()}

    def __len__(self) -> int:
        return len(self.vectors)

    def scores(self, terms: Sequence[str]) -> dict[int, float]:
        analyzer = default_analyzer()
        query: dict[str, float] = defaultdict(float)
        for term in terms:
            if term in self.idf:
                query[term] += analyzer.term_weight(term)
        weighted = {t: w * self.idf[t] for t, w in query.items()}
        norm = math.sqrt(sum(x * x for x in weighted.values()))
        if not norm:
            return {unit_id: 0.0 for unit_id in self.vectors}
        return {
            unit_id: sum(x * vector.get(t, 0.0) for t, x in weighted.items()) / norm
            for unit_id, vector in self.vectors.items()
        }

    def route(
        self,
        terms: Sequence[str],
        evidence: Sequence[tuple[int, float]],
        confidence: float,
        answer_unit: int | None = None,
    ) -> Routed:
        """The unit for a question with analysed ``terms``, given the search's answers as
        (unit id, score) best first and its ``confidence`` in the best one; ``answer_unit``: the
        unit the answers vote for when the search answered the question (None otherwise)."""
        if answer_unit is not None and TRUST_CONFIDENCE is not None and confidence >= TRUST_CONFIDENCE:
            return Routed(answer_unit, confidence, answer_unit == self.fallback, {answer_unit: confidence})
        combined: dict[int, float] = {u: ROUTE_MODEL_WEIGHT * s for u, s in self.scores(terms).items()}
        if evidence:
            top = evidence[0][1] or 1.0
            best: dict[int, float] = {}
            for unit_id, score in evidence:
                best[unit_id] = max(best.get(unit_id, 0.0), score / top * confidence)
            for unit_id, share in best.items():
                combined[unit_id] = combined.get(unit_id, 0.0) + (1 - ROUTE_MODEL_WEIGHT) * share
        if not combined:
            return Routed(self.fallback, 0.0, True, {})
        unit_id = max(combined, key=lambda u: (combined[u], -u))
        score = combined[unit_id]
        if unit_id != self.fallback and self.fallback is not None and score < ROUTE_MIN_SCORE:
            return Routed(self.fallback, score, True, combined)
        return Routed(unit_id, score, unit_id == self.fallback, combined)


@dataclass(frozen=True)
class Routed:
    unit_id: int | None
    score: float  # the chosen unit's combined score (0–1)
    catch_all: bool  # the catch-all unit, by its own score or because nothing else was confident
    scores: dict[int, float]


# -- the stored model, per process ----------------------------------------------------------------
@dataclass
class _Loaded:
    key: tuple[Any, ...] | None
    model: UnitModel


_lock = threading.Lock()
_cache: dict[str, _Loaded] = {}


# The profiles' version: row 2 of ``SearchVersion``, bumped by database triggers (migration
# ``kb 0006``) in the transaction of every write to the profiles, as row 1 is for the entries.
PROFILE_VERSION_ROW = 2


def _current_key() -> tuple[Any, ...] | None:
    """The stored profiles' version (counter, random token): one primary-key read."""
    return SearchVersion.objects.filter(pk=PROFILE_VERSION_ROW).values_list("counter", "token").first()


def _fallback_id() -> int | None:
    return Unit.objects.filter(ext_id=FALLBACK_UNIT, is_active=True).values_list("pk", flat=True).first()


def current_model() -> UnitModel:
    """The unit model of the stored profiles, rebuilt in this process when they change."""
    key = _current_key()
    loaded = _cache.get("units")
    if loaded is not None and loaded.key == key:
        return loaded.model
    with _lock:
        loaded = _cache.get("units")
        if loaded is None or loaded.key != key:
            profiles = dict(
                UnitProfile.objects.filter(unit__is_active=True, entries__gte=MIN_ENTRIES).values_list(
                    "unit_id", "terms"
                )
            )
            loaded = _Loaded(key, UnitModel(profiles, _fallback_id()))
            _cache["units"] = loaded
    return loaded.model


def invalidate() -> None:
    _cache.clear()


def question_terms(question: str) -> list[str]:
    """The analysed terms of a question that say what it is about: the words and concepts of its
    ideas except those that only say where or what kind of question it is (the glossary's facets:
    Hong Kong, Chongqing, how much, apply), which every unit's remit and entries share."""
    analyzer = default_analyzer()
    groups = analyzer.groups(analyzer.base_units(question))
    return [term for group in groups if not analyzer.is_facet(group) for term in group]


def route(question: str, result: AskResult) -> Routed | None:
    """The unit for ``question``, from the unit model and ``result`` (``search.ask``'s answers to
    it; ask for at least ``search.UNIT_VOTE_DEPTH``). None when no unit has a profile yet."""
    model = current_model()
    if not len(model):
        return None
    evidence = [(a.entry.unit_id, a.score) for a in result.answers]
    answer_unit = result.unit.pk if result.answered and result.unit is not None else None
    return model.route(question_terms(question), evidence, result.confidence, answer_unit)


def routed(question: str, result: AskResult) -> AskResult:
    """``result`` with its unit chosen by :func:`route` (unchanged when no unit has a profile)."""
    found = route(question, result)
    if found is None or found.unit_id is None:
        return result
    unit = next((a.entry.unit for a in result.answers if a.entry.unit_id == found.unit_id), None)
    if unit is None:
        unit = Unit.objects.filter(pk=found.unit_id).first()
    return replace(result, unit=unit) if unit is not None else result


def ask(query: str, language: str, limit: int = 10) -> AskResult:
    """``search.ask`` with the unit chosen by the routing model: what the ask page, the API and
    enquiry submission use. The unit weighs the best ``UNIT_VOTE_DEPTH`` answers even when
    fewer are shown."""
    result = search.ask(query, language, limit=max(limit, search.UNIT_VOTE_DEPTH))
    result = routed((query or "").strip(), result)
    return replace(result, answers=result.answers[:limit])


__all__ = [
    "Routed",
    "UnitModel",
    "ask",
    "current_model",
    "profile_terms",
    "question_terms",
    "route",
    "routed",
    "text_terms",
]
