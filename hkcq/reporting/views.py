"""Reporting pages: open data, spreadsheet import, cycles and plenary reports. Thin views."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.exports import download
from hkcq.core.forms import add_domain_error
from hkcq.core.pagination import paginate
from hkcq.core.permissions import require_page
from hkcq.core.translated import current_language
from hkcq.reporting import opendata, permissions, reports, selectors, services, tasks
from hkcq.reporting.forms import CycleCloseForm, ImportForm
from hkcq.reporting.imports import ACTION_LABELS, change_label
from hkcq.reporting.models import Job


# -- open data -------------------------------------------------------------------------------
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reporting/open_data.html",
        {"datasets": list(opendata.DATASETS.values()), "licence": opendata.LICENCE},
    )


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def open_data_package(request: HttpRequest) -> HttpResponse:
    """The datasets as a Frictionless Data Package with typed fields."""
    return JsonResponse(opendata.datapackage(base_url=_site(request)), json_dumps_params={"ensure_ascii": False})


def open_data_catalogue(request: HttpRequest) -> HttpResponse:
    """The datasets as a DCAT catalogue (JSON-LD)."""
    body = json.dumps(opendata.dcat_catalogue(base_url=_site(request)), ensure_ascii=False)
    return HttpResponse(body, content_type="application/ld+json; charset=utf-8")


def open_data_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    dataset = opendata.DATASETS.get(slug)
    if dataset is None or fmt not in opendata.FORMATS:
        raise Http404
    if fmt == "csv":
        return download(opendata.dataset_csv(dataset), f"{slug}.csv", "text/csv; charset=utf-8")
    response = HttpResponse(opendata.dataset_json(dataset), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.json"'
    return response


# -- imports ---------------------------------------------------------------------------------


def _import_kinds() -> list[tuple[str, str]]:
    return [(k, str(Job.Kind(k).label)) for k in selectors.IMPORT_KINDS]


@login_required
def import_home(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_import(request.user))
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, kinds=_import_kinds())
        if form.is_valid():
            try:
                job = services.import_start(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    language=current_language(),
                )
            except (InvalidInput, NotPermitted) as exc:
                add_domain_error(form, exc)
            else:
                tasks.import_check_task.enqueue(job_id=str(job.pk))
                return redirect(job.get_absolute_url())
    else:
        form = ImportForm(kinds=_import_kinds())
    page = paginate(request, selectors.job_list(kinds=selectors.IMPORT_KINDS))
    return render(
        request,
        "reporting/import_home.html",
        {"form": form, "page": page, "kinds": _import_kinds()},
    )


@login_required
def import_template(request: AuthedRequest, kind: str, fmt: str) -> HttpResponse:
    require_page(permissions.can_import(request.user))
    return download(*selectors.import_template(kind, fmt))


@login_required
def import_job(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, job_id=job_id, kinds=selectors.IMPORT_KINDS)
    if getattr(request, "htmx", False):
        response = render(request, "reporting/_job_progress.html", {"job": job})
        if not job.is_active:
            response["HX-Refresh"] = "true"
        return response
    rows = job.result.get("rows", [])
    show = request.GET.get("show") or ""
    if show in ACTION_LABELS:
        rows = [r for r in rows if r["action"] == show]
    page = paginate(request, rows, per_page=50)
    # The changed fields by their translated labels, not their names.
    page.object_list = [row | {"changes": [change_label(c) for c in row["changes"]]} for row in page.object_list]
    applied = job.result.get("applied")
    # Once applied, the page says what happened (the counts of the apply), not what would.
    done = job.state == Job.State.DONE and bool(applied)
    context = {
        "job": job,
        "page": page,
        "counts": applied if done else job.result.get("counts", {}),
        "done": done,
        "applied": applied,
        "omitted": sum((job.result.get("omitted") or {}).values()),
        "show": show,
        "action_labels": ACTION_LABELS,
    }
    return render(request, "reporting/import_job.html", context)


@login_required
@require_POST
def import_confirm(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, job_id=job_id, kinds=selectors.IMPORT_KINDS)
    try:
        job = services.import_confirm(user=request.user, job=job)
    except (InvalidInput, NotPermitted) as exc:
        messages.error(request, str(exc.message))
    else:
        tasks.import_apply_task.enqueue(job_id=str(job.pk))
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def import_abandon(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, job_id=job_id, kinds=selectors.IMPORT_KINDS)
    try:
        services.import_abandon(user=request.user, job=job)
    except (InvalidInput, NotPermitted) as exc:
        messages.error(request, str(exc.message))
        return redirect(job.get_absolute_url())
    messages.success(request, _("The import was abandoned. Nothing has been written."))
    return redirect("reporting:import")


@login_required
@require_POST
def job_retry(request: AuthedRequest, job_id: str) -> HttpResponse:
    """Try a failed import or report again (its worker stopped, or it failed for a reason that may
    have passed)."""
    job = selectors.job_get_for_user(
        user=request.user, job_id=job_id, kinds=selectors.IMPORT_KINDS + selectors.REPORT_KINDS
    )
    try:
        job = services.job_retry(user=request.user, job=job)
    except (InvalidInput, NotPermitted) as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, _("The job was started again."))
    return redirect(job.get_absolute_url())


# -- cycles and reports ----------------------------------------------------------------------------
def report_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.snapshot_list())
    is_secretariat = permissions.can_close_cycle(request.user)
    context = {
        "page": page,
        "open_cycle": selectors.open_cycle(),
        "can_close": is_secretariat,
        "jobs": selectors.job_list(kinds=selectors.REPORT_KINDS)[:10] if is_secretariat else [],
    }
    return render(request, "reporting/report_list.html", context)


@login_required
def cycle_close(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_close_cycle(request.user))
    cycle = selectors.open_cycle()
    meetings = selectors.closing_meetings(cycle)
    form = CycleCloseForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and cycle is not None and form.is_valid():
        try:
            snapshot = services.cycle_close(user=request.user, cycle=cycle, meeting=form.cleaned_data["meeting"])
        except (InvalidInput, NotPermitted) as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The cycle is closed and its snapshot is frozen. The next cycle is open."))
            return redirect(snapshot.get_absolute_url())
    context = {"form": form, "cycle": cycle, "published": selectors.cycle_published_count(cycle)}
    return render(request, "reporting/cycle_close.html", context)


@login_required
def draft_report(request: AuthedRequest) -> HttpResponse:
    """The report the next plenary would get, as the registry stands now, up to a day (today, or
    the plenary's planned day): the secretariat prepares it before the plenary is recorded and the
    cycle closed. Nothing is frozen."""
    require_page(permissions.can_generate_report(request.user))
    cycle = selectors.open_cycle()
    context: dict[str, Any] = {"cycle": cycle, "languages": settings.LANGUAGES, "as_of_error": ""}
    if cycle is not None:
        try:
            as_of = selectors.draft_as_of(cycle, request.GET.get("as_of"))
        except InvalidInput as exc:
            context["as_of_error"] = exc.text()
            as_of = selectors.draft_as_of(cycle, None)
        report = selectors.draft_report(cycle=cycle, as_of=as_of)
        context.update(
            as_of=as_of,
            report=report,
            summary_figures=reports.summary_figures(report),
            can_close=selectors.closing_meetings(cycle).exists(),
        )
    return render(request, "reporting/draft_report.html", context, status=400 if context["as_of_error"] else 200)


@login_required
@require_POST
def draft_report_generate(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_generate_report(request.user))
    try:
        job = services.draft_report_start(
            user=request.user, language=request.POST.get("language", ""), as_of=request.POST.get("as_of")
        )
    except InvalidInput as exc:
        messages.error(request, exc.text())
        return redirect("reporting:draft_report")
    tasks.report_generate_task.enqueue(job_id=str(job.pk))
    return redirect(job.get_absolute_url())


@login_required
def report_job_file(request: AuthedRequest, job_id: str, fmt: str) -> FileResponse:
    """A file a report job generated (a draft's files live only here; the secretariat's)."""
    job = selectors.job_get_for_user(user=request.user, job_id=job_id, kinds=selectors.REPORT_KINDS)
    name = selectors.report_job_file(job, fmt) if fmt in selectors.CONTENT_TYPES else None
    if name is None:
        raise Http404
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=fmt != "html",
        filename=PurePosixPath(name).name,
        content_type=selectors.CONTENT_TYPES[fmt],
    )


def _files(snapshot: Any) -> list[dict[str, Any]]:
    names = dict(settings.LANGUAGES)
    found = selectors.report_files(snapshot)
    return [
        {"language": code, "language_name": names[code], "formats": list(found[code].result.get("files", {}))}
        for code, _name in settings.LANGUAGES
        if code in found
    ]


def report_detail(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = selectors.snapshot_get(snapshot_id)
    report = selectors.report_for(snapshot)
    context = {
        "snapshot": snapshot,
        "report": report,
        "summary_figures": reports.summary_figures(report),
        "files": _files(snapshot),
        "can_generate": permissions.can_generate_report(request.user),
        "languages": settings.LANGUAGES,
    }
    return render(request, "reporting/report.html", context)


@login_required
@require_POST
def report_generate(request: AuthedRequest, snapshot_id: int) -> HttpResponse:
    require_page(permissions.can_generate_report(request.user))
    snapshot = selectors.snapshot_get(snapshot_id)
    try:
        job = services.report_start(user=request.user, snapshot=snapshot, language=request.POST.get("language", ""))
    except InvalidInput as exc:
        messages.error(request, exc.text())
        return redirect(snapshot.get_absolute_url())
    tasks.report_generate_task.enqueue(job_id=str(job.pk))
    return redirect(job.get_absolute_url())


@login_required
def report_job(request: AuthedRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get_for_user(user=request.user, job_id=job_id, kinds=selectors.REPORT_KINDS)
    if getattr(request, "htmx", False):
        response = render(request, "reporting/_job_progress.html", {"job": job})
        if not job.is_active:
            response["HX-Refresh"] = "true"
        return response
    draft = bool(job.params.get("draft"))
    snapshot = None if draft else selectors.snapshot_get(job.params.get("snapshot"))
    return render(request, "reporting/report_job.html", {"job": job, "snapshot": snapshot, "draft": draft})


def report_file(request: HttpRequest, snapshot_id: int, language: str, fmt: str) -> FileResponse:
    """A generated file of a report: public, like the report page."""
    name = selectors.report_file_name(selectors.snapshot_get(snapshot_id), language, fmt)
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=fmt != "html",
        filename=PurePosixPath(name).name,
        content_type=selectors.CONTENT_TYPES[fmt],
    )


@login_required
def snapshot_data(request: AuthedRequest, snapshot_id: int) -> JsonResponse:
    require_page(permissions.can_read_snapshot_data(request.user))
    snapshot = selectors.snapshot_get(snapshot_id)
    response = JsonResponse(
        {"digest": snapshot.digest, "intact": snapshot.is_intact, "data": snapshot.data},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="snapshot-{snapshot.pk}.json"'
    return response
