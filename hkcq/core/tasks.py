"""Background work shared by every app. A task body is one call of a plain function."""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.utils import translation
from django_tasks import task

from hkcq.core.context_processors import PLATFORM_NAME


def sender(language: str | None) -> str:
    """The From of an e-mail: the address of ``DEFAULT_FROM_EMAIL`` under the platform's name
    in the recipient's language (港渝合作平台 <noreply@…>), so a Chinese e-mail does not come
    from an English name."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if not address:
        return settings.DEFAULT_FROM_EMAIL
    with translation.override(language or settings.LANGUAGE_CODE):
        name = str(PLATFORM_NAME)
    username, _at, domain = address.rpartition("@")
    return str(Address(display_name=name, username=username, domain=domain))


@task()
def deliver_email(*, message_id: int) -> str:
    """Send one e-mail of the outbox (``hkcq.core.outbox``). Runs in the worker so a slow or
    failing mail server never holds up a page; a refused attempt is retried by the outbox, not
    by the queue, so the task itself succeeds."""
    # local import: the outbox queues this task (it imports this module), so this side waits
    from hkcq.core.outbox import email_deliver

    return email_deliver(message_id=message_id)
