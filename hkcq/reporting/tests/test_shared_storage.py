"""Files go through the storage, not a server's disk: a web server and a worker that share only the
database and the storage location (MEDIA_ROOT here; an object store in production), each with a
local DATA_DIR of its own, hand files to each other. Before, imports and reports were written under
DATA_DIR and the worker on the other server failed with FileNotFoundError."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import json, sys, datetime as dt
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from hkcq.accounts.models import Role, User
from hkcq.progress.models import ReportingCycle
from hkcq.registry.models import Mechanism, Meeting
from hkcq.reporting import services
from hkcq.reporting.models import Job

role, state = sys.argv[1], json.loads(sys.argv[2])
out = {}
if role == "web-upload":
    call_command("migrate", verbosity=0)
    user = User.objects.create(username="sec", role=Role.SECRETARIAT, side="hong_kong")
    mechanism = Mechanism.objects.create(ext_id="m", name={"en": "Conference"})
    ReportingCycle.objects.create(name={"en": "First cycle"}, opens_on=dt.date(2023, 5, 11))
    meeting = Meeting.objects.create(
        mechanism=mechanism, ext_id="plenary-1", kind=Meeting.Kind.PLENARY, sequence=1,
        title={"en": "Plenary session 1"}, date=dt.date(2024, 5, 10), place={"en": "Hong Kong"},
    )
    snapshot = services.cycle_close(user=user, cycle=ReportingCycle.objects.get(), meeting=meeting)
    upload = SimpleUploadedFile("measures.csv", b"id,area,title_en\nx-1,no-such-area,A title\n")
    job = services.import_start(user=user, kind="import_measures", upload=upload, language="en")
    report = services.report_start(user=user, snapshot=snapshot, language="en")
    out = {"import": str(job.pk), "report": str(report.pk), "snapshot": snapshot.pk}
elif role == "worker":
    services.import_check(job_id=state["import"])
    services.report_generate(job_id=state["report"])
    job = Job.objects.get(pk=state["import"])
    out = {
        "import_state": job.state,
        "import_message": job.message,
        "import_error": job.result.get("rows", [{}])[0].get("errors", []),
        "report_state": Job.objects.get(pk=state["report"]).state,
    }
elif role == "web-serve":
    response = Client().get(f"/en/reports/{state['snapshot']}/files/en.csv")
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    out = {"status": response.status_code, "csv_lines": body.decode("utf-8-sig").count("\n")}
print(json.dumps(out))
"""


def _run(role: str, env: dict[str, str], state: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, role, json.dumps(state)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_and_a_web_server_share_files_only_through_the_storage(tmp_path):
    shared = tmp_path / "shared-storage"
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOW_INSECURE_SECRET_KEY": "1",
        "TASK_BACKEND": "immediate",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(shared),
        "LOG_LEVEL": "ERROR",
    }
    base.pop("TESTING", None)
    web = {**base, "DATA_DIR": str(tmp_path / "web-local")}
    worker = {**base, "DATA_DIR": str(tmp_path / "worker-local")}
    state = _run("web-upload", web, {})
    done = _run("worker", worker, state)
    assert done["import_state"] == "preview", done["import_message"]  # the worker read the web server's upload
    assert done["import_error"]  # and checked its row (an unknown area)
    assert done["report_state"] == "done"
    served = _run("web-serve", web, state)
    assert served == {"status": 200, "csv_lines": served["csv_lines"]} and served["csv_lines"] >= 1
    # Nothing was written to either server's own directory but the (SQLite) settings' folders.
    for local in ("web-local", "worker-local"):
        assert not list((tmp_path / local).rglob("*.csv")) and not list((tmp_path / local).rglob("*.pdf"))
    assert list(shared.rglob("*.pdf"))
    assert len(list((shared / "imports").iterdir())) == 1


def test_one_setting_puts_the_files_on_an_object_store():
    script = (
        "import django; django.setup()\n"
        'from django.core.files.storage import storages\ns = storages["default"]\n'
        "print(type(s).__module__, type(s).__name__, s.bucket_name, s.endpoint_url, s.location)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOW_INSECURE_SECRET_KEY": "1",
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "hkcq-files",
        "S3_ENDPOINT_URL": "https://objects.example.org",
        "S3_PREFIX": "platform",
    }
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [
        "storages.backends.s3",
        "S3Storage",
        "hkcq-files",
        "https://objects.example.org",
        "platform",
    ]
