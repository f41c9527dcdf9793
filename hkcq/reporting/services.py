"""Writes of the reporting app: imports (check, confirm, apply, abandon), closing cycles, reports.

Every function checks permission, validates and owns its transaction. The task bodies
(``import_check``, ``import_apply``, ``report_generate``) take a job id and run in the worker.

A task claims its job in one conditional UPDATE with a lease (``JOB_LEASE_SECONDS``), renewed as
it progresses, so a duplicate task does nothing; a job left by a worker that stopped (its lease
passed) is queued again by :func:`jobs_recover` (``manage.py requeue_jobs``), at most
``JOB_MAX_ATTEMPTS`` times, then marked failed with a button to try again (:func:`job_retry`).
Every step may run again safely: the check writes nothing, the apply is one transaction (all or
nothing), a report's files are written again under the same names.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hkcq.accounts.models import User
from hkcq.core.errors import DomainError, InvalidInput
from hkcq.core.exports import csv_text, xlsx_bytes
from hkcq.core.permissions import require
from hkcq.core.translated import LANGS, TText
from hkcq.progress import rollups
from hkcq.progress.models import ProgressUpdate, ReportingCycle
from hkcq.registry.models import Meeting
from hkcq.reporting import pdf, permissions, reports, selectors, snapshots
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


def _store(name: str, content: bytes) -> None:
    """Write ``content`` under exactly ``name`` (replacing a file left by an earlier attempt)."""
    default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another process wrote it in between
        raise RuntimeError(f"stored as {saved}, not {name}")


# -- leases ----------------------------------------------------------------------------------
def _lease(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _claim(job_id: Any, *, state: str, to: str) -> bool:
    """Take the job for this worker: from ``state`` (and no live lease) to ``to`` with a fresh
    lease, in one UPDATE. False when another worker holds it or it is no longer in ``state``."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    claimed = Job.objects.filter(free, pk=job_id, state=state).update(
        state=to, lease_until=_lease(now), attempts=F("attempts") + 1
    )
    return bool(claimed)


def _progress(job: Job, **fields: Any) -> None:
    """Record progress and renew the lease."""
    Job.objects.filter(pk=job.pk).update(lease_until=_lease(), **fields)


# -- imports ---------------------------------------------------------------------------------
def import_start(*, user: User, kind: str, upload: UploadedFile, language: str) -> Job:
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
        _progress(job, total=len(records), done=0)
    checked = []
    for index, (line, row) in enumerate(records, start=1):
        checked.append(importer.check(line, row))
        if report_progress and index % PROGRESS_EVERY == 0:
            _progress(job, done=index)
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
    if not _claim(job_id, state=Job.State.QUEUED, to=Job.State.CHECKING):
        return  # checked or being checked by another worker
    job = Job.objects.select_related("created_by").get(pk=job_id)
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
    job.lease_until = None
    job.save(update_fields=["result", "total", "done", "state", "lease_until"])


def import_confirm(*, user: User, job: Job) -> Job:
    """Accept a checked file: the apply task is then enqueued by the caller."""
    require(permissions.can_import(user))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.state != Job.State.PREVIEW:
            raise InvalidInput(_("This import is not waiting for confirmation."))
        if job.result.get("counts", {}).get(ERROR):
            raise InvalidInput(_("Correct the rows with errors and upload the file again; nothing has been written."))
        job.state = Job.State.APPLYING
        job.attempts = 0
        job.lease_until = None
        job.params = {**job.params, "confirmed_by": user.pk, "confirmed_at": timezone.now().isoformat()}
        job.save(update_fields=["state", "params", "attempts", "lease_until"])
    return job


def import_apply(*, job_id: str) -> None:
    """Apply a confirmed import in ONE transaction: every row, or nothing.

    The rows are checked again first (the database may have changed since the preview); if
    any row fails now, nothing is written and the job says which row and why."""
    if not _claim(job_id, state=Job.State.APPLYING, to=Job.State.APPLYING):
        return  # applied, or being applied by another worker
    job = Job.objects.select_related("created_by").get(pk=job_id)
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
    # The rows as applied (checked again at the apply): the page lists what happened to each.
    job.result = {**job.result, **stored_rows(checked), "applied": _counts(checked)}
    _finish(job, Job.State.DONE)


def import_abandon(*, user: User, job: Job) -> Job:
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


