"""The scheduler's problem and result: meetings, interpreters, the problem, a placement, a result,
and the objective's weights."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

Id = Hashable


# Objective weights. SCHEDULED beats any number of keeps and block starts; KEEP beats any
# number of block starts a single meeting could save (a meeting touches two participants, so at
# most 4 block starts change when it moves).
W_SCHEDULED = 1000


W_KEEP = 10


W_BLOCK = 1


@dataclass(frozen=True)
class Meeting:
    id: Id
    a: Id
    b: Id
    # The language pair an interpreter must cover (e.g. "en-yue"); None when none is needed.
    language_pair: str | None = None
    # (slot, table): a locked meeting never moves.
    locked: tuple[int, int] | None = None
    locked_interpreter: Id | None = None
    # (slot, table) from the previous run: kept when possible.
    previous: tuple[int, int] | None = None
    previous_interpreter: Id | None = None


@dataclass(frozen=True)
class Interpreter:
    id: Id
    pairs: frozenset[str]
    slots: frozenset[int]


@dataclass
class Problem:
    # day index of each slot (slots are numbered in time order; two slots are adjacent when
    # their numbers are consecutive and the day is the same)
    slot_days: list[int]
    tables: int
    # participant -> slots they can meet in (availability less their booked sessions)
    available: dict[Id, frozenset[int]]
    meetings: list[Meeting]
    interpreters: list[Interpreter] = field(default_factory=list)

    @property
    def slot_count(self) -> int:
        return len(self.slot_days)

    def common_slots(self, m: Meeting) -> list[int]:
        a = self.available.get(m.a, frozenset())
        b = self.available.get(m.b, frozenset())
        return sorted(s for s in a & b if 0 <= s < self.slot_count)

    def interpreters_for(self, m: Meeting, slot: int) -> list[Id]:
        if m.language_pair is None:
            return []
        return [i.id for i in self.interpreters if m.language_pair in i.pairs and slot in i.slots]


@dataclass(frozen=True)
class Placement:
    slot: int
    table: int
    interpreter: Id | None = None


@dataclass
class Result:
    placements: dict[Id, Placement]
    unscheduled: list[Id]
    # "optimal" (proven), "feasible" (best found in the time limit: heuristic), "greedy"
    status: str
    seconds: float = 0.0
    upper_bound: int = 0

    @property
    def scheduled(self) -> int:
        return len(self.placements)


class ScheduleError(ValueError):
    """The input contradicts itself (e.g. two locked meetings at one table)."""
