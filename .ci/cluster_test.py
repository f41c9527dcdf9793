"""The cluster test: the platform as docs/deploy.md runs it, on one machine.

PostgreSQL; Redis as the cache, the throttle store and the task queue (TASK_BACKEND=rq); two
gunicorn application servers on their own ports behind Debian's nginx; two RQ workers; files on a
directory every process shares. Through the load balancer it runs the main journeys, then sends
enquiries from several clients at once while one application server and one worker are killed
(SIGKILL) and started again, and checks that every acknowledged enquiry is there exactly once and
that every queued job finished.

Run by `.ci/cluster_test.sh` (which `.ci/run` calls); everything it starts is stopped at the end.
Environment: CLUSTER_PORT_BASE (nginx on it, the servers on the next two), CLUSTER_REDIS_DB,
CLUSTER_DB (the PostgreSQL database it creates afresh), CLUSTER_SECONDS (the load's length).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
BASE = int(os.environ.get("CLUSTER_PORT_BASE", "18800"))
LB, PORT_A, PORT_B = BASE, BASE + 1, BASE + 2
REDIS_DB = int(os.environ.get("CLUSTER_REDIS_DB", "8"))
DB = os.environ.get("CLUSTER_DB", "hkcq_cluster")
LOAD_SECONDS = float(os.environ.get("CLUSTER_SECONDS", "20"))
CLIENTS = 8
DEADLINE = time.monotonic() + float(os.environ.get("CLUSTER_TIMEOUT", "840"))

RUN = Path(os.environ.get("CLUSTER_RUN") or tempfile.mkdtemp(prefix="hkcq-cluster-"))
RUN.chmod(0o755)  # nginx's workers (www-data) read the collected static files under it
SHARED = RUN / "shared"  # the shared volume: DATA_DIR and MEDIA_ROOT of every process

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "cluster-test-" + uuid.uuid4().hex,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "CONN_MAX_AGE": "60",
    "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
    "TASK_BACKEND": "rq",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": f"http://127.0.0.1:{LB}",
    "DATA_DIR": str(SHARED),
    "MEDIA_ROOT": str(SHARED / "media"),
    "LOG_LEVEL": "WARNING",
    # Production refuses to start without a mail server unless a backend is chosen on purpose
    # (docs/deploy.md): the cluster's e-mails go to files on the shared volume.
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": str(SHARED / "mail"),
    # nginx is the peer of every request the servers get (docs/deploy.md, "Throttling in Redis").
    "TRUSTED_PROXIES": "127.0.0.1",
}
for name in ("TESTING", "ALLOW_INSECURE_SECRET_KEY"):
    ENV.pop(name, None)

PROCS: dict[str, subprocess.Popen] = {}


def say(message: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args: str) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def start(name: str) -> None:
    log = open(RUN / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process's life
    if name.startswith("app"):
        port = PORT_A if name == "app-a" else PORT_B
        cmd = [
            GUNICORN,
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--timeout=60",
            "--graceful-timeout=10",
            f"--access-logfile={RUN / (name + '-access.log')}",
            '--access-logformat=%(h)s %(t)s "%(m)s %(U)s" %(s)s %(L)s',
        ]
    else:
        cmd = [PY, "manage.py", "rqworker", "default", "--name", f"{name}-{uuid.uuid4().hex[:6]}"]
    # Each in its own session, so a kill reaches the master and its children (a crash of the host).
    PROCS[name] = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=log, stderr=log, start_new_session=True)


def kill(name: str, sig: int = signal.SIGKILL) -> None:
    proc = PROCS.pop(name, None)
    if proc is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_http(url: str, seconds: float = 180) -> None:  # a server loading the analyzer at load 15+: > 60 s
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def nginx_conf() -> Path:
    (RUN / "nginx").mkdir()
    conf = RUN / "nginx" / "nginx.conf"
    template = (ROOT / "docs" / "deploy" / "nginx.conf").read_text()
    # The same file as docs/deploy.md gives, pointed at this run's ports and paths.
    text = (
        template.replace("127.0.0.1:8001", f"127.0.0.1:{PORT_A}")
        .replace("127.0.0.1:8002", f"127.0.0.1:{PORT_B}")
        .replace("listen 80;", f"listen 127.0.0.1:{LB};")
        .replace("/srv/hkcq/data/static/", f"{SHARED}/static/")
        .replace("/var/log/nginx/", f"{RUN}/nginx/")
    )
    head = (
        f"worker_processes 1;\npid {RUN}/nginx/nginx.pid;\nerror_log {RUN}/nginx/error.log warn;\n"
        "events { worker_connections 512; }\nhttp {\n"
        f"  client_body_temp_path {RUN}/nginx/body; proxy_temp_path {RUN}/nginx/proxy;\n"
        f"  fastcgi_temp_path {RUN}/nginx/fcgi; uwsgi_temp_path {RUN}/nginx/uwsgi; scgi_temp_path {RUN}/nginx/scgi;\n"
        "  include /etc/nginx/mime.types;\n"
    )
    conf.write_text(head + text + "\n}\n")
    return conf


class Client:
    """A signed-in browser: a session cookie, the CSRF token sent back on every write."""

    def __init__(self, base: str, username: str | None = None):
        self.base = base
        self.http = requests.Session()
        if username:
            self.sign_in(username)

    def url(self, path: str) -> str:
        return self.base + path

    def csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.url(path), timeout=60, **kw)

    def post(self, path: str, data=None, files=None, **kw) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.url(path)}
        return self.http.post(self.url(path), data=data, files=files, headers=headers, timeout=60, **kw)

    def api(self, method: str, path: str, json=None) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.url(path)}
        return self.http.request(method, self.url("/api/v1" + path), json=json, headers=headers, timeout=60)

    def sign_in(self, username: str) -> None:
        form = self.get("/en/account/sign-in/")
        assert form.status_code == 200, form.status_code
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        response = self.http.post(
            self.url("/en/account/sign-in/"),
            data={"csrfmiddlewaretoken": token, "username": username, "password": f"{username}-2023"},
            headers={"Referer": self.url("/en/account/sign-in/")},
            timeout=60,
        )
        assert "sessionid" in self.http.cookies, f"{username} could not sign in ({response.status_code})"


def form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def wait_job(client: Client, path: str, seconds: float = 240) -> str:
    """Poll a job page until the job is done (the page no longer shows it running)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        if 'data-job-active="true"' not in page.text and "hx-trigger" not in page.text:
            return page.text
        time.sleep(1)
    raise SystemExit(f"the job at {path} did not finish")


