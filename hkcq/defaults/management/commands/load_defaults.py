from typing import Any

from django.core.management.base import BaseCommand

from hkcq.calendars.loading import service_levels_load
from hkcq.defaults.loading import defaults_load


class Command(BaseCommand):
    help = (
        "Load (or bring up to date) the default data of every app: registry and knowledge base from seed/, "
        "calendars and service levels. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = defaults_load()
        self.stdout.write(report.summary())
        self.stdout.write(service_levels_load())
