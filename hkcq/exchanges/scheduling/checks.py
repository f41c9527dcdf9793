"""Checks and measures: the rules a schedule breaks, idle gaps, meetings moved, the bounds no
schedule can beat, and the candidate slots of a meeting."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from hkcq.exchanges.scheduling.problem import Id, Meeting, Placement, Problem, Result, ScheduleError


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
