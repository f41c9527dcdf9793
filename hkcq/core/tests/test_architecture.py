"""The apps depend one way (docs/architecture.md, "Layers"): the import contract in
pyproject.toml ([tool.importlinter]) holds. ``make test`` also runs ``lint-imports``; this test
keeps the contract in every ``pytest`` run, where a broken one names the offending import."""

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[3]


def test_the_apps_import_one_way_only(capsys):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert code == 0, capsys.readouterr().out
