"""Background tasks through Redis: with TASK_BACKEND=rq the real settings enqueue the e-mail task
on an RQ queue and an RQ worker runs it, with the outbox's guarantees: a refused e-mail is retried,
one left by a dead worker is sent, and a duplicate job sends nothing. Uses the Redis at 127.0.0.1:6379, database 15
(the ``rq_script`` fixture, hkcq/core/tests/conftest.py)."""

from __future__ import annotations

import json

SCRIPT = r"""
import json, django, django_tasks
django.setup()
from datetime import timedelta
from django.apps import apps
from django.core import checks, mail
from django.core.management import call_command
from django.utils import timezone
import django_rq

from hkcq.core.models import OutgoingEmail
from hkcq.core.outbox import email_queue
from hkcq.core.tasks import deliver_email
from hkcq.core.tests.test_outbox import MAIL_SERVER

assert apps.is_installed("django_rq"), "django_rq must be installed for the RQ backend"
call_command("migrate", "core", verbosity=0)
errors = [str(m) for m in checks.run_checks() if m.level >= checks.ERROR]
queue = django_rq.get_queue("default")
queue.empty()
for job_id in queue.scheduled_job_registry.get_job_ids():
    queue.scheduled_job_registry.remove(job_id, delete_job=True)
mail.outbox = []


def work():
    # The documented worker command, in burst mode and without forking.
    call_command("rqworker", "default", "--burst", "--worker-class", "rq.SimpleWorker")


def row(pk):
    message = OutgoingEmail.objects.get(pk=pk)
    return {"state": message.state, "attempts": message.attempts}


# The mail server refuses: the first attempt fails and the outbox schedules a retry on RQ.
MAIL_SERVER["up"] = False
refused = email_queue(subject="RQ check", body="Sent through RQ.", to=["someone@example.org"])
work()
after_refusal = row(refused.pk)
scheduled = len(queue.scheduled_job_registry.get_job_ids())
# The server is back; the retry is due; the job is also there twice (a duplicate must not send twice).
MAIL_SERVER["up"] = True
OutgoingEmail.objects.filter(pk=refused.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
deliver_email.enqueue(message_id=refused.pk)
deliver_email.enqueue(message_id=refused.pk)
# A worker died while sending another e-mail: its lease has passed.
abandoned = email_queue(subject="Abandoned", body="B", to=["other@example.org"])
OutgoingEmail.objects.filter(pk=abandoned.pk).update(
    state="sending", attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
)
call_command("requeue_email", verbosity=0)
work()
print(json.dumps({
    "backend": type(django_tasks.task_backends["default"]).__name__,
    "errors": errors,
    "after_refusal": after_refusal,
    "scheduled": scheduled,
    "refused": row(refused.pk),
    "abandoned": row(abandoned.pk),
    "delivered": sorted(m.subject for m in mail.outbox),
}))
"""


def test_email_is_retried_and_sent_once_through_rq_and_a_worker(rq_script):
    lines = rq_script(
        SCRIPT,
        EMAIL_BACKEND="hkcq.core.tests.test_outbox.FlakyBackend",
        EMAIL_MAX_ATTEMPTS="3",
        EMAIL_REQUEUE_AFTER_SECONDS="60",
    )
    report = json.loads(lines[-1])
    assert report["backend"] == "RQBackend"
    assert report["errors"] == []
    assert report["after_refusal"] == {"state": "pending", "attempts": 1}
    assert report["scheduled"] == 1  # the retry waits in RQ's scheduled registry
    assert report["refused"] == {"state": "sent", "attempts": 2}
    assert report["abandoned"] == {"state": "sent", "attempts": 2}
    assert report["delivered"] == ["Abandoned", "RQ check"]  # each once
