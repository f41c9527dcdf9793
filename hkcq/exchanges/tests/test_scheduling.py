"""The scheduler on its own: every rule of schedule all, on hand-made and random problems."""

from __future__ import annotations

import random

import pytest

from hkcq.exchanges import scheduling as sch
from hkcq.exchanges.scheduling import cpsat, solve, tables

ALL = frozenset(range(8))


def problem(meetings, *, tables=2, available=None, interpreters=(), slot_days=None):
    people = {p for m in meetings for p in (m.a, m.b)}
    return sch.Problem(
        slot_days=slot_days or [0] * 4 + [1] * 4,
        tables=tables,
        available=available or dict.fromkeys(people, ALL),
        meetings=list(meetings),
        interpreters=list(interpreters),
    )


def run_both(p):
    return [sch.schedule_greedy(p), sch.schedule(p, time_limit=5)]


def test_nobody_in_two_places_and_tables_not_double_booked():
    ms = [sch.Meeting(id=k, a="x", b=f"y{k}") for k in range(8)]
    p = problem(ms, tables=1)
    for r in run_both(p):
        assert sch.violations(p, r) == []
        assert r.scheduled == 8
        assert len({pl.slot for pl in r.placements.values()}) == 8


def test_only_within_both_availabilities():
    p = problem(
        [sch.Meeting(id=1, a="a", b="b"), sch.Meeting(id=2, a="a", b="c")],
        available={"a": frozenset({1, 2, 3}), "b": frozenset({3, 4}), "c": frozenset({5})},
    )
    for r in run_both(p):
        assert r.placements[1].slot == 3
        assert r.unscheduled == [2]
        assert sch.violations(p, r) == []


def test_tables_are_the_limit():
    ms = [sch.Meeting(id=k, a=f"a{k}", b=f"b{k}") for k in range(5)]
    p = problem(
        ms,
        tables=2,
        available={**{f"a{k}": frozenset({0, 1}) for k in range(5)}, **{f"b{k}": frozenset({0, 1}) for k in range(5)}},
    )
    for r in run_both(p):
        assert r.scheduled == 4 and len(r.unscheduled) == 1
        assert sch.violations(p, r) == []
    assert sch.upper_bound(p) == 4


def test_locked_meeting_never_moves():
    ms = [
        sch.Meeting(id="L", a="a", b="b", locked=(2, 1)),
        sch.Meeting(id="m", a="a", b="c"),
        sch.Meeting(id="n", a="d", b="e"),
    ]
    p = problem(
        ms, tables=2, available={"a": ALL, "b": ALL, "c": frozenset({2, 3}), "d": frozenset({2}), "e": frozenset({2})}
    )
    for r in run_both(p):
        assert r.placements["L"] == sch.Placement(2, 1)
        assert r.placements["m"].slot == 3
        assert r.placements["n"] == sch.Placement(2, 0)
        assert sch.violations(p, r) == []


def test_contradictory_locks_are_refused():
    ms = [sch.Meeting(id=1, a="a", b="b", locked=(0, 0)), sch.Meeting(id=2, a="c", b="d", locked=(0, 0))]
    with pytest.raises(sch.ScheduleError):
        sch.schedule(problem(ms))
    ms = [sch.Meeting(id=1, a="a", b="b", locked=(0, 0)), sch.Meeting(id=2, a="a", b="d", locked=(0, 1))]
    with pytest.raises(sch.ScheduleError):
        sch.schedule_greedy(problem(ms))


def test_interpreters_cover_the_pair_and_are_not_double_booked():
    ms = [sch.Meeting(id=k, a=f"a{k}", b=f"b{k}", language_pair="en-cmn") for k in range(3)]
    ms.append(sch.Meeting(id="y", a="a9", b="b9", language_pair="en-yue"))
    interpreters = [
        sch.Interpreter("i1", frozenset({"en-cmn"}), frozenset({0, 1})),
        sch.Interpreter("i2", frozenset({"en-cmn", "en-yue"}), frozenset({0})),
    ]
    p = problem(ms, tables=4, interpreters=interpreters)
    for r in run_both(p):
        assert sch.violations(p, r) == []
        # three slot-interpreter pairs exist (i1@0, i1@1, i2@0) for four meetings
        assert r.scheduled == 3
        for _mid, pl in r.placements.items():
            assert pl.interpreter is not None


