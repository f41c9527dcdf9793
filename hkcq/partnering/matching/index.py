"""The match index: what it keeps of each live opportunity (``Doc``), one retrieval index per
opportunity type kept current one opportunity at a time (``TypeIndex``), and ``MatchIndex``
over all of them with the declined pairs, the candidates of an opportunity and the mutual offers;
the constants of matching."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from hkcq.core.search import CONCEPT_PREFIX, Index
from hkcq.partnering.models import (
    COMPLEMENTS,
)

CANDIDATES = 60
COMPACT_MIN = 256  # changes a type's index takes before it is rebuilt from memory
SAME_SIDE = 0.45  # a partner on the same side is still a partner, but the other side comes first
WEIGHTS = {"text": 0.35, "sector": 0.2, "areas": 0.15, "language": 0.1, "side": 0.2}
# Mutual offers (see above): the offer types, what a type or a professional service says the owner
# offers beside its sector's name, the factor on a mutual pair's score and its candidates per type.
OFFERS: tuple[str, ...] = ("business_offer", "technology_offer", "logistics_offered", "service_offered")
TYPE_OFFERS: dict[str, tuple[str, ...]] = {
    "logistics_offered": tuple(
        CONCEPT_PREFIX + concept
        for concept in (
            "logistics",
            "freight-forwarding",
            "rail-freight",
            "land-sea-corridor",
            "air-cargo",
            "cold-chain",
            "warehouse",
            "customs",
        )
    )
}
SERVICE_OFFERS: dict[str, tuple[str, ...]] = {
    "legal": (CONCEPT_PREFIX + "legal",),
    "accounting": (CONCEPT_PREFIX + "accounting",),
    "arbitration": (CONCEPT_PREFIX + "arbitration",),
    "consulting": (CONCEPT_PREFIX + "consulting",),
    "financial": (CONCEPT_PREFIX + "financing", CONCEPT_PREFIX + "consulting"),
}
MUTUAL = 0.9
MUTUAL_CANDIDATES = 30


@dataclass(frozen=True)
class Doc:
    """What scoring needs of one live opportunity (kept small: 100,000 of them stay in memory)."""

    pk: int
    profile_id: int
    type: str
    side: str
    target_side: str
    sector_id: int
    sector_parent_id: int | None
    areas: tuple[int, ...]
    languages: tuple[str, ...]
    service_kind: str
    terms: tuple[str, ...]
    expires_on: date = date.max


def structured_terms(doc: Doc) -> list[str]:
    out = [f"#sector:{doc.sector_id}", *(f"#area:{a}" for a in doc.areas)]
    if doc.sector_parent_id:
        out.append(f"#sector:{doc.sector_parent_id}")
    if doc.service_kind:
        out.append(f"#service:{doc.service_kind}")
    return out


class TypeIndex:
    """The retrieval index of one opportunity type, kept up to date one opportunity at a time: a
    frozen BM25 index (numpy postings) of the opportunities it was built with, a small index of
    those added or changed since, and the set of built-in ones that are gone or changed. When the
    changes pass a twentieth of the built size (at least ``COMPACT_MIN``), it is rebuilt from the
    documents in memory (never from the database)."""

    def __init__(self, docs: Iterable[Doc]) -> None:
        self.docs: dict[int, Doc] = {d.pk: d for d in docs}
        self._build()

    @staticmethod
    def _index_of(docs: Iterable[Doc]) -> Index:
        index = Index({"text": 1.0, "facts": 0.5})
        for doc in docs:
            index.add(doc.pk, {"text": doc.terms, "facts": structured_terms(doc)})
        return index.freeze()

    def _build(self) -> None:
        self.main = self._index_of(self.docs.values())
        self.main_keys: set[int] = set(self.docs)
        self.added: dict[int, Doc] = {}
        self.removed: set[int] = set()
        self._added_index: Index | None = None

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, doc: Doc) -> None:
        self.docs[doc.pk] = doc
        self.added[doc.pk] = doc
        if doc.pk in self.main_keys:
            self.removed.add(doc.pk)  # the built version is stale
        self._changed()

    def remove(self, pk: int) -> None:
        self.docs.pop(pk, None)
        self.added.pop(pk, None)
        if pk in self.main_keys:
            self.removed.add(pk)
        self._changed()

    def _changed(self) -> None:
        self._added_index = None
        if len(self.added) + len(self.removed) > max(COMPACT_MIN, len(self.main_keys) // 20):
            self._build()

    def search(self, query: Sequence[str], limit: int) -> list[int]:
        out = [
            hit.key
            for hit in self.main.search(query, limit=limit + min(len(self.removed), 4 * limit))
            if hit.key not in self.removed
        ][:limit]
        if self.added:
            if self._added_index is None:
                self._added_index = self._index_of(self.added.values())
            out.extend(hit.key for hit in self._added_index.search(query, limit=limit))
        return out


# A declined expression of interest, as the index keeps it: (the opportunity, its organisation,
# the organisation that expressed interest, the opportunity it wrote from or None).
Declined = tuple[int, int, int, int | None]


class MatchIndex:
    """The live opportunities of the process: one ``TypeIndex`` per type, plus what exact scoring
    needs (document frequencies for the inverse document frequency, opportunities per
    organisation for fair exposure, the pairs never to suggest). ``add`` / ``remove`` keep it
    current one opportunity at a time; ``expire`` drops those past their date; ``decline``
    notes a declined interest."""

    def __init__(
        self,
        docs: Iterable[Doc],
        today: date | None = None,
        declined: Iterable[Declined] = (),
        sector_terms: dict[int, frozenset[str]] | None = None,
    ) -> None:
        self.today = today or timezone.localdate()
        # What each sector's names say it offers (concept terms), for mutual offers; the concept
        # terms that name a line of business at all; the sectors and services offering each one.
        self.sector_terms: dict[int, frozenset[str]] = dict(sector_terms or {})
        self.business_terms: frozenset[str] = frozenset().union(
            *self.sector_terms.values(), *TYPE_OFFERS.values(), *SERVICE_OFFERS.values()
        )
        self.offered_by: dict[str, list[str]] = {}
        for sector_id, offered in self.sector_terms.items():
            for term in offered:
                self.offered_by.setdefault(term, []).append(f"#sector:{sector_id}")
        for kind, offered_terms in SERVICE_OFFERS.items():
            for term in offered_terms:
                self.offered_by.setdefault(term, []).append(f"#service:{kind}")
        self.docs: dict[int, Doc] = {}
        self.per_profile: Counter[int] = Counter()
        self.df: Counter[str] = Counter()
        # organisation -> opportunities / organisations never suggested to its opportunities
        self.hidden_opportunities: dict[int, set[int]] = {}
        self.hidden_profiles: dict[int, set[int]] = {}
        # caches that any change to the counts empties: idf per term, summed idf per opportunity
        self._idf: dict[str, float] = {}
        self._totals: dict[int, float] = {}
        grouped: dict[str, list[Doc]] = {}
        for doc in docs:
            self._count(doc, 1)
            grouped.setdefault(doc.type, []).append(doc)
        self.by_type: dict[str, TypeIndex] = {kind: TypeIndex(rows) for kind, rows in grouped.items()}
        for row in declined:
            self.decline(*row)

    def decline(
        self, opportunity_id: int, owner_id: int, from_profile_id: int, from_opportunity_id: int | None
    ) -> None:
        """A declined interest: the organisation that expressed it is never again shown the
        opportunity; the owner's organisation is never again shown any opportunity of that
        organisation (nor the opportunity it wrote from)."""
        self.hidden_opportunities.setdefault(from_profile_id, set()).add(opportunity_id)
        self.hidden_profiles.setdefault(owner_id, set()).add(from_profile_id)
        if from_opportunity_id:
            self.hidden_opportunities.setdefault(owner_id, set()).add(from_opportunity_id)

    def _count(self, doc: Doc, sign: int) -> None:
        if self._idf:
            self._idf.clear()
        if self._totals:
            self._totals.clear()
        if sign > 0:
            self.docs[doc.pk] = doc
        else:
            self.docs.pop(doc.pk, None)
        self.per_profile[doc.profile_id] += sign
        if self.per_profile[doc.profile_id] <= 0:
            del self.per_profile[doc.profile_id]
        for term in set(doc.terms):
            self.df[term] += sign
            if self.df[term] <= 0:
                del self.df[term]

    def add(self, doc: Doc) -> None:
        """Put ``doc`` in (replacing the opportunity's earlier version, if any)."""
        self.remove(doc.pk)
        self._count(doc, 1)
        index = self.by_type.get(doc.type)
        if index is None:
            index = self.by_type[doc.type] = TypeIndex(())
        index.add(doc)

    def remove(self, pk: int) -> None:
        doc = self.docs.get(pk)
        if doc is None:
            return
        self._count(doc, -1)
        self.by_type[doc.type].remove(pk)

    def expire(self, today: date) -> int:
        """Drop the opportunities that expired before ``today``; returns how many."""
        gone = [pk for pk, doc in self.docs.items() if doc.expires_on < today]
        for pk in gone:
            self.remove(pk)
        self.today = today
        return len(gone)

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            n = max(len(self.docs), 1)
            c = self.df.get(term, 0)
            value = self._idf[term] = math.log(1 + (n - c + 0.5) / (c + 0.5))
        return value

    def text_total(self, doc: Doc) -> float:
        """The summed inverse document frequency of ``doc``'s distinct terms (cached for the
        opportunities in the index)."""
        value = self._totals.get(doc.pk)
        if value is None or self.docs.get(doc.pk) is not doc:
            value = sum(self.idf(t) for t in set(doc.terms)) or 1.0
            if self.docs.get(doc.pk) is doc:
                self._totals[doc.pk] = value
        return value

    def candidates(self, doc: Doc, limit: int = CANDIDATES) -> list[int]:
        query = [*doc.terms, *structured_terms(doc)]
        out: list[int] = []
        for kind in COMPLEMENTS.get(doc.type, ()):
            index = self.by_type.get(kind)
            if index is not None:
                out.extend(index.search(query, limit))
        return out

    # -- mutual offers ------------------------------------------------------------------------------
    def offers(self, doc: Doc) -> frozenset[str]:
        """What the owner of an offer offers, as concept terms: its sector's names (and its parent
        sector's), its type's and its professional service's. Nothing for a request."""
        if doc.type not in OFFERS:
            return frozenset()
        out = set(self.sector_terms.get(doc.sector_id, ()))
        if doc.sector_parent_id:
            out.update(self.sector_terms.get(doc.sector_parent_id, ()))
        out.update(TYPE_OFFERS.get(doc.type, ()))
        out.update(SERVICE_OFFERS.get(doc.service_kind, ()))
        return frozenset(out)

    def wants(self, doc: Doc) -> list[str]:
        """The lines of business an offer's text names beside its own (what it says it needs)."""
        if doc.type not in OFFERS:
            return []
        own = self.offers(doc)
        return [t for t in dict.fromkeys(doc.terms) if t in self.business_terms and t not in own]

    def mutual(self, me: Doc, them: Doc) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """Two offers of the two sides that answer each other: (what they offer that your text
        names, what you offer that their text names), or None."""
        if me.type not in OFFERS or them.type not in OFFERS or me.side == them.side:
            return None
        mine, theirs = self.offers(me), self.offers(them)
        wanted = tuple(t for t in dict.fromkeys(me.terms) if t in theirs and t not in mine)
        if not wanted:
            return None
        given = tuple(t for t in dict.fromkeys(them.terms) if t in mine and t not in theirs)
        return (wanted, given) if given else None

    def mutual_candidates(self, doc: Doc, limit: int = MUTUAL_CANDIDATES) -> list[int]:
        """Offers that may answer an offer mutually: from the offer types' indexes, those of the
        sectors (or services) that offer what its text names, and whose text names what it offers.
        Nothing for a request, or for an offer whose text names no other line of business."""
        wants = self.wants(doc)
        if not wants:
            return []
        query = [*wants, *self.offers(doc), *(fact for term in wants for fact in self.offered_by.get(term, ()))]
        out: list[int] = []
        for kind in OFFERS:
            index = self.by_type.get(kind)
            if index is not None:
                out.extend(index.search(query, limit))
        return out
