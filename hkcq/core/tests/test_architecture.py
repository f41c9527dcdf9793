"""The apps depend one way (docs/architecture.md, "Layers"): the import contract in
pyproject.toml ([tool.importlinter]) holds. ``make test`` also runs ``lint-imports``; this test
keeps the contract in every ``pytest`` run, where a broken one names the offending import.

It runs ``lint-imports`` in its own process: in-process, import-linter reconfigures logging and
disables the loggers configured before it (``django.server`` among them) for later tests."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_apps_import_one_way_only():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", "--config", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _imports_inside_functions_without_a_reason() -> list[str]:
    """Imports inside functions in the platform's code (tests aside) with no comment on the line,
    on the import lines just above it, or on the line above those. ``AppConfig.ready()`` is
    exempt: registering with another app there is Django's own rule (the models must exist)."""
    found = []
    for path in sorted((ROOT / "hkcq").rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "browser_tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        lines = path.read_text().splitlines()
        tree = ast.parse("\n".join(lines))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "apps.py" and function.name == "ready":
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                row = node.lineno - 1
                while row > 0 and lines[row - 1].strip().startswith(("from ", "import ")):
                    row -= 1
                block = lines[max(row - 1, 0) : node.lineno]
                if not any("#" in line for line in block):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def test_imports_inside_functions_say_why():
    """An import inside a function hides a dependency (often a cycle): keep one only with its
    reason written beside it (issue 10)."""
    assert _imports_inside_functions_without_a_reason() == []


def _schemas_declared_in_api_modules() -> list[str]:
    """Request and response schemas (classes deriving from ninja's ``Schema`` or from another
    schema) declared in an app's API modules rather than in its ``schemas.py``. ``core/api.py`` is
    the shared vocabulary of every API (texts, errors, pagination) and is exempt."""
    found = []
    for path in sorted((ROOT / "hkcq").glob("*/*api.py")):
        if path.parent.name == "core":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and node.bases:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}")
    return found


def test_api_schemas_live_in_schemas_modules():
    """One place per app for its API's schemas: ``api.py`` declares operations, ``schemas.py``
    the shapes they take and give (docs/architecture.md)."""
    assert _schemas_declared_in_api_modules() == []


# A module a reader can hold (docs/architecture.md): about 500 lines, never more than this.
MODULE_LINES = 800


def test_no_module_has_grown_past_what_a_reader_can_hold():
    """The platform's modules (tests and migrations aside) stay under ``MODULE_LINES``: one that
    grows is split by idea (issue 10), as bench/code_shape.py also counts."""
    long = {}
    for path in sorted((ROOT / "hkcq").rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "browser_tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        lines = len(path.read_text().splitlines())
        if lines > MODULE_LINES:
            long[str(path.relative_to(ROOT))] = lines
    assert long == {}
