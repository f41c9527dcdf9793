"""Which unit should handle a question: a unit model combined with the answering entries.

Each unit that takes enquiries has a profile (``kb.UnitProfile``): the analysed terms of its
remit and name in the three languages and of the published entries it owns, weighted, computed
and stored by ``services.unit_profiles_refresh`` whenever a unit or an entry changes. This module
only reads them: each process keeps a multinomial naive Bayes model of the profiles (one term
distribution per unit, smoothed by ``NB_ALPHA``) and rebuilds it when the profiles change (their
version, a row bumped by database triggers, read by primary key per question).

When the search answers a question and its best ``AGREE_DEPTH`` answers all belong to one
unit, that unit takes it. Otherwise a question's unit is the one with the best score, a
log-linear combination of three pieces of evidence (a conditional logit over the units):

    MODEL_WEIGHT × log P(unit | question's terms)             the unit model (remits, entries),
                                                              tempered by length (MODEL_TEMPER)
    + ANSWER_WEIGHT × confidence × the unit's share of the answers' vote   (``search.rank``'s vote)
    + BEST_ANSWER_WEIGHT × confidence, for the unit of the best answer
    + CATCH_ALL_WEIGHT, for the catch-all only and only when the search has no answer

so a question the knowledge base answers confidently goes where its answers live unless the unit
model clearly disagrees, and a question it does not answer (tap water, a faulty fridge) goes to
the unit whose remit and entries are closest. The catch-all (``search.FALLBACK_UNIT``, the Hong
Kong and Macao Affairs Office) is a unit like the others (its remit: general living matters),
favoured by ``CATCH_ALL_WEIGHT`` only when nothing answers.

The weights are fitted by maximum likelihood and ``NB_ALPHA`` chosen by cross-validation over the
knowledge base's own questions (each question form held out of its entry; each entry held out;
each remit clause held out), never on the labelled enquiries: ``bench/kb_routing.py --tune``,
docs/decisions/0005-knowledge-base-search.md.
"""

from __future__ import annotations

import math
import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hkcq.core.search import default_analyzer
from hkcq.core.translated import CONVERTED, EN, HANS, HANT, TText
from hkcq.kb import search
from hkcq.kb.indexing import ANALYZER_VERSION
from hkcq.kb.models import UnitProfile
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

# The unit model: additive (Lidstone) smoothing of each unit's term distribution. Chosen by
# cross-validation over the knowledge base's questions (bench/kb_routing.py --tune: mean held-out
# accuracy with weights fitted without the question's own entry or unit, 0.797 at 0.03, 0.795 at
# 0.1, 0.786 at 0.3, 0.773 at 1.0).
NB_ALPHA = 0.03

# The combination: weights of a conditional logit over the units, fitted by maximum likelihood on
# the held-out questions of the knowledge base (each kind of held-out question weighing the same;
# bench/kb_routing.py --tune prints the fit and a grouped 5-fold check of it). Only their ratios
# decide the unit. The best answer's own unit is a feature of its own (the vote alone let a
# runner-up of another unit with a close score split it).
MODEL_WEIGHT = 0.71
ANSWER_WEIGHT = 3.9
BEST_ANSWER_WEIGHT = 1.56
CATCH_ALL_WEIGHT = 1.26

# The unit model's evidence grows with the square root of the question's length (the summed
# weight of its known terms), not with the length itself: naive Bayes counts every term as
# independent evidence, so a long enquiry (a question with a paragraph of details about work,
# rent, insurance…) had posteriors so sharp that they overrode a clear answer, while the weights
# above are fitted on short questions (the knowledge base's question forms and remit clauses).
# Chosen by cross-validation among no tempering, the square root and the mean
# (bench/kb_routing.py: mean held-out accuracy 0.798 / 0.798 / 0.788 with the agreement rule).
MODEL_TEMPER = 0.5

