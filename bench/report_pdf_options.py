"""The plenary report's PDF typeset four ways, on the same report (docs/decisions/0012).

Generates the benchmark registry of ``bench/progress_report.py`` (N measures, 10 published
updates each over two closed cycles) on SQLite, builds the report comparing the two snapshots,
and times, in Traditional Chinese:

- WeasyPrint on the print template as it was (automatic table layout, one table per area);
- WeasyPrint with ``table-layout: fixed``;
- WeasyPrint with fixed layout and one small table per measure (no table spans pages);
- Typst (``hkcq.reporting.pdf``).

Wall time and the process's CPU time (user + system, all threads) are given: on a shared
machine the CPU time is the fairer comparison. Prints a Markdown table.

``--typst-only`` times the chosen typesetter alone (``--repeat`` times, nothing else running in
this process) and, with ``--write``, puts the figures with the machine's load in the section
"Plenary report PDF at 1,000 measures (issue 15)" of docs/benchmarks.md.

    .venv/bin/python bench/report_pdf_options.py [--measures 1000] [--typst-only --repeat 5 --write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--typst-only", action="store_true", help="time only Typst (hkcq.reporting.pdf)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each option (median, min and max shown)")
    parser.add_argument("--write", action="store_true", help="write the Typst figures to docs/benchmarks.md")
    parser.add_argument("--typst-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.typst_child:
        typst_child(args.typst_child)
        return
    uptime_before = subprocess.check_output(["uptime"], text=True, env={**os.environ, "TZ": "UTC"}).strip()
    os.environ.setdefault("TASK_BACKEND", "immediate")
    handle, path = tempfile.mkstemp(prefix="hkcq-bench-pdf-", suffix=".sqlite3")
    os.close(handle)
    import progress_report as pr

    pr.setup_django(f"sqlite:///{path}")
    import logging

    from django.template.loader import render_to_string
    from django.utils import translation
    from pypdf import PdfReader

    from hkcq.core.exports import html_to_pdf
    from hkcq.progress.models import ReportingCycle
    from hkcq.reporting import pdf, reports, selectors, services

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    data = pr.generate(args.measures, 10)
    pr.publish_batch(data, data["first"], 0, 5)
    services.close_cycle(data["first"], pr.plenary(2, dt.date(2024, 5, 10)), data["author"])
    second = ReportingCycle.objects.get(state="open")
    pr.publish_batch(data, second, 5, 5)
    snapshot = services.close_cycle(second, pr.plenary(3, dt.date(2025, 5, 10)), data["author"])
    report = reports.compare(snapshot.data, selectors.snapshot_previous(snapshot).data)
    lang = "zh-hant"
    with translation.override(lang):
        html = render_to_string("reporting/report_print.html", {"report": report, "snapshot": snapshot})
    fixed = html.replace("</style>", "table { table-layout: fixed; }</style>")
    cols = '<colgroup><col class="col-measure"><col span="5"></colgroup>'
    small = fixed.replace(
        '</tbody><tbody class="measure-group">',
        f'</tbody></table><table class="table table-sm report-tree">{cols}<tbody class="measure-group">',
    )
    # warm both up (fonts, modules) so that each timing is the document's own work
    html_to_pdf("<p>香港</p>")
    pdf.report_pdf({**report, "areas": [], "late": [], "no_update": [], "decisions": []}, lang)
    options = [
        ("WeasyPrint, automatic table layout (before)", lambda: html_to_pdf(html)),
        ("WeasyPrint, `table-layout: fixed`", lambda: html_to_pdf(fixed)),
        ("WeasyPrint, fixed layout, one small table per measure", lambda: html_to_pdf(small)),
        ("Typst (`hkcq.reporting.pdf`)", lambda: pdf.report_pdf(report, lang)),
    ]
    if args.typst_only:
        options = options[-1:]
    rows, typst = [], []
    for label, make in options:
        runs = []
        if args.typst_only:
            # each run in a fresh process (a worker that has typeset some other report: fonts and
            # modules loaded): Typst memoises its work within a process, so typesetting the same
            # report again in one process costs a fraction of the first time
            with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as handle:
                pickle.dump(report, handle)
            for _ in range(args.repeat):
                out = subprocess.run(
                    [sys.executable, __file__, "--typst-child", handle.name], capture_output=True, text=True, check=True
                )
                fig = json.loads(out.stdout.strip().splitlines()[-1])
                runs.append((fig["wall"], fig["cpu"], fig["load"]))
                pages = fig["pages"]
            Path(handle.name).unlink()
        else:
            for _ in range(args.repeat):
                load = os.getloadavg()[0]
                wall, used = time.perf_counter(), cpu()
                content = make()
                runs.append((time.perf_counter() - wall, cpu() - used, load))
            pages = len(PdfReader(io.BytesIO(content)).pages)
        walls, cpus, loads = ([r[i] for r in runs] for i in range(3))
        wall, used, load = statistics.median(walls), statistics.median(cpus), statistics.median(loads)
        rows.append(f"| {label} | {wall:,.1f} | {used:,.1f} | {pages} | {load:.1f} |")
        print(rows[-1], flush=True)
        typst = [(w, c, ld, pages) for w, c, ld in runs]
    Path(path).unlink(missing_ok=True)
    print(
        f"\n{args.measures:,} generated measures ({len(report['areas'])} areas), Traditional Chinese, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs\n"
    )
    print("| option | wall s | CPU s | pages | load (1 min) |\n|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    if args.write:
        write_section(
            args.measures,
            typst,
            uptime_before,
            subprocess.check_output(["uptime"], text=True, env={**os.environ, "TZ": "UTC"}).strip(),
        )


def typst_child(report_file: str) -> None:
    """One Typst run in this fresh process, after a small report (fonts, modules); prints JSON."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    import django

    django.setup()
    from pypdf import PdfReader

    from hkcq.reporting import pdf

    with open(report_file, "rb") as handle:
        report = pickle.load(handle)  # noqa: S301 - the parent's own file
    lang = "zh-hant"
    pdf.report_pdf({**report, "areas": [], "late": [], "no_update": [], "decisions": []}, lang)
    load = os.getloadavg()[0]
    wall, used = time.perf_counter(), cpu()
    content = pdf.report_pdf(report, lang)
    wall, used = time.perf_counter() - wall, cpu() - used
    pages = len(PdfReader(io.BytesIO(content)).pages)
    print(json.dumps({"wall": wall, "cpu": used, "load": load, "pages": pages}))


