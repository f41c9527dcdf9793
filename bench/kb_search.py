"""Benchmark of the knowledge-base search (hkcq.kb.search.ask).

Runs the labelled development enquiries (bench/data/enquiries-dev.yaml, a copy of the shared
set) through the same ``ask`` the pages and the API use, and reports MRR@10, hit@1, hit@3,
unit accuracy and abstention accuracy per language and overall, beside a plain baseline
(SQLite FTS5 with its default tokenizer over the same entries). Then p50/p95 latency of ``ask``
with the 55 sample entries, and the knowledge base at 100,000 generated entries
(``bench/kb_scale.py``: warm and first questions of new workers, their memory, the API list).

    .venv/bin/python bench/kb_search.py            # prints and writes docs/benchmarks.md
    .venv/bin/python bench/kb_search.py --quick    # quality only, no 100k run, no file
    .venv/bin/python bench/kb_search.py --scale-database postgres://…   # the 100k run on PostgreSQL

The quality figures use their own throwaway database with the 55 sample entries; the 100k run
uses ``--scale-database`` (default: a throwaway SQLite database) and keeps its entries there.

Uses its own throwaway SQLite database under /tmp unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / "data" / "enquiries-dev.yaml"
REPORT = ROOT / "docs" / "benchmarks.md"
HEADING = "## Knowledge-base search (issue 4)"
LANG_OF = {"en": "en", "zh_hant": "zh-hant", "zh_hans": "zh-hans", "mixed": "zh-hant"}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ.setdefault("KB_INDEX_DIR", tempfile.mkdtemp(prefix="hkcq-bench-kb-index-"))
    if "DATABASE_URL" not in os.environ:
        handle, path = tempfile.mkstemp(prefix="hkcq-bench-kb-", suffix=".sqlite3")
        os.close(handle)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hkcq.defaults.loading import defaults_load

    defaults_load()


@dataclass
class Tally:
    n_answerable: int = 0
    rr: float = 0.0
    hit1: int = 0
    hit3: int = 0
    n: int = 0
    unit_ok: int = 0
    abstain_ok: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ranked: list[str], unit: str | None, answered: bool, item: dict[str, Any]) -> None:
        relevant = list(item.get("relevant") or [])
        self.n += 1
        self.unit_ok += int(unit == item["unit"])
        self.abstain_ok += int(answered == bool(relevant))
        if relevant:
            self.n_answerable += 1
            rank = next((i + 1 for i, slug in enumerate(ranked[:10]) if slug in relevant), None)
            if rank:
                self.rr += 1 / rank
                self.hit1 += int(rank == 1)
                self.hit3 += int(rank <= 3)
            if rank != 1:
                self.misses.append(f"{item['id']} rank={rank}")

    def row(self, name: str) -> str:
        a = max(self.n_answerable, 1)
        return (
            f"| {name} | {self.n} | {self.rr / a:.3f} | {self.hit1 / a:.3f} | {self.hit3 / a:.3f} | "
            f"{self.unit_ok / max(self.n, 1):.3f} | {self.abstain_ok / max(self.n, 1):.3f} |"
        )


TABLE_HEAD = (
    "| language | enquiries | MRR@10 | hit@1 | hit@3 | unit accuracy | abstention accuracy |\n"
    "|---|---|---|---|---|---|---|"
)


def tally_table(tallies: dict[str, Tally]) -> str:
    order = ["en", "zh_hant", "zh_hans", "mixed", "overall"]
    return "\n".join([TABLE_HEAD, *(tallies[k].row(k) for k in order if k in tallies)])


def load_enquiries() -> list[dict[str, Any]]:
    import yaml

    with DATA.open(encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)["enquiries"])


def run_ask(enquiries: list[dict[str, Any]], routed: bool = False) -> dict[str, Tally]:
    """The enquiries through ``search.ask``; ``routed``: through ``routing.ask`` (the same answers,
    the unit chosen by the routing model, as enquiry submission and the ask page do)."""
    from hkcq.kb import routing, search

    ask = routing.ask if routed else search.ask
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in enquiries:
        result = ask(item["text"], LANG_OF[item["lang"]], limit=10)
        ranked = [a.slug for a in result.answers]
        unit = result.unit.ext_id if result.unit else None
        for key in (item["lang"], "overall"):
            tallies[key].add(ranked, unit, result.answered, item)
    return tallies


# -- held-out question forms: the knowledge base's own questions, each left out of its entry ----------
@dataclass
class HeldOut:
    n: int = 0
    rr: float = 0.0
    hit1: int = 0
    hit3: int = 0
    unit_ok: int = 0

    def row(self, name: str) -> str:
        n = max(self.n, 1)
        return (
            f"| {name} | {self.n} | {self.rr / n:.3f} | {self.hit1 / n:.3f} | {self.hit3 / n:.3f} | "
            f"{self.unit_ok / n:.3f} |"
        )


def held_out_question_forms(k1: float | None = None, decay: float | None = None) -> dict[str, HeldOut]:
    """Ask every question form of every offered entry (English and Traditional Chinese lines;
    the Simplified lines are their conversion) of an index in which that entry lacks that
    form, through ``hkcq.kb.search.rank`` — the ranking and unit vote of ``ask``. Needs no
    labels: the entry is the answer and its unit the unit. ``k1`` and ``decay`` override
    ``search.K1`` and ``search.UNIT_VOTE_DECAY`` (``--tune`` compares settings on this set)."""
    from django.utils import timezone

    from hkcq.core.search import Index, default_analyzer
    from hkcq.core.translated import TText
    from hkcq.kb import search
    from hkcq.kb.indexing import index_fields
    from hkcq.kb.models import Entry

    analyzer = default_analyzer()
    entries = list(Entry.objects.filter(search.offered_filter(timezone.localdate())).order_by("id"))
    stored = {e.id: e.index_terms or {} for e in entries}
    units = {e.id: e.unit_id for e in entries}
    saved = search.K1, search.UNIT_VOTE_DECAY
    search.K1 = saved[0] if k1 is None else k1
    search.UNIT_VOTE_DECAY = saved[1] if decay is None else decay
    tallies: dict[str, HeldOut] = defaultdict(HeldOut)
    try:
        for entry in entries:
            forms = TText.from_json(entry.question_forms)
            lines = [(line, "en") for line in forms.get("en").splitlines() if line.strip()]
            lines += [(line, "zh") for line in forms.get("zh-hant").splitlines() if line.strip()]
            for number, (line, lang) in enumerate(lines):
                rest = [t for i, (other, _l) in enumerate(lines) if i != number for t in analyzer.analyze(other)]
                index = Index(search.FIELD_WEIGHTS, k1=search.K1)
                for other in entries:
                    fields = stored[other.id]
                    given = {**fields, "questions": rest} if other.id == entry.id else fields
                    index.add(other.id, index_fields(given))
                built = search._Built((), index.freeze(), units)
                ranking = search.rank(built, line)
                keys = [hit.key for hit in ranking.hits]
                found = keys.index(entry.id) + 1 if entry.id in keys else None
                for key in (lang, "overall"):
                    tally = tallies[key]
                    tally.n += 1
                    tally.unit_ok += int(ranking.unit_id == entry.unit_id)
                    if found:
                        tally.rr += 1 / found
                        tally.hit1 += int(found == 1)
                        tally.hit3 += int(found <= 3)
    finally:
        search.K1, search.UNIT_VOTE_DECAY = saved
    return tallies


HELD_OUT_HEAD = "| language | questions | MRR@10 | hit@1 | hit@3 | unit accuracy |\n|---|---|---|---|---|---|"


def held_out_table(tallies: dict[str, HeldOut]) -> str:
    return "\n".join([HELD_OUT_HEAD, *(tallies[k].row(k) for k in ("en", "zh", "overall") if k in tallies)])


TUNING_GRID = [(k1, decay) for k1 in (1.2, 2.0, 3.0, 4.0, 5.0) for decay in (2.0, 3.0, 4.0)]


def tuning_table() -> str:
    rows = ["| k1 | unit vote decay | MRR@10 | hit@1 | unit accuracy |", "|---|---|---|---|---|"]
    for k1, decay in TUNING_GRID:
        t = held_out_question_forms(k1, decay)["overall"]
        rows.append(f"| {k1} | {decay} | {t.rr / t.n:.3f} | {t.hit1 / t.n:.3f} | {t.unit_ok / t.n:.3f} |")
    return "\n".join(rows)


# -- baseline: SQLite FTS5, default tokenizer (unicode61), bm25() ranking ------------------------
_WORD = re.compile(r"\w+", re.UNICODE)


def run_fts5_baseline(enquiries: list[dict[str, Any]]) -> dict[str, Tally]:
    from hkcq.core.translated import TText
    from hkcq.kb.models import Entry

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE e USING fts5(slug UNINDEXED, unit UNINDEXED, title, questions, body)")
    for entry in Entry.objects.select_related("unit").filter(state="published"):
        db.execute(
            "INSERT INTO e VALUES (?, ?, ?, ?, ?)",
            (
                entry.slug,
                entry.unit.ext_id,
                TText.from_json(entry.title).all_text(),
                TText.from_json(entry.question_forms).all_text(),
                TText.from_json(entry.body).all_text(),
            ),
        )
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in enquiries:
        words = _WORD.findall(item["text"])
        query = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        rows = db.execute("SELECT slug, unit FROM e WHERE e MATCH ? ORDER BY bm25(e) LIMIT 10", (query,)).fetchall()
        ranked = [r[0] for r in rows]
        unit = rows[0][1] if rows else None
        for key in (item["lang"], "overall"):
            tallies[key].add(ranked, unit, bool(rows), item)
    return tallies


# -- latency -------------------------------------------------------------------------------------------
def latency(queries: list[tuple[str, str]], rounds: int = 3) -> tuple[float, float]:
    from hkcq.kb.search import ask

    ask(queries[0][0], queries[0][1])  # build the in-process index first
    times: list[float] = []
    for _round in range(rounds):
        for text, lang in queries:
            start = time.perf_counter()
            ask(text, lang)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def previous_tuning_table() -> str:
    """The settings table of the last full run, from docs/benchmarks.md, said to be so."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    found = re.search(r"^\| k1 \| unit vote decay \|.*?(?=\n\n)", text, re.M | re.S)
    if not found:
        return tuning_table()
    return found.group(0) + "\n\n(Kept from the previous full run: `--keep-tuning`.)"


