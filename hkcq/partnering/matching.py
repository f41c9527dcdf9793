"""Reciprocal matching of published opportunities.

Never all pairs: every process keeps one BM25 index (``hkcq.core.search.Index``) per opportunity
type over the live opportunities, made of their analysed text (language-neutral concept terms,
see ``analysis``) plus structured terms for their sector, parent sector and co-operation areas.
For an opportunity A we query only the indexes of the types complementary to A's, take the best
``CANDIDATES`` of each, and score those exactly:

- each direction separately: how well B answers A (A's text covered by B, A's sector and areas,
  A's wish for a partner's side, a language both work in, other side first) and how well A
  answers B — then the harmonic mean, so a one-sided fit ranks low (RECON, RecSys 2010);
- declined pairs, the organisation's own opportunities and anything not live never appear (the
  declined pairs are held in the index too, taken in by the same change notes);
- two offers of the two sides answer each other too when each one's text names what the other
  offers ("mutual offers": a Chongqing rail-freight offer that says it wants supply-chain finance,
  a Hong Kong supply-chain finance offer for logistics firms). What an offer offers is read from
  its sector's names (and its parent sector's), its type and its professional service, as the
  glossary's concept terms (``MatchIndex.offers``); candidates come from the offer types' indexes
  (``MatchIndex.mutual_candidates``), each kept only if both directions name the other's offer
  (``MatchIndex.mutual``), scored like any pair and multiplied by ``MUTUAL`` (an answer read from
  the texts ranks just below a posted request of equal fit). docs/decisions/0014-partnering-mutual-offers.md;
- fair exposure: at most one opportunity per organisation in a list, and an organisation with
  many live opportunities has each of them dampened a little, so the same large organisations
  are not shown to everyone (``bench/partnering_match.py`` reports the Gini of impressions).

The index is built once per process and then kept current, never rebuilt per request: every
service that publishes, returns, rejects, withdraws, edits or renews an opportunity (or edits its
organisation's side or languages) notes it in ``MatchChange`` in the same transaction, and each
request first applies the notes its process has not applied yet (a few rows by primary key);
on a new day the expired opportunities leave. A type's retrieval index takes changes in a small
side index and is rebuilt from memory only after many of them (``TypeIndex``). So every
application server answers from the same data (SQLite or PostgreSQL alike).

A request costs one database round trip: the catch-up check (``_sync``), which reads the change
notes after the last one applied (nothing else when there are none). Declining an interest
writes a change note for its opportunity, so the declined pairs are applied like any change and
no request asks the database for them. Scoring reads the inverse document frequencies and each
opportunity's summed term weight from caches that a change empties (``MatchIndex``), and
computes the terms two opportunities share once for both directions.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.core.choices import Side
from hkcq.core.search import CONCEPT_PREFIX, Index
from hkcq.core.translated import TText, current_language
from hkcq.partnering import analysis
from hkcq.partnering.analysis import concept_label
from hkcq.partnering.models import (
    COMPLEMENTS,
    Interest,
    MatchChange,
    Opportunity,
    OpportunityType,
    OrganisationProfile,
    Sector,
    WorkLanguage,
)
from hkcq.registry.models import Area

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


# -- scoring ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Direction:
    """How well ``them`` answers ``me``: the parts and their weighted sum."""

    score: float
    text: float
    shared_terms: tuple[str, ...]
    sector: float
    areas: tuple[int, ...]
    languages: tuple[str, ...]
    other_side: bool


def direction(
    index: MatchIndex,
    me: Doc,
    them: Doc,
    total: float | None = None,
    *,
    common: frozenset[str] | set[str] | None = None,
    shared_idf: float | None = None,
) -> Direction:
    """``total``: the summed inverse document frequency of ``me``'s distinct terms; ``common``
    the terms both share and ``shared_idf`` their summed inverse document frequency (the same in
    both directions: ``rank`` computes them once per pair)."""
    if common is None:
        common = frozenset(me.terms).intersection(them.terms)
    shared = tuple(t for t in me.terms if t in common)
    if total is None:
        total = index.text_total(me)
    if shared_idf is None:
        shared_idf = sum(index.idf(t) for t in common)
    text = shared_idf / (total or 1.0)
    if me.sector_id == them.sector_id:
        sector = 1.0
    elif (
        me.sector_parent_id
        and me.sector_parent_id in (them.sector_parent_id, them.sector_id)
        or them.sector_parent_id
        and them.sector_parent_id == me.sector_id
    ):
        sector = 0.6
    else:
        sector = 0.0
    areas = tuple(a for a in me.areas if a in them.areas)
    area_fit = len(areas) / len(me.areas) if me.areas else 0.0
    languages = tuple(code for code in me.languages if code in them.languages)
    other_side = me.side != them.side
    wanted = me.target_side in ("any", them.side)
    side = (1.0 if other_side else SAME_SIDE) * (1.0 if wanted else 0.3)
    service = 1.0
    if me.service_kind and them.service_kind and me.service_kind != them.service_kind:
        service = 0.3
    score = service * (
        WEIGHTS["text"] * min(1.0, 1.5 * text)
        + WEIGHTS["sector"] * sector
        + WEIGHTS["areas"] * area_fit
        + WEIGHTS["language"] * (1.0 if languages else 0.0)
        + WEIGHTS["side"] * side
    )
    return Direction(score, text, shared, sector, areas, languages, other_side)


def text_total(index: MatchIndex, doc: Doc) -> float:
    return index.text_total(doc)


def harmonic(a: float, b: float) -> float:
    return 0.0 if a <= 0 or b <= 0 else 2 * a * b / (a + b)


@dataclass(frozen=True)
class Match:
    pk: int
    score: float
    forward: Direction  # how well they answer you
    backward: Direction  # how well you answer them
    doc: Doc
    # two offers answering each other (MatchIndex.mutual): what they offer that your text names,
    # what you offer that theirs names; None for a complementary type
    mutual: tuple[tuple[str, ...], tuple[str, ...]] | None = None


def rank(index: MatchIndex, me: Doc, *, exclude: set[int] = frozenset(), limit: int = 10) -> list[Match]:  # type: ignore[assignment]
    scored: list[Match] = []
    my_total = index.text_total(me)
    my_terms = frozenset(me.terms)
    hidden = index.hidden_opportunities.get(me.profile_id, set())
    hidden_profiles = index.hidden_profiles.get(me.profile_id, set())
    idf = index.idf
    complements = COMPLEMENTS.get(me.type, ())
    for pk in dict.fromkeys([*index.candidates(me), *index.mutual_candidates(me)]):
        them = index.docs.get(pk)
        if (
            them is None
            or pk in exclude
            or pk in hidden
            or them.profile_id in hidden_profiles
            or them.profile_id == me.profile_id
            or pk == me.pk
        ):
            continue
        pair = None
        if them.type not in complements:
            pair = index.mutual(me, them)
            if pair is None:
                continue
        common = my_terms.intersection(them.terms)
        shared_idf = sum(idf(t) for t in common)
        forward = direction(index, me, them, my_total, common=common, shared_idf=shared_idf)
        backward = direction(index, them, me, index.text_total(them), common=common, shared_idf=shared_idf)
        score = harmonic(forward.score, backward.score)
        if pair is not None:
            score *= MUTUAL
        # Fair exposure: an organisation with many live opportunities is dampened a little.
        score /= 1 + 0.1 * math.log(index.per_profile[them.profile_id])
        scored.append(Match(pk, round(score, 4), forward, backward, them, pair))
    scored.sort(key=lambda m: (-m.score, m.pk))
    out: list[Match] = []
    seen: set[int] = set()
    for match in scored:  # one opportunity per organisation in a list
        if match.doc.profile_id in seen:
            continue
        seen.add(match.doc.profile_id)
        out.append(match)
        if len(out) == limit:
            break
    return out


# -- the process's index ---------------------------------------------------------------------------
def live_opportunities(today: date | None = None) -> Any:
    today = today or timezone.localdate()
    return Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED, expires_on__gte=today)


def load_docs(today: date | None = None, batch: int = 5000, pks: Iterable[int] | None = None) -> list[Doc]:
    """Every live opportunity (or those of ``pks`` that are live) as a Doc, read in batches
    (areas through one query per batch)."""
    parents = dict(Sector.objects.values_list("pk", "parent_id"))
    rows_qs = live_opportunities(today).order_by("pk")
    if pks is not None:
        rows_qs = rows_qs.filter(pk__in=list(pks))
    rows = list(
        rows_qs.values_list(
            "pk", "profile_id", "type", "target_side", "sector_id", "service_kind", "index_terms", "expires_on"
        )
    )
    profile_rows = OrganisationProfile.objects.values_list("pk", "side", "languages")
    if pks is not None:
        profile_rows = profile_rows.filter(pk__in={r[1] for r in rows})
    profiles = {pk: (side, tuple(langs or ())) for pk, side, langs in profile_rows}
    through = Opportunity.areas.through
    docs: list[Doc] = []
    intern: dict[str, str] = {}
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        areas: dict[int, list[int]] = {}
        for opp_id, area_id in through.objects.filter(opportunity_id__in=[r[0] for r in chunk]).values_list(
            "opportunity_id", "area_id"
        ):
            areas.setdefault(opp_id, []).append(area_id)
        for pk, profile_id, kind, target, sector_id, service, terms, expires_on in chunk:
            side, langs = profiles[profile_id]
            docs.append(
                Doc(
                    pk=pk,
                    profile_id=profile_id,
                    type=kind,
                    side=side,
                    target_side=target,
                    sector_id=sector_id,
                    sector_parent_id=parents.get(sector_id),
                    areas=tuple(sorted(areas.get(pk, ()))),
                    languages=langs,
                    service_kind=service,
                    terms=tuple(intern.setdefault(t, t) for t in terms or ()),
                    expires_on=expires_on,
                )
            )
    return docs


def changed(opportunity_ids: Iterable[int]) -> None:
    """Tell every process's index that these opportunities may have changed (a service calls it
    in the transaction of the change, so the note commits with it)."""
    MatchChange.objects.bulk_create([MatchChange(opportunity_id=pk) for pk in dict.fromkeys(opportunity_ids)])


# Changes are applied by id. Ids are handed out when a row is written but become visible when
# its transaction commits, so a lower id can appear after a higher one: every sync looks again
# at the last WINDOW ids and applies those it has not seen.
WINDOW = 64
# A process that has not synced for this long rebuilds (the daily command prunes older rows).
RESYNC_AFTER = 24 * 3600.0  # seconds
PRUNE_AFTER = timedelta(days=2)


@dataclass
class _State:
    index: MatchIndex
    last_id: int
    seen: set[int]
    synced_at: float  # time.monotonic()


_lock = threading.Lock()
_state: _State | None = None


def reset() -> None:
    """Forget the process's index (tests call it between tests, whose data is rolled back)."""
    global _state
    with _lock:
        _state = None


