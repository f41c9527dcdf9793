"""Schedule all: give every accepted meeting request a slot, a table and (when it needs one) an
interpreter. A pure module: no Django, so it is tested and benchmarked on its own.

The rules (every one checked by ``violations()``):

- nobody is in two places at once: a participant has at most one meeting per slot;
- a meeting sits in a slot both participants are available in (their stated availability less
  the sessions they booked: the caller passes what is left);
- a table holds at most one meeting per slot;
- a locked meeting keeps its slot, table and interpreter;
- a meeting that needs an interpreter for a language pair gets one of the interpreters of that
  pair who is available in the slot, and no interpreter is in two meetings in one slot.

Objective, lexicographic through weights: (1) as many meetings scheduled as possible; (2) on a
re-run, as few meetings moved from their previous slot as possible; (3) as few idle gaps as
possible, counted as the number of separate blocks of meetings a participant has in a day (a
participant meeting at 9:00, 9:30 and 11:00 has two blocks: one idle gap).

How: a CP-SAT model (OR-Tools) over boolean ``x[meeting, slot]``; tables are interchangeable,
so the model only counts meetings per slot against the number of tables, and tables are handed
out afterwards (a locked meeting keeps its table; a meeting that stayed in its slot keeps its
table when free). The solver starts from the greedy schedule (a complete hint), so it is never
worse than greedy, and stops at a time limit: its status says whether the result is proven
optimal (``optimal``) or the best found (``feasible``, heuristic). ``upper_bound()`` gives a
figure no schedule can beat, to show how far from optimal a ``feasible`` result may be.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

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


# -- checks and measures -------------------------------------------------------------------------
def violations(problem: Problem, result: Result) -> list[str]:  # noqa: C901 - one branch per rule it checks
    """Every broken rule in a result, as readable lines (empty when the schedule is valid)."""
    out: list[str] = []
    by_id = {m.id: m for m in problem.meetings}
    seen_person: dict[tuple[Id, int], Id] = {}
    seen_table: dict[tuple[int, int], Id] = {}
    seen_interp: dict[tuple[Id, int], Id] = {}
    interp = {i.id: i for i in problem.interpreters}
    for mid, p in result.placements.items():
        m = by_id.get(mid)
        if m is None:
            out.append(f"{mid}: not a meeting of the problem")
            continue
        if not 0 <= p.table < problem.tables:
            out.append(f"{mid}: table {p.table} does not exist")
        if not 0 <= p.slot < problem.slot_count:
            out.append(f"{mid}: slot {p.slot} does not exist")
        for person in (m.a, m.b):
            if p.slot not in problem.available.get(person, frozenset()):
                out.append(f"{mid}: {person} is not available in slot {p.slot}")
            other = seen_person.setdefault((person, p.slot), mid)
            if other != mid:
                out.append(f"{mid}: {person} is also in {other} in slot {p.slot}")
        other = seen_table.setdefault((p.slot, p.table), mid)
        if other != mid:
            out.append(f"{mid}: table {p.table} also holds {other} in slot {p.slot}")
        if m.locked is not None and (p.slot, p.table) != m.locked:
            out.append(f"{mid}: locked at {m.locked} but placed at {(p.slot, p.table)}")
        if m.locked is not None and m.locked_interpreter is not None and p.interpreter != m.locked_interpreter:
            out.append(f"{mid}: locked interpreter changed")
        if m.language_pair is not None:
            i = interp.get(p.interpreter) if p.interpreter is not None else None
            if i is None:
                out.append(f"{mid}: needs an interpreter for {m.language_pair}")
            else:
                if m.language_pair not in i.pairs:
                    out.append(f"{mid}: interpreter {i.id} does not cover {m.language_pair}")
                if p.slot not in i.slots:
                    out.append(f"{mid}: interpreter {i.id} is not available in slot {p.slot}")
                other = seen_interp.setdefault((i.id, p.slot), mid)
                if other != mid:
                    out.append(f"{mid}: interpreter {i.id} is also in {other} in slot {p.slot}")
    missing = {m.id for m in problem.meetings} - set(result.placements) - set(result.unscheduled)
    if missing:
        out.append(f"meetings neither placed nor reported unscheduled: {sorted(map(str, missing))}")
    for m in problem.meetings:
        if m.locked is not None and m.id not in result.placements:
            out.append(f"{m.id}: locked but not placed")
    return out


def _person_slots(problem: Problem, placements: dict[Id, Placement]) -> dict[Id, list[int]]:
    by_id = {m.id: m for m in problem.meetings}
    slots: dict[Id, list[int]] = defaultdict(list)
    for mid, p in placements.items():
        m = by_id[mid]
        slots[m.a].append(p.slot)
        slots[m.b].append(p.slot)
    return slots


def idle_measures(problem: Problem, placements: dict[Id, Placement]) -> tuple[int, int]:
    """(idle gaps, idle slots): the gaps between a participant's meetings on one day, and the
    free slots inside them, summed over participants and days."""
    gaps = idle = 0
    for slots in _person_slots(problem, placements).values():
        per_day: dict[int, list[int]] = defaultdict(list)
        for s in slots:
            per_day[problem.slot_days[s]].append(s)
        for day_slots in per_day.values():
            day_slots.sort()
            for x, y in zip(day_slots, day_slots[1:], strict=False):
                if y - x > 1:
                    gaps += 1
                    idle += y - x - 1
    return gaps, idle


def moved(problem: Problem, result: Result) -> int:
    """Meetings that had a slot in the previous run and are now elsewhere (or unscheduled)."""
    count = 0
    for m in problem.meetings:
        if m.previous is None:
            continue
        p = result.placements.get(m.id)
        if p is None or p.slot != m.previous[0]:
            count += 1
    return count


def upper_bound(problem: Problem) -> int:
    """A number of meetings no valid schedule can exceed.

    The least of: (a) meetings with at least one common slot (and, when they need one, an
    interpreter of their pair in such a slot); (b) per slot, the tables or half the participants
    free in it, summed; (c) (a) less half the participants' excess, where a participant's excess
    is how many more such meetings they have than slots they are free in (each meeting dropped
    relieves at most two participants).
    """
    feasible = [m for m in problem.meetings if _candidate_slots(problem, m)]
    by_slot = 0
    free_count: dict[int, int] = defaultdict(int)
    for slots in problem.available.values():
        for s in slots:
            free_count[s] += 1
    for s in range(problem.slot_count):
        by_slot += min(problem.tables, free_count[s] // 2)
    degree: dict[Id, int] = defaultdict(int)
    for m in feasible:
        degree[m.a] += 1
        degree[m.b] += 1
    excess = sum(max(0, d - len(problem.available.get(p, ()))) for p, d in degree.items())
    return min(len(feasible), by_slot, len(feasible) - math.ceil(excess / 2))


def lp_bound(problem: Problem, time_limit: float = 60.0) -> int | None:
    """A tighter bound than ``upper_bound()``: the optimum of the linear relaxation of the
    scheduling model (x[meeting, slot] between 0 and 1 instead of 0 or 1), rounded down. The
    relaxation keeps every rule that counts: a meeting at most once, a participant at most once
    per slot, at most ``tables`` meetings per slot, and per slot at most as many interpreted
    meetings of a language pair as interpreters of that pair (and in all as interpreters)
    available then; locked meetings are fixed. No schedule can place more meetings. None when
    the LP solver is not available or stops before proving its optimum."""
    from ortools.linear_solver import pywraplp  # local import: OR-Tools is large and only this bound needs it

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(int(time_limit * 1000))
    per_person: dict[tuple[Id, int], list[Any]] = defaultdict(list)
    per_slot: dict[int, list[Any]] = defaultdict(list)
    per_pair_slot: dict[tuple[str, int], list[Any]] = defaultdict(list)
    interpreted: dict[int, list[Any]] = defaultdict(list)
    total = []
    for m in problem.meetings:
        slots = _candidate_slots(problem, m)
        if not slots:
            continue
        xs = []
        for s in slots:
            low = 1.0 if m.locked is not None else 0.0
            x = solver.NumVar(low, 1.0, "")
            xs.append(x)
            per_person[(m.a, s)].append(x)
            per_person[(m.b, s)].append(x)
            per_slot[s].append(x)
            if m.language_pair is not None:
                per_pair_slot[(m.language_pair, s)].append(x)
                interpreted[s].append(x)
        solver.Add(solver.Sum(xs) <= 1)
        total.extend(xs)
    for xs in per_person.values():
        if len(xs) > 1:
            solver.Add(solver.Sum(xs) <= 1)
    for xs in per_slot.values():
        if len(xs) > problem.tables:
            solver.Add(solver.Sum(xs) <= problem.tables)
    for (pair, s), xs in per_pair_slot.items():
        solver.Add(solver.Sum(xs) <= sum(1 for i in problem.interpreters if pair in i.pairs and s in i.slots))
    for s, xs in interpreted.items():
        solver.Add(solver.Sum(xs) <= sum(1 for i in problem.interpreters if s in i.slots))
    solver.Maximize(solver.Sum(total))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return math.floor(solver.Objective().Value() + 1e-6)


def _candidate_slots(problem: Problem, m: Meeting) -> list[int]:
    cache = problem.__dict__.setdefault("_candidates", {})
    key = (m.id, m.a, m.b, m.language_pair, m.locked)
    if key not in cache:
        cache[key] = _compute_candidate_slots(problem, m)
    return cache[key]


def _compute_candidate_slots(problem: Problem, m: Meeting) -> list[int]:
    if m.locked is not None:
        return [m.locked[0]]
    slots = problem.common_slots(m)
    if m.language_pair is not None:
        slots = [s for s in slots if problem.interpreters_for(m, s)]
    return slots


def _finish_bound(problem: Problem) -> int:
    cached = problem.__dict__.get("_bound")
    if cached is None:
        cached = problem.__dict__["_bound"] = upper_bound(problem)
    return cached


def _validate(problem: Problem) -> None:
    tables: set[tuple[int, int]] = set()
    people: set[tuple[Id, int]] = set()
    interps: set[tuple[Id, int]] = set()
    ids: set[Id] = set()
    for m in problem.meetings:
        if m.id in ids:
            raise ScheduleError(f"meeting {m.id} appears twice")
        ids.add(m.id)
        if m.a == m.b:
            raise ScheduleError(f"meeting {m.id} has the same participant on both sides")
        if m.locked is None:
            continue
        slot, table = m.locked
        if not (0 <= slot < problem.slot_count and 0 <= table < problem.tables):
            raise ScheduleError(f"meeting {m.id} is locked outside the grid")
        if (slot, table) in tables:
            raise ScheduleError(f"two locked meetings at table {table} in slot {slot}")
        tables.add((slot, table))
        for person in (m.a, m.b):
            if (person, slot) in people:
                raise ScheduleError(f"{person} has two locked meetings in slot {slot}")
            people.add((person, slot))
        if m.locked_interpreter is not None:
            if (m.locked_interpreter, slot) in interps:
                raise ScheduleError(f"interpreter {m.locked_interpreter} has two locked meetings in slot {slot}")
            interps.add((m.locked_interpreter, slot))


# -- tables and interpreters after the slots are chosen ------------------------------------------
def _hand_out_tables(problem: Problem, slots: dict[Id, int]) -> dict[Id, int]:
    """Locked meetings keep their table; a meeting still in its previous slot keeps its previous
    table when free; the rest take the lowest free tables."""
    by_id = {m.id: m for m in problem.meetings}
    taken: dict[int, set[int]] = defaultdict(set)
    table: dict[Id, int] = {}
    for mid, s in slots.items():
        m = by_id[mid]
        if m.locked is not None:
            table[mid] = m.locked[1]
            taken[s].add(m.locked[1])
    for mid, s in slots.items():
        m = by_id[mid]
        if mid in table or m.previous is None or m.previous[0] != s:
            continue
        if m.previous[1] not in taken[s] and 0 <= m.previous[1] < problem.tables:
            table[mid] = m.previous[1]
            taken[s].add(m.previous[1])
    for mid, s in sorted(slots.items(), key=lambda kv: (kv[1], str(kv[0]))):
        if mid in table:
            continue
        t = next(t for t in range(problem.tables) if t not in taken[s])
        table[mid] = t
        taken[s].add(t)
    return table


def _augment(mid: Id, seen: set[Id], options: dict[Id, list[Id]], owner: dict[Id, Id]) -> bool:
    """Kuhn's augmenting path: give ``mid`` an interpreter, moving others along if needed."""
    for i in options[mid]:
        if i in seen:
            continue
        seen.add(i)
        if i not in owner or _augment(owner[i], seen, options, owner):
            owner[i] = mid
            return True
    return False


