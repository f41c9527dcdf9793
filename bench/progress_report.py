"""Benchmark of the plenary report and the progress dashboard at 1,000 measures.

Generates 1,000 measures (with a milestone each) and 10 published progress updates per
measure (5 per side, spread over two reporting cycles), closes each cycle at a plenary (which
freezes a snapshot), then times:

- closing a cycle (roll-up recompute and snapshot of the whole registry);
- building the report (comparison of the two snapshots);
- the report page (HTML, through the test client, as a visitor gets it);
- the PDF (Typst, ``hkcq.reporting.pdf``; wall and CPU time), and the XLSX and CSV;
- the whole background generation job (all four files, with progress updates);
- the progress dashboard page and its selectors (from the issue3-progress work).

Each database runs in its own process with a fresh database:

    .venv/bin/python bench/progress_report.py                       # SQLite only
    .venv/bin/python bench/progress_report.py --measures 500,1000 \
        --postgres postgres://postgres@127.0.0.1:5432/hkcq_bench_report

With ``--postgres`` the named database is dropped and created again, so give it a name of its
own. Prints the figures and writes the section "Plenary report and dashboard (issue 3)" of
docs/benchmarks.md (replacing that section only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPORT = ROOT / "docs" / "benchmarks.md"
HEADING = "## Plenary report and dashboard (issue 3)"


# -- one database, in a child process ------------------------------------------------------------
def _fresh_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    os.environ["DATABASE_URL"] = url
    if url.startswith("postgres"):
        _fresh_postgres(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hkcq.defaults.loading import defaults_load
    from hkcq.registry.loading import demo_accounts_ensure

    defaults_load()
    demo_accounts_ensure()


def timed(fn: Any, repeat: int = 1) -> tuple[float, Any]:
    """Median wall time in milliseconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _cpu() -> float:
    """The process's CPU time (user and system, every thread), in seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def generate(measures: int, updates_per_measure: int) -> dict[str, Any]:

    from hkcq.accounts.models import User
    from hkcq.progress.models import ReportingCycle, Status
    from hkcq.registry.models import Area, Measure, Milestone

    author = User.objects.get(username="demo-secretariat-hk")
    areas = list(Area.objects.order_by("position"))
    statuses = list(Status.objects.filter(is_active=True, is_ongoing=False).order_by("position"))
    rows = []
    for i in range(measures):
        rows.append(
            Measure(
                ext_id=f"bench-m-{i:05d}",
                area=areas[i % len(areas)],
                code=f"B{i}",
                position=1000 + i,
                title={
                    "en": f"Benchmark measure {i}",
                    "zh-hant": f"基準措施 {i}",
                    "zh-hans": f"基准措施 {i}",
                    "origin": {"en": "human", "zh-hant": "human", "zh-hans": "human"},
                },
                planned_start=dt.date(2023, 6, 1),
                planned_end=dt.date(2024, 1, 1) + dt.timedelta(days=i % 700),
            )
        )
    created = Measure.objects.bulk_create(rows, batch_size=500)
    Milestone.objects.bulk_create(
        [
            Milestone(
                measure=m,
                title={"en": f"Milestone of {m.code}"},
                planned_on=dt.date(2024, 3, 1) + dt.timedelta(days=i % 300),
                achieved_on=dt.date(2024, 3, 1) + dt.timedelta(days=i % 300) if i % 3 else None,
            )
            for i, m in enumerate(created)
        ],
        batch_size=500,
    )
    first = ReportingCycle.objects.create(name={"en": "Benchmark cycle 1"}, opens_on=dt.date(2023, 5, 11))
    return {"author": author, "measures": created, "statuses": statuses, "first": first}


def publish_batch(data: dict[str, Any], cycle: Any, start: int, count: int) -> int:
    from django.utils import timezone

    from hkcq.progress.models import ProgressUpdate

    author, statuses = data["author"], data["statuses"]
    now = timezone.now()
    batch = []
    for m_index, measure in enumerate(data["measures"]):
        for k in range(start, start + count):
            status = statuses[(m_index + k) % len(statuses)]
            batch.append(
                ProgressUpdate(
                    measure=measure,
                    side="hong_kong" if k % 2 == 0 else "chongqing",
                    cycle=cycle,
                    status=status,
                    percent=min(100, (status.default_percent or 0) + k),
                    public_narrative={"en": f"Update {k} on {measure.code}"},
                    internal_narrative={"en": "internal"},
                    state=ProgressUpdate.State.PUBLISHED,
                    author=author,
                    submitted_at=now,
                    confirmed_at=now,
                    confirmed_by=author,
                    published_at=now + dt.timedelta(seconds=k),
                    published_by=author,
                )
            )
    ProgressUpdate.objects.bulk_create(batch, batch_size=1000)
    return len(batch)


def plenary(number: int, date: dt.date) -> Any:
    from hkcq.registry.models import Mechanism, Meeting

    return Meeting.objects.create(
        mechanism=Mechanism.objects.first(),
        ext_id=f"bench-plenary-{number}",
        kind=Meeting.Kind.PLENARY,
        sequence=number,
        title={"en": f"Benchmark plenary {number}", "zh-hant": f"基準第{number}次全體會議"},
        date=date,
    )


def run_one(url: str, measures: int, updates_per_measure: int) -> dict[str, Any]:
    setup_django(url)
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client
    from django.utils import translation

    from hkcq.core.exports import csv_text, xlsx_bytes
    from hkcq.progress import selectors as progress_selectors
    from hkcq.progress.models import ProgressUpdate, ReportingCycle
    from hkcq.registry.models import Measure
    from hkcq.reporting import pdf as report_pdf
    from hkcq.reporting import reports, services
    from hkcq.reporting.models import Job

    out: dict[str, Any] = {"database": connection.vendor}
    t0 = time.perf_counter()
    data = generate(measures, updates_per_measure)
    half = updates_per_measure // 2
    publish_batch(data, data["first"], 0, half)
    out["generate_ms"] = (time.perf_counter() - t0) * 1000

    author = data["author"]
    out["close_cycle_1_ms"], _s1 = timed(
        lambda: services.close_cycle(data["first"], plenary(2, dt.date(2024, 5, 10)), author)
    )
    second = ReportingCycle.objects.get(state="open")
    publish_batch(data, second, half, updates_per_measure - half)
    out["close_cycle_2_ms"], snapshot = timed(
        lambda: services.close_cycle(second, plenary(3, dt.date(2025, 5, 10)), author)
    )
    out["measures"] = Measure.objects.count()
    out["updates"] = ProgressUpdate.objects.count()
    out["snapshot_kb"] = len(json.dumps(snapshot.data)) / 1024

    from hkcq.reporting import selectors

    previous = selectors.snapshot_previous(snapshot)
    out["compare_ms"], report = timed(lambda: reports.compare(snapshot.data, previous.data), repeat=3)
    client = Client()
    out["report_page_ms"], response = timed(lambda: client.get(f"/en/reports/{snapshot.pk}/"), repeat=3)
    assert response.status_code == 200
    out["report_page_kb"] = len(response.content) / 1024
    with translation.override("zh-hant"):
        out["print_html_ms"], html = timed(
            lambda: render_to_string("reporting/report_print.html", {"report": report, "snapshot": snapshot})
        )
        cpu_before = _cpu()
        out["pdf_ms"], pdf = timed(lambda: report_pdf.report_pdf(report, "zh-hant"))
        out["pdf_cpu_ms"] = (_cpu() - cpu_before) * 1000
        out["pdf_load"] = round(os.getloadavg()[0], 1)
        out["xlsx_csv_ms"], _files = timed(
            lambda: (
                xlsx_bytes(reports.workbook_sheets(report, "zh-hant")),
                csv_text(reports.measure_rows(report, "zh-hant")),
            )
        )
    import io

    from pypdf import PdfReader

    out["pdf_pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
    job = services.report_start(user=author, snapshot=snapshot, language="en")
    out["generation_job_ms"], _r = timed(lambda: services.report_generate(job_id=str(job.pk)))
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message

    out["dashboard_page_ms"], response = timed(lambda: client.get("/en/progress/"), repeat=3)
    assert response.status_code == 200, response.status_code

    def dashboard_selectors() -> None:
        areas = progress_selectors.area_rollups()
        progress_selectors.mechanism_rollup()
        list(progress_selectors.late_measures()[:10])
        progress_selectors.late_measures().count()
        list(progress_selectors.disagreements()[:10])
        progress_selectors.stale_measures()
        list(progress_selectors.recent_updates()[:10])
        list(areas)

    out["dashboard_selectors_ms"], _r = timed(dashboard_selectors, repeat=3)
    from hkcq.progress import rollups

    out["rollup_recompute_ms"], _r = timed(rollups.recompute)
    return out


# -- the parent: one child per database, then the report -----------------------------------------
ROWS = [
    ("close_cycle_2_ms", "Close a cycle (recompute roll-ups, freeze the snapshot)"),
    ("compare_ms", "Build the report (compare two snapshots)"),
    ("report_page_ms", "Report page, HTML (whole response)"),
    ("print_html_ms", "Print HTML (the report's HTML file)"),
    ("pdf_ms", "PDF (Typst), Traditional Chinese"),
    ("pdf_cpu_ms", "PDF, CPU time of the process"),
    ("xlsx_csv_ms", "XLSX and CSV"),
    ("generation_job_ms", "Background generation job (HTML, PDF, XLSX, CSV)"),
    ("dashboard_page_ms", "Progress dashboard page"),
    ("dashboard_selectors_ms", "Dashboard selectors only"),
    ("rollup_recompute_ms", "Roll-up recompute (all areas)"),
]


def section(results: list[dict[str, Any]], updates: int, meta: dict[str, str]) -> str:
    names = [f"{r['database']}, {r['generated']:,} measures" for r in results]
    lines = [
        HEADING,
        "",
        f"`bench/progress_report.py`, run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC at commit "
        f"`{meta['commit'][:10]}` on {platform.machine()} Python {platform.python_version()} "
        f"({os.cpu_count()} CPUs, shared with other sessions; `uptime` before: {meta['load_before']}; after: "
        f"{meta['load_after']}). Generated measures on top of the default registry, each with one milestone and "
        f"{updates} published updates (5 per side over two cycles); two cycles closed at plenaries; the "
        "report compares the two frozen snapshots. Times are wall-clock milliseconds (median of 3 where "
        "repeated); the PDF is rendered in Traditional Chinese, the generation job in English.",
        "",
        "| step | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for key, label in ROWS:
        lines.append(f"| {label} | " + " | ".join(f"{r[key]:,.0f}" for r in results) + " |")
    lines += [
        "| Load (1 min) when the PDF was made | " + " | ".join(f"{r['pdf_load']}" for r in results) + " |",
        "| Measures / updates in the database | "
        + " | ".join(f"{r['measures']:,} / {r['updates']:,}" for r in results)
        + " |",
        "| Snapshot size (KB of JSON) | " + " | ".join(f"{r['snapshot_kb']:,.0f}" for r in results) + " |",
        "| Report page size (KB) / PDF pages | "
        + " | ".join(f"{r['report_page_kb']:,.0f} / {r['pdf_pages']}" for r in results)
        + " |",
        "",
        "Reading: the report itself is built from two JSON snapshots in well under a second. The PDF is "
        "typeset by Typst (docs/decisions/0012: WeasyPrint took 17.7 s for the same 1,000 measures on an idle "
        "machine, some 20 s of CPU time); goal < 3 s at 1,000 measures. Its CPU time is given beside the wall "
        "time because this machine is shared: where the load average is well above the 2 CPUs, wall times "
        "stretch while the CPU time stays what the work costs. Generation still runs as a background task "
        "with progress shown, and the files are stored for download. Closing a cycle is the roll-up "
        'recompute plus the snapshot; see also "Progress at volume (issue 15)".',
        "",
        _pdf_goal(results),
        "",
    ]
    return "\n".join(lines)


def _pdf_goal(results: list[dict[str, Any]]) -> str:
    """Whether the PDF at the largest volume run (1,000 measures) met the < 3 s goal, in wall
    time and in CPU time."""
    largest = max(r["generated"] for r in results)
    parts = []
    for r in (r for r in results if r["generated"] == largest):
        wall, cpu = r["pdf_ms"] < 3000, r["pdf_cpu_ms"] < 3000
        parts.append(
            f"{r['database']}: {r['pdf_ms'] / 1000:,.1f} s wall at load {r['pdf_load']} "
            f"({'met' if wall else 'not met'}), {r['pdf_cpu_ms'] / 1000:,.1f} s of CPU ({'met' if cpu else 'not met'})"
        )
    return f"PDF goal (< 3 s at {largest:,} measures) in this run: " + "; ".join(parts) + "."


def write_report(text_section: str) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Benchmarks\n"
    if HEADING in text:
        before, _sep, rest = text.partition(HEADING)
        after = rest.split("\n## ", 1)
        text = before + text_section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + text_section
    REPORT.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measures", default="1000", help="generated measures, or a comma-separated list")
    parser.add_argument("--updates", type=int, default=10, help="published updates per measure")
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may be dropped and created")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = run_one(args.child, int(args.measures), args.updates)
        print("RESULT " + json.dumps({**result, "generated": int(args.measures)}))
        return

    meta = {
        "commit": subprocess.check_output(["git", "-C", str(ROOT), "rev-parse", "HEAD"], text=True).strip(),
        "load_before": subprocess.check_output(["uptime"], text=True).strip(),
    }
    results = []
    for count in [int(n) for n in args.measures.split(",")]:
        handle, path = tempfile.mkstemp(prefix="hkcq-bench-report-", suffix=".sqlite3")
        os.close(handle)
        urls = [f"sqlite:///{path}"] + ([args.postgres] if args.postgres else [])
        for url in urls:
            print(f"running {count} measures on {url.split('@')[-1]} …", flush=True)
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    url,
                    "--measures",
                    str(count),
                    "--updates",
                    str(args.updates),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "TASK_BACKEND": "immediate"},
            )
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
            if proc.returncode != 0 or line is None:
                print(proc.stdout[-3000:], proc.stderr[-3000:])
                raise SystemExit(f"benchmark failed on {url}")
            results.append(json.loads(line[len("RESULT ") :]))
            print(results[-1], flush=True)
        Path(path).unlink(missing_ok=True)
    meta["load_after"] = subprocess.check_output(["uptime"], text=True).strip()
    text = section(results, args.updates, meta)
    print(text)
    if not args.no_write:
        write_report(text)
        print(f"written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
