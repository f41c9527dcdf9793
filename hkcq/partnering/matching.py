"""Reciprocal matching of published opportunities.

Never all pairs: every process keeps one BM25 index (``hkcq.core.search.Index``) per opportunity
type over the live opportunities, made of their analysed text (language-neutral concept terms,
see ``analysis``) plus structured terms for their sector, parent sector and co-operation areas.
For an opportunity A we query only the indexes of the types complementary to A's, take the best
``CANDIDATES`` of each, and score those exactly:

- each direction separately: how well B answers A (A's text covered by B, A's sector and areas,
  A's wish for a partner's side, a language both work in, other side first) and how well A
  answers B — then the harmonic mean, so a one-sided fit ranks low (RECON, RecSys 2010);
- declined pairs, the organisation's own opportunities and anything not live never appear;
- fair exposure: at most one opportunity per organisation in a list, and an organisation with
  many live opportunities has each of them dampened a little, so the same large organisations
  are not shown to everyone (``bench/partnering_match.py`` reports the Gini of impressions).

The index is rebuilt when the count or the latest change of the opportunities, or the date,
changes, so every application server answers from the same data (SQLite or PostgreSQL alike).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.core.choices import Side
from hkcq.core.search import Index
from hkcq.core.translated import current_language
from hkcq.partnering.analysis import concept_label
from hkcq.partnering.models import (
    COMPLEMENTS,
    Interest,
    Opportunity,
    OpportunityType,
    OrganisationProfile,
    Sector,
    WorkLanguage,
)
from hkcq.registry.models import Area

CANDIDATES = 60
SAME_SIDE = 0.45  # a partner on the same side is still a partner, but the other side comes first
WEIGHTS = {"text": 0.35, "sector": 0.2, "areas": 0.15, "language": 0.1, "side": 0.2}


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


def structured_terms(doc: Doc) -> list[str]:
    out = [f"#sector:{doc.sector_id}", *(f"#area:{a}" for a in doc.areas)]
    if doc.sector_parent_id:
        out.append(f"#sector:{doc.sector_parent_id}")
    if doc.service_kind:
        out.append(f"#service:{doc.service_kind}")
    return out


class MatchIndex:
    def __init__(self, docs: Iterable[Doc]) -> None:
        self.docs: dict[int, Doc] = {}
        self.by_type: dict[str, Index] = {}
        self.per_profile: Counter[int] = Counter()
        df: Counter[str] = Counter()
        for doc in docs:
            self.docs[doc.pk] = doc
            self.per_profile[doc.profile_id] += 1
            df.update(doc.terms)
            index = self.by_type.get(doc.type)
            if index is None:
                index = self.by_type[doc.type] = Index({"text": 1.0, "facts": 0.5})
            index.add(doc.pk, {"text": doc.terms, "facts": structured_terms(doc)})
        for index in self.by_type.values():
            index.freeze()
        n = max(len(self.docs), 1)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._idf_unknown = math.log(1 + (n + 0.5) / 0.5)

    def idf(self, term: str) -> float:
        return self._idf.get(term, self._idf_unknown)

    def candidates(self, doc: Doc, limit: int = CANDIDATES) -> list[int]:
        query = [*doc.terms, *structured_terms(doc)]
        out: list[int] = []
        for kind in COMPLEMENTS.get(doc.type, ()):
            index = self.by_type.get(kind)
            if index is not None:
                out.extend(hit.key for hit in index.search(query, limit=limit))
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


def direction(index: MatchIndex, me: Doc, them: Doc) -> Direction:
    mine = set(me.terms)
    shared = tuple(t for t in me.terms if t in set(them.terms))
    total = sum(index.idf(t) for t in mine) or 1.0
    text = sum(index.idf(t) for t in shared) / total
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


def harmonic(a: float, b: float) -> float:
    return 0.0 if a <= 0 or b <= 0 else 2 * a * b / (a + b)


@dataclass(frozen=True)
class Match:
    pk: int
    score: float
    forward: Direction  # how well they answer you
    backward: Direction  # how well you answer them
    doc: Doc


def rank(index: MatchIndex, me: Doc, *, exclude: set[int] = frozenset(), limit: int = 10) -> list[Match]:  # type: ignore[assignment]
    scored: list[Match] = []
    for pk in dict.fromkeys(index.candidates(me)):
        them = index.docs.get(pk)
        if them is None or pk in exclude or them.profile_id == me.profile_id or pk == me.pk:
            continue
        forward, backward = direction(index, me, them), direction(index, them, me)
        score = harmonic(forward.score, backward.score)
        # Fair exposure: an organisation with many live opportunities is dampened a little.
        score /= 1 + 0.1 * math.log(index.per_profile[them.profile_id])
        scored.append(Match(pk, round(score, 4), forward, backward, them))
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
def doc_of(opportunity: Opportunity, languages: Sequence[str], side: str, sector_parent_id: int | None) -> Doc:
    return Doc(
        pk=opportunity.pk,
        profile_id=opportunity.profile_id,
        type=opportunity.type,
        side=side,
        target_side=opportunity.target_side,
        sector_id=opportunity.sector_id,
        sector_parent_id=sector_parent_id,
        areas=tuple(sorted(a.pk for a in opportunity.areas.all())),
        languages=tuple(languages),
        service_kind=opportunity.service_kind,
        terms=tuple(opportunity.index_terms or ()),
    )


def live_opportunities(today: date | None = None) -> Any:
    today = today or timezone.localdate()
    return Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED, expires_on__gte=today)


def load_docs(today: date | None = None, batch: int = 5000) -> list[Doc]:
    """Every live opportunity as a Doc, read in batches (areas through one query per batch)."""
    parents = dict(Sector.objects.values_list("pk", "parent_id"))
    profiles = {
        pk: (side, tuple(langs or ()))
        for pk, side, langs in OrganisationProfile.objects.values_list("pk", "side", "languages")
    }
    through = Opportunity.areas.through
    rows = list(
        live_opportunities(today)
        .order_by("pk")
        .values_list("pk", "profile_id", "type", "target_side", "sector_id", "service_kind", "index_terms")
    )
    docs: list[Doc] = []
    intern: dict[str, str] = {}
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        areas: dict[int, list[int]] = {}
        for opp_id, area_id in through.objects.filter(opportunity_id__in=[r[0] for r in chunk]).values_list(
            "opportunity_id", "area_id"
        ):
            areas.setdefault(opp_id, []).append(area_id)
        for pk, profile_id, kind, target, sector_id, service, terms in chunk:
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
                )
            )
    return docs


_lock = threading.Lock()
_cached: tuple[Any, MatchIndex] | None = None


def current_index() -> MatchIndex:
    """The process's index, rebuilt when the opportunities or the date changed."""
    global _cached
    stamp = (
        tuple(Opportunity.objects.aggregate(n=Count("pk"), last=Max("updated_at")).values()),
        timezone.localdate(),
    )
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        if _cached is not None and _cached[0] == stamp:
            return _cached[1]
        index = MatchIndex(load_docs(stamp[1]))
        _cached = (stamp, index)
        return index