def _assign_interpreters(problem: Problem, slots: dict[Id, int]) -> dict[Id, Id] | None:
    """Per slot, a bipartite matching of the slot's meetings that need an interpreter to the
    interpreters of their pair (augmenting paths). None when some slot has no full matching."""
    by_id = {m.id: m for m in problem.meetings}
    result: dict[Id, Id] = {}
    per_slot: dict[int, list[Meeting]] = defaultdict(list)
    for mid, s in slots.items():
        m = by_id[mid]
        if m.language_pair is not None:
            per_slot[s].append(m)
    for s, meetings in per_slot.items():
        owner: dict[Id, Id] = {}  # interpreter -> meeting
        fixed = {m.locked_interpreter for m in meetings if m.locked is not None and m.locked_interpreter is not None}
        for m in meetings:
            if m.locked is not None and m.locked_interpreter is not None:
                owner[m.locked_interpreter] = m.id
        options = {
            m.id: [i for i in problem.interpreters_for(m, s) if i not in fixed]
            for m in meetings
            if not (m.locked is not None and m.locked_interpreter is not None)
        }
        # Prefer the previous interpreter: try it first.
        for m in meetings:
            if m.id in options and m.previous_interpreter in options[m.id]:
                options[m.id].remove(m.previous_interpreter)
                options[m.id].insert(0, m.previous_interpreter)

        for mid in options:
            if not _augment(mid, set(), options, owner):
                return None
        for i, mid in owner.items():
            result[mid] = i
    return result


