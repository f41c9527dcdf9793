"""Background tasks through Redis: with TASK_BACKEND=rq the real settings enqueue the e-mail task
on an RQ queue and an RQ worker runs it, with the outbox's guarantees: a refused e-mail is retried,
one left by a dead worker is sent, and a duplicate job sends nothing. Uses the Redis at 127.0.0.1:6379, database 15."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[3]

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


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_email_is_retried_and_sent_once_through_rq_and_a_worker(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOW_INSECURE_SECRET_KEY": "1",
        "TASK_BACKEND": "rq",
        "REDIS_URL": REDIS_URL,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_BACKEND": "hkcq.core.tests.test_outbox.FlakyBackend",
        "EMAIL_MAX_ATTEMPTS": "3",
        "EMAIL_REQUEUE_AFTER_SECONDS": "60",
    }
    env.pop("TESTING", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["backend"] == "RQBackend"
    assert report["errors"] == []
    assert report["after_refusal"] == {"state": "pending", "attempts": 1}
    assert report["scheduled"] == 1  # the retry waits in RQ's scheduled registry
    assert report["refused"] == {"state": "sent", "attempts": 2}
    assert report["abandoned"] == {"state": "sent", "attempts": 2}
    assert report["delivered"] == ["Abandoned", "RQ check"]  # each once
