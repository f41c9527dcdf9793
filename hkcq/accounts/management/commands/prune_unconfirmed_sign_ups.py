from typing import Any

from django.core.management.base import BaseCommand

from hkcq.accounts.services import sign_ups_prune


class Command(BaseCommand):
    help = (
        "Delete sign-ups whose e-mail address was never confirmed, older than SIGN_UP_UNCONFIRMED_DAYS "
        "(never while their link still works), with the e-mails the outbox holds for them. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {sign_ups_prune()} unconfirmed sign-up(s).")
