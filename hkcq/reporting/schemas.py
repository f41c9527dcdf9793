"""Schemas of the reporting API: open data, plenary reports, cycles and background jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from hkcq.core.api import Language, Required, TextOut
from hkcq.reporting.models import Job, Snapshot

REPORT_FORMATS = ("html", "pdf", "xlsx", "csv")


class FieldOut(Schema):
    name: str
    description: str


class DatasetOut(Schema):
    id: str
    title: str
    description: str
    licence: str
    csv_url: str
    json_url: str
    fields: list[FieldOut]


class DatasetDocumentOut(Schema):
    """The JSON form of a dataset (the CSV form has the same records, one per line)."""

    dataset: str
    title: str
    licence: str
    generated_at: str
    fields: list[FieldOut]
    records: list[dict[str, Any]]


# -- plenary reports ---------------------------------------------------------------------------
class ReportFileOut(Schema):
    language: str
    format: str
    url: str


class ReportOut(Schema):
    """A closed cycle's frozen snapshot and the report built from it (public)."""

    id: int
    meeting: str = Field(description="ext_id of the plenary the cycle closed at")
    meeting_title: TextOut
    meeting_date: dt.date
    cycle: TextOut
    taken_at: dt.datetime
    digest: str = Field(description="SHA-256 of the snapshot's JSON")
    files: list[ReportFileOut] = Field(description="Generated files, newest generation per language")

    @staticmethod
    def of(snapshot: Snapshot, files: dict[str, Job] | None = None) -> dict[str, Any]:
        listed = []
        for language, job in (files or {}).items():
            for fmt in (job.result or {}).get("files", {}):
                url = f"/api/v1/reports/{snapshot.pk}/files/{language}/{fmt}"
                listed.append({"language": language, "format": fmt, "url": url})
        return {
            "id": snapshot.pk,
            "meeting": snapshot.meeting.ext_id,
            "meeting_title": TextOut.of(snapshot.meeting.title),
            "meeting_date": snapshot.meeting.date,
            "cycle": TextOut.of(snapshot.cycle.name),
            "taken_at": snapshot.taken_at,
            "digest": snapshot.digest,
            "files": listed,
        }


class SnapshotDataOut(Schema):
    digest: str
    intact: bool = Field(description="Whether the data still has its digest")
    data: dict[str, Any]


class ReportGenerateIn(Schema):
    language: Language


class DraftReportGenerateIn(Schema):
    language: Language
    as_of: dt.date | None = Field(
        None, description="The day the draft runs up to (the plenary's planned day); today when left out"
    )


class DraftReportOut(Schema):
    """The report the next plenary would get, as the registry stands now (not frozen): for the
    secretariat preparing it before the plenary is recorded and the cycle closed."""

    draft: bool = True
    as_of: dt.date = Field(description="The day the draft runs up to")
    since: dt.date | None = Field(description="The day of the last frozen report it is compared with (none: the first)")
    previous: int | None = Field(description="The id of the last frozen report it is compared with")
    cycle: TextOut
    summary: dict[str, int] = Field(description="Measures per state, as the report's summary counts them")
    late: list[str] = Field(description="Codes of the measures late by then")
    no_update: list[str] = Field(description="Codes of the measures with no published update this cycle")


class CycleOut(Schema):
    name: TextOut
    opens_on: dt.date
    published: int = Field(description="Updates published in the cycle so far")
    meetings: list[str] = Field(description="ext_ids of the plenaries the cycle can close at")


class CycleCloseIn(Schema):
    meeting: Required = Field(description="ext_id of a plenary on or after the day the cycle opened")


# -- background jobs -----------------------------------------------------------------------------
class ImportRowOut(Schema):
    line: int
    key: str
    action: str
    errors: list[str]
    changes: list[str]


class JobSummaryOut(Schema):
    """A background job as lists show it (without its result)."""

    id: str
    kind: str
    state: str
    state_label: str
    active: bool
    url: str = Field(description="Where to poll this job")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    percent: int
    upload_name: str = ""

    @staticmethod
    def of(job: Job) -> dict[str, Any]:
        return {
            "id": str(job.pk),
            "kind": job.kind,
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "active": job.is_active,
            "url": _job_url(job),
            "created_at": job.created_at,
            "finished_at": job.finished_at,
            "percent": job.percent,
            "upload_name": job.upload_name,
        }


def _job_url(job: Job) -> str:
    return f"/api/v1/imports/{job.pk}" if job.is_import else f"/api/v1/reports/jobs/{job.pk}"


class JobOut(Schema):
    """A background job (a report generation or a spreadsheet import). Poll ``url`` until
    ``active`` is false."""

    id: str
    kind: str
    state: str
    state_label: str
    active: bool
    url: str = Field(description="Where to poll this job")
    language: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    total: int
    done: int
    percent: int
    message: str = Field(description="Why the job failed, in its language")
    snapshot: int | None = Field(None, description="A report job: the report's id")
    draft: bool = Field(False, description="A draft report for the next plenary (the open cycle, not frozen)")
    as_of: dt.date | None = Field(None, description="A draft report: the day it runs up to")
    files: list[ReportFileOut] = []
    upload_name: str = ""
    counts: dict[str, int] = Field({}, description="An import: rows per action (the dry run)")
    applied: dict[str, int] | None = Field(None, description="An import: rows written, once applied")
    omitted: dict[str, int] = Field({}, description="An import: rows per action left out of rows")
    rows: list[ImportRowOut] = Field([], description="An import: the checked rows, errors first when cut")

    @staticmethod
    def of(job: Job) -> dict[str, Any]:
        result = job.result or {}
        snapshot = job.params.get("snapshot") if not job.is_import else None
        url = _job_url(job)
        files = []
        draft = bool(job.params.get("draft")) and not job.is_import
        if (snapshot is not None or draft) and job.state == Job.State.DONE:
            files = [
                {
                    "language": job.language,
                    "format": fmt,
                    "url": f"/api/v1/reports/jobs/{job.pk}/files/{fmt}"
                    if draft
                    else f"/api/v1/reports/{snapshot}/files/{job.language}/{fmt}",
                }
                for fmt in result.get("files", {})
            ]
        return {
            "id": str(job.pk),
            "kind": job.kind,
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "active": job.is_active,
            "url": url,
            "language": job.language,
            "created_at": job.created_at,
            "finished_at": job.finished_at,
            "total": job.total,
            "done": job.done,
            "percent": job.percent,
            "message": job.message,
            "snapshot": snapshot,
            "draft": draft,
            "as_of": job.params.get("as_of") if draft else None,
            "files": files,
            "upload_name": job.upload_name,
            "counts": result.get("counts", {}) if job.is_import else {},
            "applied": result.get("applied") if job.is_import else None,
            "omitted": (result.get("omitted") or {}) if job.is_import else {},
            "rows": result.get("rows", []) if job.is_import else [],
        }


class ImportKindOut(Schema):
    kind: str
    label: str
    columns: list[str]
