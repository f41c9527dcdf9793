"""Write the "Code shape (issue 10)" section of docs/benchmarks.md: the figures of
``bench/import_graph.py``, ``bench/code_metrics.py``, the library's ``duplicates`` and a few
counts (``openapi_extra`` blocks, ``enquiry_submit``'s parameters, tests allowing two statuses
or skipping themselves on data), for an old commit and this checkout side by side in one run.

Usage: ``python bench/code_shape.py [--base 4dccab9] [--seed] [--no-write]``

The old commit is extracted (``git archive``) to a temporary folder and this checkout's scripts
are run on both trees, so both columns are measured the same way. ``--seed`` also collects the
tests of both trees (``bench/seed_tests.py``, about two minutes each) to count the seed-backed
tests. Reads the source; runs none of it (collecting tests imports the test modules).
"""

from __future__ import annotations

import ast
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
SECTION = "## Code shape (issue 10)"


def _run(args: list[str], cwd: Path, **env: str) -> str:
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env={**os.environ, **env}, timeout=900, check=False
    )
    return result.stdout + result.stderr


def _tree(rev: str, into: Path) -> Path:
    archive = into / "tree.tar"
    subprocess.run(["git", "archive", "-o", str(archive), rev], cwd=BASE, check=True)
    root = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)  # duplicates reads a checkout's files
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    for script in ("import_graph.py", "code_metrics.py", "seed_tests.py"):
        shutil.copy(BASE / "bench" / script, root / "bench" / script)
    return root


def _figure(text: str, label: str) -> str:
    found = re.search(rf"^{re.escape(label)}:?\s*(.+)$", text, re.M)
    return found.group(1).strip() if found else "?"


# The longest module a reader holds (hkcq/core/tests/test_architecture.py holds it too).
MODULE_LINES = 800


def _python_files(root: Path) -> list[Path]:
    return [p for p in (root / "hkcq").rglob("*.py") if "migrations" not in p.parts]


_READS = re.compile(r"\.objects\b|\.(first|last|exists|count)\(\)")


