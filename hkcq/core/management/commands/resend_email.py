"""See the e-mails that failed and send them again (the outbox, hkcq.core.outbox)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hkcq.core.models import OutgoingEmail
from hkcq.core.outbox import email_resend


class Command(BaseCommand):
    help = "List the e-mails that failed; with ids or --all, send them again with a fresh set of attempts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="the failed e-mails to send again")
        parser.add_argument("--all", action="store_true", help="send every failed e-mail again")

    def handle(self, *args: Any, ids: list[int], all: bool = False, **options: Any) -> None:
        failed = OutgoingEmail.objects.filter(state=OutgoingEmail.State.FAILED).order_by("created", "id")
        if not ids and not all:
            for message in failed:
                self.stdout.write(
                    f"{message.pk}\t{message.created:%Y-%m-%d %H:%M}\t{', '.join(message.to)}\t"
                    f"{message.subject}\t{message.attempts} attempts\t{message.last_error}"
                )
            self.stdout.write(f"{failed.count()} failed e-mail(s).")
            return
        chosen = list(failed.values_list("pk", flat=True)) if all else ids
        self.stdout.write(f"{email_resend(message_ids=chosen)} e-mail(s) queued again.")
