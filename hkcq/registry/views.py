"""Registry pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core import uploads
from hkcq.core.choices import OrgSide
from hkcq.core.errors import NotPermitted
from hkcq.core.history import history_entries
from hkcq.core.pagecache import public_page
from hkcq.core.pagination import paginate
from hkcq.core.permissions import require_page
from hkcq.core.views import edit_page
from hkcq.registry import forms as rforms
from hkcq.registry import permissions, selectors, services
from hkcq.registry.models import Agreement, Attendance, Decision, Meeting, Milestone


def _history(request: HttpRequest, obj: Model) -> dict[str, Any]:
    return {
        "history": history_entries(obj),
        "show_change_details": permissions.can_see_change_details(request.user),
    }


# -- public pages ----------------------------------------------------------------------------
@public_page
def home(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meeting_list()[:3]
    return render(
        request,
        "registry/home.html",
        {"mechanism": selectors.mechanism_get(), "areas": selectors.area_list(), "meetings": meetings},
    )


@public_page
def area_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/area_list.html", {"areas": selectors.area_list()})


@public_page
def area_detail(request: HttpRequest, ext_id: str) -> HttpResponse:
    area = selectors.area_get(ext_id)
    context = {
        "area": area,
        "tree": selectors.measure_tree(area),
        "can_edit": permissions.can_edit_registry(request.user),
        **_history(request, area),
    }
    return render(request, "registry/area_detail.html", context)


@public_page
def measure_list(request: HttpRequest) -> HttpResponse:
    area, unit, side = request.GET.get("area") or None, request.GET.get("unit") or None, request.GET.get("side") or None
    page = paginate(request, selectors.measure_list(area=area, unit=unit, side=side, top_level=not unit))
    context = {
        "page": page,
        "areas": selectors.area_list(),
        "units": selectors.unit_list(),
        "filters": {"area": area or "", "unit": unit or "", "side": side or ""},
        "sides": OrgSide.choices[:2],
    }
    return render(request, "registry/measure_list.html", context)


@public_page
def measure_detail(request: HttpRequest, ext_id: str) -> HttpResponse:
    measure = selectors.measure_get(ext_id)
    context = {
        "measure": measure,
        "items": selectors.measure_descendants(measure),
        "can_edit": permissions.can_edit_registry(request.user),
        "can_update_delivery": permissions.can_update_measure_delivery(request.user, measure),
        **_history(request, measure),
    }
    return render(request, "registry/measure_detail.html", context)


@public_page
def meeting_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    page = paginate(request, selectors.meeting_list(kind=kind))
    return render(
        request, "registry/meeting_list.html", {"page": page, "kinds": Meeting.Kind.choices, "kind": kind or ""}
    )


@public_page
def meeting_detail(request: HttpRequest, ext_id: str) -> HttpResponse:
    meeting = selectors.meeting_get(ext_id)
    previous = selectors.meeting_previous(meeting)
    attendances = list(meeting.attendances.all())
    by_side = [(label, [a for a in attendances if a.side == value]) for value, label in OrgSide.choices]
    context = {
        "meeting": meeting,
        "attendance_by_side": [(label, rows) for label, rows in by_side if rows],
        "previous": previous,
        "previous_decisions": list(previous.decisions.all()) if previous else [],
        "next_meeting": selectors.meeting_next(meeting),
        "can_edit": permissions.can_edit_registry(request.user),
        "agenda_lines": [line for line in str(meeting.agenda).splitlines() if line.strip()],
        **_history(request, meeting),
    }
    return render(request, "registry/meeting_detail.html", context)


@public_page
def decision_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    page = paginate(request, selectors.decision_list(status=status))
    return render(
        request,
        "registry/decision_list.html",
        {"page": page, "statuses": Decision.Status.choices, "status": status or ""},
    )


@public_page
def decision_detail(request: HttpRequest, ext_id: str) -> HttpResponse:
    decision = selectors.decision_get(ext_id)
    context = {
        "decision": decision,
        "can_edit": permissions.can_edit_registry(request.user),
        "can_follow_up": permissions.can_follow_up_decision(request.user, decision),
        **_history(request, decision),
    }
    return render(request, "registry/decision_detail.html", context)


@public_page
def agreement_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    page = paginate(request, selectors.agreement_list(kind=kind))
    return render(
        request, "registry/agreement_list.html", {"page": page, "kinds": Agreement.Kind.choices, "kind": kind or ""}
    )


@public_page
def agreement_detail(request: HttpRequest, ext_id: str) -> HttpResponse:
    agreement = selectors.agreement_get(ext_id)
    context = {
        "agreement": agreement,
        "status": selectors.agreement_status(agreement),
        "can_edit": permissions.can_edit_registry(request.user),
        **_history(request, agreement),
    }
    return render(request, "registry/agreement_detail.html", context)


def document_download(request: HttpRequest, ext_id: str, document_id: int) -> FileResponse:
    document = selectors.document_get(ext_id, document_id)
    if not document.file:
        raise Http404
    return uploads.serve_stored(document.file, content_type=document.content_type)


@public_page
def organisation_list(request: HttpRequest) -> HttpResponse:
    side = request.GET.get("side") or None
    page = paginate(request, selectors.organisation_list(side=side))
    return render(
        request, "registry/organisation_list.html", {"page": page, "sides": OrgSide.choices, "side": side or ""}
    )


@public_page
def organisation_detail(request: HttpRequest, ext_id: str) -> HttpResponse:
    org = selectors.organisation_get(ext_id)
    return render(request, "registry/organisation_detail.html", {"organisation": org, **_history(request, org)})


@public_page
def person_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/person_list.html", {"page": paginate(request, selectors.person_list())})


@public_page
def person_detail(request: HttpRequest, ext_id: str) -> HttpResponse:
    person = selectors.person_get(ext_id)
    return render(request, "registry/person_detail.html", {"person": person, **_history(request, person)})


@public_page
def unit_list(request: HttpRequest) -> HttpResponse:
    side = request.GET.get("side") or None
    page = paginate(request, selectors.unit_list(side=side))
    return render(request, "registry/unit_list.html", {"page": page, "sides": OrgSide.choices[:2], "side": side or ""})


@public_page
def unit_detail(request: HttpRequest, ext_id: str) -> HttpResponse:
    unit = selectors.unit_get(ext_id)
    context = {"unit": unit, "measures": selectors.unit_measures(unit), **_history(request, unit)}
    return render(request, "registry/unit_detail.html", context)


# -- staff editing ---------------------------------------------------------------------------
def _fields(form_class: type[forms.ModelForm], data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in form_class._meta.fields}  # type: ignore[operator]


@login_required
def area_create(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    return edit_page(
        request,
        form_class=rforms.AreaForm,
        instance=None,
        title=_("New co-operation area"),
        cancel_url="../",
        save=lambda d: services.area_create(user=request.user, data=d),
    )


@login_required
def area_edit(request: AuthedRequest, ext_id: str) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    area = selectors.area_get(ext_id)
    return edit_page(
        request,
        form_class=rforms.AreaForm,
        instance=area,
        title=_("Edit co-operation area"),
        cancel_url=area.get_absolute_url(),
        save=lambda d: services.area_update(user=request.user, area=area, data=d),
    )


@login_required
def measure_create(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    initial_area = request.GET.get("area")
    initial: dict[str, Any] | None = None
    cancel_url = "../"
    if request.method == "GET" and initial_area:
        area = selectors.area_get(initial_area)
        initial = {"area": area, "position": area.measures.count() + 1}
        cancel_url = area.get_absolute_url()
    return edit_page(
        request,
        form_class=rforms.MeasureForm,
        initial=initial,
        title=_("New measure"),
        cancel_url=cancel_url,
        save=lambda d: services.measure_create(user=request.user, data=d),
    )


@login_required
def measure_edit(request: AuthedRequest, ext_id: str) -> HttpResponse:
    measure = selectors.measure_get(ext_id)
    if permissions.can_edit_registry(request.user):
        form_class: type[forms.ModelForm] = rforms.MeasureForm
    elif permissions.can_update_measure_delivery(request.user, measure):
        form_class = rforms.MeasureDeliveryForm
    else:
        raise PermissionDenied

    def save(data: dict[str, Any]) -> Model:
        changed = {k: v for k, v in _fields(form_class, data).items()}
        return services.measure_update(user=request.user, measure=measure, data=changed)

    return edit_page(
        request,
        form_class=form_class,
        instance=measure,
        title=_("Edit measure"),
        cancel_url=measure.get_absolute_url(),
        save=save,
    )


@login_required
def milestone_create(request: AuthedRequest, ext_id: str) -> HttpResponse:
    measure = selectors.measure_get(ext_id)
    require_page(permissions.can_update_measure_delivery(request.user, measure))
    return edit_page(
        request,
        form_class=rforms.MilestoneForm,
        instance=None,
        title=_("New milestone"),
        cancel_url=measure.get_absolute_url(),
        save=lambda d: services.milestone_save(user=request.user, measure=measure, data=d),
        success_url=lambda _obj: measure.get_absolute_url(),
    )


@login_required
def milestone_edit(request: AuthedRequest, ext_id: str, milestone_id: int) -> HttpResponse:
    measure = selectors.measure_get(ext_id)
    require_page(permissions.can_update_measure_delivery(request.user, measure))
    milestone = get_object_or_404(Milestone, pk=milestone_id, measure=measure)
    return edit_page(
        request,
        form_class=rforms.MilestoneForm,
        instance=milestone,
        title=_("Edit milestone"),
        cancel_url=measure.get_absolute_url(),
        save=lambda d: services.milestone_save(user=request.user, measure=measure, data=d, milestone=milestone),
        success_url=lambda _obj: measure.get_absolute_url(),
    )


@login_required
def meeting_create(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    # ?kind=plenary: the link from closing a reporting cycle, which needs the next plenary recorded.
    kind = request.GET.get("kind") or ""
    return edit_page(
        request,
        form_class=rforms.MeetingForm,
        instance=None,
        initial={"kind": kind} if kind in Meeting.Kind.values else None,
        title=_("New meeting"),
        cancel_url="../",
        save=lambda d: services.meeting_create(user=request.user, data=d),
    )


@login_required
def meeting_edit(request: AuthedRequest, ext_id: str) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    meeting = selectors.meeting_get(ext_id)
    return edit_page(
        request,
        form_class=rforms.MeetingForm,
        instance=meeting,
        title=_("Edit meeting"),
        cancel_url=meeting.get_absolute_url(),
        save=lambda d: services.meeting_update(user=request.user, meeting=meeting, data=d),
    )


@login_required
def attendance_create(request: AuthedRequest, ext_id: str) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    meeting = selectors.meeting_get(ext_id)
    return edit_page(
        request,
        form_class=rforms.AttendanceForm,
        instance=None,
        title=_("Add attendee"),
        cancel_url=meeting.get_absolute_url(),
        save=lambda d: services.attendance_add(user=request.user, meeting=meeting, data=d),
        success_url=lambda _obj: meeting.get_absolute_url(),
    )


@login_required
@require_POST
def attendance_delete(request: AuthedRequest, ext_id: str, attendance_id: int) -> HttpResponse:
    attendance = get_object_or_404(Attendance, pk=attendance_id, meeting__ext_id=ext_id)
    try:
        services.attendance_remove(user=request.user, attendance=attendance)
    except NotPermitted as exc:
        raise PermissionDenied from exc
    messages.success(request, _("The attendee has been removed."))
    return redirect("registry:meeting", ext_id=ext_id)


@login_required
def decision_create(request: AuthedRequest, ext_id: str) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    meeting = selectors.meeting_get(ext_id)
    return edit_page(
        request,
        form_class=rforms.DecisionForm,
        instance=None,
        title=_("New decision"),
        cancel_url=meeting.get_absolute_url(),
        save=lambda d: services.decision_create(user=request.user, meeting=meeting, data=d),
    )


@login_required
def decision_edit(request: AuthedRequest, ext_id: str) -> HttpResponse:
    decision = selectors.decision_get(ext_id)
    if permissions.can_edit_registry(request.user):
        form_class: type[forms.ModelForm] = rforms.DecisionForm
    elif permissions.can_follow_up_decision(request.user, decision):
        form_class = rforms.DecisionFollowUpForm
    else:
        raise PermissionDenied
    return edit_page(
        request,
        form_class=form_class,
        instance=decision,
        title=_("Edit decision"),
        cancel_url=decision.get_absolute_url(),
        save=lambda d: services.decision_update(user=request.user, decision=decision, data=_fields(form_class, d)),
    )


@login_required
def agreement_create(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    return edit_page(
        request,
        form_class=rforms.AgreementForm,
        instance=None,
        title=_("New agreement"),
        cancel_url="../",
        save=lambda d: services.agreement_create(user=request.user, data=d),
    )


@login_required
def agreement_edit(request: AuthedRequest, ext_id: str) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    agreement = selectors.agreement_get(ext_id)
    return edit_page(
        request,
        form_class=rforms.AgreementForm,
        instance=agreement,
        title=_("Edit agreement"),
        cancel_url=agreement.get_absolute_url(),
        save=lambda d: services.agreement_update(user=request.user, agreement=agreement, data=d),
    )


def _agreement_child(
    request: HttpRequest,
    ext_id: str,
    form_class: type[forms.ModelForm],
    title: str,
    save: Callable[[Agreement, dict[str, Any]], Model],
    files: bool = False,
) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    agreement = selectors.agreement_get(ext_id)
    return edit_page(
        request,
        form_class=form_class,
        instance=None,
        title=title,
        cancel_url=agreement.get_absolute_url(),
        save=lambda d: save(agreement, d),
        success_url=lambda _obj: agreement.get_absolute_url(),
        files=files,
    )


@login_required
def agreement_event_create(request: AuthedRequest, ext_id: str) -> HttpResponse:
    return _agreement_child(
        request,
        ext_id,
        rforms.AgreementEventForm,
        _("Add lifecycle event"),
        lambda a, d: services.agreement_event_add(user=request.user, agreement=a, data=d),
    )


@login_required
def signatory_create(request: AuthedRequest, ext_id: str) -> HttpResponse:
    return _agreement_child(
        request,
        ext_id,
        rforms.SignatoryForm,
        _("Add signatory"),
        lambda a, d: services.signatory_add(user=request.user, agreement=a, data=d),
    )


@login_required
def clause_create(request: AuthedRequest, ext_id: str) -> HttpResponse:
    return _agreement_child(
        request,
        ext_id,
        rforms.ClauseForm,
        _("Add clause"),
        lambda a, d: services.clause_save(user=request.user, agreement=a, data=d),
    )


@login_required
def document_create(request: AuthedRequest, ext_id: str) -> HttpResponse:
    def save(agreement: Agreement, data: dict[str, Any]) -> Model:
        upload = data.pop("upload", None)
        return services.document_upload(user=request.user, agreement=agreement, data=data, upload=upload)

    return _agreement_child(request, ext_id, rforms.DocumentForm, _("Add document"), save, files=True)


@login_required
def document_replace(request: AuthedRequest, ext_id: str, document_id: int) -> HttpResponse:
    require_page(permissions.can_edit_registry(request.user))
    document = selectors.document_get(ext_id, document_id)
    agreement = document.agreement

    def save(data: dict[str, Any]) -> Model:
        upload = data.pop("upload", None)
        if document.version == data.get("version") and upload is not None:
            data.pop("version")
        return services.document_upload(
            user=request.user, agreement=agreement, data=data, upload=upload, document=document
        )

    return edit_page(
        request,
        form_class=rforms.DocumentForm,
        instance=document,
        title=_("Update document"),
        cancel_url=agreement.get_absolute_url(),
        save=save,
        files=True,
        success_url=lambda _obj: agreement.get_absolute_url(),
    )