def cycle_close(*, user: User, cycle: Any, meeting: Any) -> Snapshot:
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
        if ReportingCycle.objects.filter(meeting=meeting).exists():
            raise InvalidInput(details={"meeting": [_("A reporting cycle was already closed at this meeting.")]})
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


def close_cycle(cycle: ReportingCycle, meeting: Meeting, actor: User) -> Snapshot:
    """The same as :func:`cycle_close`, with positional arguments."""
    return cycle_close(user=actor, cycle=cycle, meeting=meeting)


# -- report generation -----------------------------------------------------------------------------
REPORT_FORMATS = ("html", "pdf", "xlsx", "csv")


def report_start(*, user: User, snapshot: Snapshot, language: str) -> Job:
    """Record a job to generate the report files of ``snapshot`` in ``language``; the caller
    enqueues ``tasks.report_generate_task``."""
    require(permissions.can_generate_report(user))
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(details={"language": [_("Choose English, Traditional Chinese or Simplified Chinese.")]})
    return Job.objects.create(
        kind=Job.Kind.REPORT, created_by=user, language=language, params={"snapshot": snapshot.pk}
    )


def draft_report_start(*, user: User, language: str, as_of: Any = None) -> Job:
    """Record a job to generate the files of the draft report for the next plenary (the open
    cycle as it stands, up to ``as_of``: today by default, or the plenary's planned day), for the
    secretariat preparing it before the plenary is recorded; the caller enqueues
    ``tasks.report_generate_task``. The files are built when the job runs and are not public."""
    require(permissions.can_generate_report(user))
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(details={"language": [_("Choose English, Traditional Chinese or Simplified Chinese.")]})
    cycle = selectors.open_cycle()
    if cycle is None:
        raise InvalidInput(
            details={"cycle": [_("There is no open reporting cycle to close. Open one on the progress pages first.")]}
        )
    day = selectors.draft_as_of(cycle, as_of)
    return Job.objects.create(
        kind=Job.Kind.REPORT,
        created_by=user,
        language=language,
        params={"draft": True, "as_of": day.isoformat(), "cycle": cycle.pk},
    )


def _report_source(job: Job) -> tuple[dict[str, Any], dict[str, Any] | None, Snapshot | None, str]:
    """What a report job compares: (document, previous document, snapshot, file stem). A draft
    is the open cycle built now, compared with the last frozen snapshot."""
    if job.params.get("draft"):
        cycle = ReportingCycle.objects.get(pk=job.params["cycle"])
        as_of = dt.date.fromisoformat(job.params["as_of"])
        previous = selectors.latest_snapshot()
        document = selectors.draft_document(cycle=cycle, as_of=as_of)
        return document, previous.data if previous else None, None, f"report-draft-{as_of.isoformat()}"
    snapshot = Snapshot.objects.select_related("meeting").get(pk=job.params["snapshot"])
    before = selectors.snapshot_previous(snapshot)
    return snapshot.data, before.data if before else None, snapshot, f"report-{snapshot.pk}"


def report_generate(*, job_id: str) -> None:
    """Build the report (HTML, PDF, XLSX, CSV) in the job's language and store the files under
    reports/<job id>/ in the storage. Progress: one step per measure compared, then one per file."""

    if not _claim(job_id, state=Job.State.QUEUED, to=Job.State.RUNNING):
        return  # generated, or being generated by another worker
    job = Job.objects.get(pk=job_id)
    try:
        document, previous, snapshot, stem = _report_source(job)
        count = len(document["measures"])
        _progress(job, total=count + len(REPORT_FORMATS), done=0)

        def step(done: int) -> None:
            if done % PROGRESS_EVERY == 0:
                _progress(job, done=done)

        report = reports.compare(document, previous, progress=step)
        lang = job.language
        files: dict[str, str] = {}
        with translation.override(lang):
            context = {
                "report": report,
                "summary_figures": reports.summary_figures(report),
                "snapshot": snapshot,
                "lang": lang,
            }
            html = render_to_string("reporting/report_print.html", context)
            outputs: list[tuple[str, Any]] = [
                ("html", lambda: html.encode()),
                ("pdf", lambda: pdf.report_pdf(report, lang)),
                ("xlsx", lambda: xlsx_bytes(reports.workbook_sheets(report, lang))),
                ("csv", lambda: ("\ufeff" + csv_text(reports.measure_rows(report, lang))).encode()),
            ]
            for index, (fmt, make) in enumerate(outputs, start=1):
                name = f"{stem}-{lang}.{fmt}"
                _store(f"reports/{job.pk}/{name}", make())
                files[fmt] = name
                _progress(job, done=count + index)
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
    job.lease_until = None
    if state == Job.State.DONE:
        job.done = job.total
    job.save(update_fields=["state", "message", "finished_at", "result", "done", "lease_until"])


