"""The reporting API does what the reporting pages do: reports (list, one, generate as a job,
download, the raw snapshot), the cycle's close, and imports (upload and dry run, confirm as a job,
abandon), through the same services and with the same refusals."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hkcq.core.exports import csv_text
from hkcq.reporting import selectors, services
from hkcq.reporting.models import Job, Snapshot
from hkcq.reporting.tests.helpers import open_cycle, plenary, publish
from hkcq.reporting.tests.test_import import good_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(plan, secretariat_hk):
    measure = plan.measures[0]
    open_cycle()
    publish(measure, "hong_kong", "planning", 10, secretariat_hk)
    return services.close_cycle(open_cycle(), plenary(dt.date(2024, 5, 10), 2), secretariat_hk)


def _json(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


# -- reports -------------------------------------------------------------------------------------
def test_reports_are_listed_and_read_without_signing_in(closed, client):
    listed = client.get("/api/v1/reports")
    assert listed.status_code == 200
    body = listed.json()
    assert set(body) == {"items", "count"} and body["count"] == 1
    one = client.get(f"/api/v1/reports/{closed.pk}").json()
    assert one["id"] == closed.pk and one["meeting"] == "plenary-2" and one["digest"] == closed.digest
    assert one["files"] == []
    assert client.get("/api/v1/reports/999999").status_code == 404


def test_generate_answers_202_with_a_job_and_the_files_download(closed, client, secretariat_hk):
    client.force_login(secretariat_hk)
    response = _json(client, f"/api/v1/reports/{closed.pk}/generate", {"language": "en"})
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == job["url"] == f"/api/v1/reports/jobs/{job['id']}"
    polled = client.get(job["url"]).json()
    assert polled["state"] == "done" and polled["active"] is False and polled["snapshot"] == closed.pk
    formats = {f["format"] for f in polled["files"]}
    assert formats == {"html", "pdf", "xlsx", "csv"}
    client.logout()
    csv_url = next(f["url"] for f in polled["files"] if f["format"] == "csv")
    download = client.get(csv_url)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    stored = selectors.report_job_file(Job.objects.get(pk=job["id"]), "csv")
    from django.core.files.storage import default_storage

    assert b"".join(download.streaming_content) == default_storage.open(stored, "rb").read()
    assert {f["format"] for f in client.get(f"/api/v1/reports/{closed.pk}").json()["files"]} == formats
    assert client.get(f"/api/v1/reports/{closed.pk}/files/en/exe").status_code == 404
    assert client.get(f"/api/v1/reports/{closed.pk}/files/zh-hans/pdf").status_code == 404


def test_generate_refusals(closed, client, officer_hk, secretariat_hk):
    url = f"/api/v1/reports/{closed.pk}/generate"
    assert _json(client, url, {"language": "en"}).status_code == 401
    client.force_login(officer_hk)
    assert _json(client, url, {"language": "en"}).status_code == 403
    client.force_login(secretariat_hk)
    assert _json(client, "/api/v1/reports/999999/generate", {"language": "en"}).status_code == 404
    bad = _json(client, url, {"language": "fr"})
    assert bad.status_code == 422
    assert not Job.objects.filter(kind="report").exists()


def test_report_jobs_and_snapshot_are_the_secretariats(closed, client, officer_hk, secretariat_hk):
    client.force_login(secretariat_hk)
    job = _json(client, f"/api/v1/reports/{closed.pk}/generate", {"language": "zh-hant"}).json()
    jobs = client.get("/api/v1/reports/jobs").json()
    assert jobs["count"] == 1 and jobs["items"][0]["id"] == job["id"]
    data = client.get(f"/api/v1/reports/{closed.pk}/snapshot").json()
    assert data["intact"] is True and data["digest"] == closed.digest
    client.logout()
    assert client.get(job["url"]).status_code == 401
    assert client.get("/api/v1/reports/jobs").status_code == 401
    assert client.get(f"/api/v1/reports/{closed.pk}/snapshot").status_code == 401
    client.force_login(officer_hk)
    assert client.get(job["url"]).status_code == 404  # a job is hidden from all but the secretariat
    assert client.get("/api/v1/reports/jobs").status_code == 403
    assert client.get(f"/api/v1/reports/{closed.pk}/snapshot").status_code == 403


def test_close_cycle(plan, client, officer_hk, secretariat_cq):
    cycle = open_cycle()
    meeting = plenary(dt.date(2024, 5, 10), 2)
    assert _json(client, "/api/v1/reports/close-cycle", {"meeting": meeting.ext_id}).status_code == 401
    client.force_login(officer_hk)
    assert _json(client, "/api/v1/reports/close-cycle", {"meeting": meeting.ext_id}).status_code == 403
    assert client.get("/api/v1/reports/cycle").status_code == 403
    client.force_login(secretariat_cq)
    state = client.get("/api/v1/reports/cycle").json()
    assert meeting.ext_id in state["meetings"]
    unknown = _json(client, "/api/v1/reports/close-cycle", {"meeting": "nope"})
    assert unknown.status_code == 422 and "meeting" in unknown.json()["error"]["details"]
    assert _json(client, "/api/v1/reports/close-cycle", {"meeting": ""}).status_code == 422
    closed = _json(client, "/api/v1/reports/close-cycle", {"meeting": meeting.ext_id})
    assert closed.status_code == 201, closed.content
    snapshot = Snapshot.objects.get(pk=closed.json()["id"])
    assert snapshot.cycle_id == cycle.pk and snapshot.meeting_id == meeting.pk
    cycle.refresh_from_db()
    assert cycle.state == "closed"


# -- imports -------------------------------------------------------------------------------------
def _upload(client, content, name="measures.csv", kind="import_measures"):
    return client.post("/api/v1/imports", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_import_upload_dry_run_confirm(existing, client, secretariat_hk):
    from hkcq.registry.models import Measure

    client.force_login(secretariat_hk)
    uploaded = _upload(client, csv_text(good_rows(existing)).encode())
    assert uploaded.status_code == 202, uploaded.content
    job = uploaded.json()
    assert uploaded["Location"] == job["url"] == f"/api/v1/imports/{job['id']}"
    preview = client.get(job["url"]).json()
    assert preview["state"] == "preview" and preview["counts"]["create"] >= 1 and preview["rows"]
    assert not Measure.objects.filter(ext_id="imported-1").exists()  # a dry run writes nothing
    listed = client.get("/api/v1/imports").json()
    assert listed["items"][0]["id"] == job["id"]
    confirmed = _json(client, f"{job['url']}/confirm")
    assert confirmed.status_code == 202, confirmed.content
    assert confirmed["Location"] == job["url"]
    done = client.get(job["url"]).json()
    assert done["state"] == "done" and done["applied"]["create"] >= 1
    assert Measure.objects.filter(ext_id="imported-1").exists()
    again = _json(client, f"{job['url']}/confirm")
    assert again.status_code == 422


def test_import_abandon_and_bad_files(existing, client, secretariat_hk):
    client.force_login(secretariat_hk)
    job = _upload(client, csv_text(good_rows(existing)).encode()).json()
    abandoned = _json(client, f"{job['url']}/abandon")
    assert abandoned.status_code == 200 and abandoned.json()["state"] == "cancelled"
    wrong = _upload(client, b"MZ\x90\x00", name="tool.exe")
    assert wrong.status_code == 422 and "file" in wrong.json()["error"]["details"]
    empty = _upload(client, b"", name="empty.csv")
    assert empty.status_code == 422
    kind = _upload(client, b"a,b\n1,2\n", kind="nope")
    assert kind.status_code == 422 and "kind" in kind.json()["error"]["details"]
    missing = client.post("/api/v1/imports", {"kind": "import_measures"})
    assert missing.status_code == 422
    kinds = client.get("/api/v1/imports/kinds").json()
    assert {k["kind"] for k in kinds["items"]} == {"import_measures", "import_updates"}


def test_import_refusals(existing, client, officer_hk, secretariat_hk):
    content = csv_text(good_rows(existing)).encode()
    assert _upload(client, content).status_code == 401
    assert client.get("/api/v1/imports").status_code == 401
    client.force_login(officer_hk)
    assert _upload(client, content).status_code == 403
    assert client.get("/api/v1/imports").status_code == 403
    assert client.get("/api/v1/imports/kinds").status_code == 403
    client.force_login(secretariat_hk)
    job = _upload(client, content).json()
    client.force_login(officer_hk)
    assert client.get(job["url"]).status_code == 404  # hidden from all but the secretariat
    assert _json(client, f"{job['url']}/confirm").status_code == 404
    assert _json(client, f"{job['url']}/abandon").status_code == 404
    client.logout()
    assert client.get(job["url"]).status_code == 401
    assert _json(client, f"{job['url']}/confirm").status_code == 401
    client.force_login(secretariat_hk)
    assert client.get("/api/v1/imports/00000000-0000-0000-0000-000000000000").status_code == 404
    assert Job.objects.get(pk=job["id"]).state == "preview"


def test_a_failed_job_is_tried_again(closed, client, officer_hk, secretariat_hk, django_capture_on_commit_callbacks):
    client.force_login(secretariat_hk)
    job = _json(client, f"/api/v1/reports/{closed.pk}/generate", {"language": "en"}).json()
    url = f"{job['url']}/retry"
    not_failed = _json(client, url)
    assert not_failed.status_code == 422
    Job.objects.filter(pk=job["id"]).update(state=Job.State.FAILED, message="worker stopped")
    client.logout()
    assert _json(client, url).status_code == 401
    client.force_login(officer_hk)
    assert _json(client, url).status_code == 404
    client.force_login(secretariat_hk)
    with django_capture_on_commit_callbacks(execute=True):
        again = _json(client, url)
    assert again.status_code == 202, again.content
    assert again["Location"] == job["url"]
    assert client.get(job["url"]).json()["state"] == "done"


def test_import_templates_download_as_files(plan, client, officer_hk, secretariat_hk):
    from openpyxl import load_workbook

    client.force_login(secretariat_hk)
    csv = client.get("/api/v1/imports/templates/import_measures/csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "attachment" in csv["Content-Disposition"]
    header = csv.content.decode("utf-8-sig").splitlines()[0]
    kinds = {k["kind"]: k for k in client.get("/api/v1/imports/kinds").json()["items"]}
    assert header.split(",") == kinds["import_measures"]["columns"]
    xlsx = client.get("/api/v1/imports/templates/import_updates/xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == kinds["import_updates"]["columns"]
    assert client.get("/api/v1/imports/templates/import_measures/pdf").json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/imports/templates/import_widgets/csv").status_code == 404
    client.force_login(officer_hk)
    assert client.get("/api/v1/imports/templates/import_measures/csv").status_code == 403
