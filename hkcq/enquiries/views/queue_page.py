"""The staff workspace's queue: filters, keyset pages with an estimated total, rows made in Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from hkcq.accounts.types import AuthedRequest
from hkcq.core.dates import show_due
from hkcq.core.pagination import Keyset, count_estimate
from hkcq.core.permissions import require_page
from hkcq.core.text import mask_personal_data
from hkcq.core.translated import LANGUAGE_LABELS
from hkcq.enquiries import permissions, selectors
from hkcq.enquiries.models import Enquiry

# -- staff workspace ---------------------------------------------------------------------------
MAX_PAGE_NUMBER = 1_000_000


def _rounded(value: int) -> int:
    """An estimate to two significant figures ("about 980,000", not "about 981,347")."""
    if value < 100:
        return value
    scale = 10 ** (len(str(value)) - 2)
    return round(value / scale) * scale


def _queue_url(request: HttpRequest, **changes: str) -> str:
    params = request.GET.copy()
    for name in ("after", "before", "page", "last"):
        params.pop(name, None)
    for name, value in changes.items():
        params[name] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else request.path


def _queue_pages(request: HttpRequest, qs: QuerySet[Enquiry], keyset: Keyset) -> dict[str, Any]:
    """One page of the queue by keyset: "Next" and "Previous" carry the cursor of the page's last
    or first case (``after``/``before``), so page 1,000 costs what page 1 does; "Last page" reads
    the order backwards. A page number typed in (``page=``) is read through the index's keys only;
    one past the end shows the last page. The total is exact for a short list, else the
    database's estimate, shown as "about"."""
    per_page = settings.PAGE_SIZE
    after = keyset.decode(Enquiry, request.GET.get("after"))
    before = None if after is not None else keyset.decode(Enquiry, request.GET.get("before"))
    try:
        number: int | None = min(max(int(request.GET.get("page", "")), 1), MAX_PAGE_NUMBER)
    except ValueError:
        number = None
    total = count_estimate(qs)
    shown_total = total.value if total.exact or total.at_least else _rounded(total.value)
    last_number = max(1, -(-shown_total // per_page))
    at_end = False
    if after is not None or before is not None:
        page = keyset.page(qs, limit=per_page, after=after, before=before)
    elif request.GET.get("last") or (number or 1) > 1:
        page = keyset.page(qs, limit=per_page, offset=((number or 1) - 1) * per_page)
        if request.GET.get("last") or not page.rows:  # the last page (asked for, or a number past the end)
            # Counted exactly: the page boundaries the "Next" links make; estimated: the last cases.
            if total.exact:
                page = keyset.page(qs, limit=per_page, offset=(last_number - 1) * per_page)
            else:
                page = keyset.page(qs, limit=per_page, last=True)
            at_end = True
    else:
        number = 1
        page = keyset.page(qs, limit=per_page)
    if page.previous is None:
        number = 1
    elif at_end:
        number = last_number if total.exact else None
    first = page.previous is None

    def link(**changes: str) -> str:
        if number is not None and "page" in changes:
            changes["page"] = str(number + int(changes["page"]))
        else:
            changes.pop("page", None)
        return _queue_url(request, **changes)

    previous_url = ""
    if not first and page.previous:
        previous_url = _queue_url(request) if number == 2 else link(before=page.previous, page="-1")
    return {
        "rows": page.rows,
        "count": shown_total,
        "exact": total.exact,
        "at_least": total.at_least,
        "number": number,
        "last_number": last_number,
        "next_url": link(after=page.next, page="1") if page.next else "",
        "previous_url": previous_url,
        "first_url": "" if first else _queue_url(request),
        "last_url": _queue_url(request, last="1") if page.next else "",
    }


@dataclass(frozen=True)
class QueueRow:
    """What the queue shows of one case, made in Python (issue 15: each row's template work, its
    labels translated, its unit named and its link reversed again per row, was half the page's
    time). The same text as the case's own displays."""

    url: str
    reference: str
    question: str
    routing: bool
    unit: str
    language: str
    status: str
    closed: bool
    priority: str
    high: bool
    paused: bool
    due: str
    overdue: bool


# A reference that cannot be a real one, standing in the case page's address while it is reversed.
_REFERENCE_SLOT = "HKCQ-0000-000000-0"


def _queue_rows(cases: list[Enquiry]) -> list[QueueRow]:
    """The rows of a queue page: labels looked up once per value, the case link reversed once."""
    url = reverse("enquiries:case", args=[_REFERENCE_SLOT])
    units: dict[int | None, str] = {None: _("Not assigned")}
    labels: dict[tuple[str, str], str] = {}

    def label(case: Enquiry, field: str) -> str:
        value = getattr(case, field)
        if (field, value) not in labels:
            labels[(field, value)] = str(getattr(case, f"get_{field}_display")())
        return labels[(field, value)]

    rows = []
    for e in cases:
        if e.assigned_unit_id not in units:
            units[e.assigned_unit_id] = str(e.assigned_unit)
        rows.append(
            QueueRow(
                url=url.replace(_REFERENCE_SLOT, e.reference),
                reference=e.reference,
                question=mask_personal_data(e.question),
                routing=e.routing_pending and e.assigned_unit_id is None,
                unit=units[e.assigned_unit_id],
                language=label(e, "language"),
                status=label(e, "status"),
                closed=e.status == Enquiry.Status.CLOSED,
                priority=label(e, "priority"),
                high=e.priority == Enquiry.Priority.HIGH,
                paused=e.is_paused,
                due=show_due(e.reply_due),
                overdue=e.reply_overdue or e.acknowledge_overdue,
            )
        )
    return rows


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_use_queue(request.user))
    filters = {
        "status": request.GET.get("status") or "",
        "due": request.GET.get("due") or "",
        "language": request.GET.get("language") or "",
        "priority": request.GET.get("priority") or "",
    }
    if filters["status"] not in ("", "open", *Enquiry.Status.values):
        filters["status"] = ""
    if filters["due"] not in ("", *selectors.DUE_FILTERS):
        filters["due"] = ""
    if filters["priority"] not in ("", *Enquiry.Priority.values):
        filters["priority"] = ""
    qs = selectors.enquiry_queue_for_user(
        request.user,
        status=filters["status"] or None,
        due=filters["due"] or None,
        language=filters["language"] or None,
        priority=filters["priority"] or None,
    )
    pages = _queue_pages(request, qs, selectors.enquiry_queue_keyset(due=filters["due"] or None))
    rows = _queue_rows(pages["rows"])
    is_secretariat = permissions.is_secretariat(request.user)
    return render(
        request,
        "enquiries/queue.html",
        {
            "pages": pages,
            "rows": rows,
            "filters": filters,
            "statuses": Enquiry.Status.choices,
            "priorities": Enquiry.Priority.choices,
            "due_choices": [
                ("overdue", _("Overdue")),
                ("due_soon", _("Due within two days")),
                ("paused", _("Clock paused")),
            ],
            "languages": [(c, LANGUAGE_LABELS[c]) for c in ("en", "zh-hant", "zh-hans")],
            "is_secretariat": is_secretariat,
            "filtered": any(filters.values()),
            # Read only to explain an officer's empty queue (the page says which units it shows).
            "my_units": [] if rows or is_secretariat else selectors.user_units(request.user),
        },
    )