def _finish(problem: Problem, slots: dict[Id, int], status: str, started: float) -> Result:
    tables = _hand_out_tables(problem, slots)
    interpreters = _assign_interpreters(problem, slots)
    if interpreters is None:  # cannot happen for solver output (the model holds per-slot Hall)
        raise ScheduleError("no interpreter assignment for the chosen slots")
    placements = {
        mid: Placement(slot=s, table=tables[mid], interpreter=interpreters.get(mid)) for mid, s in slots.items()
    }
    unscheduled = [m.id for m in problem.meetings if m.id not in placements]
    return Result(
        placements=placements,
        unscheduled=unscheduled,
        status=status,
        seconds=time.perf_counter() - started,
        upper_bound=_finish_bound(problem),
    )


# -- greedy --------------------------------------------------------------------------------------
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


# -- CP-SAT --------------------------------------------------------------------------------------
# A model over at most this many free meetings is solved whole (and may be proven optimal); a
# larger problem is improved neighbourhood by neighbourhood (large neighbourhood search), each a
# model of about NEIGHBOURHOOD meetings: a whole model of 4,000 meetings spends tens of seconds in
# presolve alone on a shared machine before the solver even starts searching.
WHOLE_LIMIT = 600
NEIGHBOURHOOD = 80


@dataclass
class _Model:
    """A CP-SAT model under construction, with the solution hint and the objective's terms."""

    cp: Any  # the ortools.sat.python.cp_model module
    model: Any
    hint_vars: list[int] = field(default_factory=list)
    hint_values: list[int] = field(default_factory=list)
    coeffs: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    x: dict[tuple[Id, int], Any] = field(default_factory=dict)
    by_person_slot: dict[tuple[Id, int], list[Any]] = field(default_factory=lambda: defaultdict(list))
    by_slot: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    y_by_interp_slot: dict[tuple[Id, int], list[Any]] = field(default_factory=lambda: defaultdict(list))
    y_of: dict[tuple[Id, int, Id], Any] = field(default_factory=dict)

    def hint(self, var: Any, value: int) -> None:
        self.hint_vars.append(var.index)
        self.hint_values.append(value)


