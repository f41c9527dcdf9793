"""Compile every catalogue (.po → .mo) with polib, so no gettext install is needed.

Catalogues live in ``locale/`` for the shared interface and in ``hkcq/<app>/locale/`` for an
app that keeps its own (``make messages`` routes each app's strings to its own folder once it exists).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogue_paths() -> list[Path]:
    """Every .po file of the project: the shared catalogues and each app's own."""
    dirs = [Path(p) for p in settings.LOCALE_PATHS]
    dirs += [Path(app.path) / "locale" for app in apps.get_app_configs() if app.name.startswith("hkcq.")]
    return sorted(po for d in dirs for po in d.glob("*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) without GNU gettext."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for po_path in catalogue_paths():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"Compiled {count} translation catalogue(s).")
