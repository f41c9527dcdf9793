from typing import Any

from django.core.management.base import BaseCommand

from hkcq.partnering.matching import changes_prune
from hkcq.partnering.services import opportunities_remind_expiry


class Command(BaseCommand):
    help = (
        "Remind the owners of published opportunities that expire within PARTNERING_EXPIRY_REMINDER_DAYS "
        "(once per expiry date), and prune the match index's old change notes. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Reminded the owners of {opportunities_remind_expiry()} opportunity(ies).")
        self.stdout.write(f"Pruned {changes_prune()} old match-index change note(s).")
