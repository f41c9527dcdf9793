"""Queueing a task on RQ reuses the process's Redis connection (hkcq/core/rq_queues.py): django_rq
alone opened a new connection for every task queued (issue 15: an enquiry submission queues two),
and takes one round trip to Redis (RQ alone took two)."""

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


ROUND_TRIPS = """
import os, django
django.setup()
import redis
from redis.connection import Connection
from hkcq.core.tasks import deliver_email
deliver_email.enqueue(message_id=10**9)  # the first task opens the connection, asks the version
sent = []
original = Connection.send_packed_command
Connection.send_packed_command = lambda self, *a, **k: (sent.append(1), original(self, *a, **k))[1]
for _ in range(10):
    deliver_email.enqueue(message_id=10**9)
Connection.send_packed_command = original
server = redis.Redis.from_url(os.environ["REDIS_URL"])
queued = server.llen("rq:queue:default")
server.delete(*server.keys("rq:*") or ["none"])
print(len(sent), queued)
"""


def test_a_task_is_queued_in_one_round_trip_to_redis(rq_script):
    sent, queued = map(int, rq_script(ROUND_TRIPS)[-1].split())
    assert queued == 11  # every task is in the queue
    assert sent == 10  # one round trip each
