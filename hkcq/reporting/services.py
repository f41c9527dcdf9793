"""Writes of the reporting app: imports (check, confirm, apply, abandon), closing cycles, reports.

Every function checks permission, validates and owns its transaction. The task bodies
(``import_check``, ``import_apply``, ``report_generate``) take a job id and run in the worker.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hkcq.core.errors import DomainError, InvalidInput
from hkcq.core.exports import csv_text, html_to_pdf, xlsx_bytes
from hkcq.core.permissions import require
from hkcq.core.translated import LANGS, TText
from hkcq.progress import rollups
from hkcq.progress.models import ProgressUpdate, ReportingCycle
from hkcq.reporting import permissions, reports, selectors, snapshots
from hkcq.reporting.imports import CREATE, ERROR, IMPORTERS, UNCHANGED, UPDATE
from hkcq.reporting.models import Job, Snapshot
from hkcq.reporting.tables import EXTENSIONS, read_table

logger = logging.getLogger(__name__)

# The file's size; its rows, cells and decompressed size are limited while it is read
# (hkcq.core.sheets: IMPORT_MAX_ROWS, IMPORT_MAX_CELLS, IMPORT_MAX_UNCOMPRESSED_BYTES, …).
IMPORT_MAX_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 25


# Files go through Django's storage API (STORAGES["default"]: MEDIA_ROOT, a shared volume or an
# S3-compatible store), so a worker on one server reads what a web server on another stored.
def import_file_name(job: Job) -> str:
    """The storage name of an import's uploaded file."""
    return f"imports/{job.upload}"


def report_file_name(job: Job, fmt: str) -> str | None:
    """The storage name of a generated report file, if it was generated and is still there."""
    name = (job.result or {}).get("files", {}).get(fmt)
    if not name:
        return None
    stored = f"reports/{job.pk}/{name}"
    return stored if default_storage.exists(stored) else None


def _store(name: str, content: bytes) -> None:
    """Write ``content`` under exactly ``name`` (replacing a file left by an earlier attempt)."""
    default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another process wrote it in between
        raise RuntimeError(f"stored as {saved}, not {name}")


# -- imports ---------------------------------------------------------------------------------
def import_start(*, user: Any, kind: str, upload: UploadedFile, language: str) -> Job:
    """Keep the uploaded file in the storage (imports/) and record a job to check it.
    The caller enqueues the check (``tasks.import_check_task``)."""
    require(permissions.can_import(user))
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
    # What the file is comes from its bytes: the importer reads it as a workbook or as UTF-8 CSV and refuses
    # anything else with the precise reason (reporting/tables.py); the file is never served back.
    stored = f"{uuid.uuid4().hex}{suffix}"
    saved = default_storage.save(f"imports/{stored}", upload)
    stored = saved.removeprefix("imports/")
    return Job.objects.create(
        kind=kind, created_by=user, language=language, upload=stored, upload_name=name[:255], state=Job.State.QUEUED
    )


def _run_checks(job: Job, *, report_progress: bool) -> tuple[list[Any], Any]:
    """Read the job's file and check every row. Raises InvalidInput for a file-level problem."""
    importer = IMPORTERS[job.kind](job.created_by)
    with default_storage.open(import_file_name(job), "rb") as upload:
        table = read_table(upload, job.upload_name)
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


MESSAGE_CHARS = 500


def stored_rows(checked: list[Any]) -> dict[str, Any]:
    """What a job keeps of its checked rows: at most ``IMPORT_RESULT_MAX_ROWS`` (rows with errors
    first, then the others, in line order), each message cut to ``MESSAGE_CHARS``; the rows left
    out are counted per action (``omitted``), so a large file leaves a small result and its pages
    stay fast."""
    cap = settings.IMPORT_RESULT_MAX_ROWS
    errors = [row for row in checked if row.action == ERROR]
    others = [row for row in checked if row.action != ERROR]
    kept = errors[:cap] + others[: max(cap - len(errors), 0)]
    omitted = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
    kept_ids = {id(row) for row in kept}
    for row in checked:
        if id(row) not in kept_ids:
            omitted[row.action] += 1
    rows = []
    for row in sorted(kept, key=lambda r: r.line):
        data = row.as_json()
        data["key"] = str(data["key"])[:200]
        data["errors"] = [str(m)[:MESSAGE_CHARS] for m in data["errors"]]
        data["changes"] = [str(c)[:100] for c in data["changes"]]
        rows.append(data)
    result: dict[str, Any] = {"rows": rows}
    if any(omitted.values()):
        result["omitted"] = omitted
    return result


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
    job.result = {"counts": _counts(checked), **stored_rows(checked)}
    job.total = job.done = len(checked)
    job.state = Job.State.PREVIEW
    job.save(update_fields=["result", "total", "done", "state"])


def import_confirm(*, user: Any, job: Job) -> Job:
    """Accept a checked file: the apply task is then enqueued by the caller."""
    require(permissions.can_import(user))
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
    require(permissions.can_import(user))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.state not in (Job.State.PREVIEW, Job.State.FAILED, Job.State.QUEUED):
            raise InvalidInput(_("This import can no longer be abandoned."))
        job.state = Job.State.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "finished_at"])
    default_storage.delete(import_file_name(job))
    return job