# When the search answers and its best AGREE_DEPTH answers all belong to one unit, that unit
# takes the question: the knowledge base answers it clearly and the unit model is not asked to
# overrule it (chosen by cross-validation with the weights above: it decides about a tenth of
# the held-out questions; depths 1-3 and confidence thresholds up to 0.6 compared).
AGREE_DEPTH = 3


# -- profiles: computed by the service on write, with these functions -----------------------------
def text_terms(value: Any) -> list[str]:
    """The analysed terms of a text in three languages: English, Traditional Chinese, and the
    words of the Simplified text that the Traditional lacks when the Simplified was written in
    its own (Mainland) wording (社保, 医保: a conversion would only count every word twice)."""
    analyzer = default_analyzer()
    texts = TText.from_json(value)
    out: list[str] = []
    for text in (texts.get(EN), texts.get(HANT) or texts.get(HANS)):
        if text:
            out.extend(analyzer.analyze(text))
    if texts.get(HANT) and texts.get(HANS) and texts.origins.get(HANS) != CONVERTED:
        seen = set(out)
        out.extend(term for term in analyzer.analyze(texts.get(HANS)) if term not in seen)
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
def answer_votes(evidence: Sequence[tuple[int, float]]) -> dict[int, float]:
    """Each unit's share of the answers' vote: the best ``search.UNIT_VOTE_DEPTH`` answers, given
    as (unit id, score) best first, vote for their units as ``search.rank`` does (by how close
    each answer's score is to the best one); the shares add up to 1."""
    votes: dict[int, float] = defaultdict(float)
    if not evidence:
        return votes
    top = evidence[0][1] or 1.0
    for unit_id, score in evidence[: search.UNIT_VOTE_DEPTH]:
        votes[unit_id] += math.exp(-search.UNIT_VOTE_DECAY * (1 - score / top))
    total = sum(votes.values())
    return {unit_id: vote / total for unit_id, vote in votes.items()}


