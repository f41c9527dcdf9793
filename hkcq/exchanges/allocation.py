"""Stable allocation for rounds: deferred acceptance (Gale–Shapley), applicant-proposing by
default, with host capacities (the hospitals/residents problem); a one-to-one round (sister
schools) is the same with every capacity 1. A pure module: no Django.

Rules, as documented in docs/decisions/0008-exchanges-scheduling-and-allocation.md:

- Preferences are strict lists, most wanted first; a list may be incomplete. A pair is acceptable
  only when each side lists the other, except that a host with an empty list accepts every
  applicant who lists it, in the round's tie-break order (below).
- Ties: a rank list cannot hold ties (the services refuse duplicates); an indifferent host (empty
  list) ranks applicants by the tie-break order: a seeded lottery the round records, so a run can
  be repeated exactly.
- Fixed pairs (set by the organiser, or accepted in an earlier run) are kept: they take their
  host's places first, and their applicants take no further part.
- Excluded pairs (a host or applicant declined that pair) are unacceptable.

Applicant-proposing deferred acceptance gives the applicant-optimal stable matching; with
``proposing="host"`` the host-optimal one. ``blocking_pairs()`` checks stability: no applicant
and host who both prefer each other to what they got (a host with a free place prefers any
acceptable applicant to an empty place).
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

Id = Hashable


@dataclass
class Market:
    # applicant -> hosts, most wanted first
    applicant_ranks: dict[Id, list[Id]]
    # host -> applicants, most wanted first ([] = indifferent: tie-break order)
    host_ranks: dict[Id, list[Id]]
    capacity: dict[Id, int]
    fixed: list[tuple[Id, Id]] = field(default_factory=list)
    excluded: set[tuple[Id, Id]] = field(default_factory=set)
    tie_break_seed: int = 0

    def tie_order(self) -> list[Id]:
        order = sorted(self.applicant_ranks, key=str)
        random.Random(self.tie_break_seed).shuffle(order)
        return order

    def host_rank_maps(self) -> dict[Id, dict[Id, int]]:
        """host -> applicant -> position (0 best) among the applicants acceptable to it."""
        tie = self.tie_order()
        out: dict[Id, dict[Id, int]] = {}
        for h, ranks in self.host_ranks.items():
            if ranks:
                out[h] = {a: k for k, a in enumerate(ranks)}
            else:
                listing = [a for a in tie if h in self.applicant_ranks.get(a, ())]
                out[h] = {a: k for k, a in enumerate(listing)}
        return out

    def acceptable(self, a: Id, h: Id, host_maps: dict[Id, dict[Id, int]]) -> bool:
        return h in host_maps and a in host_maps[h] and (a, h) not in self.excluded


class AllocationError(ValueError):
    pass


def validate(market: Market) -> None:
    for a, ranks in market.applicant_ranks.items():
        if len(set(ranks)) != len(ranks):
            raise AllocationError(f"applicant {a} ranks a host twice")
        for h in ranks:
            if h not in market.host_ranks:
                raise AllocationError(f"applicant {a} ranks unknown host {h}")
    for h, ranks in market.host_ranks.items():
        if len(set(ranks)) != len(ranks):
            raise AllocationError(f"host {h} ranks an applicant twice")
        for a in ranks:
            if a not in market.applicant_ranks:
                raise AllocationError(f"host {h} ranks unknown applicant {a}")
        if market.capacity.get(h, 0) < 0:
            raise AllocationError(f"host {h} has a negative capacity")
    seen: set[Id] = set()
    used: dict[Id, int] = defaultdict(int)
    for a, h in market.fixed:
        if a in seen:
            raise AllocationError(f"applicant {a} is fixed twice")
        seen.add(a)
        used[h] += 1
    for h, n in used.items():
        if n > market.capacity.get(h, 0):
            raise AllocationError(f"host {h} has more fixed pairs than places")


def allocate(market: Market, *, proposing: str = "applicant") -> dict[Id, Id]:
    """applicant -> host for every placed applicant (fixed pairs included)."""
    validate(market)
    host_maps = market.host_rank_maps()
    fixed = dict(market.fixed)
    room = {h: market.capacity.get(h, 0) for h in market.host_ranks}
    for h in fixed.values():
        room[h] -= 1
    free_applicants = [a for a in market.applicant_ranks if a not in fixed]
    if proposing == "applicant":
        result = _applicant_proposing(market, host_maps, free_applicants, room)
    elif proposing == "host":
        result = _host_proposing(market, host_maps, free_applicants, room)
    else:
        raise AllocationError("proposing is 'applicant' or 'host'")
    result.update(fixed)
    return result


def _applicant_proposing(
    market: Market, host_maps: dict[Id, dict[Id, int]], applicants: list[Id], room: dict[Id, int]
) -> dict[Id, Id]:
    lists = {a: [h for h in market.applicant_ranks[a] if market.acceptable(a, h, host_maps)] for a in applicants}
    nxt = dict.fromkeys(applicants, 0)
    # per host a max-heap of (−rank) of its held applicants: the worst is on top
    held: dict[Id, list[tuple[int, str, Id]]] = defaultdict(list)
    queue = list(reversed(applicants))
    match: dict[Id, Id] = {}
    while queue:
        a = queue.pop()
        while nxt[a] < len(lists[a]):
            h = lists[a][nxt[a]]
            nxt[a] += 1
            if room[h] <= 0:
                continue
            r = host_maps[h][a]
            heap = held[h]
            if len(heap) < room[h]:
                heapq.heappush(heap, (-r, str(a), a))
                match[a] = h
                break
            worst = heap[0]
            if -worst[0] > r:
                heapq.heapreplace(heap, (-r, str(a), a))
                match[a] = h
                bumped = worst[2]
                del match[bumped]
                queue.append(bumped)
                break
    return match


def _host_proposing(
    market: Market, host_maps: dict[Id, dict[Id, int]], applicants: list[Id], room: dict[Id, int]
) -> dict[Id, Id]:
    free_set = set(applicants)
    app_rank = {a: {h: k for k, h in enumerate(market.applicant_ranks[a])} for a in applicants}
    lists = {
        h: [
            a
            for a, _ in sorted(m.items(), key=lambda kv: kv[1])
            if a in free_set and h in app_rank[a] and (a, h) not in market.excluded
        ]
        for h, m in host_maps.items()
    }
    nxt = dict.fromkeys(lists, 0)
    holding: dict[Id, Id] = {}
    count: dict[Id, int] = defaultdict(int)
    active = [h for h in lists if room[h] > 0]
    while active:
        h = active.pop()
        while count[h] < room[h] and nxt[h] < len(lists[h]):
            a = lists[h][nxt[h]]
            nxt[h] += 1
            current = holding.get(a)
            if current is None or app_rank[a][h] < app_rank[a][current]:
                holding[a] = h
                count[h] += 1
                if current is not None:
                    count[current] -= 1
                    active.append(current)
    return holding


def blocking_pairs(market: Market, match: dict[Id, Id]) -> list[tuple[Id, Id]]:
    """Pairs (a, h), both acceptable to each other, not matched, where a prefers h to its place
    (or has none) and h has a free place or prefers a to one it holds. Fixed applicants are out
    of the market; their places count as taken."""
    host_maps = market.host_rank_maps()
    fixed = dict(market.fixed)
    held: dict[Id, list[Id]] = defaultdict(list)
    for a, h in match.items():
        held[h].append(a)
    out = []
    for a, ranks in market.applicant_ranks.items():
        if a in fixed:
            continue
        current = match.get(a)
        for h in ranks:
            if h == current:
                break
            if not market.acceptable(a, h, host_maps):
                continue
            if len(held[h]) < market.capacity.get(h, 0):
                out.append((a, h))
                continue
            movable = [b for b in held[h] if b not in fixed]
            if movable and max(host_maps[h].get(b, 1 << 30) for b in movable) > host_maps[h][a]:
                out.append((a, h))
    return out


@dataclass
class Statistics:
    applicants: int
    places: int
    placed: int
    unplaced: int
    first: float
    second: float
    third: float
    mean_applicant_rank: float | None
    mean_host_rank: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "applicants": self.applicants,
            "places": self.places,
            "placed": self.placed,
            "unplaced": self.unplaced,
            "share_first_choice": round(self.first, 4),
            "share_second_choice": round(self.second, 4),
            "share_third_choice": round(self.third, 4),
            "share_unplaced": round(self.unplaced / self.applicants, 4) if self.applicants else 0.0,
            "mean_applicant_rank": None if self.mean_applicant_rank is None else round(self.mean_applicant_rank, 3),
            "mean_host_rank": None if self.mean_host_rank is None else round(self.mean_host_rank, 3),
        }


def statistics(market: Market, match: dict[Id, Id]) -> Statistics:
    """Shares of applicants with their 1st/2nd/3rd choice (of all applicants), unplaced, and the
    mean rank (1 = first choice) of the place each side got: an applicant's rank of its host, and
    a host's rank of each applicant it holds (hosts with an empty list are left out of that mean).
    The ranks are read from ``market``'s lists: a round passes the hosts' lists as they were typed
    (``services.round_allocate``), so an applicant who declined earlier still holds its place in them."""
    n = len(market.applicant_ranks)
    by_choice: dict[int, int] = defaultdict(int)
    app_ranks: list[int] = []
    host_ranks: list[int] = []
    for a, h in match.items():
        ranks = market.applicant_ranks.get(a, [])
        if h in ranks:
            r = ranks.index(h) + 1
            by_choice[r] += 1
            app_ranks.append(r)
        hr = market.host_ranks.get(h, [])
        if a in hr:
            host_ranks.append(hr.index(a) + 1)
    return Statistics(
        applicants=n,
        places=sum(market.capacity.values()),
        placed=len(match),
        unplaced=n - len(match),
        first=by_choice[1] / n if n else 0.0,
        second=by_choice[2] / n if n else 0.0,
        third=by_choice[3] / n if n else 0.0,
        mean_applicant_rank=sum(app_ranks) / len(app_ranks) if app_ranks else None,
        mean_host_rank=sum(host_ranks) / len(host_ranks) if host_ranks else None,
    )


def ids(values: Iterable[Id]) -> list[Id]:
    return list(values)