def declined_rows(opportunity_ids: Iterable[int] | None = None) -> list[Declined]:
    """Every declined interest (or those in ``opportunity_ids``) as the index keeps it."""
    rows = Interest.objects.filter(status=Interest.Status.DECLINED)
    if opportunity_ids is not None:
        rows = rows.filter(opportunity_id__in=list(opportunity_ids))
    return list(
        rows.order_by().values_list(
            "opportunity_id", "opportunity__profile_id", "from_profile_id", "from_opportunity_id"
        )
    )


def sector_terms() -> dict[int, frozenset[str]]:
    """What each sector's names (all three languages) say it offers: their concept terms."""
    out: dict[int, frozenset[str]] = {}
    for sector in Sector.objects.only("pk", "name"):
        text = TText.from_json(sector.name).all_text()
        out[sector.pk] = frozenset(t for t in analysis.terms(text) if t.startswith(CONCEPT_PREFIX))
    return out


def _build(today: date) -> _State:
    last_id = MatchChange.objects.aggregate(m=Max("id"))["m"] or 0  # before reading: nothing is missed
    index = MatchIndex(load_docs(today), today, declined_rows(), sector_terms())
    recent = set(MatchChange.objects.filter(id__gt=last_id - WINDOW, id__lte=last_id).values_list("id", flat=True))
    return _State(index, last_id, recent, time.monotonic())


