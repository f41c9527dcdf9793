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

    .venv/bin/python bench/report_pdf_options.py [--measures 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
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
    args = parser.parse_args()
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
    rows = []
    for label, make in options:
        load = os.getloadavg()[0]
        wall, used = time.perf_counter(), cpu()
        content = make()
        wall, used = time.perf_counter() - wall, cpu() - used
        pages = len(PdfReader(io.BytesIO(content)).pages)
        rows.append(f"| {label} | {wall:,.1f} | {used:,.1f} | {pages} | {load:.1f} |")
        print(rows[-1], flush=True)
    Path(path).unlink(missing_ok=True)
    print(
        f"\n{args.measures:,} generated measures ({len(report['areas'])} areas), Traditional Chinese, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs\n"
    )
    print("| option | wall s | CPU s | pages | load (1 min) |\n|---|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
