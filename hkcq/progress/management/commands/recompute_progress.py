"""Recompute every progress roll-up (after a bulk import or registry restructuring)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hkcq.progress.rollups import recompute


class Command(BaseCommand):
    help = "Recompute the progress roll-ups of every measure, area and the mechanism."

    def handle(self, *args: Any, **options: Any) -> None:
        recompute()
        self.stdout.write("Progress roll-ups recomputed.")
