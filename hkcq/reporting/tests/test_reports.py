import copy
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook
from pypdf import PdfReader

from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.progress.models import ProgressUpdate, ReportingCycle, Status
from hkcq.registry.models import Agreement, Area, Decision, Measure, Milestone
from hkcq.reporting import reports, selectors, services
from hkcq.reporting.models import Job, Snapshot, SnapshotIsFrozen
from hkcq.reporting.tests.helpers import open_cycle, plenary, publish


@pytest.fixture
def measures(plan):
    """The plan's first three measures (``factories.plan_make``), in report order."""
    return plan.measures[0], plan.measures[1], plan.measures[2]


@pytest.fixture
def first_close(measures, secretariat_hk, officer_hk):
    """Cycle 1: measure A planning 10 % (HK) and in progress 50 % (CQ); closed at plenary 1."""
    a, b, _c = measures
    open_cycle()
    publish(a, "hong_kong", "planning", 10, secretariat_hk, narrative="Planning began", internal="secret HK note")
    publish(a, "chongqing", "in_progress", 50, secretariat_hk)
    publish(b, "hong_kong", "in_progress", 40, secretariat_hk)
    meeting = plenary(dt.date(2024, 5, 10), 2)
    return services.close_cycle(open_cycle(), meeting, secretariat_hk)


def test_closing_freezes_the_registry_and_opens_the_next_cycle(first_close, measures, secretariat_hk):
    a, b, c = measures
    snapshot = first_close
    cycle = snapshot.cycle
    cycle.refresh_from_db()
    assert cycle.state == ReportingCycle.State.CLOSED and cycle.closed_by == secretariat_hk
    assert cycle.meeting == snapshot.meeting and cycle.closed_at is not None
    nxt = ReportingCycle.objects.get(state="open")
    assert (
        nxt.opens_on == dt.date(2024, 5, 10)
        and "Plenary session 2" in nxt.name.en
        and "第2次全體會議" in nxt.name.zh_hant
    )
    data = snapshot.data
    assert data["meeting"]["id"] == "plenary-2" and data["as_of"] == "2024-05-10"
    by_id = {m["id"]: m for m in data["measures"]}
    assert len(by_id) == Measure.objects.count()
    hk = by_id[a.ext_id]["sides"]["hong_kong"]
    assert (hk["status"], hk["percent"]) == ("planning", 10)
    assert hk["public_narrative"]["en"] == "Planning began" and hk["internal_narrative"]["en"] == "secret HK note"
    assert by_id[a.ext_id]["joint_status"] == "planning" and by_id[a.ext_id]["disagreement"] is True
    assert by_id[a.ext_id]["percent"] == 30.0
    assert by_id[c.ext_id]["sides"] == {"hong_kong": None, "chongqing": None}
    assert sorted(by_id[a.ext_id]["updated_this_cycle"]) == ["chongqing", "hong_kong"]
    assert {x["id"] for x in data["areas"]} == set(Area.objects.values_list("ext_id", flat=True))
    assert {x["id"] for x in data["agreements"]} == set(Agreement.objects.values_list("ext_id", flat=True))
    assert {x["id"] for x in data["decisions"]} == set(Decision.objects.values_list("ext_id", flat=True))
    assert data["mechanism"]["percent"] is not None
    assert snapshot.is_intact


def test_unpublished_updates_move_to_the_next_cycle(measures, secretariat_hk):
    a, _b, c = measures
    cycle = open_cycle()
    draft = ProgressUpdate.objects.create(
        measure=c,
        side="hong_kong",
        cycle=cycle,
        status=Status.objects.get(key="planning"),
        percent=5,
        author=secretariat_hk,
    )
    published = publish(a, "hong_kong", "planning", 10, secretariat_hk)
    services.close_cycle(cycle, plenary(dt.date(2024, 5, 10), 2), secretariat_hk)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.cycle.state == "open" and published.cycle == cycle


def test_later_edits_do_not_change_the_snapshot_or_its_report(first_close, measures, secretariat_hk, client):
    a, b, _c = measures
    frozen = copy.deepcopy(first_close.data)
    page_before = client.get(first_close.get_absolute_url()).content.decode()
    old_title = a.title.en
    a.title = {"en": "Edited after the plenary"}
    a.save()
    Decision.objects.update(status="done")
    Agreement.objects.update(title={"en": "Renamed agreement"})
    publish(a, "hong_kong", "completed", 100, secretariat_hk)
    Milestone.objects.update(achieved_on=dt.date(2024, 1, 1))
    Area.objects.update(name={"en": "Renamed area"})
    snapshot = Snapshot.objects.get(pk=first_close.pk)
    assert snapshot.data == frozen and snapshot.is_intact
    page_after = client.get(first_close.get_absolute_url()).content.decode()
    assert old_title in page_after and "Edited after the plenary" not in page_after
    assert "Renamed area" not in page_after
    assert page_before.count("<tr") == page_after.count("<tr")
    with pytest.raises(SnapshotIsFrozen):
        snapshot.save()
    with pytest.raises(SnapshotIsFrozen):
        snapshot.delete()
    tampered = Snapshot.objects.get(pk=snapshot.pk)
    tampered.data["measures"][0]["percent"] = 99
    assert not tampered.is_intact