# -- the journeys ---------------------------------------------------------------------------------
def journey_enquiry(lb: str) -> None:
    resident = Client(lb)
    ask = resident.api("GET", "/ask?q=How+do+I+apply+for+an+exit-entry+permit")
    assert ask.status_code == 200, ask.text
    answers = ask.json()
    say(f"ask: {len(answers['answers'])} answer(s)")
    sent = resident.api(
        "POST",
        "/enquiries",
        json={
            "question": f"How do I renew my exit-entry permit for Hong Kong and Macao? ({uuid.uuid4().hex[:6]})",
            "email": "resident@example.org",
            "consent": True,
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    assert sent.status_code in (200, 201), sent.text  # 200: the same question sent again (window)
    case = sent.json()
    reference = case["reference"]
    # The case is acknowledged first; a worker's `route` task gives it its unit just after.
    end = time.monotonic() + 60
    while resident.api("GET", f"/enquiries/track/{case['token']}").json()["unit"] is None:
        assert time.monotonic() < end, "the case was not routed within a minute"
        time.sleep(0.3)
    say("enquiry routed by a worker")
    # The officer of the unit the case was routed to takes it.
    for username in ("demo-officer-exit-entry", "demo-officer-hkmao", "demo-officer-hk", "demo-officer-cq"):
        officer = Client(lb, username)
        accepted = officer.api("POST", f"/enquiries/{reference}/accept")
        if accepted.status_code == 200:
            break
    assert accepted.status_code == 200, accepted.text
    entries = officer.api("GET", "/kb/entries?limit=1").json()["items"]
    assert entries, "no knowledge-base entry to cite"
    replied = officer.api(
        "POST",
        f"/enquiries/{reference}/reply",
        json={"body": "Please see the entry cited below.", "citations": [entries[0]["id"]]},
    )
    assert replied.status_code == 200, replied.text
    closed = officer.api("POST", f"/enquiries/{reference}/close", json={"outcome": "answered"})
    assert closed.status_code == 200, closed.text
    rated = resident.api("POST", f"/enquiries/track/{case['token']}/rating", json={"service": 5, "outcome": 4})
    assert rated.status_code == 200, rated.text
    say(f"enquiry {reference}: asked, filed, answered citing {entries[0]['id']}, closed, rated")


def journey_progress() -> None:
    """Drafted and submitted on server A, confirmed by the other side on server B, published on A."""
    a, b = f"http://127.0.0.1:{PORT_A}", f"http://127.0.0.1:{PORT_B}"
    drafter = Client(a, "demo-officer-hk")
    measures = drafter.api("GET", "/measures?unit=hk_chengdu_eto&limit=5").json()["items"]
    statuses = drafter.api("GET", "/progress/statuses?limit=100").json()
    statuses = statuses["items"] if isinstance(statuses, dict) else statuses
    for measure in measures:
        draft = drafter.api(
            "POST",
            "/progress/work",
            json={
                "measure": measure["id"],
                "status": statuses[-1]["key"],
                "percent": 40,
                "public_narrative": {"en": "Work is under way."},
            },
        )
        if draft.status_code == 201:
            break
    assert draft.status_code == 201, draft.text
    update_id = draft.json()["id"]
    submitted = drafter.api("POST", f"/progress/work/{update_id}/submit")
    assert submitted.status_code == 200, submitted.text
    other_side = Client(b, "demo-secretariat-cq")
    confirmed = other_side.api("POST", f"/progress/work/{update_id}/confirm", json={"note": "Agreed."})
    assert confirmed.status_code == 200, confirmed.text
    publisher = Client(a, "demo-secretariat-hk")
    published = publisher.api("POST", f"/progress/work/{update_id}/publish")
    assert published.status_code == 200, published.text
    seen = Client(b).api("GET", f"/progress/updates?measure={measure['id']}&limit=50").json()["items"]
    assert any(u["id"] == update_id for u in seen), "the published update is not listed"
    say(f"progress update {update_id}: drafted on A, confirmed on B, published, listed")


def journey_report() -> None:
    """The cycle closed and the report generated through server A (on a worker), downloaded from B."""
    a, b = f"http://127.0.0.1:{PORT_A}", f"http://127.0.0.1:{PORT_B}"
    secretariat = Client(a, "demo-secretariat-hk")
    # The plenary the cycle closes at, held today.
    plenary = secretariat.api(
        "POST",
        "/meetings",
        json={
            "id": "cluster-plenary-" + uuid.uuid4().hex[:6],
            "kind": "plenary",
            "title": {"en": "Plenary (cluster test)"},
            "date": datetime.datetime.now(ZoneInfo("Asia/Hong_Kong")).date().isoformat(),
        },
    )
    assert plenary.status_code == 201, plenary.text
    page = secretariat.get("/en/reports/close-cycle/")
    assert page.status_code == 200, page.status_code
    meeting = re.search(r'<option value="(\d+)"', page.text)
    assert meeting, "no meeting to close the cycle at"
    closed = secretariat.post(
        "/en/reports/close-cycle/",
        data={"csrfmiddlewaretoken": form_token(page.text), "meeting": meeting.group(1), "confirm": "on"},
    )
    snapshot = re.search(r"/en/reports/(\d+)/", closed.url)
    assert snapshot, f"the cycle did not close ({closed.url})"
    sid = snapshot.group(1)
    report = secretariat.get(f"/en/reports/{sid}/")
    started = secretariat.post(
        f"/en/reports/{sid}/generate/", data={"csrfmiddlewaretoken": form_token(report.text), "language": "en"}
    )
    assert "/reports/jobs/" in started.url, started.url
    wait_job(secretariat, started.url.replace(a, ""))
    pdf = Client(b).get(f"/en/reports/{sid}/files/en.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-", (pdf.status_code, pdf.content[:40])
    say(f"report of snapshot {sid}: generated on a worker via A, {len(pdf.content)} bytes of PDF from B")


def journey_import(lb: str) -> None:
    secretariat = Client(lb, "demo-secretariat-hk")
    page = secretariat.get("/en/import/")
    kinds = re.findall(r'<option value="(import_[a-z_]+)"', page.text)
    assert kinds, "no import kind offered"
    kind = kinds[0]
    template = secretariat.get(f"/en/import/templates/{kind}.xlsx")
    assert template.status_code == 200
    uploaded = secretariat.post(
        "/en/import/",
        data={"csrfmiddlewaretoken": form_token(page.text), "kind": kind},
        files={"file": (f"{kind}.xlsx", io.BytesIO(template.content))},
    )
    assert "/en/import/" in uploaded.url and uploaded.url.rstrip("/") != secretariat.url("/en/import"), uploaded.url
    job_path = uploaded.url.replace(lb, "")
    checked = wait_job(secretariat, job_path)
    confirm = secretariat.post(job_path + "confirm/", data={"csrfmiddlewaretoken": form_token(checked)})
    assert confirm.status_code == 200, confirm.status_code
    wait_job(secretariat, job_path)
    say(f"import ({kind}): template uploaded through the load balancer, checked and applied on the workers")


# -- the load with failures -----------------------------------------------------------------------
def journey_client_address(lb: str) -> None:
    """Behind nginx the platform sees the client, not nginx: a client that came through one more
    trusted proxy (here the test itself, on 127.0.0.1, writing the header such a proxy writes)."""
    body = {"title": "More ferry routes", "text": "Please add a ferry route.", "language": "en", "anonymous": True}
    sent = requests.post(lb + "/api/v1/suggestions", json=body, headers={"X-Forwarded-For": "203.0.113.77"}, timeout=30)
    assert sent.status_code == 201, sent.text
    reference = sent.json()["reference"]
    code = f"from hkcq.suggestions.models import Suggestion; print(Suggestion.objects.get(reference={reference!r}).ip_address)"
    seen = manage("shell", "-c", code).strip().splitlines()[-1]
    assert seen == "203.0.113.77", f"the suggestion was stored with the address {seen}, not the client's"
    say("client address: read from X-Forwarded-For behind nginx")


def load_with_failures(lb: str) -> None:
    acknowledged: dict[str, str] = {}  # idempotency key -> reference
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + LOAD_SECONDS

    def client(n: int) -> int:
        http = requests.Session()
        sent = 0
        while time.monotonic() < stop:
            key = uuid.uuid4().hex
            body = {
                "question": f"Load test question {key[:8]} about an exit-entry permit",
                "email": f"load{n}@example.org",
                "consent": True,
                "idempotency_key": key,
            }
            # A client that gets no answer (the server died under it) sends the same submission
            # again with the same key, as the API asks of clients.
            for _attempt in range(20):
                try:
                    response = http.post(lb + "/api/v1/enquiries", json=body, timeout=30)
                except requests.RequestException:
                    time.sleep(0.5)
                    continue
                if response.status_code in (200, 201):
                    with lock:
                        previous = acknowledged.setdefault(key, response.json()["reference"])
                    if previous != response.json()["reference"]:
                        errors.append(f"{key}: two references {previous} and {response.json()['reference']}")
                    sent += 1
                    break
                if response.status_code in (429,):
                    time.sleep(1)
                    continue
                if response.status_code >= 500:
                    time.sleep(0.5)
                    continue
                errors.append(f"{key}: {response.status_code} {response.text[:200]}")
                break
        return sent

    def chaos() -> None:
        time.sleep(LOAD_SECONDS * 0.25)
        say("killing app-a and worker-1 (SIGKILL)")
        kill("app-a")
        kill("worker-1")
        time.sleep(LOAD_SECONDS * 0.25)
        say("starting app-a and worker-1 again")
        start("app-a")
        start("worker-1")

    with concurrent.futures.ThreadPoolExecutor(CLIENTS + 1) as pool:
        chaos_done = pool.submit(chaos)
        counts = list(pool.map(client, range(CLIENTS)))
        chaos_done.result()
    wait_http(f"http://127.0.0.1:{PORT_A}/healthz")
    say(f"load: {sum(counts)} enquiries acknowledged by {CLIENTS} clients in {LOAD_SECONDS:.0f} s")
    assert not errors, errors[:5]
    assert acknowledged, "nothing was acknowledged"
    check = (
        "import json,sys\n"
        "from hkcq.enquiries.models import Enquiry\n"
        "keys = json.load(sys.stdin)\n"
        "rows = list(Enquiry.objects.filter(question__startswith='Load test question')"
        ".values_list('reference', 'question'))\n"
        "print(json.dumps(rows))\n"
    )
    import json

    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", check],
        cwd=ROOT,
        env=ENV,
        input=json.dumps(list(acknowledged)),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    by_key: dict[str, list[str]] = {}
    for reference, question in rows:
        by_key.setdefault(question.split()[3], []).append(reference)
    lost = [k for k in acknowledged if k[:8] not in by_key]
    duplicated = {k: v for k, v in by_key.items() if len(v) > 1}
    assert not lost, f"acknowledged but not stored: {lost[:5]}"
    assert not duplicated, f"stored twice: {list(duplicated.items())[:5]}"
    wrong = [k for k in acknowledged if acknowledged[k] not in by_key.get(k[:8], [])]
    assert not wrong, f"acknowledged with another reference: {wrong[:5]}"
    say(f"every acknowledged enquiry stored once ({len(acknowledged)}; {len(rows)} rows)")


def jobs_finished() -> None:
    """Every queued job finished. A job the killed worker had in hand is left "started" by RQ: once
    the queue is empty and no live worker is busy, it is declared abandoned and queued again (what
    an operator does with `rq requeue`), and then everything must end finished, none failed."""
    code = (
        "import django_rq, json, time\n"
        "from rq import Worker\n"
        "from rq.registry import StartedJobRegistry, FailedJobRegistry\n"
        "q = django_rq.get_queue('default')\n"
        "started, failed = StartedJobRegistry(queue=q), FailedJobRegistry(queue=q)\n"
        "busy = [w for w in Worker.all(queue=q) if w.get_current_job_id()]\n"
        "requeued = 0\n"
        "if q.count == 0 and not busy and len(started):\n"
        "    started.cleanup(timestamp=time.time() + 86400)\n"
        "    for job_id in failed.get_job_ids():\n"
        "        failed.requeue(job_id); requeued += 1\n"
        "print(json.dumps({'queued': q.count, 'started': len(started), 'failed': len(failed), "
        "'finished': len(q.finished_job_registry), 'requeued': requeued}))\n"
    )
    import json

    end = time.monotonic() + 180
    requeued = 0
    while True:
        out = subprocess.run(
            [PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True
        )
        state = json.loads(out.stdout.strip().splitlines()[-1])
        requeued += state["requeued"]
        if state["queued"] == 0 and state["started"] == 0 and not state["requeued"]:
            break
        if time.monotonic() > end:
            raise SystemExit(f"jobs still waiting: {state}")
        time.sleep(2)
    say(f"jobs: {state['finished']} finished, {requeued} abandoned by the killed worker and run again")
    assert state["failed"] == 0, f"jobs failed: {state}"


def all_routed() -> None:
    """Every acknowledged case gets its unit: what a worker did not route (its task was lost with
    the killed worker) the sweep does (`route_enquiries`, run every minute in production)."""
    swept = manage("route_enquiries", "--older-than", "0")
    left = (
        subprocess.run(
            [
                PY,
                "manage.py",
                "shell",
                "-c",
                "from hkcq.enquiries.models import Enquiry; "
                "print(Enquiry.objects.filter(routing_pending=True).count(), "
                "Enquiry.objects.filter(assigned_unit__isnull=True).count())",
            ],
            cwd=ROOT,
            env=ENV,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        .split()
    )  # the last line: Django's shell may say what it imported first
    say(f"routing: {swept.strip()} by the sweep; {left[0]} still waiting, {left[1]} without a unit")
    assert left[0] == "0", "cases left unrouted"


def main() -> int:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("nginx is not installed (apt-get install nginx)")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    say(f"run directory {RUN}; nginx on {LB}, servers on {PORT_A} and {PORT_B}, Redis db {REDIS_DB}, database {DB}")
    subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], check=True, capture_output=True)
    if os.environ.get("CLUSTER_SKIP_SETUP") != "1":  # for working on the test itself
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DB], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
        SHARED.mkdir(parents=True)
        # The release steps of docs/deploy.md, in order.
        manage("compile_translations")
        manage("collectstatic", "--noinput")
        manage("migrate", "--noinput")
        manage("load_defaults")
        manage("create_demo_accounts", "--force")
        say("database migrated and loaded")
    shutil.rmtree(RUN / "nginx", ignore_errors=True)
    conf = nginx_conf()
    nginx_proc = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"], start_new_session=True)
    try:
        for name in ("app-a", "app-b", "worker-1", "worker-2"):
            start(name)
        for port in (PORT_A, PORT_B, LB):
            wait_http(f"http://127.0.0.1:{port}/healthz")
        lb = f"http://127.0.0.1:{LB}"
        static = requests.get(lb + "/static/css/site.css", timeout=10)
        assert static.status_code == 200, f"static file through nginx: {static.status_code}"
        journey_enquiry(lb)
        journey_progress()
        journey_report()
        journey_import(lb)
        journey_client_address(lb)
        load_with_failures(lb)
        jobs_finished()
        all_routed()
        assert time.monotonic() < DEADLINE, "the cluster test took too long"
        say("PASSED")
        return 0
    finally:
        for name in list(PROCS):
            kill(name, signal.SIGTERM)
        os.killpg(nginx_proc.pid, signal.SIGTERM)
        nginx_proc.wait(timeout=15)
        if os.environ.get("CLUSTER_KEEP") != "1":
            shutil.rmtree(RUN, ignore_errors=True)
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