def test_idle_gaps_are_minimised():
    # a meets b, c, d; each is free all day: the solver puts the three meetings back to back
    ms = [sch.Meeting(id=k, a="a", b=o) for k, o in enumerate("bcd")]
    p = problem(
        ms,
        tables=1,
        available={
            "a": frozenset({0, 1, 2, 3}),
            "b": frozenset({0, 3}),
            "c": frozenset({1, 3}),
            "d": frozenset({0, 2}),
        },
    )
    r = sch.schedule(p, time_limit=5)
    assert r.status == "optimal"
    assert sch.idle_measures(p, r.placements) == (0, 0)


def test_re_run_moves_as_few_meetings_as_possible():
    rng = random.Random(3)
    people = [f"p{k}" for k in range(20)]
    avail = {p: frozenset(rng.sample(range(8), 6)) for p in people}
    pairs = set()
    while len(pairs) < 30:
        a, b = rng.sample(people, 2)
        pairs.add((min(a, b), max(a, b)))
    ms = [sch.Meeting(id=k, a=a, b=b) for k, (a, b) in enumerate(sorted(pairs))]
    p = problem(ms, tables=5, available=avail)
    first = sch.schedule(p, time_limit=5)
    assert sch.violations(p, first) == []
    again = [
        sch.Meeting(
            id=m.id,
            a=m.a,
            b=m.b,
            previous=(first.placements[m.id].slot, first.placements[m.id].table) if m.id in first.placements else None,
        )
        for m in ms
    ]
    # one participant drops one slot they had a meeting in
    victim = next(m for m in again if m.previous is not None)
    avail2 = dict(avail)
    avail2[victim.a] = avail[victim.a] - {victim.previous[0]}
    p2 = problem(again, tables=5, available=avail2)
    second = sch.schedule(p2, time_limit=5)
    assert sch.violations(p2, second) == []
    greedy = sch.schedule_greedy(p2)
    assert second.status == "optimal"
    assert second.scheduled >= greedy.scheduled
    # the victim's meeting moves; no schedule that places as many meetings moves fewer (checked
    # exhaustively, independently of the solver: how many must move depends on the first run)
    moves = sch.moved(p2, second)
    assert moves >= 1
    assert _fewest_moves(p2, second.scheduled, below=moves) is None
    if second.scheduled == greedy.scheduled:
        assert sch.moved(p2, second) <= sch.moved(p2, greedy)
    kept_tables = [
        m for m in again if m.previous and m.id in second.placements and second.placements[m.id].slot == m.previous[0]
    ]
    assert all(second.placements[m.id].table == m.previous[1] for m in kept_tables)


@pytest.mark.parametrize("seed", range(4))
def test_random_problems_are_valid_and_never_worse_than_greedy(seed):
    rng = random.Random(seed)
    people = [f"p{k}" for k in range(30)]
    slot_days = [0] * 6 + [1] * 6
    avail = {p: frozenset(rng.sample(range(12), rng.randint(3, 10))) for p in people}
    pairs = set()
    while len(pairs) < 60:
        a, b = rng.sample(people, 2)
        pairs.add((min(a, b), max(a, b)))
    ms = [
        sch.Meeting(id=k, a=a, b=b, language_pair="en-yue" if k % 7 == 0 else None)
        for k, (a, b) in enumerate(sorted(pairs))
    ]
    interpreters = [sch.Interpreter("i1", frozenset({"en-yue"}), frozenset(range(12)))]
    p = sch.Problem(slot_days=slot_days, tables=3, available=avail, meetings=ms, interpreters=interpreters)
    greedy = sch.schedule_greedy(p)
    best = sch.schedule(p, time_limit=5)
    assert sch.violations(p, greedy) == []
    assert sch.violations(p, best) == []
    assert best.scheduled >= greedy.scheduled
    assert best.scheduled <= best.upper_bound


def test_large_problem_uses_neighbourhood_search_and_stays_valid(monkeypatch):
    monkeypatch.setattr(solve, "WHOLE_LIMIT", 10)  # where schedule() reads it
    rng = random.Random(5)
    people = [f"p{k}" for k in range(25)]
    avail = {p: frozenset(rng.sample(range(8), 5)) for p in people}
    pairs = set()
    while len(pairs) < 40:
        a, b = rng.sample(people, 2)
        pairs.add((min(a, b), max(a, b)))
    ms = [sch.Meeting(id=k, a=a, b=b) for k, (a, b) in enumerate(sorted(pairs))]
    p = problem(ms, tables=3, available=avail)
    greedy = sch.schedule_greedy(p)
    r = sch.schedule(p, time_limit=3)
    assert r.status == "feasible"
    assert sch.violations(p, r) == []
    assert cpsat._value(cpsat._score(p, {k: v.slot for k, v in r.placements.items()})) >= cpsat._value(
        cpsat._score(p, {k: v.slot for k, v in greedy.placements.items()})
    )