def test_a_cycle_closes_once_and_only_by_the_secretariat(first_close, officer_hk, resident, secretariat_cq):
    closed = first_close.cycle
    with pytest.raises(InvalidInput):
        services.close_cycle(closed, first_close.meeting, secretariat_cq)
    current = ReportingCycle.objects.get(state="open")
    meeting = plenary(dt.date(2025, 5, 10), 3)
    for user in (officer_hk, resident):
        with pytest.raises(NotPermitted):
            services.close_cycle(current, meeting, user)
    with pytest.raises(InvalidInput):
        services.close_cycle(current, plenary(dt.date(2020, 1, 1), 9), secretariat_cq)  # before the cycle opened
    assert Snapshot.objects.count() == 1
    services.close_cycle(current, meeting, secretariat_cq)
    assert Snapshot.objects.count() == 2


@pytest.fixture
def second_close(first_close, measures, secretariat_hk, secretariat_cq):
    """Cycle 2: A moves on (HK in progress 60 %), B has no update; A's item is late; a milestone
    is met and another missed; a new agreement; a decision changes status; closed at plenary 3."""
    a, b, c = measures
    publish(a, "hong_kong", "in_progress", 60, secretariat_hk, narrative="Works started")
    publish(c, "chongqing", "completed", 100, secretariat_cq)
    Measure.objects.filter(pk=b.pk).update(planned_end=dt.date(2024, 12, 31))
    Milestone.objects.create(
        measure=a,
        title={"en": "Site chosen", "zh-hant": "選定地點"},
        planned_on=dt.date(2024, 9, 1),
        achieved_on=dt.date(2024, 8, 20),
    )
    Milestone.objects.create(
        measure=b, title={"en": "Contract signed", "zh-hant": "簽訂合約"}, planned_on=dt.date(2025, 1, 15)
    )
    Agreement.objects.create(
        ext_id="new-mou",
        kind="memorandum",
        title={"en": "New memorandum", "zh-hant": "新備忘錄"},
        signed_on=dt.date(2024, 11, 1),
    )
    decision = Decision.objects.exclude(status="in_progress").first()
    decision.status = "in_progress"
    decision.follow_up = {"en": "Working group formed"}
    decision.save()
    return services.close_cycle(open_cycle(), plenary(dt.date(2025, 5, 10), 3), secretariat_hk)


def test_report_compares_with_the_previous_plenary(second_close, measures):
    a, b, c = measures
    previous = Snapshot.objects.exclude(pk=second_close.pk).get()
    report = reports.compare(second_close.data, previous.data)
    lines = {line["id"]: line for area in report["areas"] for line in area["measures"]}
    la, lb, lc = lines[a.ext_id], lines[b.ext_id], lines[c.ext_id]
    assert la["status_hk_before"]["en"] == "Planning" and la["status_hk"]["en"] == "In progress"
    assert la["status_changed"] and la["percent_before"] == 30.0 and la["percent"] == 55.0 and la["change"] == 25.0
    assert la["updated_sides"] == ["hong_kong"] and not la["no_update"]
    assert [m["title"]["en"] for m in la["milestones_met"]] == ["Site chosen"]
    assert lb["no_update"] and lb["late"] and not lb["status_changed"]
    assert [m["title"]["en"] for m in lb["milestones_missed"]] == ["Contract signed"]
    assert lc["joint"]["en"] == "Completed" and not lc["late"]
    assert [x["id"] for x in report["agreements_new"]] == ["new-mou"]
    changed = [d for d in report["decisions"] if d["change"] == "changed"]
    frozen_before = {d["id"]: d["status"] for d in previous.data["decisions"]}
    assert len(changed) == 1 and changed[0]["status"] == "in_progress"
    assert changed[0]["status_before"] == frozen_before[changed[0]["id"]] != "in_progress"
    assert report["summary"]["no_update"] == len(lines) - 2
    assert report["summary"]["late"] == len(report["late"]) >= 1
    assert report["previous_meeting"]["id"] == "plenary-2"


