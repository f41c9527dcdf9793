"""Send each unit with stale measures one digest, in the unit's language. Run it as often as
you like (for example hourly from cron): a unit gets at most one digest per day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hkcq.progress.services import stale_reminders_send


class Command(BaseCommand):
    help = "Send one staleness digest per unit (at most once a day per unit)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = stale_reminders_send()
        for log in sent:
            self.stdout.write(f"{log.unit.ext_id}: {log.measure_count} measure(s), {log.recipient_count} recipient(s)")
        self.stdout.write(f"Sent {len(sent)} digest(s).")