@dataclass
class _Fixed:
    """What the meetings that stay where they are take: people's slots, tables per slot, and
    the interpreters a matching gives them."""

    busy: set[tuple[Id, int]]
    tables: dict[int, int]
    assignment: dict[Id, Id]
    interp_taken: set[tuple[Id, int]]


def _fixed(problem: Problem, free: list[Meeting], slots: dict[Id, int]) -> _Fixed:
    by_id = {m.id: m for m in problem.meetings}
    free_ids = {m.id for m in free}
    busy: set[tuple[Id, int]] = set()
    tables: dict[int, int] = defaultdict(int)
    interpreted: dict[int, list[Meeting]] = defaultdict(list)
    for mid, s in slots.items():
        if mid in free_ids:
            continue
        m = by_id[mid]
        busy.add((m.a, s))
        busy.add((m.b, s))
        tables[s] += 1
        if m.language_pair is not None:
            interpreted[s].append(m)
    # Interpreters the fixed meetings need in each slot: hold back those a matching gives them.
    assignment = _assign_interpreters(problem, {m.id: s for s, ms in interpreted.items() for m in ms}) or {}
    interp_taken = {(i, slots[mid]) for mid, i in assignment.items()}
    return _Fixed(busy=busy, tables=tables, assignment=assignment, interp_taken=interp_taken)


