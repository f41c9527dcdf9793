"""The allocation module on its own: stability, agreement with the `matching` library,
capacities, fixed and excluded pairs, incomplete lists, indifferent hosts, statistics."""

from __future__ import annotations

import random

import pytest

from hkcq.exchanges import allocation as al


def random_market(
    seed: int, applicants: int, hosts: int, places: int, list_length: int, *, host_lists: bool = True
) -> al.Market:
    rng = random.Random(seed)
    host_ids = [f"h{k}" for k in range(hosts)]
    app_ids = [f"a{k}" for k in range(applicants)]
    capacity = {h: 1 for h in host_ids}
    for _ in range(places - hosts):
        capacity[rng.choice(host_ids)] += 1
    app_ranks = {a: rng.sample(host_ids, min(list_length, hosts)) for a in app_ids}
    host_ranks: dict = {}
    for h in host_ids:
        listed = [a for a in app_ids if h in app_ranks[a]]
        rng.shuffle(listed)
        # some hosts leave a few applicants who listed them off their own list (incomplete lists)
        host_ranks[h] = listed[: max(1, len(listed) - rng.randint(0, 2))] if host_lists else []
    return al.Market(applicant_ranks=app_ranks, host_ranks=host_ranks, capacity=capacity)


@pytest.mark.parametrize("seed", range(12))
def test_stable_and_within_capacity(seed):
    market = random_market(seed, 60, 15, 50, 5)
    match = al.allocate(market)
    assert al.blocking_pairs(market, match) == []
    counts: dict = {}
    for a, h in match.items():
        counts[h] = counts.get(h, 0) + 1
        assert h in market.applicant_ranks[a] and a in market.host_ranks[h]
    assert all(n <= market.capacity[h] for h, n in counts.items())


@pytest.mark.parametrize("seed", range(8))
def test_agrees_with_the_matching_library(seed):
    from matching.games import HospitalResident

    market = random_market(seed, 40, 10, 30, 4)
    # the library wants mutually acceptable lists: give it the same acceptable pairs
    resident_prefs = {a: [h for h in r if a in market.host_ranks[h]] for a, r in market.applicant_ranks.items()}
    hospital_prefs = {h: [a for a in r if h in resident_prefs[a]] for h, r in market.host_ranks.items()}
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, market.capacity)
    theirs = {r.name: h.name for h, rs in game.solve(optimal="resident").items() for r in rs}
    assert al.allocate(market) == theirs
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, market.capacity)
    theirs = {r.name: h.name for h, rs in game.solve(optimal="hospital").items() for r in rs}
    ours = al.allocate(market, proposing="host")
    assert ours == theirs
    assert al.blocking_pairs(market, ours) == []


def test_one_to_one_sister_schools():
    market = al.Market(
        applicant_ranks={"hk1": ["cq1", "cq2"], "hk2": ["cq1", "cq2"], "hk3": ["cq2"]},
        host_ranks={"cq1": ["hk2", "hk1"], "cq2": ["hk1", "hk3", "hk2"]},
        capacity={"cq1": 1, "cq2": 1},
    )
    match = al.allocate(market)
    assert match == {"hk2": "cq1", "hk1": "cq2"}
    assert al.blocking_pairs(market, match) == []


def test_fixed_pair_is_kept_and_takes_a_place():
    market = al.Market(
        applicant_ranks={"a1": ["h1"], "a2": ["h1"], "a3": ["h1", "h2"]},
        host_ranks={"h1": ["a1", "a2", "a3"], "h2": ["a3"]},
        capacity={"h1": 1, "h2": 1},
        fixed=[("a3", "h1")],
    )
    match = al.allocate(market)
    assert match["a3"] == "h1"
    assert "a1" not in match and "a2" not in match
    assert al.blocking_pairs(market, match) == []


def test_second_run_keeps_accepted_and_gives_declined_place_to_next():
    market = al.Market(
        applicant_ranks={"a1": ["h1"], "a2": ["h1"], "a3": ["h1", "h2"]},
        host_ranks={"h1": ["a1", "a2", "a3"], "h2": ["a3"]},
        capacity={"h1": 2, "h2": 1},
    )
    first = al.allocate(market)
    assert first == {"a1": "h1", "a2": "h1", "a3": "h2"}
    # a1 declines; a3 accepted h2; a2 accepted: second run keeps a2 and a3, offers a1's place
    market.fixed = [("a2", "h1"), ("a3", "h2")]
    market.excluded = {("a1", "h1")}
    second = al.allocate(market)
    assert second["a2"] == "h1" and second["a3"] == "h2" and "a1" not in second


def test_indifferent_host_uses_the_seeded_lottery():
    market = al.Market(
        applicant_ranks={"a1": ["h1"], "a2": ["h1"], "a3": ["h1"]},
        host_ranks={"h1": []},
        capacity={"h1": 1},
        tie_break_seed=7,
    )
    winner = list(al.allocate(market))
    assert winner == [market.tie_order()[0]]
    assert al.allocate(market) == al.allocate(market)
    assert al.blocking_pairs(market, al.allocate(market)) == []


def test_incomplete_lists_unacceptable_pairs_never_match():
    market = al.Market(
        applicant_ranks={"a1": ["h1"], "a2": ["h2"]},
        host_ranks={"h1": ["a2"], "h2": ["a1"]},
        capacity={"h1": 1, "h2": 1},
    )
    assert al.allocate(market) == {}


@pytest.mark.parametrize(
    ("market", "message"),
    [
        (al.Market({"a1": ["h1", "h1"]}, {"h1": []}, {"h1": 1}), "twice"),
        (al.Market({"a1": ["h9"]}, {"h1": []}, {"h1": 1}), "unknown host"),
        (al.Market({"a1": []}, {"h1": ["a1", "a1"]}, {"h1": 1}), "twice"),
        (al.Market({"a1": [], "a2": []}, {"h1": []}, {"h1": 1}, fixed=[("a1", "h1"), ("a2", "h1")]), "more fixed"),
    ],
)
def test_bad_markets_are_refused(market, message):
    with pytest.raises(al.AllocationError, match=message):
        al.allocate(market)


def test_statistics():
    market = al.Market(
        applicant_ranks={"a1": ["h1", "h2"], "a2": ["h1", "h2"], "a3": ["h1"], "a4": []},
        host_ranks={"h1": ["a2", "a1", "a3"], "h2": ["a1", "a2"]},
        capacity={"h1": 1, "h2": 1},
    )
    match = al.allocate(market)
    assert match == {"a2": "h1", "a1": "h2"}
    stats = al.statistics(market, match).as_dict()
    assert stats["placed"] == 2 and stats["unplaced"] == 2
    assert stats["share_first_choice"] == 0.25 and stats["share_second_choice"] == 0.25
    assert stats["mean_applicant_rank"] == 1.5
    assert stats["mean_host_rank"] == 1.0


def test_the_stability_check_finds_a_blocking_pair():
    market = al.Market(
        applicant_ranks={"a1": ["h1", "h2"], "a2": ["h1"]},
        host_ranks={"h1": ["a1", "a2"], "h2": ["a1"]},
        capacity={"h1": 1, "h2": 1},
    )
    assert al.blocking_pairs(market, {"a1": "h2", "a2": "h1"}) == [("a1", "h1")]
    assert al.blocking_pairs(market, al.allocate(market)) == []