_CHANGES_SQL = "SELECT id, opportunity_id FROM {table} WHERE id > %s"


def _sync(state: _State, today: date) -> None:
    # The one query of a request with nothing to catch up: plain SQL over the primary key (the
    # ORM's compilation cost as much as the query on a quiet table).
    with connection.cursor() as cursor:
        cursor.execute(
            _CHANGES_SQL.format(table=connection.ops.quote_name(MatchChange._meta.db_table)),
            [state.last_id - WINDOW],
        )
        rows = cursor.fetchall()
    fresh = [(change_id, pk) for change_id, pk in rows if change_id not in state.seen]
    if fresh:
        pks = {pk for _change, pk in fresh}
        live = {doc.pk: doc for doc in load_docs(today, pks=pks)}
        for pk in pks:
            if pk in live:
                state.index.add(live[pk])
            else:
                state.index.remove(pk)
        for row in declined_rows(pks):
            state.index.decline(*row)
        state.last_id = max(state.last_id, *(change_id for change_id, _pk in fresh))
        state.seen.update(change_id for change_id, _pk in fresh)
        state.seen = {i for i in state.seen if i > state.last_id - WINDOW}
    if today != state.index.today:
        state.index.expire(today)
    state.synced_at = time.monotonic()


def current_index() -> MatchIndex:
    """The process's index of what is live today: built once, then kept current by applying the
    changes other requests and processes noted (``changed``) and dropping what expired."""
    global _state
    today = timezone.localdate()
    with _lock:
        if _state is None or time.monotonic() - _state.synced_at > RESYNC_AFTER:
            _state = _build(today)
        else:
            _sync(_state, today)
        return _state.index


