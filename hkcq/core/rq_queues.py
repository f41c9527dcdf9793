"""The RQ queue class of the platform (``RQ_QUEUES[...]["QUEUE_CLASS"]``, TASK_BACKEND=rq).

django_rq makes a new Redis client, with a connection pool of its own, for every queue it hands
out, so every task queued opened a fresh TCP connection to Redis (three per task: issue 15's
profile of an enquiry submission). This class gives every queue of a process one client per
Redis address, whose pool keeps its connections open (redis-py starts a new pool in a forked
process, so gunicorn's workers share nothing)."""

from __future__ import annotations

import threading
from typing import Any

from django_rq.queues import DjangoRQ
from redis import Redis

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