def write_report(section: str) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Benchmarks\n"
    if HEADING in text:
        before, _sep, rest = text.partition(HEADING)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="quality only; no 100k run, no report file")
    parser.add_argument("--entries", type=int, default=100_000, help="generated entries for the latency run")
    parser.add_argument(
        "--keep-tuning",
        action="store_true",
        help="keep the settings table of docs/benchmarks.md (15 held-out runs: half an hour on a busy machine)",
    )
    parser.add_argument("--scale-database", help="database URL for the 100k run (kept for the next run)")
    parser.add_argument("--misses", action="store_true", help="list enquiries whose best answer is not first")
    parser.add_argument(
        "--tune", action="store_true", help="compare k1 and unit-vote settings on held-out question forms"
    )
    args = parser.parse_args()

    setup_django()

    enquiries = load_enquiries()
    ours = run_ask(enquiries)
    routed = run_ask(enquiries, routed=True)
    baseline = run_fts5_baseline(enquiries)
    print("ask():")
    print(tally_table(ours))
    print(
        f"unit accuracy with the routing model (hkcq.kb.routing.ask): {routed['overall'].unit_ok / routed['overall'].n:.3f}"
    )
    print("\nbaseline (SQLite FTS5, default tokenizer):")
    print(tally_table(baseline))
    if args.misses:
        print("\nnot first:", ", ".join(ours["overall"].misses))
    held_out = held_out_question_forms()
    print("\nheld-out question forms:")
    print(held_out_table(held_out))
    tuning = previous_tuning_table() if args.keep_tuning else tuning_table() if args.tune or not args.quick else ""
    if tuning:
        print("\nsettings compared on held-out question forms:")
        print(tuning)
    if args.quick:
        return

    queries = [(item["text"], LANG_OF[item["lang"]]) for item in enquiries]
    p50_small, p95_small = latency(queries)
    print(f"\nlatency at 55 entries: p50 {p50_small:.1f} ms, p95 {p95_small:.1f} ms")
    from bench import kb_scale

    scale = kb_scale.section(kb_scale.measure(args.entries, args.scale_database))
    print(scale)

    import platform

    from django.db import connection

    section = f"""{HEADING}

`bench/kb_search.py` runs the {len(enquiries)} labelled development enquiries
(`bench/data/enquiries-dev.yaml`, a copy of the shared set; {sum(1 for e in enquiries if not e.get("relevant"))}
of them have no answer in the knowledge base) through `hkcq.kb.search.ask`, the code path of the ask page
and of `GET /api/v1/ask`, against the 55 sample entries. MRR@10, hit@1 and hit@3 are over the enquiries
that have an answer; unit accuracy (suggested unit = labelled unit) and abstention accuracy
(`answered` is false exactly when no entry answers) are over all of them. `mixed` = code-switched
English and Chinese, asked with the Traditional Chinese page language.

These are figures on the development set, the set the analyzer, glossary and threshold were
developed against; expect lower figures on a held-out set.

### `ask` (analyzer of `hkcq/core/search.py`, glossary, BM25F)

{tally_table(ours)}

The unit above is the search's own (its answers' vote; the catch-all when it has no answer). Enquiry
submission and the ask page take the unit of the routing model (`hkcq.kb.routing.ask`, the units'
remits and entries with the answers; "Enquiry routing (issue 15)" below): unit accuracy
{routed["overall"].unit_ok / routed["overall"].n:.3f} on these enquiries.

### Held-out question forms (no enquiry labels involved)

Each question form of each entry (English and Traditional Chinese lines; {held_out["overall"].n} in all) is
asked of an index in which its own entry lacks that form, through `hkcq.kb.search.rank`, the ranking
and unit vote of `ask`. The entry is the answer and its unit the unit, so this set needs no labels
and is where the search's settings are chosen:

{held_out_table(held_out)}

Settings compared on this set (`--tune`; BM25 `k1`, and how fast a weaker answer's vote for its unit
fades). `hkcq/kb/search.py` uses k1 3.0 and decay 3.0: ranking improves little beyond k1 3, and
unit accuracy is highest there. The labelled enquiries above only calibrate the one confidence
threshold (docs/decisions/0005-knowledge-base-search.md).

{tuning}

### Baseline: SQLite FTS5, default tokenizer (`unicode61`), `bm25()`, words OR-ed

{tally_table(baseline)}

The baseline's unit is the top hit's unit; it "answers" whenever anything matches.

### Latency of `ask` at 55 entries (one process, warm, {connection.vendor})

| entries | p50 | p95 |
|---|---|---|
| 55 | {p50_small:.1f} ms | {p95_small:.1f} ms |

{len(queries)} queries × 3 rounds on {platform.machine()} with Python {platform.python_version()}, {os.cpu_count()} CPUs,
load average {os.getloadavg()[0]:.1f} at the end of the run (other work on the machine inflates these figures).
Each `ask` reads the knowledge base's version (one primary-key query), scores on the mapped index,
and loads the shown entries for titles and snippets.

{scale}"""
    write_report(section)
    print(f"\nwritten to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
