"""The greedy schedule, the baseline ``schedule()`` starts from."""

from __future__ import annotations

import time
from collections import defaultdict

from hkcq.exchanges.scheduling.checks import _candidate_slots, _validate
from hkcq.exchanges.scheduling.problem import Id, Meeting, Problem, Result
from hkcq.exchanges.scheduling.tables import _finish


class _Greedy:
    """The greedy schedule's state: who is busy when, tables used per slot, interpreters booked."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.busy: set[tuple[Id, int]] = set()
        self.used_tables: dict[int, int] = defaultdict(int)
        self.interp_busy: set[tuple[Id, int]] = set()
        self.slots: dict[Id, int] = {}

    def free_interpreter(self, m: Meeting, s: int) -> Id | None:
        for i in self.problem.interpreters_for(m, s):
            if (i, s) not in self.interp_busy:
                return i
        return None

    def place(self, m: Meeting, s: int, interpreter: Id | None) -> None:
        self.slots[m.id] = s
        self.busy.add((m.a, s))
        self.busy.add((m.b, s))
        self.used_tables[s] += 1
        if interpreter is not None:
            self.interp_busy.add((interpreter, s))

    def fits(self, m: Meeting, s: int) -> bool:
        return (m.a, s) not in self.busy and (m.b, s) not in self.busy and self.used_tables[s] < self.problem.tables

    def new_blocks(self, m: Meeting, s: int) -> int:
        problem = self.problem
        cost = 0
        for person in (m.a, m.b):
            day = problem.slot_days[s]
            neighbours = [n for n in (s - 1, s + 1) if 0 <= n < problem.slot_count and problem.slot_days[n] == day]
            if not any((person, n) in self.busy for n in neighbours):
                cost += 1
        return cost

    def keep_previous(self, m: Meeting, candidates: list[int]) -> None:
        """Put ``m`` back in the slot it had, when that slot is still possible."""
        if m.previous is None or m.previous[0] not in candidates or not self.fits(m, m.previous[0]):
            return
        i = self.free_interpreter(m, m.previous[0]) if m.language_pair else None
        if m.language_pair is None or i is not None:
            self.place(m, m.previous[0], i)

    def place_best(self, m: Meeting, candidates: list[int]) -> None:
        """Put ``m`` in the candidate slot next to its participants' other meetings, else the earliest."""
        best: tuple[int, int] | None = None
        best_interp: Id | None = None
        for s in candidates:
            if not self.fits(m, s):
                continue
            i = self.free_interpreter(m, s) if m.language_pair else None
            if m.language_pair is not None and i is None:
                continue
            key = (self.new_blocks(m, s), s)
            if best is None or key < best:
                best, best_interp = key, i
        if best is not None:
            self.place(m, best[1], best_interp)


def schedule_greedy(problem: Problem) -> Result:
    """The baseline: locked meetings first, then meetings that kept a previous slot, then the most
    constrained (fewest candidate slots) first, each into the candidate slot that sits next to
    the participants' other meetings (fewest new blocks), else the earliest."""
    started = time.perf_counter()
    _validate(problem)
    state = _Greedy(problem)
    for m in problem.meetings:
        if m.locked is not None:
            state.place(m, m.locked[0], m.locked_interpreter)
    rest = [m for m in problem.meetings if m.locked is None]
    candidates = {m.id: _candidate_slots(problem, m) for m in rest}
    for m in rest:
        state.keep_previous(m, candidates[m.id])
    rest = [m for m in rest if m.id not in state.slots]
    rest.sort(key=lambda m: (len(candidates[m.id]), str(m.id)))
    for m in rest:
        state.place_best(m, candidates[m.id])
    return _finish(problem, state.slots, "greedy", started)
