from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from hkcq.defaults.loading import defaults_load, service_levels_load
from hkcq.progress.loading import first_cycle_ensure


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Load (or bring up to date) the default data of every app: registry and knowledge base from seed/, "
        "calendars and service levels. Safe to run again: it never changes a field or brings back a record "
        "a person changed or deleted (docs/architecture.md, 'Default data')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also overwrite what people changed (and bring back what they deleted), listing each one.",
        )
        parser.add_argument("--dry-run", action="store_true", help="List what a load would change, and change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                report = defaults_load(force=options["force"])
                self.stdout.write(report.summary())
                if options["force"] or options["dry_run"]:
                    for line in report.changes:
                        self.stdout.write(f"  {line}")
                self.stdout.write(service_levels_load())
                # A fresh installation reports from the first plenary on (a cycle is never touched
                # once one exists): the secretariat can close it at the next plenary.
                cycle = first_cycle_ensure()
                if cycle is not None:
                    self.stdout.write(f"Reporting cycle opened from {cycle.opens_on.isoformat()}.")
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Dry run: Nothing was changed.")
