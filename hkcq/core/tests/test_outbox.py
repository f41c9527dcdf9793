"""The outbox: an e-mail is kept until a mail server takes it, retried with a growing delay,
returned to the queue when its worker dies, and never sent twice (hkcq.core.outbox)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone

from hkcq.core.models import OutgoingEmail
from hkcq.core.outbox import email_deliver, email_queue, email_requeue_due, email_resend, retry_delay

State = OutgoingEmail.State
MAIL_SERVER = {"up": True}


class FlakyBackend(LocmemBackend):
    """The test mail server: refuses while MAIL_SERVER["up"] is False."""

    def send_messages(self, messages):
        if not MAIL_SERVER["up"]:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


@pytest.fixture
def mail_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    settings.EMAIL_MAX_ATTEMPTS = 3
    MAIL_SERVER["up"] = True
    yield MAIL_SERVER
    MAIL_SERVER["up"] = True


def _queue(capture, **kwargs):
    with capture(execute=True):
        return email_queue(subject="Received", body="Your link: https://x/track/SECRET", to=["r@example.org"], **kwargs)


def _make_due(message):
    OutgoingEmail.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_an_email_is_sent_once_and_its_secret_body_is_not_kept(mail_server, django_capture_on_commit_callbacks):
    message = _queue(django_capture_on_commit_callbacks)
    [sent] = mail.outbox
    assert sent.subject == "Received" and sent.to == ["r@example.org"]
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 1 and message.sent_at
    assert message.body == ""
    assert sent.extra_headers["Message-ID"] == f"<{message.key}@{sent.extra_headers['Message-ID'].split('@')[1]}"
    # Running its task again (a duplicate job, a retried task) sends nothing.
    assert email_deliver(message_id=message.pk) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_refused_email_is_retried_later_and_sent_once_when_the_server_returns(
    mail_server, django_capture_on_commit_callbacks
):
    mail_server["up"] = False
    before = timezone.now()
    message = _queue(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.state == State.PENDING and message.attempts == 1
    assert "Connection refused" in message.last_error
    assert message.next_attempt_at >= before + retry_delay(1)
    # Not due yet: nothing is tried.
    assert email_deliver(message_id=message.pk) == "skipped"
    _make_due(message)
    assert email_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - timezone.now() > retry_delay(1)  # the delay grows
    mail_server["up"] = True
    _make_due(message)
    assert email_deliver(message_id=message.pk) == "sent"
    assert email_deliver(message_id=message.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_the_delay_doubles_up_to_its_ceiling(settings):
    settings.EMAIL_RETRY_SECONDS = 60
    settings.EMAIL_RETRY_MAX_SECONDS = 3600
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 6, 7, 20)] == [60, 120, 240, 1920, 3600, 3600]


@pytest.mark.django_db
def test_after_the_last_attempt_it_fails_and_staff_send_it_again(mail_server, django_capture_on_commit_callbacks):
    mail_server["up"] = False
    message = _queue(django_capture_on_commit_callbacks)
    for _ in range(2):
        _make_due(message)
        email_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == State.FAILED and message.attempts == 3
    _make_due(message)
    assert email_deliver(message_id=message.pk) == "skipped"  # a failed e-mail waits for staff
    assert email_requeue_due() == 0
    out = StringIO()
    call_command("resend_email", stdout=out)
    assert f"{message.pk}\t" in out.getvalue() and "1 failed e-mail(s)." in out.getvalue()
    mail_server["up"] = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resend_email", str(message.pk), stdout=StringIO())
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 1
    assert len(mail.outbox) == 1
    assert email_resend(message_ids=[message.pk]) == 0  # only failed ones are sent again


@pytest.mark.django_db
def test_a_worker_that_dies_while_sending_leaves_it_to_the_next(mail_server, django_capture_on_commit_callbacks):
    mail_server["up"] = False
    message = _queue(django_capture_on_commit_callbacks)
    mail_server["up"] = True
    # A worker claimed it (attempt 2) and was killed before it finished: the row is "sending".
    OutgoingEmail.objects.filter(pk=message.pk).update(
        state=State.SENDING, attempts=2, lease_until=timezone.now() + timedelta(minutes=5)
    )
    # While its lease holds, nobody else sends it, even when asked to.
    assert email_requeue_due() == 0
    assert email_deliver(message_id=message.pk) == "skipped"
    assert mail.outbox == []
    OutgoingEmail.objects.filter(pk=message.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert email_requeue_due() == 1  # the immediate backend runs the queued task at once
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 3
    assert len(mail.outbox) == 1
    assert email_requeue_due() == 0


@pytest.mark.django_db
def test_a_row_whose_task_was_lost_is_queued_by_the_periodic_command(mail_server, settings):
    settings.EMAIL_REQUEUE_AFTER_SECONDS = 60
    # Written, but the transaction's on-commit queueing never ran (the queue was down).
    message = email_queue(subject="S", body="B", to=["r@example.org"])
    assert mail.outbox == []
    call_command("requeue_email", stdout=StringIO())
    assert mail.outbox == []  # due only just now: its task may still be on its way
    OutgoingEmail.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    out = StringIO()
    call_command("requeue_email", stdout=out)
    assert out.getvalue().strip() == "1 e-mail(s) queued."
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_worker_that_dies_on_its_last_attempt_marks_it_failed(mail_server):
    message = email_queue(subject="S", body="B", to=["r@example.org"])
    OutgoingEmail.objects.filter(pk=message.pk).update(
        state=State.SENDING, attempts=3, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert email_requeue_due() == 0
    message.refresh_from_db()
    assert message.state == State.FAILED and "worker stopped" in message.last_error


@pytest.mark.django_db
def test_a_key_makes_queueing_idempotent(mail_server, django_capture_on_commit_callbacks):
    first = _queue(django_capture_on_commit_callbacks, key="enquiry-1-received")
    second = _queue(django_capture_on_commit_callbacks, key="enquiry-1-received")
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_nothing_is_queued_when_the_change_rolls_back(mail_server):
    from django.db import transaction

    def change_that_fails() -> None:
        with transaction.atomic():
            email_queue(subject="S", body="B", to=["r@example.org"])
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not OutgoingEmail.objects.exists()