@pytest.mark.parametrize(
    ("lang", "heading", "meeting"),
    [
        ("en", "Progress since the last plenary", "Plenary session 3"),
        ("zh-hant", "自上次全體會議以來的進展", "第3次全體會議"),
        ("zh-hans", "自上次全体会议以来的进展", "第3次全体会议"),
    ],
)
def test_report_page_in_each_language(second_close, client, lang, heading, meeting):
    html = client.get(f"/{lang}/reports/{second_close.pk}/").content.decode()
    assert heading in html and meeting in html
    assert "secret HK note" not in html  # internal narratives are never on the public report
    listing = client.get(f"/{lang}/reports/").content.decode()
    assert (
        second_close.get_absolute_url().replace("/en/", f"/{lang}/") in listing
        or f"/reports/{second_close.pk}/" in listing
    )


def _figure(value):
    """A cell as a spreadsheet program shows it: numbers compared as numbers."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def _pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(str(path))
    return "".join("".join(page.extract_text().split()) for page in reader.pages), len(reader.pages)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-hant", ["自上次全體會議以來的進展", "第3次全體會議", "創新科技", "進行中"]),
        ("zh-hans", ["自上次全体会议以来的进展", "第3次全体会议", "创新科技", "进行中"]),
        ("en", ["Progresssincethelastplenary", "Plenarysession3", "InnovationandTechnology", "Inprogress"]),
    ],
)
def test_generated_files_in_each_language(second_close, measures, client, secretariat_hk, lang, expected):
    client.force_login(secretariat_hk)
    response = client.post(f"/{lang}/reports/{second_close.pk}/generate/", {"language": lang})
    job = Job.objects.get(kind="report")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.DONE, job.message
    assert job.done == job.total == len(second_close.data["measures"]) + 4
    names = {fmt: selectors.report_job_file(job, fmt) for fmt in ("pdf", "xlsx", "csv", "html")}
    assert all(names.values())
    assert names["pdf"] == f"reports/{job.pk}/report-{second_close.pk}-{lang}.pdf"  # in the storage
    files = {fmt: Path(default_storage.path(name)) for fmt, name in names.items()}
    text, pages = _pdf_text(files["pdf"])
    for phrase in expected:
        assert phrase in text, phrase
    assert pages > 2 and f"2/{pages}" in text  # page numbers
    # the workbook's measures sheet and the CSV carry the same figures
    workbook = load_workbook(files["xlsx"])
    sheet_rows = [[_figure(v) for v in row] for row in workbook.worksheets[1].iter_rows(values_only=True)]
    csv_rows = list(csv.reader(io.StringIO(files["csv"].read_bytes().decode("utf-8-sig"))))
    assert sheet_rows == [[_figure(v) for v in row] for row in csv_rows]
    assert len(csv_rows) == len(second_close.data["measures"]) + 1
    a_row = next(r for r in csv_rows if r[1] == measures[0].ext_id)
    assert a_row[12:15] == ["30.0", "55.0", "25.0"]
    # the files are listed on the public report page and download without signing in
    client.logout()
    page = client.get(f"/{lang}/reports/{second_close.pk}/").content.decode()
    for fmt in ("pdf", "xlsx", "csv"):
        url = f"/{lang}/reports/{second_close.pk}/files/{lang}.{fmt}"
        assert url in page
        download = client.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == files[fmt].read_bytes()


def test_report_job_page_shows_progress(second_close, client, secretariat_hk):
    client.force_login(secretariat_hk)
    client.post(f"/en/reports/{second_close.pk}/generate/", {"language": "zh-hant"})
    job = Job.objects.get(kind="report")
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=10, total=40)
    html = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in html and "25%" in html and "Refresh to see the progress" in html
    Job.objects.filter(pk=job.pk).update(state=Job.State.DONE)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "hx-trigger" not in html and "/files/zh-hant.pdf" in html


def test_missing_files_are_not_found(second_close, client):
    assert client.get(f"/en/reports/{second_close.pk}/files/en.pdf").status_code == 404
    assert client.get("/en/reports/999/").status_code == 404


def test_first_report_has_no_previous(first_close, client):
    report = reports.compare(first_close.data, None)
    assert report["previous_meeting"] is None
    assert all(not line["new"] for area in report["areas"] for line in area["measures"])
    assert client.get(first_close.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_close_page_closes_the_cycle(plan, client, secretariat_cq, lang):
    cycle = open_cycle()
    meeting = plenary(dt.date(2024, 5, 10), 2)
    client.force_login(secretariat_cq)
    page = client.get(f"/{lang}/reports/close-cycle/")
    assert page.status_code == 200 and "Plenary session 2" in page.content.decode() or "第2次" in page.content.decode()
    refused = client.post(f"/{lang}/reports/close-cycle/", {"meeting": meeting.pk})  # not confirmed
    assert refused.status_code == 200 and not Snapshot.objects.exists()
    done = client.post(f"/{lang}/reports/close-cycle/", {"meeting": meeting.pk, "confirm": "on"})
    snapshot = Snapshot.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/reports/{snapshot.pk}/")
    assert snapshot.cycle == cycle and snapshot.taken_by == secretariat_cq
