"""CPU time of a warm ``ask`` (the routing model's, as the ask page, the API and enquiry routing
use it), the code before issue 15's change against this working tree, in turn in one run.

Each version (``--baseline``: exported with ``git archive`` into the system's temp directory and
run with this checkout's virtualenv; and this working tree) runs in a process of its own on the
same database: a warm-up over the 60 development enquiries, then ``--rounds`` rounds of them, each
ask's process CPU time (``time.process_time``) and wall time recorded. The versions alternate
(A B A B …, ``--pairs`` times) so that the machine's drifting load falls on both alike.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB .venv/bin/python bench/kb_ask_cpu.py [--no-write]

Writes the section "Warm ask, CPU (issue 15)" of docs/benchmarks.md with date, commits and load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _serve  # noqa: E402
from _serve import baseline_tree  # noqa: E402

HEADING = "## Warm ask, CPU (issue 15)"

CHILD = r"""
import json, sys, time, os
import django
django.setup()
import yaml
from hkcq.kb import routing
data = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
items = data if isinstance(data, list) else data.get("enquiries", [])
langs = {"zh_hant": "zh-hant", "zh_hans": "zh-hans"}
questions = [(i["text"], langs.get(i.get("lang"), "en")) for i in items]
for q, lang in questions:
    routing.ask(q, lang, limit=10)
cpu, wall = [], []
for _ in range(int(sys.argv[2])):
    for q, lang in questions:
        c, w = time.process_time(), time.perf_counter()
        routing.ask(q, lang, limit=10)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
print(json.dumps({"cpu": cpu, "wall": wall}))
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(root: Path, env: dict[str, str], questions: str, rounds: int) -> dict[str, list[float]]:
    python = str(root / ".venv" / "bin" / "python")
    out = subprocess.run(
        [python, "-c", CHILD, questions, str(rounds)], cwd=root, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="96ac670", help="the code to compare against")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--questions", default=str(_serve.HERE / "bench" / "data" / "enquiries-dev.yaml"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL (a migrated database with the default data, or a generated one).")
    baseline = subprocess.run(
        ["git", "rev-parse", args.baseline], cwd=_serve.HERE, check=True, capture_output=True, text=True
    ).stdout.strip()
    old_root = baseline_tree(baseline)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", ALLOW_INSECURE_SECRET_KEY="1", DEBUG="0")
    env.setdefault("SECRET_KEY", "bench-not-secret-" + "x" * 40)
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    load_before = _serve.load()
    results: dict[str, dict[str, list[float]]] = {"before": {"cpu": [], "wall": []}, "after": {"cpu": [], "wall": []}}
    for _pair in range(args.pairs):
        for label, root in (("before", old_root), ("after", _serve.HERE)):
            got = run(root, env, args.questions, args.rounds)
            results[label]["cpu"] += got["cpu"]
            results[label]["wall"] += got["wall"]
    load_after = _serve.load()
    rows = []
    for label, code in (("before", baseline[:10]), ("after", _serve.commit())):
        r = results[label]
        rows.append(
            f"| {label} ({code}) | {len(r['cpu'])} | {statistics.median(r['cpu']):.2f} | {pct(r['cpu'], 95):.2f} "
            f"| {statistics.median(r['wall']):.2f} | {pct(r['wall'], 95):.2f} |"
        )
        print(rows[-1])
    ratio = statistics.median(results["after"]["cpu"]) / statistics.median(results["before"]["cpu"])
    database = env["DATABASE_URL"].rpartition("/")[2] if "://" in env["DATABASE_URL"] else env["DATABASE_URL"]
    body = f"""
`python bench/kb_ask_cpu.py` — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {_serve.machine()}, load
average (1/5/15 min) {load_before} before and {load_after} after (other work shared the machine).
Database `{database}` ({os.environ.get("BENCH_KB_NOTE", "the default data: 55 entries")}). Warm `ask`
(``hkcq.kb.routing.ask``, limit 10) over the 60 development enquiries, {args.rounds} rounds per process,
{args.pairs} processes per version alternating; milliseconds per ask. CPU is the process's own
(the machine's load hardly changes it); wall time includes waiting for a core and for PostgreSQL.

| code | asks | CPU p50 | CPU p95 | wall p50 | wall p95 |
|---|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

CPU p50 after/before: {ratio:.2f}. What changed: an answer's sentences and their folded forms (OpenCC,
width, case), which the snippet is chosen from, are kept by the answer's text instead of being split
and folded again for every question that shows it; the two version reads before each question (the
index's and the routing model's) are plain SQL instead of ORM queries.
"""
    print(body)
    if not args.no_write:
        _serve.write_section(HEADING, body)


if __name__ == "__main__":
    main()
