"""Progress pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core import uploads
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.forms import add_domain_error
from hkcq.core.pagecache import public_page
from hkcq.core.pagination import paginate
from hkcq.core.views import edit_page
from hkcq.progress import charts, permissions, selectors, services
from hkcq.progress import forms as pforms
from hkcq.progress.models import Evidence, ProgressSettings, Status
from hkcq.registry import selectors as registry_selectors

DASHBOARD_LIST_LENGTH = 10


# -- public ----------------------------------------------------------------------------------
@public_page
def dashboard(request: HttpRequest) -> HttpResponse:
    areas, mechanism = selectors.rollups_overall()
    stale = selectors.stale_measures()
    late = selectors.late_measures()
    disagreements = selectors.disagreements()
    context = {
        "areas": areas,
        "mechanism": mechanism,
        "area_chart": charts.area_chart(areas),
        "side_chart": charts.side_chart(areas),
        "late": late[:DASHBOARD_LIST_LENGTH],
        "late_count": late.count(),
        "disagreements": disagreements[:DASHBOARD_LIST_LENGTH],
        "disagreement_count": disagreements.count(),
        "stale": stale[:DASHBOARD_LIST_LENGTH],
        "stale_count": len(stale),
        "stale_days": stale.stale_after_days,
        "recent": selectors.recent_updates()[:DASHBOARD_LIST_LENGTH],
        "results": selectors.area_results([area for area, _rollup in areas]),
    }
    return render(request, "progress/dashboard.html", context)


LISTS = {
    "late": "progress/list_late.html",
    "stale": "progress/list_stale.html",
    "disagreements": "progress/list_disagreements.html",
    "recent": "progress/list_recent.html",
}


@public_page
def dashboard_list(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in LISTS:
        raise Http404
    items: Any
    if kind == "late":
        items = selectors.late_measures()
    elif kind == "stale":
        items = selectors.stale_measures()
    elif kind == "disagreements":
        items = selectors.disagreements()
    else:
        items = selectors.recent_updates()
    context = {"page": paginate(request, items), "stale_days": ProgressSettings.load().stale_after_days}
    return render(request, LISTS[kind], context)


@public_page
def measure_updates(request: HttpRequest, ext_id: str) -> HttpResponse:
    measure = registry_selectors.measure_get(ext_id)
    page = paginate(request, selectors.published_updates(measure=measure).prefetch_related("evidence"))
    return render(request, "progress/measure_updates.html", {"measure": measure, "page": page})


@public_page
def method(request: HttpRequest) -> HttpResponse:
    return render(request, "progress/method.html", {"statuses": selectors.status_list(active_only=True)})


def update_detail(request: HttpRequest, update_id: int) -> HttpResponse:
    update = selectors.update_get_for_user(user=request.user, update_id=update_id)
    return _detail(request, update)


def _detail(
    request: HttpRequest, update: Any, return_form: pforms.ReturnForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "update": update,
        "actions": permissions.allowed_actions(request.user, update),
        "internal": permissions.can_see_internal(request.user),
        "return_form": return_form or pforms.ReturnForm(),
        "evidence": [e for e in update.evidence.all() if e.is_public or permissions.can_see_internal(request.user)],
    }
    return render(request, "progress/update_detail.html", context, status=status)


def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
    return uploads.serve_stored(evidence.file, content_type=evidence.content_type)


# -- staff: the workflow -----------------------------------------------------------------------
@login_required
def work_queue(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not permissions.user_side(user):
        raise PermissionDenied
    default = "to_confirm" if permissions.is_secretariat_of(user, user.side) else "drafts"
    name = request.GET.get("queue") or default
    if name not in selectors.QUEUES:
        name = default
    page = paginate(request, selectors.queue(user, name))
    return render(
        request,
        "progress/queue.html",
        {
            "page": page,
            "queue": name,
            "counts": selectors.queue_counts(user),
            "is_secretariat": default == "to_confirm",
        },
    )


def _update_form_page(request: AuthedRequest, *, measure: Any, update: Any) -> HttpResponse:
    if request.method == "POST":
        form = pforms.UpdateForm(request.POST)
        if form.is_valid():
            try:
                saved = services.update_save(user=request.user, measure=measure, data=form.cleaned_data, update=update)
                if "submit" in request.POST:
                    saved = services.update_submit(user=request.user, update=saved)
                    messages.success(request, _("The update has been submitted to the other side for confirmation."))
                else:
                    messages.success(request, _("The draft has been saved."))
                return redirect(saved.get_absolute_url())
            except (InvalidInput, NotPermitted) as exc:
                add_domain_error(form, exc)
    elif update is not None:
        form = pforms.UpdateForm(
            initial={
                "status": update.status,
                "percent": update.percent,
                "public_narrative": update.public_narrative,
                "internal_narrative": update.internal_narrative,
            }
        )
    else:
        form = pforms.UpdateForm()
    side = update.side if update is not None else permissions.user_side(request.user)
    context = {
        "form": form,
        "measure": measure,
        "update": update,
        "side_label": dict(selectors.Side.choices).get(side or "", ""),
        "statuses": selectors.status_list(active_only=True),
    }
    return render(request, "progress/update_form.html", context)


@login_required
def update_new(request: AuthedRequest, ext_id: str) -> HttpResponse:
    measure = registry_selectors.measure_get(ext_id)
    side = permissions.user_side(request.user)
    if side is None or not permissions.can_draft(request.user, measure, side):
        raise PermissionDenied
    existing = selectors.open_update_for(measure, side)
    if existing is not None:
        if existing.state in existing.EDITABLE_STATES:
            return redirect("progress:update_edit", existing.pk)
        messages.info(request, _("Your side's update for this measure is with the secretariat."))
        return redirect(existing.get_absolute_url())
    return _update_form_page(request, measure=measure, update=None)


@login_required
def update_edit(request: AuthedRequest, update_id: int) -> HttpResponse:
    update = selectors.update_get_for_user(user=request.user, update_id=update_id)
    if not permissions.can_edit(request.user, update):
        raise PermissionDenied
    return _update_form_page(request, measure=update.measure, update=update)


@login_required
@require_POST
def update_action(request: AuthedRequest, update_id: int, action: str) -> HttpResponse:
    update = selectors.update_get_for_user(user=request.user, update_id=update_id)
    done = {
        "submit": _("The update has been submitted to the other side for confirmation."),
        "confirm": _("The update has been confirmed. Its own side's secretariat can now publish it."),
        "publish": _("The update has been published."),
        "return": _("The update has been returned to its author with your reason."),
    }
    if action not in done:
        raise Http404
    try:
        if action == "submit":
            services.update_submit(user=request.user, update=update)
        elif action == "confirm":
            services.update_confirm(user=request.user, update=update, note=request.POST.get("note", "")[:2000])
        elif action == "publish":
            services.update_publish(user=request.user, update=update)
        else:
            form = pforms.ReturnForm(request.POST)
            if not form.is_valid():
                return _detail(request, update, return_form=form, status=422)
            services.update_return(user=request.user, update=update, reason=form.cleaned_data["reason"])
    except NotPermitted as exc:
        raise PermissionDenied from exc
    except InvalidInput as exc:
        form = pforms.ReturnForm(request.POST)
        add_domain_error(form, exc)
        return _detail(request, update, return_form=form, status=422)
    messages.success(request, done[action])
    return redirect(update.get_absolute_url())


@login_required
def evidence_add(request: AuthedRequest, update_id: int) -> HttpResponse:
    update = selectors.update_get_for_user(user=request.user, update_id=update_id)
    if not permissions.can_edit(request.user, update):
        raise PermissionDenied
    if request.method == "POST":
        form = pforms.EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.evidence_add(
                    user=request.user,
                    update=update,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data.get("upload"),
                    link=form.cleaned_data.get("link") or "",
                    is_public=form.cleaned_data.get("is_public", False),
                )
            except (InvalidInput, NotPermitted) as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The evidence has been added."))
                return redirect(update.get_absolute_url())
    else:
        form = pforms.EvidenceForm()
    return render(request, "progress/evidence_form.html", {"form": form, "update": update})


@login_required
@require_POST
def evidence_delete(request: AuthedRequest, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("update"), pk=evidence_id)
    update = selectors.update_get_for_user(user=request.user, update_id=evidence.update_id)
    try:
        services.evidence_remove(user=request.user, evidence=evidence)
    except NotPermitted as exc:
        raise PermissionDenied from exc
    messages.success(request, _("The evidence has been removed."))
    return redirect(update.get_absolute_url())


# -- secretariat: the scale, settings and weights -------------------------------------------------
def _require_manager(request: HttpRequest) -> None:
    if not permissions.can_manage_scale(request.user):
        raise PermissionDenied


@login_required
def scale(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    current = ProgressSettings.load()
    if request.method == "POST":
        form = pforms.SettingsForm(request.POST, instance=current)
        if form.is_valid():
            try:
                services.settings_save(
                    user=request.user,
                    rollup_method=form.cleaned_data["rollup_method"],
                    stale_after_days=form.cleaned_data["stale_after_days"],
                )
            except (InvalidInput, NotPermitted) as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("progress:scale")
    else:
        form = pforms.SettingsForm(instance=current)
    return render(request, "progress/scale.html", {"statuses": selectors.status_list(), "settings_form": form})


def _status_page(request: AuthedRequest, status: Status | None) -> HttpResponse:
    _require_manager(request)
    return edit_page(
        request,
        form_class=pforms.StatusForm,
        instance=status,
        save=lambda d: services.status_save(user=request.user, data=dict(d), status=status),
        title=_("Edit status") if status else _("New status"),
        cancel_url="../",
        success_url=reverse("progress:scale"),
    )


@login_required
def status_new(request: AuthedRequest) -> HttpResponse:
    return _status_page(request, None)


@login_required
def status_edit(request: AuthedRequest, status_id: int) -> HttpResponse:
    return _status_page(request, get_object_or_404(Status, pk=status_id))


@login_required
def weight_edit(request: AuthedRequest, ext_id: str) -> HttpResponse:
    _require_manager(request)
    measure = registry_selectors.measure_get(ext_id)
    current = getattr(measure, "progress_weight", None)
    return edit_page(
        request,
        form_class=pforms.WeightForm,
        initial={"weight": current.weight if current else 1},
        save=lambda d: services.weight_set(user=request.user, measure=measure, weight=d["weight"]),
        title=_("Roll-up weight of %(measure)s") % {"measure": measure},
        cancel_url=measure.get_absolute_url(),
        success_url=measure.get_absolute_url(),
    )
