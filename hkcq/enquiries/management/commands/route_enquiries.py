"""Periodic job: route the enquiries whose routing task was lost (hkcq.enquiries.submission)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hkcq.enquiries.services import enquiries_route_pending


class Command(BaseCommand):
    help = (
        "Route the enquiries still waiting for their unit (their routing task was lost: the queue was "
        "unreachable at the commit, Redis restarted, a worker was killed). Run it every minute (cron), "
        "or as a process with --every SECONDS; a case is routed once however often it runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=60,
            help="only cases received more than SECONDS ago (their task had its chance); default 60",
        )
        parser.add_argument("--every", type=float, default=0, help="repeat every SECONDS until stopped")

    def handle(self, *args: Any, older_than: float = 60, every: float = 0, **options: Any) -> None:
        while True:
            count = enquiries_route_pending(older_than=dt.timedelta(seconds=older_than))
            if options["verbosity"] >= 1 and (count or not every):
                self.stdout.write(f"{count} enquiry(ies) routed.")
            if not every:
                return
            time.sleep(every)
