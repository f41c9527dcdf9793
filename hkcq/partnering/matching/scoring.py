"""Scoring a pair in each direction and ranking an opportunity's counterparts (``rank``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hkcq.partnering.matching.index import (
    MUTUAL,
    SAME_SIDE,
    WEIGHTS,
    Doc,
    MatchIndex,
)
from hkcq.partnering.models import (
    COMPLEMENTS,
)


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