def _add_placements(mdl: _Model, problem: Problem, free: list[Meeting], slots: dict[Id, int], fixed: _Fixed) -> None:
    """A variable per free meeting and possible slot (and per interpreter who could serve it
    there), each meeting in at most one slot; scheduled and kept meetings score."""
    for m in free:
        current = slots.get(m.id)
        mine = []
        for s in _candidate_slots(problem, m):
            if (m.a, s) in fixed.busy or (m.b, s) in fixed.busy or fixed.tables[s] >= problem.tables:
                continue
            options: list[Id] = []
            if m.language_pair is not None:
                options = [i for i in problem.interpreters_for(m, s) if (i, s) not in fixed.interp_taken]
                if not options:
                    continue
            v = mdl.model.new_bool_var("")
            mdl.x[m.id, s] = v
            mine.append(v)
            mdl.by_person_slot[m.a, s].append(v)
            mdl.by_person_slot[m.b, s].append(v)
            mdl.by_slot[s].append(v)
            mdl.hint(v, 1 if current == s else 0)
            mdl.coeffs[v.index] -= W_SCHEDULED
            if m.previous is not None and m.previous[0] == s:
                mdl.coeffs[v.index] -= W_KEEP
            if options:
                ys = [mdl.model.new_bool_var("") for _ in options]
                mdl.model.add(mdl.cp.LinearExpr.sum(ys) == v)
                for i, y in zip(options, ys, strict=True):
                    mdl.y_by_interp_slot[i, s].append(y)
                    mdl.y_of[m.id, s, i] = y
                    mdl.hint(y, 0)
        if len(mine) > 1:
            mdl.model.add_at_most_one(mine)


def _add_capacity(mdl: _Model, problem: Problem, fixed: _Fixed) -> None:
    """A person in one meeting per slot, the tables left per slot, an interpreter in one meeting per slot."""
    for vs in mdl.by_person_slot.values():
        if len(vs) > 1:
            mdl.model.add_at_most_one(vs)
    for s, vs in mdl.by_slot.items():
        room = problem.tables - fixed.tables[s]
        if len(vs) > room:
            mdl.model.add(mdl.cp.LinearExpr.sum(vs) <= room)
    for vs in mdl.y_by_interp_slot.values():
        if len(vs) > 1:
            mdl.model.add_at_most_one(vs)


