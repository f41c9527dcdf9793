"""The knowledge base at 100,000 entries (issue 15): ``ask`` and ``GET /api/v1/kb/entries``.

Generates 100,000 published entries (titles, answers and question forms in English and
Traditional Chinese made of the real entries' sentences, Simplified derived as on every save;
topics, units, a share of drafts, entries in review and expired ones as in a real knowledge base),
then measures, each in a fresh process as a new web worker would be:

- the index as every worker built it before (``search.build_index`` in the process's own memory):
  time and memory growth;
- the first question after a change: the index built once and stored (``KB_INDEX_DIR``);
- a new worker's first question (the analyzer loaded at start, as config/wsgi.py does): time and
  memory growth, then warm questions (p50/p95 over the 60 development enquiries, 3 rounds);
- two workers side by side: resident, proportional and private memory of each (is the index
  shared?);
- the anonymous API list ``GET /api/v1/kb/entries?limit=20`` (p50/p95, rows fetched).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB .venv/bin/python bench/kb_scale.py
    .venv/bin/python bench/kb_scale.py --entries 20000     # smaller; SQLite under /tmp without DATABASE_URL

The generated entries stay in the database for the next run. ``bench/kb_search.py
--scale-database URL`` runs the same measurements and writes them to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / "data" / "enquiries-dev.yaml"
LANG_OF = {"en": "en", "zh_hant": "zh-hant", "zh_hans": "zh-hans", "mixed": "zh-hant"}
PREFIX = "scale-"


def setup_django(migrate: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from hkcq.registry.models import Area

        if not Area.objects.exists():
            from hkcq.defaults.loading import defaults_load

            defaults_load()


def queries() -> list[tuple[str, str]]:
    import yaml

    with DATA.open(encoding="utf-8") as handle:
        return [(e["text"], LANG_OF[e["lang"]]) for e in yaml.safe_load(handle)["enquiries"]]


# -- memory ------------------------------------------------------------------------------------------
def memory() -> dict[str, float]:
    """This process's memory in MB: resident (rss), proportional (pss: shared pages divided among
    the processes that map them), private (not shared with any other process)."""
    out: dict[str, float] = {}
    with open("/proc/self/smaps_rollup") as handle:
        for line in handle:
            name, _sep, rest = line.partition(":")
            if name in {"Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty"}:
                out[name] = int(rest.split()[0]) / 1024
    return {
        "rss": out.get("Rss", 0.0),
        "pss": out.get("Pss", 0.0),
        "private": out.get("Private_Clean", 0.0) + out.get("Private_Dirty", 0.0),
        "shared": out.get("Shared_Clean", 0.0) + out.get("Shared_Dirty", 0.0),
    }


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# -- data ----------------------------------------------------------------------------------------------
def generate_entries(total: int, seed: int = 15) -> float:
    """Add ``total`` entries made of the real entries' sentences and question forms. Each
    sentence is analysed once; an entry's terms are its parts' terms (what ``entry_index`` stores
    for the same text, up to sentence boundaries). Returns seconds taken."""
    from hkcq.core.search import default_analyzer
    from hkcq.core.translated import TText
    from hkcq.kb.indexing import ANALYZER_VERSION
    from hkcq.kb.models import Entry
    from hkcq.registry.models import Unit

    start = time.perf_counter()
    rng = random.Random(seed)
    analyzer = default_analyzer()
    split = re.compile(r"(?<=[.!?。！？])\s*")
    real = list(Entry.objects.exclude(slug__startswith=PREFIX))
    en_sentences, zh_sentences, en_forms, zh_forms, titles = [], [], [], [], []
    for entry in real:
        body = TText.from_json(entry.body)
        en_sentences += [(s, analyzer.analyze(s)) for s in split.split(body.get("en")) if s.strip()]
        zh_sentences += [(s, analyzer.analyze(s)) for s in split.split(body.get("zh-hant")) if s.strip()]
        forms = TText.from_json(entry.question_forms)
        en_forms += [(s, analyzer.analyze(s)) for s in forms.get("en").splitlines() if s.strip()]
        zh_forms += [(s, analyzer.analyze(s)) for s in forms.get("zh-hant").splitlines() if s.strip()]
        title = TText.from_json(entry.title)
        titles.append((title.get("en"), title.get("zh-hant"), entry.topic))
    units = list(Unit.objects.filter(is_active=True))
    places = ["Yuzhong", "Jiangbei", "Nan'an", "Shapingba", "Jiulongpo", "Yubei", "Banan", "Wanzhou", "Fuling"]
    places_zh = ["渝中", "江北", "南岸", "沙坪壩", "九龍坡", "渝北", "巴南", "萬州", "涪陵"]
    title_terms: dict[str, list[str]] = {}

    def terms_of(text: str) -> list[str]:
        found = title_terms.get(text)
        if found is None:
            found = title_terms[text] = analyzer.analyze(text)
        return found

    batch: list[Entry] = []
    for number in range(total):
        en_title, zh_title, topic = rng.choice(titles)
        place = rng.randrange(len(places))
        en_title = f"{en_title} ({places[place]} district, {2020 + number % 7})"
        zh_title = f"{zh_title}（{places_zh[place]}區，{2020 + number % 7}年）"
        en_pick = rng.sample(en_sentences, 3)
        zh_pick = rng.sample(zh_sentences, 3)
        en_q = rng.sample(en_forms, 2)
        zh_q = rng.sample(zh_forms, 2)
        roll = rng.random()
        state = "draft" if roll < 0.03 else "in_review" if roll < 0.05 else "published"
        expired = rng.random() < 0.02
        batch.append(
            Entry(
                slug=f"{PREFIX}{number}",
                topic=topic,
                title=TText.of(en=en_title, zh_hant=zh_title),
                body=TText.of(en=" ".join(s for s, _t in en_pick), zh_hant="".join(s for s, _t in zh_pick)),
                question_forms=TText.of(en="\n".join(s for s, _t in en_q), zh_hant="\n".join(s for s, _t in zh_q)),
                unit=rng.choice(units),
                state=state,
                effective_to="2024-12-31" if expired else None,
                published_at=None,
                index_terms={
                    "title": terms_of(en_title) + terms_of(zh_title),
                    "questions": [t for _s, ts in en_q + zh_q for t in ts],
                    "body": [t for _s, ts in en_pick + zh_pick for t in ts],
                },
                index_version=ANALYZER_VERSION,
            )
        )
        if len(batch) == 2000:
            Entry.objects.bulk_create(batch)
            batch = []
    if batch:
        Entry.objects.bulk_create(batch)
    return time.perf_counter() - start


def ensure_entries(total: int) -> dict[str, Any]:
    """The database with ``total`` generated entries (made now unless already there)."""
    from django.db import connection
    from django.utils import timezone

    from hkcq.kb.models import Entry
    from hkcq.kb.search import offered_filter

    generated = Entry.objects.filter(slug__startswith=PREFIX)
    took = 0.0
    if generated.count() != total:
        generated._raw_delete(generated.db)  # type: ignore[attr-defined]  # no history rows to write
        took = generate_entries(total)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE kb_entry")  # what autovacuum does in time after a bulk load
    offered = Entry.objects.filter(offered_filter(timezone.localdate())).count()
    return {"offered": offered, "generated_s": took, "vendor": connection.vendor, "entries": Entry.objects.count()}


# -- the children: each a fresh process, as a new worker ------------------------------------------------
def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[int(share * (len(values) - 1))]


def child(mode: str, total: int) -> dict[str, Any]:
    started = time.perf_counter()
    if mode == "generate":
        setup_django(migrate=True)
        return ensure_entries(total)
    setup_django()
    from hkcq.kb import search

    result: dict[str, Any] = {"django_s": time.perf_counter() - started}
    qs = queries()
    if mode == "old":
        search.warm()
        before = memory()
        t0 = time.perf_counter()
        built = search.build_index()
        result.update(build_s=time.perf_counter() - t0, before=before, after=memory(), docs=len(built.index))
        return result
    t0 = time.perf_counter()
    search.warm()  # config/wsgi.py does this when a worker starts
    result["warm_s"] = time.perf_counter() - t0
    result["before"] = memory()
    t0 = time.perf_counter()
    search.ask(qs[0][0], qs[0][1])
    result["first_s"] = time.perf_counter() - t0
    result["after_first"] = memory()
    if mode in {"first", "build"}:
        times, cpu = [], []
        for _round in range(3 if mode == "first" else 1):
            for text, lang in qs:
                t0, c0 = time.perf_counter(), time.process_time()
                search.ask(text, lang)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
        result.update(p50=statistics.median(times), p95=percentile(times, 0.95), n=len(times))
        result.update(cpu_p50=statistics.median(cpu), cpu_p95=percentile(cpu, 0.95))
        result["after_warm"] = memory()
    if mode == "hold":
        for text, lang in qs:
            search.ask(text, lang)
        print("ready", flush=True)
        sys.stdin.readline()  # both workers alive: measure now
        result["held"] = memory()
        print(json.dumps(result), flush=True)
        sys.stdin.readline()  # and stay alive until the other one has measured too
    return result


def child_api() -> dict[str, Any]:
    setup_django()
    from django.db import connection
    from django.test import Client

    client = Client()
    out: dict[str, Any] = {}
    for name, url in (
        ("first", "/api/v1/kb/entries?limit=20"),
        ("deep", "/api/v1/kb/entries?limit=20&offset=50000"),
        ("topic", "/api/v1/kb/entries?limit=20&topic=housing"),
    ):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        times, cpu = [], []
        for _i in range(60):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        executed: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any, executed: list[str] = executed) -> Any:
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        body = response.json()
        out[name] = {
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
            "cpu_p95": percentile(cpu, 0.95),
            "items": len(body["items"]),
            "count": body["count"],
            "queries": len(executed),
        }
    return out


def spawn(mode: str, env: dict[str, str], total: int = 0) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--entries", str(total)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def two_workers(env: dict[str, str]) -> list[dict[str, Any]]:
    procs = []
    for _i in range(2):
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", "hold"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            proc.kill()
            raise RuntimeError(f"worker did not start: {line!r}")
        procs.append(proc)
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        assert proc.stdout is not None
        results.append(json.loads(proc.stdout.readline()))
    for proc in procs:
        proc.communicate("exit\n", timeout=120)
    return results


# -- the run -----------------------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    def run(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False).stdout.strip()
        except OSError:
            return "?"

    commit = run("git", "rev-parse", "--short", "HEAD")
    if run("git", "status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit,
        "uptime": run("uptime"),
        "cpus": str(os.cpu_count()),
    }


RESULTS = Path(tempfile.gettempdir()) / "hkcq-bench-kb-scale.json"


def measure(total: int, database_url: str | None = None) -> dict[str, Any]:
    """Everything above, each step in a fresh process on ``database_url`` (a throwaway SQLite
    database by default; generated entries are kept there for the next run)."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    if not database_url:
        handle, path = tempfile.mkstemp(prefix="hkcq-bench-kbscale-", suffix=".sqlite3")
        os.close(handle)
        database_url = f"sqlite:///{path}"
    env["DATABASE_URL"] = database_url
    root = Path(tempfile.mkdtemp(prefix="hkcq-bench-kb-index-"))
    env["KB_INDEX_DIR"] = str(root)
    start = machine()
    results: dict[str, Any] = {"total": total, **spawn("generate", env, total)}
    try:
        results["old"] = spawn("old", env)
        results["build"] = spawn("build", env)  # the first question after a change: builds and stores
        results["index_mb"] = sum(folder_mb(p) for p in root.iterdir() if p.is_dir())
        results["first"] = spawn("first", env)  # a new worker: maps what is stored
        results["two"] = two_workers(env)
        results["api"] = spawn("api", env)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    results["machine"] = start
    results["machine_end"] = machine()
    RESULTS.write_text(json.dumps(results), encoding="utf-8")  # to render the section again
    return results


