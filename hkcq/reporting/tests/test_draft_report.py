"""The secretariat prepares the plenary report before the plenary is recorded: a draft of the open
cycle as it stands, up to today or the plenary's planned day, on a page and through the API, with
its PDF, workbook and CSV. The new-user trial found that the report ("since the last plenary")
could only be generated once the next plenary had been recorded and the cycle closed. Nothing is
frozen by a draft: the cycle stays open and no snapshot is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from hkcq.accounts.services import api_token_create
from hkcq.core.dates import TZ
from hkcq.progress.models import ReportingCycle
from hkcq.reporting import services
from hkcq.reporting.models import Job, Snapshot

from .helpers import open_cycle, plenary

TITLES = {
    "en": "Draft report for the next plenary",
    "zh-hant": "下次全體會議報告擬稿",
    "zh-hans": "下次全体会议报告草稿",
}
PLANNED = {"en": "20 December 2026", "zh-hant": "2026年12月20日", "zh-hans": "2026年12月20日"}


def _today(lang: str) -> str:
    today = timezone.localdate(timezone=TZ)
    return f"{today.day} {today:%B} {today.year}" if lang == "en" else f"{today.year}年{today.month}月{today.day}日"


@pytest.mark.parametrize("lang", list(TITLES))
def test_the_draft_page_shows_the_report_up_to_today_or_a_planned_day(plan, client, secretariat_hk, lang):
    cycle = open_cycle(dt.date(2023, 5, 12))  # the first cycle, from the day after the first plenary
    client.force_login(secretariat_hk)
    # The reports page and the close page (no plenary recorded yet) lead to the draft.
    assert f'href="/{lang}/reports/draft/"' in client.get(f"/{lang}/reports/").content.decode()
    assert f'href="/{lang}/reports/draft/"' in client.get(f"/{lang}/reports/close-cycle/").content.decode()

    response = client.get(f"/{lang}/reports/draft/")
    page = response.content.decode()
    assert response.status_code == 200
    assert TITLES[lang] in page and _today(lang) in page
    assert 'id="r-summary"' in page  # the report itself, as the plenary would get it
    # No plenary to close at yet: the page says to record it, with the link.
    assert f'href="/{lang}/meetings/new/?kind=plenary"' in page

    planned = client.get(f"/{lang}/reports/draft/?as_of=2026-12-20").content.decode()
    assert PLANNED[lang] in planned and 'value="2026-12-20"' in planned

    too_early = client.get(f"/{lang}/reports/draft/?as_of=2020-01-01")
    assert too_early.status_code == 400 and 'id="d-as-of-error"' in too_early.content.decode()
    # A draft freezes nothing.
    assert not Snapshot.objects.exists()
    assert ReportingCycle.objects.get(pk=cycle.pk).state == "open"


def test_the_draft_files_are_generated_from_the_page(plan, client, secretariat_hk):
    open_cycle()
    client.force_login(secretariat_hk)
    response = client.post("/zh-hant/reports/draft/generate/", {"language": "zh-hant", "as_of": "2026-12-20"})
    job = Job.objects.get(kind=Job.Kind.REPORT)
    assert response.status_code == 302 and response["Location"] == f"/zh-hant/reports/jobs/{job.pk}/"
    assert job.state == Job.State.DONE, job.message
    assert job.params["draft"] is True and job.params["as_of"] == "2026-12-20"
    page = client.get(response["Location"]).content.decode()
    assert "下次全體會議報告擬稿（截至2026年12月20日）" in page
    for fmt, kind in (("pdf", "application/pdf"), ("csv", "text/csv")):
        assert f'href="/zh-hant/reports/jobs/{job.pk}/files/{fmt}"' in page
        download = client.get(f"/zh-hant/reports/jobs/{job.pk}/files/{fmt}")
        assert download.status_code == 200 and download["Content-Type"].startswith(kind)
    assert not Snapshot.objects.exists()


def test_only_the_secretariat_sees_or_generates_a_draft(plan, client, officer_hk, resident):
    open_cycle()
    assert client.get("/en/reports/draft/").status_code == 302  # to sign in
    for user in (officer_hk, resident):
        client.force_login(user)
        assert client.get("/en/reports/draft/").status_code == 403
        assert client.post("/en/reports/draft/generate/", {"language": "en"}).status_code == 403
    assert not Job.objects.exists()


def _api(user) -> Client:
    _, raw = api_token_create(user=user, name="t")
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_the_api_gives_the_draft_and_generates_its_files(plan, secretariat_hk, officer_hk):
    cycle = open_cycle()
    api = _api(secretariat_hk)
    draft = api.get("/api/v1/reports/draft")
    assert draft.status_code == 200, draft.content
    body = draft.json()
    assert body["as_of"] == timezone.localdate(timezone=TZ).isoformat() and body["draft"] is True
    assert body["previous"] is None and body["since"] is None  # the first report
    assert body["summary"]["measures"] > 0
    assert api.get("/api/v1/reports/draft?as_of=2026-12-20").json()["as_of"] == "2026-12-20"
    assert api.get("/api/v1/reports/draft?as_of=2020-01-01").status_code == 422

    started = api.post(
        "/api/v1/reports/draft/generate", {"language": "en", "as_of": "2026-12-20"}, content_type="application/json"
    )
    assert started.status_code == 202, started.content
    job = started.json()
    assert job["state"] == "done" and job["draft"] is True and job["as_of"] == "2026-12-20"
    urls = {f["format"]: f["url"] for f in job["files"]}
    assert urls["xlsx"] == f"/api/v1/reports/jobs/{job['id']}/files/xlsx"
    assert api.get(urls["xlsx"]).status_code == 200
    assert api.get(f"/api/v1/reports/jobs/{job['id']}/files/docx").status_code == 404

    assert _api(officer_hk).get("/api/v1/reports/draft").status_code == 403
    assert (
        _api(officer_hk)
        .post("/api/v1/reports/draft/generate", {"language": "en"}, content_type="application/json")
        .status_code
        == 403
    )
    assert not Snapshot.objects.exists() and ReportingCycle.objects.get(pk=cycle.pk).state == "open"


def test_a_draft_after_a_plenary_compares_with_the_last_frozen_report(plan, secretariat_hk):
    cycle = open_cycle()
    meeting = plenary(dt.date(2024, 6, 1), 2)
    snapshot = services.cycle_close(user=secretariat_hk, cycle=cycle, meeting=meeting)
    body = _api(secretariat_hk).get("/api/v1/reports/draft").json()
    assert body["previous"] == snapshot.pk and body["since"] == "2024-06-01"


def test_without_an_open_cycle_the_draft_is_a_conflict(plan, secretariat_hk):
    assert not ReportingCycle.objects.filter(state="open").exists()
    api = _api(secretariat_hk)
    assert api.get("/api/v1/reports/draft").status_code == 409
    started = api.post("/api/v1/reports/draft/generate", {"language": "en"}, content_type="application/json")
    assert started.status_code == 409
