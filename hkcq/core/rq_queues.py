"""The RQ queue class of the platform (``RQ_QUEUES[...]["QUEUE_CLASS"]``, TASK_BACKEND=rq).

django_rq makes a new Redis client, with a connection pool of its own, for every queue it hands
out, so every task queued opened a fresh TCP connection to Redis (three per task: issue 15's
profile of an enquiry submission). This class gives every queue of a process one client per
Redis address, whose pool keeps its connections open (redis-py starts a new pool in a forked
process, so gunicorn's workers share nothing). And a task is queued in one round trip to Redis
(RQ sends the queue's name to the set of queues, then the job, as two)."""

from __future__ import annotations

import threading
from typing import Any

from django_rq.queues import DjangoRQ
from redis import Redis
from redis.client import Pipeline
from rq.job import Job

_clients: dict[str, Redis] = {}
_lock = threading.Lock()


def shared_client(connection: Redis) -> Redis:
    """The process's client for the Redis address and options of ``connection``."""
    pool = connection.connection_pool
    plain = (str, int, float, bool, type(None))  # not the retry policy etc.: objects made per client
    key = repr(
        (pool.connection_class, sorted((k, v) for k, v in pool.connection_kwargs.items() if isinstance(v, plain)))
    )
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.setdefault(key, connection)
    return client


class SharedConnectionQueue(DjangoRQ):
    def __init__(self, *args: Any, connection: Redis | None = None, **kwargs: Any) -> None:
        super().__init__(*args, connection=shared_client(connection) if connection is not None else None, **kwargs)

    def enqueue_job(
        self, job: Job, pipeline: Pipeline | None = None, at_front: bool = False, unique: bool = False
    ) -> Job:
        """RQ's, with the queue's registration and the job in one pipeline (one round trip) when
        nothing needs an answer from Redis first (no dependencies, rate limit or uniqueness)."""
        plain = pipeline is None and not unique and not job._dependency_ids and not job.has_rate_limit
        if not (plain and self._is_async):
            return super().enqueue_job(job, pipeline=pipeline, at_front=at_front, unique=unique)
        with self.connection.pipeline() as pipe:
            job = super().enqueue_job(job, pipeline=pipe, at_front=at_front)
            pipe.execute()
        return job