def section(r: dict[str, Any]) -> str:
    old, build, first, two, api = r["old"], r["build"], r["first"], r["two"], r["api"]

    def grew(a: dict[str, float], b: dict[str, float], key: str = "rss") -> str:
        return f"+{b[key] - a[key]:.0f} MB"

    ok = {
        "warm": first["p95"] < 10,
        "first": first["first_s"] < 1,
        "api": api["first"]["p95"] < 50,
    }
    rows_two = "\n".join(
        f"| worker {i + 1} | {w['held']['rss']:.0f} MB | {w['held']['pss']:.0f} MB | {w['held']['shared']:.0f} MB | "
        f"{w['held']['private']:.0f} MB |"
        for i, w in enumerate(two)
    )
    api_rows = "\n".join(
        f"| `{name}` | {a['p50']:.1f} ms | {a['p95']:.1f} ms | {a.get('cpu_p95', 0):.1f} ms | {a['items']} | "
        f"{a['count']:,} | {a['queries']} |"
        for name, a in (
            ("?limit=20", api["first"]),
            ("?limit=20&offset=50000", api["deep"]),
            ("?limit=20&topic=housing", api["topic"]),
        )
    )
    yes = {True: "met", False: "**not met**"}
    return f"""### At {r["total"]:,} entries (issue 15: `bench/kb_scale.py`)

{r["total"]:,} generated entries on {r["vendor"]} ({r["offered"]:,} offered today: the rest are drafts, in review or
expired), made of the real entries' sentences and question forms in English and Traditional
Chinese, Simplified derived. Each figure is from a fresh process, as a new web worker.

| what | figure | goal |
|---|---|---|
| warm `ask`, p50 / p95 ({first["n"]} questions: the 60 development enquiries × 3) | {first["p50"]:.1f} / {first["p95"]:.1f} ms | p95 < 10 ms: {yes[ok["warm"]]} |
| the same, the process's own CPU time (what the machine's load does not inflate) | {first["cpu_p50"]:.1f} / {first["cpu_p95"]:.1f} ms | |
| a new worker's first `ask` (index stored; analyzer loaded at start) | {first["first_s"] * 1000:.0f} ms, memory {grew(first["before"], first["after_first"])} | < 1 s: {yes[ok["first"]]} |
| loading the analyzer when the worker starts (`config/wsgi.py`) | {first["warm_s"]:.2f} s | (at start, before any request) |
| the first `ask` after a change (builds the index and stores it, once per change) | {build["first_s"]:.1f} s | |
| before: each worker building its own index (`build_index` in memory) | {old["build_s"]:.1f} s, memory {grew(old["before"], old["after"])} | |
| stored index (`KB_INDEX_DIR`, mapped read-only by every worker) | {r["index_mb"]:.0f} MB on disk | |
| `GET /api/v1/kb/entries?limit=20`, anonymous, p95 | {api["first"]["p95"]:.1f} ms | p95 < 50 ms: {yes[ok["api"]]} |

Two workers side by side, each after the 60 questions (resident; proportional, where a page two
processes share counts half to each; shared with another process; private):

| | resident | proportional | shared | private |
|---|---|---|---|---|
{rows_two}

The API list, anonymous (60 requests each after one warm-up; rows are the page's, the count the
list's total):

| request | p50 | p95 | p95 CPU time | rows | count | queries |
|---|---|---|---|---|---|---|
{api_rows}

What the figures say. The index is shared: both workers map the same {r["index_mb"]:.0f} MB of files
(the "shared" column), a new worker's first question grows it by
{first["after_first"]["rss"] - first["before"]["rss"]:.0f} MB instead of the
{old["after"]["rss"] - old["before"]["rss"]:.0f} MB and {old["build_s"]:.0f} s each worker spent before. The
wall-clock figures were taken while other work kept the machine's load near the `uptime` below on
{r["machine"]["cpus"]} CPUs, so a request waits for a core most of its time; the process's own CPU time
(warm `ask` p95 {first["cpu_p95"]:.1f} ms, an API page p95 {api["first"].get("cpu_p95", 0):.1f} ms) is the
better guide to what a quiet server does, and where a goal above is not met on the wall clock, that
is why. The generated entries reuse the 55 real entries' sentences, so each word is in thousands
of entries: posting lists far longer than a real knowledge base's, and the scoring's cost grows
with them. Building the index after a change ({build["first_s"]:.0f} s here) happens once per change
and host, by the first worker that asks; the others wait and map it. A deep page
(`offset=50000`) walks the list's index up to the offset: it is slow on the database, not in Python.

Measured {r["machine"]["date"]} at commit {r["machine"]["commit"]}, {r["machine"]["cpus"]} CPUs;
`uptime` at the start: `{r["machine"]["uptime"]}`; at the end: `{r["machine_end"]["uptime"]}`.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="replace this run's subsection of docs/benchmarks.md")
    args = parser.parse_args()
    if args.child == "api":
        print(json.dumps(child_api()))
        return
    if args.child:
        print(json.dumps(child(args.child, args.entries)))
        return
    results = measure(args.entries, os.environ.get("DATABASE_URL"))
    text = section(results)
    print(text)
    if args.write:
        write_subsection(text)


def write_subsection(text: str) -> None:
    """Put ``text`` (a "### At N entries" subsection) in place of the one in docs/benchmarks.md,
    which ends where the next "## " section starts."""
    report = ROOT / "docs" / "benchmarks.md"
    current = report.read_text(encoding="utf-8")
    start = current.index("### At ", current.index("## Knowledge-base search"))
    end = current.index("\n## ", start)
    report.write_text(current[:start] + text.rstrip("\n") + "\n" + current[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
