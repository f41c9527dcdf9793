"""Periodic job: queue again the imports and reports whose worker stopped (hkcq.reporting.services)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hkcq.reporting.services import jobs_recover


class Command(BaseCommand):
    help = (
        "Queue again the import and report jobs left by a worker that stopped (their lease passed), or mark "
        "them failed after JOB_MAX_ATTEMPTS. Run it every minute (cron), or as a process with --every SECONDS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every SECONDS until stopped")

    def handle(self, *args: Any, every: float = 0, **options: Any) -> None:
        while True:
            counts = jobs_recover()
            if options["verbosity"] >= 1 and (any(counts.values()) or not every):
                self.stdout.write(f"{counts['requeued']} job(s) queued again, {counts['failed']} failed.")
            if not every:
                return
            time.sleep(every)
