"""Periodic job: tell of the progress updates' transitions whose notification task was lost."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hkcq.progress.services import transitions_notify_pending


class Command(BaseCommand):
    help = (
        "Send the notifications of progress updates submitted, confirmed, returned or published whose "
        "task was lost (the queue was unreachable at the commit, Redis restarted, a worker was killed). "
        "Run it every minute (cron), or as a process with --every SECONDS; each is sent once however "
        "often it runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=60,
            help="only transitions made more than SECONDS ago (their task had its chance); default 60",
        )
        parser.add_argument("--every", type=float, default=0, help="repeat every SECONDS until stopped")

    def handle(self, *args: Any, older_than: float = 60, every: float = 0, **options: Any) -> None:
        while True:
            count = transitions_notify_pending(older_than=dt.timedelta(seconds=older_than))
            if options["verbosity"] >= 1 and (count or not every):
                self.stdout.write(f"{count} transition(s) notified.")
            if not every:
                return
            time.sleep(every)
