"""Allocation benchmark (issue 14): a round of 3,000 applicants and 500 hosts with 3,000 places,
each applicant ranking 10 hosts (popular hosts more often), each host ranking every applicant
who ranked it. Times the allocation (hkcq/exchanges/allocation.py, no database), checks it is
stable, prints the statistics and writes them to docs/benchmarks.md (its own section).

    .venv/bin/python bench/rounds_allocate.py [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics as st
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hkcq.exchanges import allocation as al  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks.md"
HEADING = "## Rounds: stable allocation (issue 14)"


def generate(seed: int, applicants: int, hosts: int, places: int, length: int) -> al.Market:
    rng = random.Random(seed)
    host_ids = [f"h{k}" for k in range(hosts)]
    capacity = {h: 1 for h in host_ids}
    for _ in range(places - hosts):
        capacity[rng.choice(host_ids)] += 1
    weights = [1.0 / (1 + k) ** 0.6 for k in range(hosts)]
    app_ranks: dict[str, list[str]] = {}
    for a in range(applicants):
        chosen: list[str] = []
        while len(chosen) < length:
            h = rng.choices(host_ids, weights=weights)[0]
            if h not in chosen:
                chosen.append(h)
        app_ranks[f"a{a}"] = chosen
    listed: dict[str, list[str]] = {h: [] for h in host_ids}
    for a, ranks in app_ranks.items():
        for h in ranks:
            listed[h].append(a)
    for h in host_ids:
        rng.shuffle(listed[h])
    return al.Market(applicant_ranks=app_ranks, host_ranks=listed, capacity=capacity)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    market = generate(args.seed, 3000, 500, 3000, 10)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        match = al.allocate(market)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    host_match = al.allocate(market, proposing="host")
    host_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    blocking = al.blocking_pairs(market, match)
    check = time.perf_counter() - t0
    s = al.statistics(market, match).as_dict()
    h = al.statistics(market, host_match).as_dict()
    load = os.getloadavg()[0]
    rows = [
        ("allocation time, applicant-proposing (median of 3)", f"{st.median(times):.3f} s", f"{host_time:.3f} s"),
        ("placed / unplaced", f"{s['placed']:,} / {s['unplaced']:,}", f"{h['placed']:,} / {h['unplaced']:,}"),
        ("share with first choice", f"{s['share_first_choice']:.1%}", f"{h['share_first_choice']:.1%}"),
        ("share with second choice", f"{s['share_second_choice']:.1%}", f"{h['share_second_choice']:.1%}"),
        ("share with third choice", f"{s['share_third_choice']:.1%}", f"{h['share_third_choice']:.1%}"),
        ("mean rank of the host an applicant got", f"{s['mean_applicant_rank']}", f"{h['mean_applicant_rank']}"),
        ("mean rank of the applicants a host got", f"{s['mean_host_rank']}", f"{h['mean_host_rank']}"),
        (
            "blocking pairs (stability check)",
            f"{len(blocking)} ({check:.2f} s)",
            f"{len(al.blocking_pairs(market, host_match))}",
        ),
    ]
    table = "| figure | applicant-proposing (default) | host-proposing |\n|---|---:|---:|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in rows
    )
    table = table.replace(
        "| allocation time, applicant-proposing (median of 3) |", "| allocation time (applicant side: median of 3) |"
    )
    print(table)
    text = f"""{HEADING}

`bench/rounds_allocate.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} Python {platform.python_version()}
({os.cpu_count()} CPUs, load average {load:.1f}: the machine is shared). 3,000 applicants, 500 hosts with 3,000 places
in all (every host at least 1), each applicant ranking 10 hosts (popular hosts drawn more often), each host ranking,
in a random order, every applicant who ranked it. Goal: under 2 s. Deferred acceptance
(`hkcq/exchanges/allocation.py`), seed {args.seed}.

{table}

Reading: the shares are of all applicants. Popular hosts are over-asked, so some applicants who ranked only
popular hosts stay unplaced although places remain elsewhere: a stable allocation never forces a pair neither
side listed. Applicant-proposing gives every applicant their best place in any stable allocation, host-proposing
every host theirs; the default is applicant-proposing.
"""
    if not args.no_write:
        current = REPORT.read_text()
        pattern = re.compile(re.escape(HEADING) + r".*?(?=\n## |\Z)", re.S)
        if pattern.search(current):
            current = pattern.sub(text.rstrip("\n") + "\n", current)
        else:
            current = current.rstrip("\n") + "\n\n" + text
        REPORT.write_text(current)
        print(f"written to {REPORT}")


if __name__ == "__main__":
    main()
