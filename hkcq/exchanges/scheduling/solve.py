"""Ejection chains (place an unscheduled meeting by moving the ones in its way) and ``schedule()``,
the entry point: the greedy schedule improved by the chains, then the whole CP-SAT model or the
neighbourhood search."""

from __future__ import annotations

import random
import time
from collections import defaultdict

from hkcq.exchanges.scheduling.checks import _candidate_slots, _validate
from hkcq.exchanges.scheduling.cpsat import WHOLE_LIMIT, _check_locked_interpreters, _search, _solve_part
from hkcq.exchanges.scheduling.greedy import schedule_greedy
from hkcq.exchanges.scheduling.problem import Id, Problem, Result
from hkcq.exchanges.scheduling.tables import _finish

CHAIN_DEPTH = 8


class _Chains:
    """Augmenting paths over slots: an unscheduled meeting takes a slot where one of its two
    participants is busy, and the meeting it pushes out goes to another of its slots (and so on,
    up to CHAIN_DEPTH moves); undone when the chain finds no end. Meetings that need an
    interpreter and locked meetings are neither moved nor placed here (the solver places those).
    Each success schedules one more meeting, which the objective values above any move."""

    def __init__(self, problem: Problem, slots: dict[Id, int], rng: random.Random) -> None:
        self.problem = problem
        self.rng = rng
        self.by_id = {m.id: m for m in problem.meetings}
        self.slots = dict(slots)
        self.busy: dict[tuple[Id, int], Id] = {}
        self.count: dict[int, int] = defaultdict(int)
        for mid, s in self.slots.items():
            m = self.by_id[mid]
            self.busy[(m.a, s)] = self.busy[(m.b, s)] = mid
            self.count[s] += 1

    def movable(self, mid: Id) -> bool:
        m = self.by_id[mid]
        return m.locked is None and m.language_pair is None

    def put(self, mid: Id, s: int) -> None:
        m = self.by_id[mid]
        self.slots[mid] = s
        self.busy[(m.a, s)] = self.busy[(m.b, s)] = mid
        self.count[s] += 1

    def take(self, mid: Id) -> int:
        m = self.by_id[mid]
        s = self.slots.pop(mid)
        del self.busy[(m.a, s)], self.busy[(m.b, s)]
        self.count[s] -= 1
        return s

    def place(self, mid: Id, depth: int, visited: set[Id]) -> bool:
        m = self.by_id[mid]
        options = list(_candidate_slots(self.problem, m))
        self.rng.shuffle(options)
        for s in options:
            if self.count[s] < self.problem.tables and (m.a, s) not in self.busy and (m.b, s) not in self.busy:
                self.put(mid, s)
                return True
        if depth == 0:
            return False
        for s in options:  # the meeting pushed out frees its table in ``s``
            blockers = {self.busy.get((m.a, s)), self.busy.get((m.b, s))} - {None}
            if len(blockers) != 1:
                continue
            other = blockers.pop()
            if other in visited or not self.movable(other):
                continue
            was = self.take(other)
            self.put(mid, s)
            visited.add(other)
            if self.place(other, depth - 1, visited):
                return True
            self.take(mid)
            self.put(other, was)
        return False

    def run(self, rounds: int = 2) -> dict[Id, int]:
        for _round in range(rounds):
            gained = 0
            for m in self.problem.meetings:
                if m.id not in self.slots and self.movable(m.id) and self.place(m.id, CHAIN_DEPTH, {m.id}):
                    gained += 1
            if not gained:
                break
        return self.slots


def schedule(problem: Problem, *, time_limit: float = 20.0, workers: int = 1, seed: int = 0) -> Result:
    """Schedule all with CP-SAT, starting from the greedy schedule improved by ejection chains
    (``_Chains``: more meetings placed, in well under a second).

    Up to WHOLE_LIMIT free meetings: one model of the whole problem; ``optimal`` when the solver
    proves it. Beyond: large neighbourhood search, each step re-placing the meetings of a group
    of participants (grown from the people of an unscheduled meeting, or at random) with every
    other meeting fixed, solved by CP-SAT and kept when no worse; always ``feasible``
    (heuristic). ``workers`` is CP-SAT's thread count (the machine is shared: keep it small);
    ``time_limit`` bounds the solving in seconds.
    """
    started = time.perf_counter()
    _validate(problem)
    _check_locked_interpreters(problem)
    greedy = schedule_greedy(problem)
    slots = _Chains(problem, {mid: p.slot for mid, p in greedy.placements.items()}, random.Random(seed)).run()
    movable = [m for m in problem.meetings if m.locked is None]
    deadline = started + time_limit
    if len(movable) <= WHOLE_LIMIT:
        chosen, optimal = _solve_part(
            problem, movable, slots, time_limit=deadline - time.perf_counter(), workers=workers, seed=seed
        )
        if chosen is None:  # no answer in time: the greedy schedule, improved by the chains
            return _finish(problem, slots, "greedy", started)
        fixed = {mid: s for mid, s in slots.items() if by_locked(problem, mid)}
        return _finish(problem, {**fixed, **chosen}, "optimal" if optimal else "feasible", started)
    slots = _search(problem, movable, slots, deadline=deadline, workers=workers, seed=seed)
    return _finish(problem, slots, "feasible", started)


def by_locked(problem: Problem, mid: Id) -> bool:
    return any(m.id == mid and m.locked is not None for m in problem.meetings)
