"""Service levels and unit supervisors (pages under /calendars/: ``service_level_urls.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.models import User
from hkcq.accounts.types import AuthedRequest, Viewer
from hkcq.core.choices import Side
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.pagination import paginate
from hkcq.core.permissions import require_page
from hkcq.core.views import edit_page
from hkcq.enquiries import forms as eforms
from hkcq.enquiries import permissions, selectors, service_levels
from hkcq.registry.models import Unit


# -- service levels and unit supervisors (pages under /calendars/: service_level_urls.py) ---------
def sla_policy_list(request: HttpRequest) -> HttpResponse:
    context = {
        "policies": selectors.sla_policy_list(),
        "can_edit": permissions.can_edit_sla_policies(request.user),
    }
    return render(request, "enquiries/sla_policy_list.html", context)


@login_required
def sla_policy_create(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_edit_sla_policies(request.user))
    return edit_page(
        request,
        form_class=eforms.SlaPolicyForm,
        save=lambda d: service_levels.sla_policy_create(user=request.user, data=d),
        title=_("New service level"),
        cancel_url=reverse("service_levels:sla_policies"),
        success_url=reverse("service_levels:sla_policies"),
    )


@login_required
def sla_policy_edit(request: AuthedRequest, code: str) -> HttpResponse:
    require_page(permissions.can_edit_sla_policies(request.user))
    policy = selectors.sla_policy_get(code)
    return edit_page(
        request,
        form_class=eforms.SlaPolicyForm,
        instance=selectors.sla_policy_get(code),
        save=lambda d: service_levels.sla_policy_update(user=request.user, policy=policy, data=d),
        title=_("Edit service level"),
        cancel_url=reverse("service_levels:sla_policies"),
        success_url=reverse("service_levels:sla_policies"),
    )


def _supervised_sides(user: Viewer) -> list[str]:
    return [side for side in Side.values if permissions.can_manage_supervisors(user, side)]


@login_required
def supervisor_list(request: AuthedRequest) -> HttpResponse:
    sides = _supervised_sides(request.user)
    require_page(bool(sides))
    if request.method == "POST":
        unit = Unit.objects.filter(pk=request.POST.get("unit") or 0, side__in=sides).first()
        supervisor = User.objects.filter(pk=request.POST.get("supervisor") or 0).first()
        if unit is None or supervisor is None:
            messages.error(request, _("Choose a unit and one of its officers."))
        else:
            try:
                service_levels.unit_supervisor_add(user=request.user, unit=unit, supervisor=supervisor)
            except InvalidInput:
                messages.error(request, _("Choose a unit and one of its officers."))
            except NotPermitted as exc:
                raise PermissionDenied from exc
            else:
                messages.success(request, _("Saved."))
        return redirect(request.get_full_path())
    page = paginate(request, selectors.units_with_supervisors(sides))
    return render(request, "enquiries/supervisor_list.html", {"page": page})


@login_required
@require_POST
def supervisor_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    record = selectors.unit_supervisor_get(pk)
    try:
        service_levels.unit_supervisor_remove(user=request.user, record=record)
    except NotPermitted as exc:
        raise PermissionDenied from exc
    messages.success(request, _("The supervisor has been removed."))
    return redirect("service_levels:supervisors")
