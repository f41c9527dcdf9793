"""Reads of the reporting app, and the one way a job is fetched for a user."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.types import Viewer
from hkcq.core.dates import TZ, as_date, show_date
from hkcq.core.errors import InvalidInput, NotFound
from hkcq.core.exports import XLSX_TYPE, csv_text, xlsx_bytes
from hkcq.progress.models import ProgressUpdate, ReportingCycle
from hkcq.registry.models import Meeting
from hkcq.reporting import permissions, reports, snapshots
from hkcq.reporting.imports import IMPORTERS
from hkcq.reporting.models import Job, Snapshot

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
PLENARY_KINDS = (Meeting.Kind.PLENARY, Meeting.Kind.HIGH_LEVEL_PLENARY, Meeting.Kind.HIGH_LEVEL)


IMPORT_KINDS = tuple(IMPORTERS)
REPORT_KINDS = (Job.Kind.REPORT.value,)
# The formats a plenary report is generated in, with the type each is served as.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": XLSX_TYPE,
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def import_template(kind: str, fmt: str) -> tuple[bytes | str, str, str]:
    """A spreadsheet to fill in for an import of ``kind``: its columns and an example row, as
    ``(content, file name, content type)`` for ``fmt`` ``csv`` or ``xlsx``; ``NotFound`` (404) for
    an unknown kind or format."""
    factory: Any = IMPORTERS.get(kind)
    if factory is None or fmt not in ("csv", "xlsx"):
        raise NotFound()
    example = factory.template_example() if hasattr(factory, "template_example") else factory.example
    rows = [list(factory.columns), *example]
    name = kind.replace("import_", "") + "-template"
    if fmt == "csv":
        return csv_text(rows), f"{name}.csv", "text/csv; charset=utf-8"
    # In the workbook a date of the example is a date cell (shown in the reader's language);
    # the import reads a date cell as it reads YYYY-MM-DD text (``hkcq.core.sheets.cell_text``).
    cells = [[_date_cell(value) for value in row] for row in rows]
    return xlsx_bytes({name: cells}), f"{name}.xlsx", XLSX_TYPE


def _date_cell(value: Any) -> Any:
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return as_date(value) or value
    return value


def job_list(*, kinds: tuple[str, ...]) -> QuerySet[Job]:
    """Jobs for a list page: without their results (a job's own page reads those)."""
    return Job.objects.filter(kind__in=kinds).select_related("created_by").defer("result").order_by("-created_at")


def job_get_for_user(*, user: Viewer, job_id: Any, kinds: tuple[str, ...]) -> Job:
    """A job of one of ``kinds``, if ``user`` may see it (the secretariat); ``NotFound`` (404)
    otherwise."""
    job = Job.objects.select_related("created_by").filter(pk=job_id, kind__in=kinds).first()
    if job is None or not permissions.can_see_job(user):
        raise NotFound()
    return job


def snapshot_list() -> QuerySet[Snapshot]:
    return Snapshot.objects.select_related("meeting", "cycle", "taken_by").defer("data").order_by("-taken_at", "-id")


def snapshot_get(snapshot_id: int) -> Snapshot:
    snapshot = Snapshot.objects.select_related("meeting", "cycle").filter(pk=snapshot_id).first()
    if snapshot is None:
        raise NotFound()
    return snapshot


def snapshot_previous(snapshot: Snapshot) -> Snapshot | None:
    return (
        Snapshot.objects.filter(taken_at__lt=snapshot.taken_at)
        .exclude(pk=snapshot.pk)
        .order_by("-taken_at", "-id")
        .first()
    )


def report_for(snapshot: Snapshot) -> dict[str, Any]:
    """The comparison of ``snapshot`` with the one before it (both frozen)."""
    previous = snapshot_previous(snapshot)
    return reports.compare(snapshot.data, previous.data if previous else None)


def latest_snapshot() -> Snapshot | None:
    return Snapshot.objects.order_by("-taken_at", "-id").first()


def draft_as_of(cycle: ReportingCycle, value: Any) -> dt.date:
    """The day a draft report runs up to: the day given (the plenary's planned day, say), else
    today (Hong Kong time); never before the open cycle began. ``InvalidInput`` for a day that is
    not one."""
    today = timezone.localdate(timezone=TZ)
    if value in (None, ""):
        return max(today, cycle.opens_on)
    day = value if isinstance(value, dt.date) else as_date(str(value))
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise InvalidInput(details={"as_of": [_("Enter a valid date.")]})
    if day < cycle.opens_on:
        raise InvalidInput(
            details={
                "as_of": [
                    _("Choose a day on or after %(date)s, when the open cycle began.")
                    % {"date": show_date(cycle.opens_on)}
                ]
            }
        )
    return day


def draft_document(*, cycle: ReportingCycle, as_of: dt.date) -> dict[str, Any]:
    """The open cycle's document as it stands now, up to ``as_of`` (not frozen, not stored)."""
    return snapshots.build(cycle=cycle, meeting=None, taken_at=timezone.now(), as_of=as_of)


def draft_report(*, cycle: ReportingCycle, as_of: dt.date) -> dict[str, Any]:
    """The report the next plenary would get, up to ``as_of``: the open cycle as it stands now
    compared with the last frozen snapshot (none: the first report). For preparing the report
    before the plenary is recorded and the cycle closed."""
    previous = latest_snapshot()
    return reports.compare(draft_document(cycle=cycle, as_of=as_of), previous.data if previous else None)


def report_files(snapshot: Snapshot) -> dict[str, Job]:
    """For each language, the latest finished generation of this snapshot's report files."""
    return reports_files([snapshot])[snapshot.pk]


def reports_files(snapshots: list[Snapshot]) -> dict[int, dict[str, Job]]:
    """``report_files`` of each snapshot (by its id), in one query for a list's page."""
    found: dict[int, dict[str, Job]] = {s.pk: {} for s in snapshots}
    jobs = Job.objects.filter(kind=Job.Kind.REPORT, state=Job.State.DONE, params__snapshot__in=list(found))
    for job in jobs.order_by("-created_at", "-id"):
        found[job.params["snapshot"]].setdefault(job.language, job)
    return found


def report_job_file(job: Job, fmt: str) -> str | None:
    """The storage name of a report job's generated file, if it was generated and is still there."""
    name = (job.result or {}).get("files", {}).get(fmt)
    if not name:
        return None
    stored = f"reports/{job.pk}/{name}"
    return stored if default_storage.exists(stored) else None


def report_file_name(snapshot: Snapshot, language: str, fmt: str) -> str:
    """The stored name of a report's generated file in ``language`` and ``fmt``; ``NotFound``
    (404) for an unknown format or a report not (yet) generated in that language."""
    job = report_files(snapshot).get(language)
    name = report_job_file(job, fmt) if job is not None and fmt in CONTENT_TYPES else None
    if name is None:
        raise NotFound()
    return name


def open_cycle() -> ReportingCycle | None:
    return ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN).first()


def closing_meetings(cycle: ReportingCycle | None) -> QuerySet[Meeting]:
    """Meetings a cycle can close at: plenaries on or after the day it opened, and not one at
    which a cycle was closed already (the next cycle opens on that plenary's day)."""
    closed_at = ReportingCycle.objects.filter(meeting__isnull=False).values("meeting")
    qs = Meeting.objects.filter(kind__in=PLENARY_KINDS).exclude(pk__in=closed_at).order_by("-date", "-id")
    if cycle is not None:
        qs = qs.filter(date__gte=cycle.opens_on)
    return qs


def cycle_published_count(cycle: ReportingCycle | None) -> int:
    if cycle is None:
        return 0
    return ProgressUpdate.objects.filter(cycle=cycle, state=ProgressUpdate.State.PUBLISHED).count()