def declined_pairs(opportunity: Opportunity) -> set[int]:
    """Opportunities never to suggest to ``opportunity``: those whose owners declined its
    organisation, or that its organisation declined."""
    pairs = Interest.objects.filter(status=Interest.Status.DECLINED).filter(
        Q(from_profile_id=opportunity.profile_id) | Q(opportunity__profile_id=opportunity.profile_id)
    )
    out: set[int] = set()
    for opp_id, opp_profile, from_profile, from_opp in pairs.values_list(
        "opportunity_id", "opportunity__profile_id", "from_profile_id", "from_opportunity_id"
    ):
        if from_profile == opportunity.profile_id:
            out.add(opp_id)
        if opp_profile == opportunity.profile_id:
            out.update(Opportunity.objects.filter(profile_id=from_profile).values_list("pk", flat=True))
            if from_opp:
                out.add(from_opp)
    return out


def suggestions(opportunity: Opportunity, *, limit: int = 10) -> list[Match]:
    """Ranked counterparts of a live opportunity (an empty list for one that is not live)."""
    index = current_index()  # holds only what is live today
    me = index.docs.get(opportunity.pk)
    if me is None:
        return []
    return rank(index, me, exclude=declined_pairs(opportunity), limit=limit)


# -- reasons in the reader's language --------------------------------------------------------------
def _join(items: Sequence[str], lang: str) -> str:
    return ("、" if lang != "en" else ", ").join(items)


def reasons(match: Match, me: Doc, *, lang: str | None = None) -> list[str]:
    """Why ``match`` is suggested to the owner of ``me``, as sentences in ``lang`` (the active
    language by default)."""
    lang = lang or current_language()
    types = dict(OpportunityType.choices)
    out = [
        _("They posted “%(theirs)s”, which answers your “%(yours)s”.")
        % {"theirs": types[match.doc.type], "yours": types[me.type]}
    ]
    shared = list(dict.fromkeys(match.forward.shared_terms + match.backward.shared_terms))
    concepts = [concept_label(t, lang) for t in shared if t.startswith("~")][:4]
    if concepts:
        out.append(_("Both write about %(topics)s.") % {"topics": _join(concepts, lang)})
    if match.forward.sector == 1.0:
        sector = Sector.objects.filter(pk=me.sector_id).first()
        out.append(_("Both in %(sector)s.") % {"sector": sector.name.show(lang).text if sector else ""})
    elif match.forward.sector > 0:
        out.append(_("Related sectors."))
    if match.forward.areas:
        names = [
            a.name.show(lang).text for a in Area.objects.filter(pk__in=match.forward.areas).order_by("position", "pk")
        ]
        out.append(_("Both interested in %(areas)s.") % {"areas": _join(names, lang)})
    if match.forward.languages:
        labels = dict(WorkLanguage.choices)
        out.append(
            _("Both work in %(languages)s.")
            % {"languages": _join([str(labels[c]) for c in match.forward.languages], lang)}
        )
    if match.forward.other_side:
        out.append(_("A partner on the other side: %(side)s.") % {"side": Side(match.doc.side).label})
    return out