def changes_prune(now: Any = None) -> int:
    """Delete change notes older than ``PRUNE_AFTER`` (the daily command); returns how many."""
    cutoff = (now or timezone.now()) - PRUNE_AFTER
    deleted, _ = MatchChange.objects.filter(at__lt=cutoff).delete()
    return deleted


def suggestions(opportunity: Opportunity, *, limit: int = 10) -> list[Match]:
    """Ranked counterparts of a live opportunity (an empty list for one that is not live)."""
    index = current_index()  # holds only what is live today
    me = index.docs.get(opportunity.pk)
    if me is None:
        return []
    return rank(index, me, limit=limit)


# -- reasons in the reader's language --------------------------------------------------------------
def _join(items: Sequence[str], lang: str) -> str:
    return ("、" if lang != "en" else ", ").join(items)


@dataclass(frozen=True)
class Names:
    """What the reasons of one list name, read once for the whole list: the reader's sector and
    the co-operation areas any suggestion shares with it (in the areas' order)."""

    sector: Sector | None
    areas: tuple[Area, ...]

    @classmethod
    def of(cls, me: Doc, matches: Sequence[Match]) -> Names:
        sector = (
            Sector.objects.filter(pk=me.sector_id).first() if any(m.forward.sector == 1.0 for m in matches) else None
        )
        wanted = {a for m in matches for a in m.forward.areas}
        areas = tuple(Area.objects.filter(pk__in=wanted).order_by("position", "pk")) if wanted else ()
        return cls(sector, areas)


def explained(opportunity: Opportunity, *, limit: int = 10, lang: str | None = None) -> list[tuple[Match, list[str]]]:
    """``suggestions`` with each one's reasons in ``lang``: one catch-up check and at most two
    queries for the names, however many suggestions (what the page and the API show)."""
    index = current_index()
    me = index.docs.get(opportunity.pk)
    if me is None:
        return []
    found = rank(index, me, limit=limit)
    names = Names.of(me, found)
    return [(m, reasons(m, me, lang=lang, names=names)) for m in found]


