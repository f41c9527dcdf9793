"""The apps depend one way (docs/architecture.md, "Layers"): the import contract in
pyproject.toml ([tool.importlinter]) holds. ``make test`` also runs ``lint-imports``; this test
keeps the contract in every ``pytest`` run, where a broken one names the offending import.

It runs ``lint-imports`` in its own process: in-process, import-linter reconfigures logging and
disables the loggers configured before it (``django.server`` among them) for later tests."""

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
