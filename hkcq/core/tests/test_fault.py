"""The fault test (issue 12, "Done means"): nothing acknowledged is lost or doubled when the task
worker is killed and the mail server refuses for a while.

On a copy of the test database (PostgreSQL), the test starts the real thing: gunicorn serving the
platform, a task worker (``manage.py db_worker``), ``manage.py requeue_email --every 1`` standing in
for the cron job, and a local SMTP server (aiosmtpd). Several clients submit enquiries through the
API at once, retrying with the same ``Idempotency-Key`` when a request fails, as a real client does.
Meanwhile the mail server first refuses connections, then answers ``451`` (slowly, so that a
worker is inside a delivery), the worker is killed with SIGKILL in the middle of that delivery and
started again, and then the mail server accepts.

It asserts: every acknowledged submission (2xx with a reference) is stored exactly once, nothing
unacknowledged-but-stored is doubled, and every confirmation e-mail arrives exactly once once the
mail server is back (counted per recipient by the SMTP server), the one held by the killed worker
included. Bounded: about a minute; every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from email import message_from_bytes
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connections

# transaction=True: the database is set up for it, and no open transaction hides the copy's source.
pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
CLIENTS = 6
PER_CLIENT = 6
DEADLINE_SECONDS = 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailServer:
    """An SMTP server that refuses (``451``, after ``hold`` seconds so a sender is caught inside
    the delivery) until ``accept`` is set, then records every message per recipient."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller  # local import: only this test needs it

        self.port = port
        self.accept = False
        self.hold = 0.0
        self.held = threading.Event()
        self.held_for: list[str] = []
        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.accept:
            if not self.held.is_set():
                self.held_for = list(envelope.rcpt_tos)
                self.held.set()
            await asyncio.sleep(self.hold)
            return "451 4.3.0 Try again later"
        message_id = message_from_bytes(envelope.original_content or b"").get("Message-ID", "")
        with self.lock:
            self.received += [(rcpt.lower(), message_id) for rcpt in envelope.rcpt_tos]
        return "250 OK"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class Submitter(threading.Thread):
    """One client: submits its enquiries one after another, retrying a failed request with the
    same key and content (at most 8 tries); keeps what the server acknowledged."""

    def __init__(self, base: str, number: int) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.number = number
        self.acknowledged: dict[str, str] = {}  # e-mail address -> reference
        self.failures: list[str] = []

    def post(self, body: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            f"{self.base}/api/v1/enquiries",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, {}

    def run(self) -> None:
        for n in range(PER_CLIENT):
            email = f"client{self.number}-{n}@example.org"
            body = {
                "question": f"Fault test question {self.number}-{n}: ferry timetable?",
                "email": email,
                "consent": True,
            }
            key = str(uuid.uuid4())
            for _try in range(8):
                try:
                    status, answer = self.post(body, key)
                except OSError as error:  # connection reset, timeout: try again, same key
                    self.failures.append(f"{email}: {error}")
                    time.sleep(0.5)
                    continue
                if status in (200, 201) and answer.get("reference"):
                    self.acknowledged[email] = answer["reference"]
                    break
                self.failures.append(f"{email}: HTTP {status}")
                time.sleep(0.5)


def wait_for(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def server_up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def fault_database(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """A copy of the test database (migrated, with the default data) for the processes to share."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("The fault test runs on PostgreSQL only: set DATABASE_URL=postgres://… (SQLite has one writer).")
    params = dict(settings.DATABASES["default"])
    template, name = params["NAME"], f"{params['NAME']}_fault"
    admin = psycopg.connect(
        host=params.get("HOST") or "127.0.0.1",
        port=params.get("PORT") or 5432,
        user=params.get("USER") or "postgres",
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    with django_db_blocker.unblock():
        connections.close_all()  # a template must have no other session
    # Sessions other threads of this test run left open (earlier live-server tests) would make the
    # copy fail ("being accessed by other users"): give them a moment to go, then end them.
    others = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    for _ in range(50):
        if not admin.execute(others, (template,)).fetchall():
            break
        time.sleep(0.1)
    else:
        admin.execute(f"SELECT pg_terminate_backend(pid) FROM ({others}) AS o", (template,))
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = (
        f"postgres://{params.get('USER') or 'postgres'}:{params.get('PASSWORD') or ''}@"
        f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{name}"
    )
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def rows(url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        return list(conn.execute(sql, args).fetchall())


def test_acknowledged_enquiries_and_their_emails_survive_a_killed_worker_and_a_refusing_mail_server(
    fault_database: str, tmp_path: Path
) -> None:
    web_port, smtp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "fault-test-" + uuid.uuid4().hex,
        "TESTING": "1",  # static files without a manifest; nothing else changes
        "DATABASE_URL": fault_database,
        "DATA_DIR": str(tmp_path),
        "SITE_URL": base,
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASK_BACKEND": "database",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "10",
        "EMAIL_RETRY_SECONDS": "1",
        "EMAIL_RETRY_MAX_SECONDS": "2",
        "EMAIL_MAX_ATTEMPTS": "200",
        "EMAIL_LEASE_SECONDS": "6",
        "EMAIL_REQUEUE_AFTER_SECONDS": "3",
        "THROTTLE_DISABLED": "1",  # every client comes from 127.0.0.1
        "LOG_LEVEL": "WARNING",
    }
    for name in ("REDIS_URL", "EMAIL_BACKEND", "TASK_BACKEND_OVERRIDE"):
        env.pop(name, None)
    python = sys.executable
    logs = tmp_path / "logs"
    logs.mkdir()
    processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(name: str, *argv: str) -> None:
        out = open(logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        processes[name] = subprocess.Popen(
            [python, *argv], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def worker() -> None:
        start("worker", "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload")

    mail = MailServer(smtp_port)
    try:
        start(
            "web",
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{web_port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "60",
        )
        worker()
        start("requeue", "manage.py", "requeue_email", "--every", "1", "--verbosity", "0")
        wait_for(lambda: server_up(base), 60, "the web server")

        # 1. The mail server is down (connections refused) while the clients submit at once.
        clients = [Submitter(base, n) for n in range(CLIENTS)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=60)
        acknowledged = {email: ref for client in clients for email, ref in client.acknowledged.items()}
        assert len(acknowledged) == CLIENTS * PER_CLIENT, [f for c in clients for f in c.failures][:10]

        # 2. It comes up but answers 451, slowly: a worker is caught inside a delivery and killed.
        mail.hold = 3.0
        mail.start()
        assert mail.held.wait(30), "no delivery was attempted while the mail server refused"
        os.killpg(processes["worker"].pid, signal.SIGKILL)
        processes["worker"].wait(10)
        killed_for = [address.lower() for address in mail.held_for]
        worker()  # started again, as a supervisor would

        # 3. The mail server accepts again: every confirmation arrives, once.
        time.sleep(1.0)
        mail.hold = 0.0
        mail.accept = True

        def delivered() -> bool:
            with mail.lock:
                got = {rcpt for rcpt, _ in mail.received}
            return set(acknowledged) <= got

        wait_for(delivered, DEADLINE_SECONDS - 40, "every confirmation e-mail")
        # The staff notices queued beside them (retried the same way) go too.
        unsent = "SELECT count(*) FROM core_outgoingemail WHERE state <> 'sent'"
        wait_for(lambda: rows(fault_database, unsent) == [(0,)], 30, "every e-mail of the outbox")
        time.sleep(3.0)  # a duplicate would come now, from a retry or a returned lease

        # Every acknowledged submission is stored exactly once, and nothing else was stored.
        stored = rows(fault_database, "SELECT reference, email FROM enquiries_enquiry WHERE email LIKE 'client%%'")
        by_reference = Counter(reference for reference, _ in stored)
        assert all(by_reference[ref] == 1 for ref in acknowledged.values())
        assert Counter(email for _, email in stored) == Counter(acknowledged.keys())
        # Every confirmation arrived exactly once (the one the killed worker held included).
        with mail.lock:
            per_recipient = Counter(rcpt for rcpt, _ in mail.received if rcpt in acknowledged)
        assert per_recipient == Counter(acknowledged.keys()), {k: v for k, v in per_recipient.items() if v != 1}
        # No message reached a recipient twice (staff notices included), and the one the killed worker
        # was delivering arrived.
        with mail.lock:
            pairs = Counter(mail.received)
        assert [pair for pair, count in pairs.items() if count > 1] == []
        assert killed_for and set(killed_for) <= {rcpt for rcpt, _ in pairs}
        # The outbox agrees: every e-mail sent, none left sending or waiting; ours were refused first.
        states = rows(fault_database, 'SELECT state, attempts, "to"::text FROM core_outgoingemail')
        assert {state for state, _, _ in states} == {"sent"}
        ours = [attempts for _, attempts, to in states if "@example.org" in to and "client" in to]
        assert len(ours) == len(acknowledged) and max(ours) >= 2
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        with contextlib.suppress(Exception):  # it may never have started
            mail.stop()
