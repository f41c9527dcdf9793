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

The package: ``problem`` (the problem and result), ``checks`` (rules and measures), ``tables``
(tables and interpreters once the slots are chosen), ``greedy``, ``cpsat`` (the solver model)
and ``solve`` (ejection chains and ``schedule()``); the public names are re-exported here (the
solver's tuning constants stay in their modules: patch them there).
"""

from hkcq.exchanges.scheduling.checks import idle_measures, lp_bound, moved, upper_bound, violations
from hkcq.exchanges.scheduling.greedy import schedule_greedy
from hkcq.exchanges.scheduling.problem import (
    W_BLOCK,
    W_KEEP,
    W_SCHEDULED,
    Id,
    Interpreter,
    Meeting,
    Placement,
    Problem,
    Result,
    ScheduleError,
)
from hkcq.exchanges.scheduling.solve import by_locked, schedule

__all__ = [
    "Id",
    "W_SCHEDULED",
    "W_KEEP",
    "W_BLOCK",
    "Meeting",
    "Interpreter",
    "Problem",
    "Placement",
    "Result",
    "ScheduleError",
    "violations",
    "idle_measures",
    "moved",
    "upper_bound",
    "lp_bound",
    "schedule_greedy",
    "schedule",
    "by_locked",
]
