"""Reporting pages: open data, spreadsheet import, cycles and plenary reports. Thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.exports import XLSX_TYPE, csv_text, download, xlsx_bytes
from hkcq.core.pagination import paginate
from hkcq.core.translated import current_language
from hkcq.reporting import opendata, permissions, selectors, services, tasks
from hkcq.reporting.forms import ImportForm
from hkcq.reporting.imports import ACTION_LABELS, IMPORTERS
from hkcq.reporting.models import Job

IMPORT_KINDS = tuple(IMPORTERS)


# -- open data -------------------------------------------------------------------------------
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reporting/open_data.html",
        {"datasets": list(opendata.DATASETS.values()), "licence": opendata.LICENCE},
    )


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
def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _import_kinds() -> list[tuple[str, str]]:
    return [(k, str(Job.Kind(k).label)) for k in IMPORT_KINDS]


@login_required
def import_home(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_import(request.user))
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
            except InvalidInput as exc:
                for field, errors in exc.details.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
                if not exc.details:
                    form.add_error(None, str(exc.message))
            except NotPermitted as exc:
                form.add_error(None, str(exc.message))
            else:
                tasks.import_check_task.enqueue(job_id=str(job.pk))
                return redirect(job.get_absolute_url())
    else:
        form = ImportForm(kinds=_import_kinds())
    page = paginate(request, selectors.job_list(kinds=IMPORT_KINDS))
    return render(
        request,
        "reporting/import_home.html",
        {"form": form, "page": page, "kinds": _import_kinds()},
    )


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    _require(permissions.can_import(request.user))
    factory = IMPORTERS.get(kind)
    if factory is None or fmt not in ("csv", "xlsx"):
        raise Http404
    importer_class: Any = factory
    rows = [list(importer_class.columns), *importer_class.example]
    name = kind.replace("import_", "") + "-template"
    if fmt == "csv":
        return download(csv_text(rows), f"{name}.csv", "text/csv; charset=utf-8")
    return download(xlsx_bytes({name: rows}), f"{name}.xlsx", XLSX_TYPE)


@login_required
def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.get_job_for_user(request.user, job_id, kinds=IMPORT_KINDS)
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
    context = {
        "job": job,
        "page": page,
        "counts": job.result.get("counts", {}),
        "applied": job.result.get("applied"),
        "show": show,
        "action_labels": ACTION_LABELS,
    }
    return render(request, "reporting/import_job.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.get_job_for_user(request.user, job_id, kinds=IMPORT_KINDS)
    try:
        job = services.import_confirm(user=request.user, job=job)
    except (InvalidInput, NotPermitted) as exc:
        messages.error(request, str(exc.message))
    else:
        tasks.import_apply_task.enqueue(job_id=str(job.pk))
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def import_abandon(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.get_job_for_user(request.user, job_id, kinds=IMPORT_KINDS)
    try:
        services.import_abandon(user=request.user, job=job)
    except (InvalidInput, NotPermitted) as exc:
        messages.error(request, str(exc.message))
        return redirect(job.get_absolute_url())
    messages.success(request, _("The import was abandoned. Nothing has been written."))
    return redirect("reporting:import")