def _data_skips(source: str) -> int:
    """The ``pytest.skip`` calls a test makes on what the database holds: under an ``if`` that
    reads a row (or a name bound to one), or giving the data as the reason. A skip on the
    machine (no Java, no Redis, not PostgreSQL) is no such skip."""
    tree = ast.parse(source)
    count = 0
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        read = {
            target.id
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and _READS.search(ast.unparse(node.value))
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(function):
            if not isinstance(node, ast.If):
                continue
            test = ast.unparse(node.test)
            on_data = bool(_READS.search(test)) or any(re.search(rf"\b{re.escape(n)}\b", test) for n in read)
            for call in (c for stmt in node.body for c in ast.walk(stmt) if isinstance(c, ast.Call)):
                if ast.unparse(call.func) != "pytest.skip":
                    continue
                reason = ast.unparse(call.args[0]) if call.args else ""
                count += on_data or bool(re.search(r"default data|seed", reason))
    return count


def _counts(root: Path) -> dict[str, str]:
    code = [p for p in _python_files(root) if "tests" not in p.parts and "browser_tests" not in p.parts]
    tests = [p for p in _python_files(root) if "tests" in p.parts or "browser_tests" in p.parts]
    extra = sum(p.read_text(encoding="utf-8").count("openapi_extra={") for p in code)
    params = "?"
    submission = root / "hkcq/enquiries/submission.py"
    if submission.exists():
        for node in ast.walk(ast.parse(submission.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "enquiry_submit":
                a = node.args
                params = str(len(a.args) + len(a.kwonlyargs) + len(a.posonlyargs))
    two = re.compile(r"status_code in \(")
    long_modules = sorted(
        (len(p.read_text(encoding="utf-8").splitlines()), str(p.relative_to(root)))
        for p in code
        if len(p.read_text(encoding="utf-8").splitlines()) > MODULE_LINES
    )
    return {
        f"modules over {MODULE_LINES} lines (tests aside)": str(len(long_modules))
        + (" (" + ", ".join(f"{name} {n}" for n, name in reversed(long_modules)) + ")" if long_modules else ""),
        "openapi_extra blocks written out": str(extra),
        "enquiry_submit parameters": params,
        "tests allowing several statuses (`status_code in (…)`)": str(
            sum(len(two.findall(p.read_text(encoding="utf-8"))) for p in tests)
        ),
        "tests skipping themselves on the data": str(sum(_data_skips(p.read_text(encoding="utf-8")) for p in tests)),
    }


def _measure(root: Path, seed: bool) -> dict[str, str]:
    py = str(BASE / ".venv/bin/python")
    graph = _run([py, "bench/import_graph.py"], root)
    metrics = _run([py, "bench/code_metrics.py"], root)
    whole = _run(["duplicates", "--most", "200", "--seconds", "300"], root / "hkcq")
    pairs = [line for line in whole.splitlines() if re.match(r"D\d+ ", line)]
    first = whole.splitlines()[0] if whole else "?"
    total = re.match(r"(\d+) pairs.*?\((\d+) files", first)
    out = {
        "apps importing each other (pairs)": _figure(graph, "Pairs importing each other"),
        "`core` imports apps": _figure(graph, "core imports apps"),
        "edges between apps": _figure(graph, "Edges between apps"),
        "imports inside functions": _figure(graph, "Imports inside functions"),
        "`Any` (annotations and code)": _figure(metrics, "Any in annotations/code"),
        "`type: ignore`": _figure(metrics, "type: ignore comments"),
        "functions over 60 lines": _figure(metrics, "Functions over 60 lines"),
        "local copies of shared helpers": str(
            sum(int(n) for n in re.findall(r"^Copies of [^:]+: (\d+)", metrics, re.M))
        ),
        "`duplicates` pairs (whole `hkcq/`, migrations included)": (
            f"{total.group(1)} in {total.group(2)} files" if total else first
        ),
        "`duplicates` pairs among the first 200 with no migration on either side": str(
            sum("migrations/" not in line for line in pairs)
        ),
        **_counts(root),
    }
    if seed:
        collected = _run(
            [py, "bench/seed_tests.py"], root, DJANGO_SETTINGS_MODULE="config.settings_test", PYTHONPATH=str(root)
        )
        found = re.search(r"^all\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", collected, re.M)
        out[
            "tests (collected) / requesting the seed (`defaults`) / naming a demo account only / "
            "of the seed itself (`@pytest.mark.seed`) / other seed-backed"
        ] = " / ".join(found.groups()) if found else "?"
        out["seed-backed tests per app, not of the seed itself (`defaults` or a demo name)"] = ", ".join(
            f"{m.group(1)} {m.group(6)}"
            for m in re.finditer(r"^([a-z_]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", collected, re.M)
            if m.group(1) != "all"
        )
    return out


def main(argv: list[str]) -> int:
    base = argv[argv.index("--base") + 1] if "--base" in argv else "4dccab9"
    seed = "--seed" in argv
    head = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=BASE, capture_output=True, text=True).stdout
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        old = _measure(_tree(base, Path(tmp)), seed)
    new = _measure(BASE, seed)
    load_after = os.getloadavg()
    rows = "\n".join(f"| {k} | {old[k]} | {new.get(k, '?')} |" for k in old)
    now = dt.datetime.now(dt.UTC)
    section = f"""{SECTION}

`python bench/code_shape.py --base {base}{" --seed" if seed else ""}` — {now:%Y-%m-%d %H:%M} UTC, commit `{head.strip()}`
(plus working-tree changes if any), load average {load_before[0]:.1f} before and {load_after[0]:.1f} after (2 cores
shared with other sessions; these figures read source and do not depend on it). It runs
`bench/import_graph.py` (imports between apps, pairs importing each other, imports inside
functions and their written reasons), `bench/code_metrics.py` (`Any`, `type: ignore`, functions
over 60 lines, local copies of the shared helpers), the library's `duplicates` and
`bench/seed_tests.py` on the old commit `{base}` and on this checkout, side by side. Non-test code
unless the row says tests. (The issue's own first figures were 161 `Any`, 122 `type: ignore`, 52 on
`request.*`; 277 `duplicates` pairs over 556 files.)

| figure | `{base}` | now |
|---|---|---|
{rows}
"""
    print(section)
    if "--no-write" not in argv:
        path = BASE / "docs" / "benchmarks.md"
        text = path.read_text(encoding="utf-8")
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        notes = _NOTES.strip() + "\n"
        path.write_text(text[:start] + section + "\n" + notes + (text[end:] if end != -1 else ""), encoding="utf-8")
    return 0


# What the figures mean: kept below the table when the section is written again.
_NOTES = """
Reading the rows: the duplicate pairs grow with the code (the tool pairs any six lines of the same
shape); most remaining pairs are migrations, parallel endpoint declarations (an operation's
decorator, its schema and its one-line body) and test set-ups, which stay written out so each reads
alone. The seed-backed test counts are per collected test (a parametrised test counts once per
case); the default data is also loaded once for the whole session (`hkcq/conftest.py`), so
"naming a demo account only" counts tests that use it without asking for it.
Every figure is of all the code at each commit: what other work landed in between counts in
the "now" column (the `Any`, `type: ignore` and long-function counts grew with it).
"""


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
