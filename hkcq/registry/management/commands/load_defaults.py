from typing import Any

from django.core.management.base import BaseCommand

from hkcq.registry.loading import defaults_load


class Command(BaseCommand):
    help = "Load (or bring up to date) the default registry data from seed/. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        report = defaults_load()
        self.stdout.write(report.summary())
        from hkcq.calendars.loading import service_levels_load

        self.stdout.write(service_levels_load())
