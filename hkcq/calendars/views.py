"""Calendar pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.types import AuthedRequest, Viewer
from hkcq.calendars import permissions, selectors, services
from hkcq.calendars.forms import HolidayForm
from hkcq.core.choices import Side
from hkcq.core.dates import TZ
from hkcq.core.pagination import paginate
from hkcq.core.views import edit_page


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


def _editable_sides(user: Viewer) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Side.choices if permissions.can_edit_calendar(user, value)]


@login_required
def holiday_create(request: AuthedRequest) -> HttpResponse:
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
def holiday_edit(request: AuthedRequest, pk: int) -> HttpResponse:
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
def holiday_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    holiday = selectors.holiday_get(pk)
    if not permissions.can_edit_calendar(request.user, holiday.side):
        raise PermissionDenied
    if request.method == "POST":
        back = holiday.get_absolute_url()
        services.holiday_delete(user=request.user, holiday=holiday)
        messages.success(request, _("The calendar day has been deleted."))
        return redirect(back)
    return render(request, "calendars/holiday_delete.html", {"holiday": holiday})
