"""Writes of the reporting app: imports (check, confirm, apply, abandon), closing cycles, reports.

Every function checks permission, validates and owns its transaction. The task bodies
(``import_check``, ``import_apply``, ``report_generate``) take a job id and run in the worker.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hkcq.core.errors import DomainError, InvalidInput, NotPermitted
from hkcq.reporting import permissions
from hkcq.reporting.imports import CREATE, ERROR, IMPORTERS, UNCHANGED, UPDATE
from hkcq.reporting.models import Job
from hkcq.reporting.tables import EXTENSIONS, read_table

logger = logging.getLogger(__name__)

IMPORT_MAX_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 25


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted()


def imports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def reports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


# -- imports ---------------------------------------------------------------------------------
def import_start(*, user: Any, kind: str, upload: UploadedFile, language: str) -> Job:
    """Keep the uploaded file under DATA_DIR/imports/ and record a job to check it.
    The caller enqueues the check (``tasks.import_check_task``)."""
    _require(permissions.can_import(user))
    if kind not in IMPORTERS:
        raise InvalidInput(details={"kind": [_("Choose what the file holds.")]})
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise InvalidInput(details={"file": [_("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")]})
    if (upload.size or 0) > IMPORT_MAX_BYTES:
        raise InvalidInput(details={"file": [_("The file is larger than 20 MB. Split it and upload the parts.")]})
    if not upload.size:
        raise InvalidInput(details={"file": [_("The file is empty.")]})
    stored = f"{uuid.uuid4().hex}{suffix}"
    with (imports_dir() / stored).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return Job.objects.create(
        kind=kind, created_by=user, language=language, upload=stored, upload_name=name[:255], state=Job.State.QUEUED
    )


def _run_checks(job: Job, *, report_progress: bool) -> tuple[list[Any], Any]:
    """Read the job's file and check every row. Raises InvalidInput for a file-level problem."""
    importer = IMPORTERS[job.kind](job.created_by)
    table = read_table(imports_dir() / job.upload, job.upload_name)
    missing = importer.check_header(table)
    if missing:
        raise InvalidInput(
            _("Columns missing from the first row: %(columns)s. Download the template to see the columns.")
            % {"columns": ", ".join(missing)}
        )
    records = list(table.records())
    if not records:
        raise InvalidInput(_("The file has no rows under its header."))
    if report_progress:
        Job.objects.filter(pk=job.pk).update(total=len(records), done=0)
    checked = []
    for index, (line, row) in enumerate(records, start=1):
        checked.append(importer.check(line, row))
        if report_progress and index % PROGRESS_EVERY == 0:
            Job.objects.filter(pk=job.pk).update(done=index)
    return checked, importer


def _counts(checked: list[Any]) -> dict[str, int]:
    counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
    for row in checked:
        counts[row.action] += 1
    return counts


def import_check(*, job_id: str) -> None:
    """The dry run: check every row and record what would happen. Writes nothing but the job."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.state != Job.State.QUEUED:
        return
    Job.objects.filter(pk=job.pk).update(state=Job.State.CHECKING)
    with translation.override(job.language):
        try:
            checked, _importer = _run_checks(job, report_progress=True)
        except InvalidInput as exc:
            _finish(job, Job.State.FAILED, message=str(exc.message))
            return
        except Exception:
            logger.exception("Import check failed")
            _finish(job, Job.State.FAILED, message=_("The file could not be checked. Try again, or contact support."))
            return
    job.result = {"counts": _counts(checked), "rows": [row.as_json() for row in checked]}
    job.total = job.done = len(checked)
    job.state = Job.State.PREVIEW
    job.save(update_fields=["result", "total", "done", "state"])


def import_confirm(*, user: Any, job: Job) -> Job:
    """Accept a checked file: the apply task is then enqueued by the caller."""
    _require(permissions.can_import(user))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.state != Job.State.PREVIEW:
            raise InvalidInput(_("This import is not waiting for confirmation."))
        if job.result.get("counts", {}).get(ERROR):
            raise InvalidInput(_("Correct the rows with errors and upload the file again; nothing has been written."))
        job.state = Job.State.APPLYING
        job.params = {**job.params, "confirmed_by": user.pk, "confirmed_at": timezone.now().isoformat()}
        job.save(update_fields=["state", "params"])
    return job


def import_apply(*, job_id: str) -> None:
    """Apply a confirmed import in ONE transaction: every row, or nothing.

    The rows are checked again first (the database may have changed since the preview); if
    any row fails now, nothing is written and the job says which row and why."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.state != Job.State.APPLYING:
        return
    with translation.override(job.language):
        try:
            with transaction.atomic():
                checked, importer = _run_checks(job, report_progress=False)
                failed = [row for row in checked if row.action == ERROR]
                if failed:
                    first = failed[0]
                    raise InvalidInput(
                        _("Line %(line)s: %(reason)s Nothing has been written.")
                        % {"line": first.line, "reason": " ".join(first.errors)}
                    )
                for row in checked:
                    if row.action in (CREATE, UPDATE):
                        try:
                            importer.apply(row)
                        except DomainError as exc:
                            details = "; ".join(
                                f"{k}: {' '.join(str(m) for m in v)}" for k, v in (exc.details or {}).items()
                            )
                            raise InvalidInput(
                                _("Line %(line)s: %(reason)s Nothing has been written.")
                                % {"line": row.line, "reason": f"{exc.message} {details}".strip()}
                            ) from exc
        except InvalidInput as exc:
            _finish(job, Job.State.FAILED, message=str(exc.message))
            return
        except Exception:
            logger.exception("Import apply failed")
            _finish(job, Job.State.FAILED, message=_("The import failed and nothing has been written. Try again."))
            return
    job.result = {**job.result, "applied": _counts(checked)}
    _finish(job, Job.State.DONE)


def import_abandon(*, user: Any, job: Job) -> Job:
    """Leave a checked import without applying it: nothing is written and the file is deleted."""
    _require(permissions.can_import(user))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.state not in (Job.State.PREVIEW, Job.State.FAILED, Job.State.QUEUED):
            raise InvalidInput(_("This import can no longer be abandoned."))
        job.state = Job.State.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "finished_at"])
    (imports_dir() / job.upload).unlink(missing_ok=True)
    return job


def _finish(job: Job, state: str, *, message: str = "") -> None:
    job.state = state
    job.message = message
    job.finished_at = timezone.now()
    if state == Job.State.DONE:
        job.done = job.total
    job.save(update_fields=["state", "message", "finished_at", "result", "done"])


def remove_job_files(job: Job) -> None:
    if job.upload:
        (imports_dir() / job.upload).unlink(missing_ok=True)
    shutil.rmtree(reports_dir() / str(job.pk), ignore_errors=True)
