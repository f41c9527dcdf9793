"""Reporting API: open data (public); plenary reports (public) with their generation, the
reporting cycle's close and spreadsheet imports (the secretariat). Report generation and an
import's check and apply run as background jobs: the operation answers 202 with the job, which
the client polls at its ``url`` (``GET /reports/jobs/{id}``, ``GET /imports/{id}``)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath
from typing import Annotated, Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import ERRORS, ErrorOut, Mapped, TextOut, file_answer
from hkcq.core.errors import Conflict, NotFound, UnknownReference
from hkcq.core.exports import XLSX_TYPE, download
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.core.translated import current_language
from hkcq.reporting import opendata, permissions, selectors, services, tasks
from hkcq.reporting.imports import IMPORTERS
from hkcq.reporting.models import Job
from hkcq.reporting.schemas import (
    CycleCloseIn,
    CycleOut,
    DatasetDocumentOut,
    DatasetOut,
    DraftReportGenerateIn,
    DraftReportOut,
    ImportKindOut,
    JobOut,
    JobSummaryOut,
    ReportGenerateIn,
    ReportOut,
    SnapshotDataOut,
)

router = Router(tags=["open data and reports"])


def _dataset(d: opendata.Dataset) -> dict[str, Any]:
    return {
        "id": d.slug,
        "title": str(d.title),
        "description": str(d.description),
        "licence": str(opendata.LICENCE),
        "csv_url": f"/api/v1/open-data/{d.slug}?format=csv",
        "json_url": f"/api/v1/open-data/{d.slug}?format=json",
        "fields": [{"name": c.name, "description": str(c.description)} for c in d.columns],
    }


@router.get("/open-data", response=list[DatasetOut], summary="List the open datasets with their fields")
@paginate
def list_datasets(request: HttpRequest) -> list[dict[str, Any]]:
    return [_dataset(d) for d in opendata.DATASETS.values()]


@router.get(
    "/open-data/{dataset}",
    response={200: DatasetDocumentOut, 404: ErrorOut},
    summary="Download one open dataset as JSON or CSV",
    openapi_extra=file_answer(
        "The whole dataset",
        schemas={
            "application/json": {"$ref": "#/components/schemas/DatasetDocumentOut"},
            "text/csv": {"type": "string"},
        },
    ),
)
def get_dataset(request: HttpRequest, dataset: str, format: str | None = None) -> HttpResponse:  # noqa: A002
    """``format=csv`` or ``format=json``; without it, an ``Accept: text/csv`` header asks for CSV
    and anything else gets JSON. The records have the same columns in both formats."""
    found = opendata.DATASETS.get(dataset)
    if found is None:
        raise Http404
    if format is None:
        format = "csv" if "text/csv" in request.headers.get("Accept", "") else "json"  # noqa: A001
    if format == "csv":
        response = HttpResponse(
            ("\ufeff" + opendata.dataset_csv(found)).encode(), content_type="text/csv; charset=utf-8"
        )
    elif format == "json":
        response = HttpResponse(opendata.dataset_json(found), content_type="application/json; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'inline; filename="{dataset}.{format}"'
    return response


# -- plenary reports -------------------------------------------------------------------------------
def _job_started(response: HttpResponse, job: Job) -> Status[dict[str, Any]]:
    """202 with the job (read again: a synchronous task backend has already run it) and its URL."""
    job.refresh_from_db()
    out = JobOut.of(job)
    response["Location"] = out["url"]
    return Status(202, out)


@router.get("/reports", response=list[ReportOut], auth=None, summary="Plenary reports (closed cycles), newest first")
@paginate(LimitOffsetPagination)
def list_reports(request: HttpRequest) -> Any:
    return Mapped.pages(selectors.snapshot_list(), _reports_out)


def _reports_out(snapshots: list[Any]) -> list[dict[str, Any]]:
    files = selectors.reports_files(snapshots)
    return [ReportOut.of(s, files[s.pk]) for s in snapshots]


@router.get("/reports/jobs", response={200: list[JobSummaryOut], **ERRORS}, auth=STAFF_AUTH, summary="Report jobs")
@paginate(LimitOffsetPagination)
def list_report_jobs(request: AuthedRequest) -> Any:
    require(permissions.can_see_job(request.auth))
    return Mapped(selectors.job_list(kinds=selectors.REPORT_KINDS), JobSummaryOut.of)


@router.get(
    "/reports/jobs/{job_id}", response={200: JobOut, **ERRORS}, auth=STAFF_AUTH, summary="One report job (poll it)"
)
def get_report_job(request: AuthedRequest, job_id: uuid.UUID) -> dict[str, Any]:
    return JobOut.of(selectors.job_get_for_user(user=request.auth, job_id=job_id, kinds=selectors.REPORT_KINDS))


@router.post(
    "/reports/jobs/{job_id}/retry",
    response={202: JobOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Generate a failed report again (202: poll the job)",
)
def retry_report_job(request: AuthedRequest, response: HttpResponse, job_id: uuid.UUID) -> Status[dict[str, Any]]:
    job = selectors.job_get_for_user(user=request.auth, job_id=job_id, kinds=selectors.REPORT_KINDS)
    return _job_started(response, services.job_retry(user=request.auth, job=job))


@router.get("/reports/cycle", response={200: CycleOut, **ERRORS}, auth=STAFF_AUTH, summary="The open reporting cycle")
def get_open_cycle(request: AuthedRequest) -> dict[str, Any]:
    require(permissions.can_close_cycle(request.auth))
    cycle = selectors.open_cycle()
    if cycle is None:
        raise NotFound(_("There is no open reporting cycle to close. Open one on the progress pages first."))
    return {
        "name": TextOut.of(cycle.name),
        "opens_on": cycle.opens_on,
        "published": selectors.cycle_published_count(cycle),
        "meetings": list(selectors.closing_meetings(cycle).values_list("ext_id", flat=True)),
    }


@router.post(
    "/reports/close-cycle",
    response={201: ReportOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Close the open reporting cycle at a plenary: freezes its snapshot, opens the next cycle",
)
def close_cycle(request: AuthedRequest, payload: CycleCloseIn) -> Status[dict[str, Any]]:
    require(permissions.can_close_cycle(request.auth))
    cycle = selectors.open_cycle()
    if cycle is None:  # the state of things, not the request: 409
        raise Conflict(
            details={"cycle": [_("There is no open reporting cycle to close. Open one on the progress pages first.")]}
        )
    meeting = selectors.closing_meetings(cycle).filter(ext_id=payload.meeting).first()
    if meeting is None:
        raise UnknownReference(details={"meeting": [_("Choose the plenary at which the cycle closes.")]})
    snapshot = services.cycle_close(user=request.auth, cycle=cycle, meeting=meeting)
    return Status(201, ReportOut.of(snapshot))


def _open_cycle_or_conflict() -> Any:
    cycle = selectors.open_cycle()
    if cycle is None:  # the state of things, not the request: 409
        raise Conflict(
            details={"cycle": [_("There is no open reporting cycle to close. Open one on the progress pages first.")]}
        )
    return cycle


@router.get(
    "/reports/draft",
    response={200: DraftReportOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="The draft report for the next plenary: the open cycle as it stands, up to a day (today by default)",
)
def get_draft_report(request: AuthedRequest, as_of: dt.date | None = None) -> dict[str, Any]:
    """For preparing the report before the next plenary is recorded and the cycle closed: the open
    cycle as the registry stands now, compared with the last frozen report, up to ``as_of`` (the
    plenary's planned day; today when left out). Nothing is frozen or stored."""
    require(permissions.can_generate_report(request.auth))
    cycle = _open_cycle_or_conflict()
    day = selectors.draft_as_of(cycle, as_of)
    report = selectors.draft_report(cycle=cycle, as_of=day)
    previous = selectors.latest_snapshot()
    return {
        "as_of": day,
        "since": report["since"],
        "previous": previous.pk if previous else None,
        "cycle": TextOut.of(cycle.name),
        "summary": report["summary"],
        "late": [line["code"] for line in report["late"]],
        "no_update": [line["code"] for line in report["no_update"]],
    }


@router.post(
    "/reports/draft/generate",
    response={202: JobOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Generate the draft report's files in one language (202: poll the job; its files are in the job)",
)
def generate_draft_report(
    request: AuthedRequest, response: HttpResponse, payload: DraftReportGenerateIn
) -> Status[dict[str, Any]]:
    require(permissions.can_generate_report(request.auth))
    _open_cycle_or_conflict()
    job = services.draft_report_start(user=request.auth, language=payload.language, as_of=payload.as_of)
    tasks.report_generate_task.enqueue(job_id=str(job.pk))
    return _job_started(response, job)


@router.get(
    "/reports/jobs/{job_id}/files/{fmt}",
    response={200: bytes, **ERRORS},
    auth=STAFF_AUTH,
    summary="Download a file a report job generated (pdf, xlsx, csv or html), a draft's included",
    openapi_extra=file_answer("The file", *selectors.CONTENT_TYPES.values()),
)
def download_report_job_file(request: AuthedRequest, job_id: uuid.UUID, fmt: str) -> FileResponse:
    job = selectors.job_get_for_user(user=request.auth, job_id=job_id, kinds=selectors.REPORT_KINDS)
    name = selectors.report_job_file(job, fmt) if fmt in selectors.CONTENT_TYPES else None
    if name is None:
        raise NotFound()
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=fmt != "html",
        filename=PurePosixPath(name).name,
        content_type=selectors.CONTENT_TYPES[fmt],
    )


@router.get("/reports/{snapshot_id}", response={200: ReportOut, 404: ErrorOut}, auth=None, summary="One plenary report")
def get_report(request: HttpRequest, snapshot_id: int) -> dict[str, Any]:
    snapshot = selectors.snapshot_get(snapshot_id)
    return ReportOut.of(snapshot, selectors.report_files(snapshot))


@router.post(
    "/reports/{snapshot_id}/generate",
    response={202: JobOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Generate a report's files in one language (202: poll the job)",
)
def generate_report(
    request: AuthedRequest, response: HttpResponse, snapshot_id: int, payload: ReportGenerateIn
) -> Status[dict[str, Any]]:
    snapshot = selectors.snapshot_get(snapshot_id)
    job = services.report_start(user=request.auth, snapshot=snapshot, language=payload.language)
    tasks.report_generate_task.enqueue(job_id=str(job.pk))
    return _job_started(response, job)


@router.get(
    "/reports/{snapshot_id}/files/{language}/{fmt}",
    response={200: bytes, 404: ErrorOut},
    auth=None,
    summary="Download a generated report file (pdf, xlsx, csv or html)",
    openapi_extra=file_answer("The file", *selectors.CONTENT_TYPES.values()),
)
def download_report_file(request: HttpRequest, snapshot_id: int, language: str, fmt: str) -> FileResponse:
    name = selectors.report_file_name(selectors.snapshot_get(snapshot_id), language, fmt)
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=fmt != "html",
        filename=PurePosixPath(name).name,
        content_type=selectors.CONTENT_TYPES[fmt],
    )


@router.get(
    "/reports/{snapshot_id}/snapshot",
    response={200: SnapshotDataOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="The raw frozen snapshot (it holds internal narratives: secretariat only)",
)
def get_snapshot_data(request: AuthedRequest, snapshot_id: int) -> dict[str, Any]:
    require(permissions.can_read_snapshot_data(request.auth))
    snapshot = selectors.snapshot_get(snapshot_id)
    return {"digest": snapshot.digest, "intact": snapshot.is_intact, "data": snapshot.data}


# -- imports -----------------------------------------------------------------------------------
@router.get("/imports", response={200: list[JobSummaryOut], **ERRORS}, auth=STAFF_AUTH, summary="Spreadsheet imports")
@paginate(LimitOffsetPagination)
def list_imports(request: AuthedRequest) -> Any:
    require(permissions.can_import(request.auth))
    return Mapped(selectors.job_list(kinds=selectors.IMPORT_KINDS), JobSummaryOut.of)


@router.get(
    "/imports/kinds", response={200: list[ImportKindOut], **ERRORS}, auth=STAFF_AUTH, summary="What can be imported"
)
@paginate(LimitOffsetPagination)
def list_import_kinds(request: AuthedRequest) -> Any:
    require(permissions.can_import(request.auth))
    kinds: dict[str, Any] = IMPORTERS
    return [
        {"kind": kind, "label": str(Job.Kind(kind).label), "columns": list(importer.columns)}
        for kind, importer in kinds.items()
    ]


@router.get(
    "/imports/templates/{kind}/{fmt}",
    response={200: bytes, **ERRORS},
    auth=STAFF_AUTH,
    summary="A spreadsheet to fill in for an import (csv or xlsx): its columns and an example row",
    openapi_extra=file_answer("The template", "text/csv", XLSX_TYPE),
)
def download_import_template(request: AuthedRequest, kind: str, fmt: str) -> HttpResponse:
    require(permissions.can_import(request.auth))
    return download(*selectors.import_template(kind, fmt))


# The kinds of import (the service refuses others with its own message).
ImportKind = Annotated[str, Field(json_schema_extra={"enum": list(selectors.IMPORT_KINDS)})]


@router.post(
    "/imports",
    response={202: JobOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Upload a spreadsheet (multipart): it is checked as a dry run; poll the job for the preview",
)
def upload_import(
    request: AuthedRequest,
    response: HttpResponse,
    kind: Form[ImportKind],
    file: File[UploadedFile],
) -> Status[dict[str, Any]]:
    job = services.import_start(user=request.auth, kind=kind, upload=file, language=current_language())
    tasks.import_check_task.enqueue(job_id=str(job.pk))
    return _job_started(response, job)


@router.get(
    "/imports/{job_id}",
    response={200: JobOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="One import: its dry run and outcome",
)
def get_import(request: AuthedRequest, job_id: uuid.UUID) -> dict[str, Any]:
    return JobOut.of(selectors.job_get_for_user(user=request.auth, job_id=job_id, kinds=selectors.IMPORT_KINDS))


@router.post(
    "/imports/{job_id}/confirm",
    response={202: JobOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Apply a checked import (all rows or none; 202: poll the job)",
)
def confirm_import(request: AuthedRequest, response: HttpResponse, job_id: uuid.UUID) -> Status[dict[str, Any]]:
    job = selectors.job_get_for_user(user=request.auth, job_id=job_id, kinds=selectors.IMPORT_KINDS)
    job = services.import_confirm(user=request.auth, job=job)
    tasks.import_apply_task.enqueue(job_id=str(job.pk))
    return _job_started(response, job)


@router.post(
    "/imports/{job_id}/retry",
    response={202: JobOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Check a failed import again from its file (202: poll the job; then confirm it)",
)
def retry_import(request: AuthedRequest, response: HttpResponse, job_id: uuid.UUID) -> Status[dict[str, Any]]:
    job = selectors.job_get_for_user(user=request.auth, job_id=job_id, kinds=selectors.IMPORT_KINDS)
    return _job_started(response, services.job_retry(user=request.auth, job=job))


@router.post(
    "/imports/{job_id}/abandon",
    response={200: JobOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Abandon a checked import: nothing is written",
)
def abandon_import(request: AuthedRequest, job_id: uuid.UUID) -> dict[str, Any]:
    job = selectors.job_get_for_user(user=request.auth, job_id=job_id, kinds=selectors.IMPORT_KINDS)
    return JobOut.of(services.import_abandon(user=request.auth, job=job))
