"""Periodic job: remind recipients of meeting requests about to expire, expire the rest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hkcq.exchanges.services import meetings_expire


class Command(BaseCommand):
    help = "Remind recipients of meeting requests that expire within a day, and expire those past their time."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, expired = meetings_expire()
        self.stdout.write(f"reminded {reminded}, expired {expired}")
