"""Background tasks through Redis: with TASK_BACKEND=rq the real settings enqueue the e-mail task
on an RQ queue and an RQ worker runs it. Uses the Redis at 127.0.0.1:6379, database 15."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import json, django, django_tasks
django.setup()
from django.apps import apps
from django.conf import settings
from django.core import checks
from django_tasks import default_task_backend
from django_tasks.base import TaskResultStatus
import django_rq
from django.core.management import call_command

from hkcq.core.tasks import send_email

assert apps.is_installed("django_rq"), "django_rq must be installed for the RQ backend"
errors = [str(m) for m in checks.run_checks() if m.level >= checks.ERROR]
queue = django_rq.get_queue("default")
queue.empty()
result = send_email.enqueue(subject="RQ check", body="Sent through RQ.", to=["someone@example.org"])
queued = default_task_backend.get_result(result.id).status
# The documented worker command, in burst mode and without forking.
call_command("rqworker", "default", "--burst", "--worker-class", "rq.SimpleWorker")
final = default_task_backend.get_result(result.id)
print(json.dumps({
    "backend": type(django_tasks.task_backends["default"]).__name__,
    "errors": errors,
    "queued": str(queued),
    "status": str(final.status),
    "return_value": final.return_value if final.status == TaskResultStatus.SUCCESSFUL else None,
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
def test_email_task_runs_through_rq_and_a_worker(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOW_INSECURE_SECRET_KEY": "1",
        "TASK_BACKEND": "rq",
        "REDIS_URL": REDIS_URL,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("TESTING", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["backend"] == "RQBackend"
    assert report["errors"] == []
    assert report["queued"].endswith("READY")
    assert report["status"].endswith("SUCCESSFUL"), done.stderr[-3000:]
    assert report["return_value"] == 1  # one message handed to the mail backend
