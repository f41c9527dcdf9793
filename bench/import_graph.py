"""Print the import graph between the apps under ``hkcq/`` (non-test code).

Usage: ``python bench/import_graph.py [--local] [--all]``

- one line per app: the apps it imports (module level and inside functions alike);
- the pairs of apps that import each other (cycles of length two) and ``core``'s imports of apps;
- with ``--local``: every import inside a function, with the reason written next to it if any
  (a ``# local import: …`` comment on the line or the line before);
- with ``--all``: test modules count too.

It reads the source with ``ast`` and runs none of it, so anyone can run it on any checkout.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "hkcq"


def _is_test(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "tests" in parts or "browser_tests" in parts or path.name in ("conftest.py",) or "migrations" in parts


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "hkcq" else None


def scan(include_tests: bool = False) -> tuple[dict[str, dict[str, set[str]]], list[tuple[str, int, str, str]]]:
    """``edges[a][b]`` = the modules of app ``a`` that import app ``b``; ``local`` = imports inside functions."""
    edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    local: list[tuple[str, int, str, str]] = []
    for path in sorted(ROOT.rglob("*.py")):
        if not include_tests and _is_test(path):
            continue
        rel = path.relative_to(ROOT.parent)
        app = rel.parts[1] if len(rel.parts) > 2 else None
        if app is None:
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        in_function: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        in_function.add(id(inner))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            targets = {_app_of(n) for n in names} - {None, app}
            for target in targets:
                edges[app][target].add(str(rel))  # type: ignore[index]
            if id(node) in in_function:
                here = lines[node.lineno - 1]
                before = lines[node.lineno - 2] if node.lineno > 1 else ""
                reason = ""
                for line in (here, before):
                    if "# local import:" in line:
                        reason = line.split("# local import:", 1)[1].strip()
                local.append((str(rel), node.lineno, ", ".join(sorted(set(names[:1]))), reason))
    return edges, local


def main() -> int:
    include_tests = "--all" in sys.argv
    edges, local = scan(include_tests)
    apps = sorted({p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "browser_tests"})
    print("Imports between apps (" + ("all code" if include_tests else "non-test code") + "):")
    for app in apps:
        targets = sorted(edges.get(app, {}))
        print(f"  {app:14} -> {', '.join(targets) if targets else '-'}")
    mutual = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, {})})
    print(f"Pairs importing each other: {len(mutual)}")
    for a, b in mutual:
        print(f"  {a} <-> {b}: {sorted(edges[a][b])} / {sorted(edges[b][a])}")
    core_up = sorted(edges.get("core", {}))
    print(f"core imports apps: {', '.join(core_up) if core_up else 'none'}")
    edge_count = sum(len(t) for t in edges.values())
    print(f"Edges between apps: {edge_count}")
    modules = {m for m, *_ in local}
    reasoned = sum(1 for *_, r in local if r)
    print(f"Imports inside functions: {len(local)} in {len(modules)} modules ({reasoned} with a written reason)")
    if "--local" in sys.argv:
        for module, line, name, reason in local:
            print(f"  {module}:{line} {name}" + (f"  # {reason}" if reason else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
