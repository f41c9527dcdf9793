"""Calendar and service-level pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.calendars import permissions, selectors, services
from hkcq.calendars.forms import HolidayForm, SlaPolicyForm
from hkcq.calendars.workdays import TZ
from hkcq.core.choices import Side
from hkcq.core.errors import InvalidInput, NotFound, NotPermitted
from hkcq.core.pagination import paginate


def _get_or_404(fetch: Callable[[], Any]) -> Any:
    try:
        return fetch()
    except NotFound as exc:
        raise Http404 from exc


def _edit(
    request: HttpRequest,
    *,
    form: Callable[..., forms.ModelForm],
    save: Callable[[dict[str, Any]], Model],
    title: str,
    cancel_url: str,
    success_url: Callable[[Model], str],
) -> HttpResponse:
    """Bound form → service → redirect; domain errors land on the form so nothing typed is lost."""
    if request.method == "POST":
        bound = form(request.POST)
        if bound.is_valid():
            try:
                obj = save(bound.cleaned_data)
            except InvalidInput as exc:
                for field, errors in exc.details.items():
                    for error in errors:
                        bound.add_error(field if field in bound.fields else None, error)
            except NotPermitted as exc:
                bound.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Saved."))
                return redirect(success_url(obj))
    else:
        bound = form()
    return render(request, "calendars/edit.html", {"form": bound, "title": title, "cancel_url": cancel_url})


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

    def make(*args: Any) -> forms.ModelForm:
        return HolidayForm(*args, sides=sides, initial={"side": side})

    return _edit(
        request,
        form=make,
        save=lambda d: services.holiday_create(user=request.user, data=d),
        title=_("New calendar day"),
        cancel_url=_list_url(side, year),
        success_url=lambda obj: obj.get_absolute_url(),  # type: ignore[attr-defined]
    )


@login_required
def holiday_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = _get_or_404(lambda: selectors.holiday_get(pk))
    if not permissions.can_edit_calendar(request.user, holiday.side):
        raise PermissionDenied
    sides = _editable_sides(request.user)

    def make(*args: Any) -> forms.ModelForm:
        return HolidayForm(*args, instance=selectors.holiday_get(pk), sides=sides)

    return _edit(
        request,
        form=make,
        save=lambda d: services.holiday_update(user=request.user, holiday=holiday, data=d),
        title=_("Edit calendar day"),
        cancel_url=holiday.get_absolute_url(),
        success_url=lambda obj: obj.get_absolute_url(),  # type: ignore[attr-defined]
    )


@login_required
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = _get_or_404(lambda: selectors.holiday_get(pk))
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
    return _edit(
        request,
        form=lambda *args: SlaPolicyForm(*args),
        save=lambda d: services.sla_policy_create(user=request.user, data=d),
        title=_("New service level"),
        cancel_url=reverse("calendars:sla_policies"),
        success_url=lambda obj: reverse("calendars:sla_policies"),
    )


@login_required
def sla_policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    if not permissions.can_edit_sla_policies(request.user):
        raise PermissionDenied
    policy = _get_or_404(lambda: selectors.sla_policy_get(code))
    return _edit(
        request,
        form=lambda *args: SlaPolicyForm(*args, instance=selectors.sla_policy_get(code)),
        save=lambda d: services.sla_policy_update(user=request.user, policy=policy, data=d),
        title=_("Edit service level"),
        cancel_url=reverse("calendars:sla_policies"),
        success_url=lambda obj: reverse("calendars:sla_policies"),
    )
