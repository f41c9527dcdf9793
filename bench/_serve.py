"""What the throughput benchmarks share: the platform served the production way (gunicorn, DEBUG
off, PostgreSQL, static files collected) on a port of its own, load from ``wrk``, and the section of
docs/benchmarks.md they write. Not a test: ``bench/page_throughput.py`` and ``bench/enquiry_submit.py``
use it."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Self

HERE = Path(__file__).resolve().parent.parent
REPORT = HERE / "docs" / "benchmarks.md"


def server_env(database: str, *, data_dir: str, port: int, redis: str | None, **extra: str) -> dict[str, str]:
    """The environment of a production server (docs/deploy.md), on the machine's own address."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TESTING"))}
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-not-secret-" + "x" * 40,
        DATABASE_URL=database,
        CONN_MAX_AGE="60",
        DATA_DIR=data_dir,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, root: Path = HERE) -> str:
    python = str(root / ".venv" / "bin" / "python")
    out = subprocess.run([python, "manage.py", *args], cwd=root, env=env, check=True, capture_output=True, text=True)
    return out.stdout


def prepare(env: dict[str, str]) -> None:
    """Migrations, default data and static files, as a release would."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_defaults")
    manage(env, "collectstatic", "--noinput")
    manage(env, "compile_translations")


class Server:
    def __init__(self, env: dict[str, str], *, port: int, workers: int, root: Path = HERE) -> None:
        self.env, self.port, self.workers, self.root = env, port, workers, root
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        self.proc = subprocess.Popen(  # noqa: S603 (our own virtualenv's gunicorn)
            [
                str(self.root / ".venv" / "bin" / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.time() + 180  # 4 workers loading the analyzer on a busy machine
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def cpu_seconds(self) -> float:
        """User and system CPU time the server's workers (and ``self.extra_pids()``: the database's
        processes serving them) have used so far (from /proc)."""
        assert self.proc is not None
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        total = 0
        for pid in [*children, *self.extra_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        return total / os.sysconf("SC_CLK_TCK")

    def extra_pids(self) -> list[str]:
        return []

    def wrk(self, url: str, **kwargs: Any) -> dict[str, Any]:
        """:func:`wrk` with the workers' CPU time per answered request (ms), which the machine's
        other load hardly changes: a ratio of those is what the throughput ratio would be with
        the server alone on the machine."""
        before = self.cpu_seconds()
        result = wrk(url, **kwargs)
        result["cpu_ms"] = (self.cpu_seconds() - before) * 1000 / max(result["requests"], 1)
        return result

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, *, seconds: int, connections: int, threads: int = 2, script: str | None = None) -> dict[str, Any]:
    """Requests per second, latency percentiles (ms) and bad answers of one ``wrk`` run."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "20s"]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout  # noqa: S603
    result: dict[str, Any] = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        result[f"p{pct}"] = round(_ms(match.group(1)), 2) if match else None
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    result["bad"] = int(bad.group(1)) if bad else 0
    result["socket_errors"] = errors.group(0) if errors else ""
    result["raw"] = out
    return result


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def baseline_tree(commit: str) -> Path:
    """The code of ``commit`` (``git archive``) in the system's temp directory, run with this
    checkout's virtualenv: the "before" of a side-by-side run."""
    root = Path(tempfile.gettempdir()) / f"hkcq-baseline-{commit[:10]}"
    if not (root / "manage.py").exists():
        root.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=HERE, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    venv = root / ".venv"
    if not venv.exists():
        venv.symlink_to((HERE / ".venv").resolve())
    return root


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE, capture_output=True, text=True
    )
    return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def write_section(heading: str, body: str) -> None:
    """Replace (or add at the end) the section ``heading`` of docs/benchmarks.md."""
    section = f"{heading}\n\n{body.strip()}\n"
    text = REPORT.read_text(encoding="utf-8")
    if heading in text:
        before, _sep, rest = text.partition(heading)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
