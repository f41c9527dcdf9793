"""Fixtures shared by the core tests. Their people are the factory-made personas
(hkcq/accounts/tests/personas.py), not the seed's demo accounts: a test of the seed itself (a walk
over every page with the default data) asks for ``defaults`` and names the demo accounts it signs in
as, and is marked ``@pytest.mark.seed``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[3]


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def rq_script(tmp_path: Path) -> Callable[..., list[str]]:
    """Run a script under the real settings with ``TASK_BACKEND=rq`` on the test Redis (database
    15) and a fresh SQLite file; returns the lines it printed. Skips when Redis is not there."""
    if not _redis_reachable():
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")

    def run(script: str, **extra_env: str) -> list[str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ALLOW_INSECURE_SECRET_KEY": "1",
            "TASK_BACKEND": "rq",
            "REDIS_URL": REDIS_URL,
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **extra_env,
        }
        env.pop("TESTING", None)
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip().splitlines()

    return run
