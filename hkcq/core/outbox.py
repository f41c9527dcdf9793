"""The outbox: every e-mail the platform promises is a row (``OutgoingEmail``) written in the
transaction of the change it is about, and a task that carries only the row's id delivers it.

- Durable: the row exists as soon as the change is committed, whatever happens to the queue;
  ``requeue_email`` (run periodically) queues again what is due and was not delivered.
- Retried: a refused attempt is tried again after a growing delay (``EMAIL_RETRY_SECONDS``,
  doubling, at most ``EMAIL_RETRY_MAX_SECONDS``) up to ``EMAIL_MAX_ATTEMPTS``; then it is
  ``failed`` and shown to the secretariat (``/notifications/outgoing/``, ``resend_email``).
- Leased: a worker claims a row until ``lease_until`` (``EMAIL_LEASE_SECONDS``, well above
  ``EMAIL_TIMEOUT``); a row whose worker died is returned to the queue when the lease passes.
- At most once: the claim is one conditional UPDATE (``pending`` and due → ``sending``), so a
  task run twice, a duplicate job or two workers never send a row twice. The one window left is
  a worker killed after the mail server accepted the message and before the row says ``sent``;
  the message then goes again with the same ``Message-ID``, which mail systems use to drop a
  repeat.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hkcq.core.models import OutgoingEmail
from hkcq.core.tasks import deliver_email, sender

logger = logging.getLogger(__name__)
State = OutgoingEmail.State


def email_queue(
    *,
    subject: str,
    body: str,
    to: Iterable[str],
    language: str | None = None,
    html: str = "",
    key: str | None = None,
) -> OutgoingEmail | None:
    """Keep an e-mail in the outbox and queue its delivery once the current transaction commits
    (a change rolled back sends nothing). ``key``, when given, makes the call idempotent: a
    second call with the same key returns the first e-mail and queues nothing."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    fields = {
        "subject": " ".join(subject.split())[:300],
        "body": body,
        "html": html or "",
        "to": recipients,
        "language": language or "",
        "next_attempt_at": timezone.now(),
    }
    if key is not None:
        with transaction.atomic():
            message, created = OutgoingEmail.objects.get_or_create(key=key, defaults=fields)
        if not created:
            return message
    else:
        message = OutgoingEmail.objects.create(**fields)
    pk = message.pk
    # robust: a queue that is down must not undo the change; the row waits for requeue_email.
    transaction.on_commit(lambda: _enqueue(pk), robust=True)
    return message


def _enqueue(pk: int, run_after: datetime | None = None) -> None:
    task = deliver_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # requeue_email queues it when it is due
        task = task.using(run_after=run_after)
    task.enqueue(message_id=pk)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th refused attempt."""
    seconds = settings.EMAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_SECONDS))


def _message(row: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        to=list(row.to),
        from_email=sender(row.language or None),
        headers={"Message-ID": f"<{row.key}@{DNS_NAME}>"},
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def email_deliver(*, message_id: int) -> str:
    """Send the outbox row ``message_id`` if it is due and nobody else holds it. Returns what
    happened: ``sent``, ``retry``, ``failed`` or ``skipped`` (sent already, held by another
    worker, not due yet, or gone)."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=message_id, state=State.PENDING, next_attempt_at__lte=now).update(
        state=State.SENDING,
        lease_until=now + timedelta(seconds=settings.EMAIL_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "skipped"
    row = OutgoingEmail.objects.get(pk=message_id)
    held = OutgoingEmail.objects.filter(pk=row.pk, state=State.SENDING, attempts=row.attempts)
    try:
        _message(row).send()
    except Exception as error:  # any refusal: the mail server, the network, a bad address
        failed = row.attempts >= settings.EMAIL_MAX_ATTEMPTS
        retry_at = timezone.now() + retry_delay(row.attempts)
        held.update(
            state=State.FAILED if failed else State.PENDING,
            next_attempt_at=retry_at,
            lease_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("E-mail %s attempt %s refused (%s)", row.pk, row.attempts, type(error).__name__)
        if failed:
            return "failed"
        _enqueue(row.pk, run_after=retry_at)
        return "retry"
    # The body carries secrets (tracking and reset links): not kept once it has gone.
    held.update(state=State.SENT, sent_at=timezone.now(), lease_until=None, last_error="", body="", html="")
    return "sent"


def email_requeue_due(*, now: datetime | None = None) -> int:
    """Return rows whose worker died (lease passed) to the queue, or mark them failed when they
    have used their attempts, and queue every row due for a while (its task lost, or not
    deferrable on this backend). Safe to run at any time: a row queued twice is sent once."""
    now = now or timezone.now()
    expired = OutgoingEmail.objects.filter(state=State.SENDING, lease_until__lt=now)
    expired.filter(attempts__gte=settings.EMAIL_MAX_ATTEMPTS).update(
        state=State.FAILED, lease_until=None, last_error="The worker stopped while sending."
    )
    returned = list(expired.values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=returned, state=State.SENDING, lease_until__lt=now).update(
        state=State.PENDING, next_attempt_at=now, lease_until=None, last_error="The worker stopped while sending."
    )
    # Rows due for a while: their task was lost (or is waiting behind a long queue: queuing
    # them again costs one skipped task).
    overdue = now - timedelta(seconds=settings.EMAIL_REQUEUE_AFTER_SECONDS)
    due = set(
        OutgoingEmail.objects.filter(state=State.PENDING, next_attempt_at__lte=overdue).values_list("pk", flat=True)
    )
    for pk in sorted(due | set(returned)):
        _enqueue(pk)
    return len(due | set(returned))


def email_resend(*, message_ids: Iterable[int]) -> int:
    """Give failed e-mails a fresh set of attempts, now. Returns how many were queued."""
    now = timezone.now()
    ids = list(OutgoingEmail.objects.filter(pk__in=list(message_ids), state=State.FAILED).values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids, state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=now, lease_until=None
    )
    for pk in ids:
        transaction.on_commit(partial(_enqueue, pk), robust=True)
    return len(ids)
