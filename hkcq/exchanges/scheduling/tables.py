"""Tables and interpreters after the slots are chosen, and the result finished from the slots."""

from __future__ import annotations

import time
from collections import defaultdict

from hkcq.exchanges.scheduling.checks import _finish_bound
from hkcq.exchanges.scheduling.problem import Id, Meeting, Placement, Problem, Result, ScheduleError


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
