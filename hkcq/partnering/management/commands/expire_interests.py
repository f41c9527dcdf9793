from typing import Any

from django.core.management.base import BaseCommand

from hkcq.partnering.services import interests_expire_and_remind


class Command(BaseCommand):
    help = (
        "Expressions of interest: remind whoever must answer on the reminder days (3 and 6 by default), "
        "expire those past PARTNERING_INTEREST_DAYS. Run at least daily; each reminder is sent once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, expired = interests_expire_and_remind()
        self.stdout.write(f"Reminded {reminded}, expired {expired} expression(s) of interest.")
