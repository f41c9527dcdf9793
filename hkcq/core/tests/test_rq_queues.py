"""Queueing a task on RQ reuses the process's Redis connection (hkcq/core/rq_queues.py): django_rq
alone opened a new connection for every task queued (issue 15: an enquiry submission queues two)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hkcq.core.tests.test_tasks_rq import REDIS_URL, ROOT, _redis_reachable

SCRIPT = """
import os, django
django.setup()
import redis
from hkcq.core.tasks import deliver_email
server = redis.Redis.from_url(os.environ["REDIS_URL"])
deliver_email.enqueue(message_id=10**9)  # the first task opens the connection
before = server.info("stats")["total_connections_received"]
for _ in range(20):
    deliver_email.enqueue(message_id=10**9)
print(server.info("stats")["total_connections_received"] - before)
server.delete(*server.keys("rq:*") or ["none"])
"""


@pytest.mark.skipif(not _redis_reachable(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_twenty_tasks_queued_open_no_new_connection_to_redis(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOW_INSECURE_SECRET_KEY": "1",
        "TASK_BACKEND": "rq",
        "REDIS_URL": REDIS_URL,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("TESTING", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "0"
