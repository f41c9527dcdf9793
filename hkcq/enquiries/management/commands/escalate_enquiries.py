from typing import Any

from django.core.management.base import BaseCommand

from hkcq.enquiries.escalation import escalate_enquiries


class Command(BaseCommand):
    help = (
        "Tell the unit's supervisors and the secretariat (in-app notification and e-mail) about enquiries "
        "whose acknowledgement or reply deadline has passed. Run it periodically (e.g. every 15 minutes); "
        "each late deadline is escalated once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(escalate_enquiries().summary())
