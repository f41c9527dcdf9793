"""Background work shared by every app. A task body is one call of a plain function."""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

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


def enqueue_with_change(work: Task[Any, Any], **ids: int) -> bool:
    """Queue ``work`` (a task taking ids) for the change the current transaction makes. A queue
    in the database (``django_tasks_db``) takes it in that transaction, committed with the change
    or not at all, and the immediate backend (tests, a trial) runs it at once; a queue elsewhere
    (RQ) hears of it after the commit, so that its worker finds the change, and ``robust``: a
    queue that is down must not undo an acknowledged change (each such task has a sweep that
    does what a lost one left). Returns whether the task has run already (immediate backend)."""
    backend = work.get_backend()
    if isinstance(backend, ImmediateBackend | DatabaseBackend):
        work.enqueue(**ids)
        return isinstance(backend, ImmediateBackend)
    transaction.on_commit(partial(work.enqueue, **ids), robust=True)
    return False