# -- cycles and snapshots ---------------------------------------------------------------------
def _next_cycle_name(meeting: Any) -> dict[str, str]:

    title = TText.from_json(meeting.title)
    names = {}
    for lang in LANGS:
        with translation.override(lang):
            names[lang] = _("Reporting cycle after %(meeting)s") % {"meeting": title.show(lang).text}
    return names


def cycle_close(*, user: Any, cycle: Any, meeting: Any) -> Snapshot:
    """Close ``cycle`` at the plenary ``meeting``: freeze a snapshot of the whole registry and
    its published progress, and open the next cycle.

    Updates not yet published move to the new cycle (they were not part of what the plenary
    saw). Locks the cycle row so two people closing at once cannot both succeed."""

    require(permissions.can_close_cycle(user))
    with transaction.atomic():
        cycle = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.state != ReportingCycle.State.OPEN:
            raise InvalidInput(details={"cycle": [_("This reporting cycle is already closed.")]})
        if meeting is None:
            raise InvalidInput(details={"meeting": [_("Choose the plenary at which the cycle closes.")]})
        if meeting.date < cycle.opens_on:
            raise InvalidInput(details={"meeting": [_("The meeting is before the cycle opened.")]})
        rollups.recompute()  # the frozen figures must be current, whatever happened since the last publish
        now = timezone.now()
        snapshot = Snapshot(
            cycle=cycle,
            meeting=meeting,
            taken_at=now,
            taken_by=user,
            data=snapshots.build(cycle=cycle, meeting=meeting, taken_at=now),
        )
        snapshot.save()
        cycle.state = ReportingCycle.State.CLOSED
        cycle.closed_at = now
        cycle.closed_by = user
        cycle.meeting = meeting
        cycle.save(update_fields=["state", "closed_at", "closed_by", "meeting"])
        next_cycle = ReportingCycle(name=_next_cycle_name(meeting), opens_on=meeting.date)
        next_cycle.save()
        ProgressUpdate.objects.filter(cycle=cycle).exclude(state=ProgressUpdate.State.PUBLISHED).update(
            cycle=next_cycle
        )
    return snapshot


def close_cycle(cycle: Any, meeting: Any, actor: Any) -> Snapshot:
    """The same as :func:`cycle_close`, with positional arguments."""
    return cycle_close(user=actor, cycle=cycle, meeting=meeting)


# -- report generation -----------------------------------------------------------------------------
REPORT_FORMATS = ("html", "pdf", "xlsx", "csv")


def report_start(*, user: Any, snapshot: Snapshot, language: str) -> Job:
    """Record a job to generate the report files of ``snapshot`` in ``language``; the caller
    enqueues ``tasks.report_generate_task``."""
    require(permissions.can_generate_report(user))
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(details={"language": [_("Choose English, Traditional Chinese or Simplified Chinese.")]})
    return Job.objects.create(
        kind=Job.Kind.REPORT, created_by=user, language=language, params={"snapshot": snapshot.pk}
    )


def report_generate(*, job_id: str) -> None:
    """Build the report (HTML, PDF, XLSX, CSV) in the job's language and store the files under
    reports/<job id>/ in the storage. Progress: one step per measure compared, then one per file."""

    job = Job.objects.get(pk=job_id)
    if job.state != Job.State.QUEUED:
        return
    try:
        snapshot = Snapshot.objects.select_related("meeting").get(pk=job.params["snapshot"])
        previous = selectors.snapshot_previous(snapshot)
        count = len(snapshot.data["measures"])
        Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, total=count + len(REPORT_FORMATS), done=0)

        def step(done: int) -> None:
            if done % PROGRESS_EVERY == 0:
                Job.objects.filter(pk=job.pk).update(done=done)

        report = reports.compare(snapshot.data, previous.data if previous else None, progress=step)
        lang = job.language
        files: dict[str, str] = {}
        with translation.override(lang):
            context = {"report": report, "snapshot": snapshot, "lang": lang}
            html = render_to_string("reporting/report_print.html", context)
            outputs: list[tuple[str, Any]] = [
                ("html", lambda: html.encode()),
                ("pdf", lambda: html_to_pdf(html)),
                ("xlsx", lambda: xlsx_bytes(reports.workbook_sheets(report, lang))),
                ("csv", lambda: ("\ufeff" + csv_text(reports.measure_rows(report, lang))).encode()),
            ]
            for index, (fmt, make) in enumerate(outputs, start=1):
                name = f"report-{snapshot.pk}-{lang}.{fmt}"
                _store(f"reports/{job.pk}/{name}", make())
                files[fmt] = name
                Job.objects.filter(pk=job.pk).update(done=count + index)
    except Exception:
        logger.exception("Report generation failed")
        with translation.override(job.language):
            _finish(job, Job.State.FAILED, message=_("The report could not be generated. Try again."))
        return
    job.total = count + len(REPORT_FORMATS)
    job.result = {"files": files}
    _finish(job, Job.State.DONE)


def _finish(job: Job, state: str, *, message: str = "") -> None:
    job.state = state
    job.message = message
    job.finished_at = timezone.now()
    if state == Job.State.DONE:
        job.done = job.total
    job.save(update_fields=["state", "message", "finished_at", "result", "done"])


def remove_job_files(job: Job) -> None:
    if job.upload:
        default_storage.delete(import_file_name(job))
    for name in (job.result or {}).get("files", {}).values():
        default_storage.delete(f"reports/{job.pk}/{name}")
