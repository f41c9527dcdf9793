"""The plenary report files every item under its own measure, in the registry's order, at any
depth, in every format (page, PDF, XLSX, CSV); a printed measure is not split from its items."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook
from pypdf import PdfReader

from hkcq.registry.models import Area, Measure
from hkcq.reporting import selectors, services
from hkcq.reporting.models import Job
from hkcq.reporting.tests.helpers import open_cycle, plenary

# (code, parent code, position): created out of order, so an id order would not pass either.
TREE = [
    ("T2", None, 2),
    ("T1", None, 1),
    ("T1.3", "T1", 3),
    ("T1.1", "T1", 1),
    ("T1.2", "T1", 2),
    ("T1.2.2", "T1.2", 2),
    ("T1.2.1", "T1.2", 1),
    ("T1.2.1.1", "T1.2.1", 1),
    ("T2.1", "T2", 1),
    ("T3", None, 3),
]
EXPECTED = ["T1", "T1.1", "T1.2", "T1.2.1", "T1.2.1.1", "T1.2.2", "T1.3", "T2", "T2.1", "T3"]
DEPTH = {code: code.count(".") for code in EXPECTED}


def _tree_report(secretariat_hk, client, languages):
    area = Area.objects.create(ext_id="tree-area", position=99, name={"en": "Tree area", "zh-hant": "樹狀領域"})
    made: dict[str, Measure] = {}
    for code, parent, position in TREE:
        made[code] = Measure.objects.create(
            ext_id=f"tree-{code}",
            area=area,
            parent=made.get(parent) if parent else None,
            position=position,
            code=code,
            title={"en": f"Title of {code}", "zh-hant": f"{code}的標題"},
        )
    open_cycle()
    snapshot = services.close_cycle(open_cycle(), plenary(dt.date(2024, 5, 10), 2), secretariat_hk)
    client.force_login(secretariat_hk)
    files = {}
    for lang in languages:
        client.post(f"/{lang}/reports/{snapshot.pk}/generate/", {"language": lang})
        job = Job.objects.filter(kind="report", language=lang).latest("created_at")
        assert job.state == Job.State.DONE, job.message
        files[lang] = {
            fmt: Path(default_storage.path(selectors.report_job_file(job, fmt)))
            for fmt in ("pdf", "xlsx", "csv", "html")
        }
    client.logout()
    return snapshot, files


@pytest.fixture
def tree_report(plan, secretariat_hk, client):
    return _tree_report(secretariat_hk, client, ["en"])


def _codes_in(sequence):
    return [c for c in sequence if c in DEPTH]


def _snapshot_order(tree_report):
    snapshot, _files = tree_report
    rows = [(m["code"], m["depth"]) for m in snapshot.data["measures"] if m["area"] == "tree-area"]
    assert rows == [(c, DEPTH[c]) for c in EXPECTED]


def _page_nesting(tree_report, client):
    snapshot, _files = tree_report
    html = client.get(f"/en/reports/{snapshot.pk}/").content.decode()
    cells = re.findall(r'<td class="tree-depth-(\d)">(?:<span[^>]*>↳ </span>)?(T[\d.]+) Title of', html)
    assert [code for _depth, code in cells] == EXPECTED
    assert {code: int(depth) for depth, code in cells} == {c: min(DEPTH[c], 3) for c in EXPECTED}
    # each top-level measure opens a group of its own rows
    groups = re.findall(r'<tbody class="measure-group">(.*?)</tbody>', html, re.S)
    tree_groups = [re.findall(r"(T[\d.]+) Title of", g) for g in groups if "Title of T" in g]
    assert tree_groups == [EXPECTED[:7], ["T2", "T2.1"], ["T3"]]


def _csv_and_workbook(tree_report):
    _snapshot, files = tree_report
    csv_rows = list(csv.reader(io.StringIO(files["en"]["csv"].read_bytes().decode("utf-8-sig"))))
    header = csv_rows[0]
    number, part_of = header.index("Number"), header.index("Part of")
    tree_rows = [r for r in csv_rows if r[number] in DEPTH]
    assert [r[number] for r in tree_rows] == EXPECTED
    parents = {code: (parent or "") for code, parent, _p in TREE}
    assert {r[number]: r[part_of] for r in tree_rows} == parents
    sheet = load_workbook(files["en"]["xlsx"])["Measures"]
    values = list(sheet.iter_rows(values_only=True))
    assert [row[number] for row in values if row[number] in DEPTH] == EXPECTED
    assert {row[number]: row[part_of] or "" for row in values if row[number] in DEPTH} == parents


def _pdf_pages(path):
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def _pdf_order(tree_report):
    _snapshot, files = tree_report
    pages = _pdf_pages(files["en"]["pdf"])
    text = "".join("".join(p.split()) for p in pages)
    found = re.findall(r"(T[\d.]+)Titleof", text)
    assert _codes_in(found)[: len(EXPECTED)] == EXPECTED  # the area's table (the late lists follow)
    page_of: dict[str, int] = {}
    for index, page in enumerate(pages):
        for code in re.findall(r"(T[\d.]+)Titleof", "".join(page.split())):
            page_of.setdefault(code, index)
    assert page_of["T1"] == page_of["T1.3"] == page_of["T1.2.1.1"]


def _pdf_default_registry(tree_report):
    snapshot, files = tree_report
    pages = ["".join(p.split()) for p in _pdf_pages(files["en"]["pdf"])]
    measures = [m for m in snapshot.data["measures"] if m["area"] != "tree-area"]
    top = -1
    checked = 0
    for m in measures:
        marker = (m["code"] + m["title"]["en"]).replace(" ", "")[:24]
        where = [i for i, p in enumerate(pages) if marker in p]
        if not where:
            continue
        if m["depth"] == 0:
            top = where[0]
        else:
            assert where[0] == top, f"{m['code']} is on page {where[0] + 1}, its measure on page {top + 1}"
            checked += 1
    assert checked > 5


def test_chinese_column_headers_do_not_break_between_characters(plan, secretariat_hk, client):
    _snapshot, files = _tree_report(secretariat_hk, client, ["zh-hant"])
    text = "\n".join(_pdf_pages(files["zh-hant"]["pdf"]))
    for header in ("聯合狀態", "香港", "重慶"):
        assert header in text, header


def test_the_tree_in_every_format(tree_report, client):
    # One report generation (PDFs are slow) checked format by format.
    _snapshot_order(tree_report)
    _page_nesting(tree_report, client)
    _csv_and_workbook(tree_report)
    _pdf_order(tree_report)
    _pdf_default_registry(tree_report)
