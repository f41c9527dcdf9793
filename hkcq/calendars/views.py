"""Calendar and service-level pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.calendars import permissions, selectors, services
from hkcq.calendars.forms import HolidayForm, SlaPolicyForm
from hkcq.core.choices import Side
from hkcq.core.dates import TZ
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.pagination import paginate
from hkcq.core.views import edit_page
from hkcq.registry.models import Unit


def _side_and_year(request: HttpRequest) -> tuple[str, int]:
    side = request.GET.get("side") or ""
    if side not in Side.values:
        user_side = getattr(request.user, "side", "") or ""
        side = user_side if user_side in Side.values else Side.HONG_KONG
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    if not 1900 <= year <= 2200:
        year = timezone.now().astimezone(TZ).year
    return side, year


def holiday_list(request: HttpRequest) -> HttpResponse:
    side, year = _side_and_year(request)
    page = paginate(request, selectors.holiday_list(side=side, year=year), per_page=40)
    years = sorted(set(selectors.holiday_years(side)) | {year - 1, year, year + 1})
    context = {
        "page": page,
        "side": side,
        "side_label": Side(side).label,
        "year": year,
        "years": years,
        "sides": Side.choices,
        "can_edit": permissions.can_edit_calendar(request.user, side),
    }
    return render(request, "calendars/holiday_list.html", context)


def _list_url(side: str, year: int) -> str:
    return reverse("calendars:holidays") + f"?side={side}&year={year}"


def _editable_sides(user: Any) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Side.choices if permissions.can_edit_calendar(user, value)]


@login_required
def holiday_create(request: HttpRequest) -> HttpResponse:
    sides = _editable_sides(request.user)
    if not sides:
        raise PermissionDenied
    side, year = _side_and_year(request)
    if side not in dict(sides):
        side = sides[0][0]
    return edit_page(
        request,
        form_class=HolidayForm,
        form_kwargs={"sides": sides},
        initial={"side": side},
        save=lambda d: services.holiday_create(user=request.user, data=d),
        title=_("New calendar day"),
        cancel_url=_list_url(side, year),
    )


@login_required
def holiday_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = selectors.holiday_get(pk)
    if not permissions.can_edit_calendar(request.user, holiday.side):
        raise PermissionDenied
    sides = _editable_sides(request.user)
    return edit_page(
        request,
        form_class=HolidayForm,
        # The form gets its own copy: validating a model form changes its instance.
        instance=selectors.holiday_get(pk),
        form_kwargs={"sides": sides},
        save=lambda d: services.holiday_update(user=request.user, holiday=holiday, data=d),
        title=_("Edit calendar day"),
        cancel_url=holiday.get_absolute_url(),
    )


@login_required
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = selectors.holiday_get(pk)
    if not permissions.can_edit_calendar(request.user, holiday.side):
        raise PermissionDenied
    if request.method == "POST":
        back = holiday.get_absolute_url()
        services.holiday_delete(user=request.user, holiday=holiday)
        messages.success(request, _("The calendar day has been deleted."))
        return redirect(back)
    return render(request, "calendars/holiday_delete.html", {"holiday": holiday})


def sla_policy_list(request: HttpRequest) -> HttpResponse:
    context = {
        "policies": selectors.sla_policy_list(),
        "can_edit": permissions.can_edit_sla_policies(request.user),
    }
    return render(request, "calendars/sla_policy_list.html", context)


@login_required
def sla_policy_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_sla_policies(request.user):
        raise PermissionDenied
    return edit_page(
        request,
        form_class=SlaPolicyForm,
        save=lambda d: services.sla_policy_create(user=request.user, data=d),
        title=_("New service level"),
        cancel_url=reverse("calendars:sla_policies"),
        success_url=reverse("calendars:sla_policies"),
    )


@login_required
def sla_policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    if not permissions.can_edit_sla_policies(request.user):
        raise PermissionDenied
    policy = selectors.sla_policy_get(code)
    return edit_page(
        request,
        form_class=SlaPolicyForm,
        instance=selectors.sla_policy_get(code),
        save=lambda d: services.sla_policy_update(user=request.user, policy=policy, data=d),
        title=_("Edit service level"),
        cancel_url=reverse("calendars:sla_policies"),
        success_url=reverse("calendars:sla_policies"),
    )


@login_required
def supervisor_list(request: HttpRequest) -> HttpResponse:
    sides = [value for value, _label in _editable_sides(request.user)]
    if not sides:
        raise PermissionDenied
    if request.method == "POST":
        unit = Unit.objects.filter(pk=request.POST.get("unit") or 0, side__in=sides).first()
        supervisor = get_user_model().objects.filter(pk=request.POST.get("supervisor") or 0).first()
        if unit is None or supervisor is None:
            messages.error(request, _("Choose a unit and one of its officers."))
        else:
            try:
                services.unit_supervisor_add(user=request.user, unit=unit, supervisor=supervisor)
            except InvalidInput:
                messages.error(request, _("Choose a unit and one of its officers."))
            except NotPermitted as exc:
                raise PermissionDenied from exc
            else:
                messages.success(request, _("Saved."))
        return redirect(request.get_full_path())
    page = paginate(request, selectors.units_with_supervisors(sides))
    return render(request, "calendars/supervisor_list.html", {"page": page})


@login_required
@require_POST
def supervisor_remove(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.unit_supervisor_get(pk)
    try:
        services.unit_supervisor_remove(user=request.user, record=record)
    except NotPermitted as exc:
        raise PermissionDenied from exc
    messages.success(request, _("The supervisor has been removed."))
    return redirect("calendars:supervisors")