def _hint_interpreters(mdl: _Model, problem: Problem, free: list[Meeting], slots: dict[Id, int], fixed: _Fixed) -> None:
    """Interpreter hints: a matching of the current placements onto the interpreters."""
    current_free = {m.id: slots[m.id] for m in free if m.id in slots and m.language_pair is not None}
    if not current_free:
        return
    hinted = _assign_interpreters(problem, {**current_free, **{mid: slots[mid] for mid in fixed.assignment}}) or {}
    position = {v: k for k, v in enumerate(mdl.hint_vars)}
    for mid, s in current_free.items():
        yv = mdl.y_of.get((mid, s, hinted.get(mid)))
        if yv is not None:
            mdl.hint_values[position[yv.index]] = 1


def _add_block_starts(mdl: _Model, problem: Problem, free: list[Meeting], slots: dict[Id, int], fixed: _Fixed) -> None:
    """Block starts for the people the free meetings involve: each new block of meetings costs."""
    people = {p for m in free for p in (m.a, m.b)}
    hint_busy = set(fixed.busy)
    for m in free:
        if m.id in slots:
            hint_busy.add((m.a, slots[m.id]))
            hint_busy.add((m.b, slots[m.id]))
    for person in people:
        for s in range(problem.slot_count):
            vs = mdl.by_person_slot.get((person, s), [])
            fixed_here = (person, s) in fixed.busy
            if not vs and not fixed_here:
                continue
            same_day = s > 0 and problem.slot_days[s - 1] == problem.slot_days[s]
            before = mdl.by_person_slot.get((person, s - 1), []) if same_day else []
            fixed_before = same_day and (person, s - 1) in fixed.busy
            if fixed_before:
                continue  # busy just before: no new block starts here
            if fixed_here and not before:
                continue  # a block starts here whatever the free meetings do: a constant
            start = mdl.model.new_bool_var("")
            here = 1 if fixed_here else mdl.cp.LinearExpr.sum(vs)
            if before:
                mdl.model.add(start + mdl.cp.LinearExpr.sum(before) >= here)
            else:
                mdl.model.add(start >= here)
            mdl.coeffs[start.index] += W_BLOCK
            mdl.hint(start, 1 if (person, s) in hint_busy and (not same_day or (person, s - 1) not in hint_busy) else 0)


def _solve(
    mdl: _Model, *, time_limit: float, workers: int, seed: int, quick: bool
) -> tuple[dict[Id, int] | None, bool]:
    cp = mdl.cp
    proto = mdl.model.proto
    proto.objective.vars.extend(mdl.coeffs.keys())
    proto.objective.coeffs.extend(mdl.coeffs.values())
    proto.objective.scaling_factor = -1.0  # minimising the negation: maximising
    solver = cp.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    if quick:
        # Neighbourhoods are small and many: presolve and the LP cost more than they save there.
        solver.parameters.cp_model_presolve = False
        solver.parameters.linearization_level = 0
    proto.solution_hint.vars.extend(mdl.hint_vars)
    proto.solution_hint.values.extend(mdl.hint_values)
    status = solver.solve(mdl.model)
    if status not in (cp.OPTIMAL, cp.FEASIBLE):
        return None, False
    chosen = {mid: s for (mid, s), v in mdl.x.items() if solver.boolean_value(v)}
    return chosen, status == cp.OPTIMAL


def _solve_part(
    problem: Problem,
    free: list[Meeting],
    slots: dict[Id, int],
    *,
    time_limit: float,
    workers: int,
    seed: int = 0,
    quick: bool = False,
) -> tuple[dict[Id, int] | None, bool]:
    """Re-place the ``free`` meetings with every other meeting of ``slots`` fixed where it is.
    Returns the free meetings' new slots (None when the solver found nothing) and whether the
    part was solved to proven optimality. The current placement is a complete hint, so the
    result is never worse than it."""
    from ortools.sat.python import cp_model  # local import: OR-Tools is large and only the solver needs it

    fixed = _fixed(problem, free, slots)
    mdl = _Model(cp=cp_model, model=cp_model.CpModel())
    _add_placements(mdl, problem, free, slots, fixed)
    _add_capacity(mdl, problem, fixed)
    _hint_interpreters(mdl, problem, free, slots, fixed)
    _add_block_starts(mdl, problem, free, slots, fixed)
    return _solve(mdl, time_limit=time_limit, workers=workers, seed=seed, quick=quick)