class UnitModel:
    """Multinomial naive Bayes over the units' profiles: each unit a distribution over terms
    (its profile's weights, smoothed by ``NB_ALPHA`` over the vocabulary of all profiles), the
    units equally likely beforehand. Built once per change of the profiles; a question costs a
    dictionary look-up per term and unit."""

    def __init__(
        self, profiles: Mapping[int, Mapping[str, float]], fallback: int | None = None, alpha: float | None = None
    ) -> None:
        self.fallback = fallback
        alpha = NB_ALPHA if alpha is None else alpha
        vocabulary = {term for terms in profiles.values() for term in terms}
        size = len(vocabulary) or 1
        self.vocabulary = vocabulary
        self.log_probabilities: dict[int, dict[str, float]] = {}
        self.log_unseen: dict[int, float] = {}
        for unit_id, terms in profiles.items():
            denominator = math.log(sum(w for w in terms.values() if w > 0) + alpha * size)
            self.log_probabilities[unit_id] = {
                term: math.log(weight + alpha) - denominator for term, weight in terms.items() if weight > 0
            }
            self.log_unseen[unit_id] = math.log(alpha) - denominator

    def __len__(self) -> int:
        return len(self.log_probabilities)

    def log_posteriors(self, terms: Sequence[str]) -> dict[int, float]:
        """log P(unit | terms) for every unit; terms no profile has say nothing and are left out,
        each term weighted by how much it says (``Analyzer.term_weight``)."""
        analyzer = default_analyzer()
        query: dict[str, float] = defaultdict(float)
        for term in terms:
            if term in self.vocabulary:
                query[term] += analyzer.term_weight(term)
        # Tempered by the question's length (MODEL_TEMPER): each term's evidence divided by
        # length ** MODEL_TEMPER, so a long question is not more certain than a short one
        # merely for being long.
        scale = 1.0 / max(sum(query.values()), 1.0) ** MODEL_TEMPER
        scores = {
            unit_id: scale * sum(w * probabilities.get(t, self.log_unseen[unit_id]) for t, w in query.items())
            for unit_id, probabilities in self.log_probabilities.items()
        }
        if not scores:
            return {}
        top = max(scores.values())
        norm = top + math.log(sum(math.exp(s - top) for s in scores.values()))
        return {unit_id: s - norm for unit_id, s in scores.items()}

    def scores(self, terms: Sequence[str]) -> dict[int, float]:
        """P(unit | terms) for every unit (they add up to 1)."""
        return {unit_id: math.exp(s) for unit_id, s in self.log_posteriors(terms).items()}

    def route(
        self,
        terms: Sequence[str],
        evidence: Sequence[tuple[int, float]],
        confidence: float,
        answered: bool,
    ) -> Routed:
        """The unit for a question with analysed ``terms``, given the search's answers as
        (unit id, score) best first, its ``confidence`` in the best one and whether it
        ``answered`` the question."""
        votes = answer_votes(evidence)
        best = evidence[0][0] if evidence else None
        agreed = {unit_id for unit_id, _score in evidence[:AGREE_DEPTH]}
        if answered and len(evidence) >= AGREE_DEPTH and len(agreed) == 1 and best in self.log_probabilities:
            # The search answers and its best answers agree: their unit (AGREE_DEPTH).
            return Routed(best, 1.0, best == self.fallback, {best: 0.0})
        combined = {
            unit_id: MODEL_WEIGHT * log_p
            + ANSWER_WEIGHT * confidence * votes.get(unit_id, 0.0)
            + BEST_ANSWER_WEIGHT * confidence * (unit_id == best)
            for unit_id, log_p in self.log_posteriors(terms).items()
        }
        if self.fallback in combined and not answered:
            combined[self.fallback] += CATCH_ALL_WEIGHT
        if not combined:
            return Routed(self.fallback, 0.0, True, {})
        unit_id = max(combined, key=lambda u: (combined[u], -u))
        # The chosen unit's probability under the combination (a softmax over the units).
        top = combined[unit_id]
        probability = 1.0 / sum(math.exp(s - top) for s in combined.values())
        return Routed(unit_id, probability, unit_id == self.fallback, combined)


@dataclass(frozen=True)
class Routed:
    unit_id: int | None
    score: float  # the chosen unit's probability under the combination (0–1)
    catch_all: bool  # the catch-all unit was chosen
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
    return search.version_row(PROFILE_VERSION_ROW)


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
    return model.route(question_terms(question), evidence, result.confidence, bool(result.answered))


def routed(question: str, result: AskResult) -> AskResult:
    """``result`` with its unit chosen by :func:`route` (unchanged when no unit has a profile)."""
    found = route(question, result)
    if found is None or found.unit_id is None:
        return result
    unit = next((a.entry.unit for a in result.answers if a.entry.unit_id == found.unit_id), None)
    if unit is None:
        unit = Unit.objects.filter(pk=found.unit_id).first()
    return replace(result, unit=unit) if unit is not None else result


def ask(query: str, language: str, limit: int = 10, details: str = "") -> AskResult:
    """``search.ask`` with the unit chosen by the routing model: what the ask page, the API and
    enquiry submission use. The unit weighs the best ``UNIT_VOTE_DEPTH`` answers even when
    fewer are shown.

    ``details`` (an enquiry's, beside its question) weigh less than the question: when the
    knowledge base answers the question on its own, the question alone is routed; the details
    count only when it does not. A resident's account of their situation (work, rent,
    insurance…) names other units' matters in passing, and taken with the question it could
    outweigh what the question asks."""
    query = (query or "").strip()
    details = (details or "").strip()
    depth = max(limit, search.UNIT_VOTE_DEPTH)
    result = search.ask(query, language, limit=depth)
    if details and not (query and result.answered):
        query = f"{query} {details}".strip()
        result = search.ask(query, language, limit=depth)
    result = routed(query, result)
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