def reasons(match: Match, me: Doc, *, lang: str | None = None, names: Names | None = None) -> list[str]:
    """Why ``match`` is suggested to the owner of ``me``, as sentences in ``lang`` (the active
    language by default). ``names``: read for a whole list at once (else read here)."""
    lang = lang or current_language()
    names = names or Names.of(me, [match])
    types = dict(OpportunityType.choices)
    told: set[str] = set()
    if match.mutual is not None:
        theirs, yours = match.mutual
        told.update(theirs + yours)
        out = [
            _(
                "Two offers that answer each other: they offer %(theirs)s, which yours names; you offer %(yours)s, which theirs names."
            )
            % {
                "theirs": _join([concept_label(t, lang) for t in theirs[:3]], lang),
                "yours": _join([concept_label(t, lang) for t in yours[:3]], lang),
            }
        ]
    else:
        out = [
            _("They posted “%(theirs)s”, which answers your “%(yours)s”.")
            % {"theirs": types[match.doc.type], "yours": types[me.type]}
        ]
    shared = list(dict.fromkeys(match.forward.shared_terms + match.backward.shared_terms))
    concepts = [concept_label(t, lang) for t in shared if t.startswith(CONCEPT_PREFIX) and t not in told][:4]
    if concepts:
        out.append(_("Both write about %(topics)s.") % {"topics": _join(concepts, lang)})
    if match.forward.sector == 1.0:
        sector = names.sector
        out.append(_("Both in %(sector)s.") % {"sector": sector.name.show(lang).text if sector else ""})
    elif match.forward.sector > 0:
        out.append(_("Related sectors."))
    if match.forward.areas:
        shown = [a.name.show(lang).text for a in names.areas if a.pk in match.forward.areas]
        out.append(_("Both interested in %(areas)s.") % {"areas": _join(shown, lang)})
    if match.forward.languages:
        labels = dict(WorkLanguage.choices)
        out.append(
            _("Both work in %(languages)s.")
            % {"languages": _join([str(labels[c]) for c in match.forward.languages], lang)}
        )
    if match.forward.other_side:
        out.append(_("A partner on the other side: %(side)s.") % {"side": Side(match.doc.side).label})
    return out


# -- when there is no suggestion: why, and what to do ----------------------------------------------
def _quoted(text: str, lang: str) -> str:
    return f"「{text}」" if lang == "zh-hant" else f"“{text}”"


def matched_with(kind: str) -> list[str]:
    """The types an opportunity of type ``kind`` is matched with (an offer: other offers too)."""
    return list(dict.fromkeys([*COMPLEMENTS.get(kind, ()), *(OFFERS if kind in OFFERS else ())]))


def why_none(opportunity: Opportunity, *, lang: str | None = None) -> list[str]:
    """Why ``opportunity`` has no suggestion and what its owner can do, as sentences in ``lang``
    (what the page and the API show instead of an empty list)."""
    lang = lang or current_language()
    status = opportunity.status
    if status in (Opportunity.Status.DRAFT, Opportunity.Status.RETURNED):
        return [
            _(
                "Suggestions are made for published opportunities: submit this one for review, and a "
                "facilitator of your side publishes it."
            )
        ]
    if status == Opportunity.Status.SUBMITTED:
        return [
            _("Suggestions are made for published opportunities: a facilitator of your side reviews this one first.")
        ]
    if status != Opportunity.Status.PUBLISHED:
        return [_("Withdrawn and rejected opportunities get no suggestions.")]
    if not opportunity.is_live():
        return [_("This opportunity has expired and gets no suggestions: renew it to be matched again.")]
    labels = dict(OpportunityType.choices)
    answers = [_quoted(str(labels[k]), lang) for k in COMPLEMENTS.get(opportunity.type, ())]
    out = [
        _("No suggestion yet: no published opportunity fits this one."),
        _("Opportunities of this type (%(type)s) are matched with: %(types)s.")
        % {"type": labels[opportunity.type], "types": _join(answers, lang)},
    ]
    if opportunity.type in OFFERS:
        index = current_index()
        me = index.docs.get(opportunity.pk)
        wants = index.wants(me) if me is not None else []
        if wants:
            out.append(
                _(
                    "As an offer, it is also matched with the other side's offers of what it names "
                    "(%(topics)s) whose text names what you offer; none is published yet."
                )
                % {"topics": _join([concept_label(t, lang) for t in wants[:4]], lang)}
            )
        else:
            out.append(
                _(
                    "As an offer, it is also matched with the other side's offers when each names what "
                    "the other offers, but its text names nothing it is looking for."
                )
            )
        out.append(
            _(
                "To find what you need, post a request for it (for example a business request or a "
                "professional service needed): it is matched with the offers that answer it. Or name what "
                "you are looking for in this offer's keywords (an edit is reviewed again before it is "
                "published)."
            )
        )
    else:
        out.append(_("You can also look through the marketplace and express interest in an opportunity yourself."))
    out.append(_("New opportunities are matched as soon as they are published."))
    return out
