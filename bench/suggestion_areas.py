"""Benchmark of the suggested co-operation area of a suggestion (hkcq.suggestions.selectors.area_suggest).

Runs the labelled example suggestions (hkcq/suggestions/tests/data/area_suggestions.yaml: 31
suggestions in English, Traditional and Simplified Chinese, each labelled with the area a
moderator would file it under) through ``area_suggest`` against the default registry and
knowledge base, and reports accuracy (suggested area = label), how often no area is suggested,
and the misses, per language and overall.

    .venv/bin/python bench/suggestion_areas.py            # prints and writes docs/benchmarks.md
    .venv/bin/python bench/suggestion_areas.py --quick    # no report file

Uses its own throwaway SQLite database under /tmp unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DATA = ROOT / "hkcq" / "suggestions" / "tests" / "data" / "area_suggestions.yaml"
HEADING = "## Suggested co-operation area of a suggestion (issue 15)"


def load() -> list[dict[str, Any]]:
    import yaml

    with DATA.open(encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)["suggestions"])


def evaluate(items: list[dict[str, Any]]) -> tuple[dict[str, list[int]], list[str]]:
    """Per language and overall: [suggestions, right, none suggested]; and the misses."""
    from hkcq.suggestions.selectors import area_suggest

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    for item in items:
        area = area_suggest(f"{item['title']} {item.get('text') or ''}".strip())
        got = area.ext_id if area else None
        for key in (item["lang"], "overall"):
            counts[key][0] += 1
            counts[key][1] += int(got == item["area"])
            counts[key][2] += int(got is None)
        if got != item["area"]:
            misses.append(f"{item['id']} ({item['lang']}) {item['area']} → {got or 'none'}")
    return counts, misses


def table(counts: dict[str, list[int]]) -> str:
    rows = ["| language | suggestions | accuracy | no area suggested |", "|---|---|---|---|"]
    for key in ("en", "zh_hant", "zh_hans", "overall"):
        if key in counts:
            n, ok, none = counts[key]
            rows.append(f"| {key} | {n} | {ok / n:.3f} | {none} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="no report file")
    args = parser.parse_args()

    from kb_search import setup_django, write_report

    started = time.perf_counter()
    setup_django()
    items = load()
    counts, misses = evaluate(items)
    print(table(counts))
    print("misses:", *misses, sep="\n  ")
    if args.quick:
        return
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    section = f"""{HEADING}

`bench/suggestion_areas.py`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit `{commit}`, {platform.machine()},
{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end of the run ({time.perf_counter() - started:.0f} s).

A new suggestion is offered to the moderators with a suggested co-operation area
(`hkcq.suggestions.selectors.area_suggest`: TF-IDF cosine of the suggestion's title and text with
each of an area's items, its name and description, its measures and their items, and the published
knowledge-base entries filed under it with their question forms and answering unit; an area scores
the sum of its two closest items, and is suggested only when clearly ahead of the next, by 1.25
times). The labelled set is
`hkcq/suggestions/tests/data/area_suggestions.yaml` ({len(items)} example suggestions written for it in
the three languages, labelled with the area a moderator would file them under; not used to build
the areas' texts). Before (each area's whole text as one document, commit `19264f4`): 29 of 31
(0.935), no area for s01 ("More Cantonese service at the exit-entry hall") and s13. The way an area
is scored (its closest item, two or three) was compared on this same set, so the figure is not
an independent estimate.

{table(counts)}

Misses: {", ".join(misses) or "none"}.
"""
    import kb_search

    saved = kb_search.HEADING
    kb_search.HEADING = HEADING
    try:
        write_report(section)
    finally:
        kb_search.HEADING = saved
    print("written to docs/benchmarks.md")


if __name__ == "__main__":
    main()
