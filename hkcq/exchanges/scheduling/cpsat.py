"""The CP-SAT model (OR-Tools): the whole problem, or neighbourhood by neighbourhood for a large one."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from hkcq.exchanges.scheduling.checks import _candidate_slots, _person_slots
from hkcq.exchanges.scheduling.problem import (
    W_BLOCK,
    W_KEEP,
    W_SCHEDULED,
    Id,
    Meeting,
    Placement,
    Problem,
    ScheduleError,
)
from hkcq.exchanges.scheduling.tables import _assign_interpreters

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