# -- jobs left by a worker that stopped ------------------------------------------------------------
# What a job returns to when its worker stopped, and the task that runs it from there.
RESUME = {
    Job.State.CHECKING: (Job.State.QUEUED, "import_check_task"),
    Job.State.APPLYING: (Job.State.APPLYING, "import_apply_task"),
    Job.State.RUNNING: (Job.State.QUEUED, "report_generate_task"),
}


def _enqueue(job_id: Any, task_name: str) -> None:
    from hkcq.reporting import tasks  # local import: the tasks module imports this one

    job = str(job_id)
    transaction.on_commit(lambda: getattr(tasks, task_name).enqueue(job_id=job), robust=True)


def _stopped_message(job: Job) -> str:
    with translation.override(job.language):
        return ngettext(
            "The worker stopped before this job finished, and it was tried %(attempts)d time. Try again.",
            "The worker stopped before this job finished, and it was tried %(attempts)d times. Try again.",
            job.attempts,
        ) % {"attempts": job.attempts}


def jobs_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Queue again every job whose worker stopped (its lease passed), or mark it failed once it has
    used ``JOB_MAX_ATTEMPTS``; queue again a job waiting longer than a lease for a task that never
    came (lost with the queue). Safe at any time: a job queued twice runs once (:func:`_claim`)."""
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0}
    for job in Job.objects.filter(state__in=list(RESUME), lease_until__lt=now):
        back_to, task_name = RESUME[Job.State(job.state)]
        held = Job.objects.filter(pk=job.pk, state=job.state, lease_until=job.lease_until)
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            if held.update(state=Job.State.FAILED, lease_until=None, finished_at=now, message=_stopped_message(job)):
                counts["failed"] += 1
                logger.warning("Job %s failed: its worker stopped %s times", job.pk, job.attempts)
            continue
        if held.update(state=back_to, lease_until=None):
            _enqueue(job.pk, task_name)
            counts["requeued"] += 1
            logger.warning("Job %s queued again: its worker stopped (attempt %s)", job.pk, job.attempts)
    waiting = now - timedelta(seconds=settings.JOB_LEASE_SECONDS)
    lost = Job.objects.filter(lease_until__isnull=True, created_at__lt=waiting).filter(
        Q(state=Job.State.QUEUED) | Q(state=Job.State.APPLYING)
    )
    for job in lost:
        if job.state == Job.State.APPLYING:
            _enqueue(job.pk, "import_apply_task")
        else:
            _enqueue(job.pk, "report_generate_task" if job.kind == Job.Kind.REPORT else "import_check_task")
        counts["requeued"] += 1
    return counts


def job_retry(*, user: User, job: Job) -> Job:
    """Start a failed job again: an import is checked again from its file (and then waits for
    confirmation, as a new upload does), a report is generated again. The caller does not
    enqueue anything: the task is queued when this commits."""
    require(permissions.can_import(user) if job.is_import else permissions.can_generate_report(user))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.state != Job.State.FAILED:
            raise InvalidInput(_("Only a job that failed can be tried again."))
        if job.is_import and not default_storage.exists(import_file_name(job)):
            raise InvalidInput(_("The uploaded file is no longer kept. Upload it again."))
        job.state = Job.State.QUEUED
        job.attempts = 0
        job.lease_until = None
        job.message = ""
        job.finished_at = None
        job.done = 0
        if job.is_import:
            job.result = {}
        job.save(update_fields=["state", "attempts", "lease_until", "message", "finished_at", "done", "result"])
        _enqueue(job.pk, "import_check_task" if job.is_import else "report_generate_task")
    return job


def remove_job_files(job: Job) -> None:
    if job.upload:
        default_storage.delete(import_file_name(job))
    for name in (job.result or {}).get("files", {}).values():
        default_storage.delete(f"reports/{job.pk}/{name}")
