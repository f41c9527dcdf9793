"""Print the code-shape figures issue 10 tracks (non-test code under ``hkcq/`` and ``config/``).

Usage: ``python bench/code_metrics.py [--list]``

- ``Any`` annotations and ``type: ignore`` comments (and those on ``request.<attr>``);
- functions longer than 60 lines (``--list`` names them);
- copies of the shared helpers that should exist once (definitions found outside ``hkcq/core``).
Reads the source with ``ast``; runs none of it.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
LONG = 60
# name of a helper that lives in hkcq/core -> patterns of local copies
COPIES = {
    "DomainError onto a form": re.compile(
        r"^def (_form_errors|_errors_onto|_domain_errors|_apply_errors)\b|for field, errors in exc\.details"
    ),
    "create/edit page flow (renders the edit template itself)": re.compile(r"\"(registry|core)/edit\.html\""),
    "update helper (_apply/_save)": re.compile(r"^def (_apply|_save)\("),
    "require / active-user check": re.compile(r"^def (_require|_user_ok)\("),
    "STAFF_AUTH / ERRORS declared": re.compile(r"^(STAFF_AUTH|AUTH|ERRORS) = "),
}


def _files() -> list[Path]:
    out = []
    for root in (BASE / "hkcq", BASE / "config"):
        for path in root.rglob("*.py"):
            parts = path.relative_to(BASE).parts
            if "tests" in parts or "browser_tests" in parts or "migrations" in parts or path.name == "conftest.py":
                continue
            out.append(path)
    return sorted(out)


def main() -> int:
    any_uses = ignores = request_ignores = 0
    long_functions: list[tuple[int, str]] = []
    copies: dict[str, list[str]] = {k: [] for k in COPIES}
    for path in _files():
        rel = str(path.relative_to(BASE))
        source = path.read_text(encoding="utf-8")
        for number, line in enumerate(source.splitlines(), 1):
            any_uses += len(re.findall(r"\bAny\b", line.split("#")[0])) if "import" not in line else 0
            if "type: ignore" in line:
                ignores += 1
                if re.search(r"request\.(auth|user|htmx)", line):
                    request_ignores += 1
            if not rel.startswith("hkcq/core/") and rel != "hkcq/accounts/api_auth.py":
                for name, pattern in COPIES.items():
                    if pattern.search(line.strip() if name.startswith("DomainError") else line):
                        copies[name].append(f"{rel}:{number}")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > LONG:
                    long_functions.append((length, f"{rel}:{node.lineno} {node.name}"))
    print(f"Any in annotations/code: {any_uses}")
    print(f"type: ignore comments: {ignores} ({request_ignores} on request.auth/.user/.htmx)")
    print(f"Functions over {LONG} lines: {len(long_functions)}")
    if "--list" in sys.argv:
        for length, where in sorted(long_functions, reverse=True):
            print(f"  {length:4} {where}")
    for name, where in copies.items():
        print(f"Copies of {name}: {len(where)}" + (f"  ({', '.join(where)})" if "--list" in sys.argv and where else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