def _score(problem: Problem, slots: dict[Id, int]) -> tuple[int, int, int]:
    placements = {mid: Placement(s, 0) for mid, s in slots.items()}
    kept = sum(1 for m in problem.meetings if m.previous is not None and slots.get(m.id) == m.previous[0])
    blocks = 0
    for person_slots in _person_slots(problem, placements).values():
        ss = sorted(set(person_slots))
        blocks += sum(
            1
            for k, s in enumerate(ss)
            if k == 0 or ss[k - 1] != s - 1 or problem.slot_days[ss[k - 1]] != problem.slot_days[s]
        )
    return len(slots), kept, blocks


def _value(score: tuple[int, int, int]) -> int:
    return W_SCHEDULED * score[0] + W_KEEP * score[1] - W_BLOCK * score[2]


def _check_locked_interpreters(problem: Problem) -> None:
    for m in problem.meetings:
        if (
            m.locked is not None
            and m.language_pair is not None
            and m.locked_interpreter is None
            and not problem.interpreters_for(m, m.locked[0])
        ):
            raise ScheduleError(f"locked meeting {m.id} has no interpreter in its slot")


def _neighbourhood(
    rng: random.Random, movable: list[Meeting], slots: dict[Id, int], partners: dict[Id, list[Meeting]]
) -> dict[Id, Meeting]:
    """The meetings of a group of participants, grown from the people of a few unscheduled
    meetings (or, now and then, of random people) through their partners, up to NEIGHBOURHOOD."""
    unscheduled = [m for m in movable if m.id not in slots]
    if unscheduled and rng.random() < 0.7:
        seed_people = list({p for m in rng.sample(unscheduled, min(4, len(unscheduled))) for p in (m.a, m.b)})
    else:
        people = sorted(partners, key=str)
        seed_people = rng.sample(people, min(4, len(people)))
    chosen_people: set[Id] = set()
    free: dict[Id, Meeting] = {}
    queue = list(seed_people)
    while queue and len(free) < NEIGHBOURHOOD:
        person = queue.pop(0)
        if person in chosen_people:
            continue
        chosen_people.add(person)
        for m in partners[person]:
            free[m.id] = m
            other = m.b if m.a == person else m.a
            if other not in chosen_people:
                queue.append(other)
    return free


def _search(
    problem: Problem, movable: list[Meeting], slots: dict[Id, int], *, deadline: float, workers: int, seed: int
) -> dict[Id, int]:
    """Large neighbourhood search: re-place one neighbourhood at a time with CP-SAT, keeping
    every result that is no worse, until the deadline."""
    rng = random.Random(seed)
    partners: dict[Id, list[Meeting]] = defaultdict(list)
    for m in movable:
        partners[m.a].append(m)
        partners[m.b].append(m)
    best = _value(_score(problem, slots))
    while time.perf_counter() < deadline - 0.2:
        free = _neighbourhood(rng, movable, slots, partners)
        budget = min(1.0, deadline - time.perf_counter())
        if budget < 0.2:
            break
        chosen, _ = _solve_part(
            problem,
            list(free.values()),
            slots,
            time_limit=budget,
            workers=workers,
            seed=rng.randrange(1 << 30),
            quick=True,
        )
        if chosen is None:
            continue
        candidate = {mid: s for mid, s in slots.items() if mid not in free}
        candidate.update(chosen)
        value = _value(_score(problem, candidate))
        if value >= best:
            best, slots = value, candidate
    return slots


# -- ejection chains: place an unscheduled meeting by moving the ones in its way -----------------
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
