"""Queueing a task on RQ reuses the process's Redis connection (hkcq/core/rq_queues.py): django_rq
alone opened a new connection for every task queued (issue 15: an enquiry submission queues two)."""

from __future__ import annotations

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


def test_twenty_tasks_queued_open_no_new_connection_to_redis(rq_script):
    assert rq_script(SCRIPT)[-1] == "0"
