"""Enquiry statistics: a public summary, and figures per unit for the secretariat."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.types import AuthedRequest
from hkcq.core.dates import TZ
from hkcq.enquiries import permissions
from hkcq.enquiries.forms import PeriodForm
from hkcq.enquiries.statistics import bar_chart, enquiry_statistics, year_ending


# -- statistics (public summary; figures per unit for the secretariat) ---------------------------
def _statistics(request: HttpRequest, *, full: bool) -> HttpResponse:
    today = timezone.now().astimezone(TZ).date()
    default = {"start": year_ending(today), "end": today}
    form = PeriodForm(request.GET or None, initial=default)
    period = form.cleaned_data if form.is_bound and form.is_valid() else default
    stats = enquiry_statistics(period["start"], period["end"])

    def percent(value: float | None) -> tuple[float, str]:
        return (value or 0.0, "—" if value is None else f"{value:.1f}%")

    ack, reply = percent(stats.ack.percent), percent(stats.reply.percent)
    charts = {
        "topic": bar_chart(_("Enquiries by topic"), [(r.label, r.count, str(r.count)) for r in stats.by_topic]),
        "language": bar_chart(
            _("Enquiries by language"), [(r.label, r.count, str(r.count)) for r in stats.by_language]
        ),
        "unit": bar_chart(_("Enquiries by unit"), [(r.label, r.count, str(r.count)) for r in stats.by_unit]),
        "sla": bar_chart(
            _("Deadlines met"),
            [(_("Acknowledged in time"), ack[0], ack[1]), (_("Replied in time"), reply[0], reply[1])],
            maximum=100,
        ),
        "rating": bar_chart(
            _("Ratings of the service"),
            [(r.label, r.count, str(r.count)) for r in stats.satisfaction.service_distribution],
        ),
    }
    context = {"stats": stats, "charts": charts, "form": form, "full": full}
    return render(request, "enquiries/statistics.html", context)


def statistics_public(request: HttpRequest) -> HttpResponse:
    return _statistics(request, full=False)


@login_required
def statistics_full(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_view_full_statistics(request.user):
        raise PermissionDenied
    return _statistics(request, full=True)
