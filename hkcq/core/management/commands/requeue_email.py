"""Periodic job: queue again the e-mails that are due and were not delivered (hkcq.core.outbox)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hkcq.core.outbox import email_requeue_due


class Command(BaseCommand):
    help = (
        "Return e-mails left by a worker that stopped to the queue and queue every e-mail that is due. "
        "Run it every minute (cron), or as a process with --every SECONDS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every SECONDS until stopped")

    def handle(self, *args: Any, every: float = 0, **options: Any) -> None:
        while True:
            count = email_requeue_due()
            if options["verbosity"] >= 1 and (count or not every):
                self.stdout.write(f"{count} e-mail(s) queued.")
            if not every:
                return
            time.sleep(every)