def test_violations_reports_each_broken_rule():
    ms = [sch.Meeting(id=1, a="a", b="b", language_pair="en-yue"), sch.Meeting(id=2, a="a", b="c", locked=(1, 0))]
    p = problem(ms, tables=1, available={"a": frozenset({0}), "b": frozenset({0}), "c": frozenset({1})})
    bad = sch.Result(placements={1: sch.Placement(0, 0), 2: sch.Placement(0, 0)}, unscheduled=[], status="x")
    text = "\n".join(sch.violations(p, bad))
    for fragment in (
        "is also in",
        "table 0 also holds",
        "locked at",
        "needs an interpreter",
        "not available in slot 0",
    ):
        assert fragment in text


def test_ejection_chain_places_a_meeting_greedy_leaves_out():
    """a–b can only meet in slot 0, where greedy first put a–c (free in 0 and 1): the chain moves
    a–c to slot 1 and places a–b."""
    ms = [sch.Meeting(id=1, a="a", b="c"), sch.Meeting(id=2, a="a", b="b")]
    avail = {"a": frozenset({0, 1}), "b": frozenset({0}), "c": frozenset({0, 1})}
    p = problem(ms, tables=1, available=avail)
    chains = solve._Chains(p, {1: 0}, random.Random(0))
    slots = chains.run()
    assert slots == {1: 1, 2: 0}
    r = tables._finish(p, slots, "greedy", 0.0)
    assert sch.violations(p, r) == []
    # locked and interpreted meetings are never moved by a chain
    locked = [sch.Meeting(id=1, a="a", b="c", locked=(0, 0)), sch.Meeting(id=2, a="a", b="b")]
    p = problem(locked, tables=1, available=avail)
    assert solve._Chains(p, {1: 0}, random.Random(0)).run() == {1: 0}


@pytest.mark.parametrize("seed", range(3))
def test_lp_bound_is_never_beaten_and_never_above_the_meetings(seed):
    rng = random.Random(seed)
    people = [f"p{k}" for k in range(20)]
    avail = {p: frozenset(rng.sample(range(8), rng.randint(2, 6))) for p in people}
    pairs = set()
    while len(pairs) < 45:
        a, b = rng.sample(people, 2)
        pairs.add((min(a, b), max(a, b)))
    ms = [
        sch.Meeting(id=k, a=a, b=b, language_pair="en-yue" if k % 6 == 0 else None)
        for k, (a, b) in enumerate(sorted(pairs))
    ]
    interpreters = [sch.Interpreter("i1", frozenset({"en-yue"}), frozenset(range(8)))]
    p = problem(ms, tables=3, available=avail, interpreters=interpreters)
    best = sch.schedule(p, time_limit=5)
    lp = sch.lp_bound(p)
    assert lp is not None
    assert best.scheduled <= lp <= len(ms)


def _fewest_moves(p, scheduled, *, below):
    """A set of fewer than ``below`` meetings that, re-placed with every other meeting kept in its
    previous slot, gives a valid schedule of at least ``scheduled`` meetings; None if there is none.
    Brute force over subsets and slots: for small problems only."""
    import itertools

    prev = [m for m in p.meetings if m.previous is not None]
    for size in range(below):
        for moving in itertools.combinations(prev, size):
            ids = {m.id for m in moving}
            kept = [m for m in p.meetings if m.id not in ids and m.previous is not None]
            busy = {}
            count = {}
            valid = True
            for m in kept:
                s = m.previous[0]
                if s not in p.common_slots(m) or (m.a, s) in busy or (m.b, s) in busy:
                    valid = False
                    break
                busy[(m.a, s)] = busy[(m.b, s)] = m.id
                count[s] = count.get(s, 0) + 1
            if not valid or any(c > p.tables for c in count.values()):
                continue
            # the moved meetings (plus any never placed before) each take a free slot, or stay out
            others = list(moving) + [m for m in p.meetings if m.previous is None]
            if len(kept) + _most_placed(p, others, busy, count) >= scheduled:
                return ids
    return None


def _most_placed(p, meetings, busy, count):
    if not meetings:
        return 0
    m, rest = meetings[0], meetings[1:]
    best = _most_placed(p, rest, busy, count)  # m stays out
    for s in p.common_slots(m):
        if count.get(s, 0) < p.tables and (m.a, s) not in busy and (m.b, s) not in busy:
            busy[(m.a, s)] = busy[(m.b, s)] = m.id
            count[s] = count.get(s, 0) + 1
            best = max(best, 1 + _most_placed(p, rest, busy, count))
            count[s] -= 1
            del busy[(m.a, s)], busy[(m.b, s)]
    return best