HEADING = "## Plenary report PDF at 1,000 measures (issue 15)"


def write_section(measures: int, runs: list[tuple[float, float, float, int]], before: str, after: str) -> None:
    """The Typst runs, each with its wall and CPU time and the load when it started."""
    commit = subprocess.check_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], text=True).strip()
    walls = [w for w, _c, _l, _p in runs]
    cpus = [c for _w, c, _l, _p in runs]
    lines = [
        HEADING,
        "",
        f"`bench/report_pdf_options.py --typst-only --repeat {len(runs)} --write`, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, {os.cpu_count()} CPUs shared with other "
        f"sessions (`uptime` before: `{before}`; after: `{after}`). The report of {measures:,} generated measures "
        "(the default registry's as well, 10 published updates each over two closed cycles; the same data as "
        "docs/decisions/0012), in Traditional Chinese, typeset by Typst (`hkcq.reporting.pdf.report_pdf`) "
        "each run in a fresh process (Typst memoises within a process, so a second run of the same report in one process would cost a fraction), after a small report (fonts and modules loaded, as in a worker that has typeset before), one run after another. Seconds.",
        "",
        "| run | wall s | CPU s (all threads) | load (1 min) at the start | pages |",
        "|---:|---:|---:|---:|---:|",
        *(f"| {i + 1} | {w:,.2f} | {c:,.2f} | {ld:.1f} | {pg} |" for i, (w, c, ld, pg) in enumerate(runs)),
        f"| median | {statistics.median(walls):,.2f} | {statistics.median(cpus):,.2f} | | |",
        "",
        f"Goal < 3 s wall: **{'met' if statistics.median(walls) < 3 else 'not met'}** on the wall clock in this run "
        f"(median {statistics.median(walls):,.2f} s); the work itself costs {statistics.median(cpus):,.2f} s of CPU "
        f"({'under' if statistics.median(cpus) < 3 else 'over'} the goal). Where the wall time is above the goal "
        "and the CPU time below it, the difference is time spent waiting for a core: the load average above is "
        "several times the 2 CPUs.",
        "",
    ]
    text = "\n".join(lines)
    report = ROOT / "docs" / "benchmarks.md"
    current = report.read_text(encoding="utf-8")
    if HEADING in current:
        head, _sep, rest = current.partition(HEADING)
        tail = rest.split("\n## ", 1)
        current = head + text + ("\n## " + tail[1] if len(tail) > 1 else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    report.write_text(current.rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
