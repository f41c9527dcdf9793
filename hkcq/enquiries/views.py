"""Enquiry pages: the resident's (file, track, reply, rate, "My enquiries") and the staff
workspace (queue, case page, canned replies). Thin: parse, call a selector or service, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.models import User
from hkcq.accounts.types import AuthedRequest, Viewer
from hkcq.core import idempotency
from hkcq.core.choices import Side
from hkcq.core.dates import TZ, show_due
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.forms import add_domain_error
from hkcq.core.idempotency import IdempotencyKeyReused
from hkcq.core.pagination import Keyset, count_estimate, paginate
from hkcq.core.permissions import require_page
from hkcq.core.text import mask_personal_data
from hkcq.core.throttle import (
    Throttled,
    form_refused,
    form_throttle_check,
    retry_after_header,
    throttle,
    throttle_count,
)
from hkcq.core.translated import HTML_LANG, LANGUAGE_LABELS, current_language
from hkcq.core.views import edit_page, redirect_to_page_top
from hkcq.enquiries import forms as eforms
from hkcq.enquiries import knowledge, permissions, selectors, service_levels, services
from hkcq.enquiries.forms import PeriodForm
from hkcq.enquiries.models import CannedReply, Enquiry, Message
from hkcq.enquiries.statistics import bar_chart, enquiry_statistics, year_ending
from hkcq.registry.models import Unit


# -- what a reader may see ----------------------------------------------------------------------
@dataclass(frozen=True)
class ShownMessage:
    message: Message
    body: str
    cited: list[knowledge.Cited]


def _shown_messages(enquiry: Enquiry, *, include_notes: bool, unmasked: bool, language: str) -> list[ShownMessage]:
    out = []
    for m in selectors.enquiry_messages(enquiry, include_notes=include_notes):
        body = m.body if unmasked else mask_personal_data(m.body)
        out.append(ShownMessage(m, body, knowledge.cited(m.citations, language)))
    return out


def _shown_case(enquiry: Enquiry, unmasked: bool) -> dict[str, str]:
    if unmasked:
        return {
            "question": enquiry.question,
            "details": enquiry.details,
            "email": enquiry.email,
            "phone": enquiry.phone,
        }
    local, _at, domain = enquiry.email.partition("@")
    return {
        "question": mask_personal_data(enquiry.question),
        "details": mask_personal_data(enquiry.details),
        "email": f"{local[:1]}•••@{domain}",
        "phone": "▇▇▇" if enquiry.phone else "",
    }


def _notice_text() -> str:
    return _(
        "The information you give here is used only to handle your enquiry. It is passed to the government unit "
        "responsible for the subject, and to the co-operation secretariat, and is kept for two years after the "
        "enquiry is closed. Identity card and phone numbers you type are hidden from everyone except you and the "
        "officer handling your enquiry. You may ask to see or correct your data by replying through your tracking "
        "link."
    )


def _consent_notice() -> dict[str, Any]:
    """The personal-data notice in the page's language, and in the other two for a
    ``<details>`` below it (someone may agree to it in the language they read best)."""
    page_language = current_language()
    others = []
    for code, _name in settings.LANGUAGES:
        if code == page_language:
            continue
        with translation.override(code):
            others.append({"lang": HTML_LANG[code], "label": str(LANGUAGE_LABELS[code]), "text": _notice_text()})
    return {"text": _notice_text(), "others": others}


# -- resident pages ----------------------------------------------------------------------------
def enquiry_new(request: HttpRequest) -> HttpResponse:
    refused: Throttled | None = None
    if request.method == "POST":
        form = eforms.EnquiryForm(request.POST)
        # Only an accepted enquiry counts towards the limit (hkcq/core/throttle.py): a form shown
        # again with its errors costs nothing; a refused one keeps what was typed.
        targets = (request.POST.get("email", ""),)
        refused = form_throttle_check(request, form, "enquiry_submit", targets=targets)
        if refused is None and form.is_valid():
            data = form.cleaned_data
            try:
                result = services.enquiry_submit(
                    filing=services.Filing(
                        question=data["question"],
                        details=data["details"],
                        email=data["email"],
                        phone=data["phone"],
                        language=data["language"],
                        consent=data["consent"],
                    ),
                    origin=services.Origin(
                        source="web",
                        client=idempotency.client_of(request, session=True),
                        idempotency_key=data["idempotency_key"],
                        user=request.user,
                    ),
                )
            except IdempotencyKeyReused:
                # Sent before with other content (back button, edit, send): this is a new
                # enquiry once the person confirms; a fresh key makes the next send one.
                form.add_error(None, idempotency.key_reused_message())
                fresh = request.POST.copy()
                fresh["idempotency_key"] = uuid.uuid4().hex
                form.data = fresh
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                if result.created:
                    throttle_count(request, "enquiry_submit", targets=targets)
                return redirect_to_page_top("enquiries:received", token=result.enquiry.token)
    else:
        # Replies come in the language the resident is using now, whatever their account's
        # default; they can choose another.
        initial: dict[str, Any] = {"question": request.GET.get("q", "")[:1000], "language": current_language()}
        if request.user.is_authenticated:
            initial["email"] = request.user.email
        form = eforms.EnquiryForm(initial=initial)
    response = render(
        request, "enquiries/new.html", {"form": form, "notice": _consent_notice()}, status=429 if refused else 200
    )
    return retry_after_header(response, refused) if refused else response


def enquiry_received(request: HttpRequest, token: str) -> HttpResponse:
    enquiry = _tracked(request, token)
    return render(
        request,
        "enquiries/received.html",
        {"enquiry": enquiry, "tracking_link": request.build_absolute_uri(enquiry.get_tracking_url())},
    )


def _tracked(request: HttpRequest, token: str) -> Enquiry:
    throttle(request, "tracking" if request.method in ("GET", "HEAD") else "tracking_write", targets=(token,))
    return selectors.enquiry_get_by_token(token)


def _track_write_refused(
    request: HttpRequest, token: str, refused: Throttled, *, form: forms.Form, which: str
) -> HttpResponse:
    """A reply or rating the write throttle refused, shown again with what was typed. On the
    tracking page when the case may be read: that is a read of the page, counted as one
    (``tracking``), so a refused write is no extra guess at links; when reads are over their
    limit too, the form alone (the case not read), still with what was typed."""
    try:
        throttle(request, "tracking", targets=(token,))
    except Throttled:
        context: dict[str, Any] = {"form": form, "action": request.path, "which": which}
        return form_refused(request, "enquiries/track_refused.html", context, form=form, exc=refused)
    enquiry = selectors.enquiry_get_by_token(token)
    context = _track_context(request, enquiry, token)
    context |= {"reply_form": eforms.ResidentReplyForm(), "rating_form": eforms.RatingForm(), f"{which}_form": form}
    return form_refused(request, "enquiries/track.html", context, form=form, exc=refused)


def _track_context(request: HttpRequest, enquiry: Enquiry, token: str) -> dict[str, Any]:
    return {
        "enquiry": enquiry,
        "token": token,
        # Masked even for the resident: anyone with the link sees this page, and links get
        # forwarded; the resident knows their own numbers.
        "shown": _shown_case(enquiry, False),
        # Cited entries link to the entry in the resident's preferred language.
        "conversation": _shown_messages(enquiry, include_notes=False, unmasked=False, language=enquiry.language),
        "can_reply": permissions.can_resident_act(request.user, enquiry, token, "resident_reply"),
        "can_rate": permissions.can_resident_act(request.user, enquiry, token, "rate"),
    }


def enquiry_track(request: HttpRequest, token: str) -> HttpResponse:
    enquiry = _tracked(request, token)
    context = _track_context(request, enquiry, token)
    context |= {"reply_form": eforms.ResidentReplyForm(), "rating_form": eforms.RatingForm()}
    return render(request, "enquiries/track.html", context)


@require_POST
def enquiry_track_reply(request: HttpRequest, token: str) -> HttpResponse:
    form = eforms.ResidentReplyForm(request.POST)
    try:
        enquiry = _tracked(request, token)
    except Throttled as refused:
        return _track_write_refused(request, token, refused, form=form, which="reply")
    if form.is_valid():
        try:
            services.enquiry_resident_reply(
                user=request.user, enquiry=enquiry, token=token, body=form.cleaned_data["body"]
            )
        except NotPermitted:
            messages.error(request, _("This enquiry is closed; you can no longer reply. File a new enquiry if needed."))
            return redirect_to_page_top("enquiries:track", token=token)
        except InvalidInput as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect_to_page_top("enquiries:track", token=token)
    context = _track_context(request, enquiry, token) | {"reply_form": form, "rating_form": eforms.RatingForm()}
    return render(request, "enquiries/track.html", context, status=400)


@require_POST
def enquiry_track_rate(request: HttpRequest, token: str) -> HttpResponse:
    form = eforms.RatingForm(request.POST)
    try:
        enquiry = _tracked(request, token)
    except Throttled as refused:
        return _track_write_refused(request, token, refused, form=form, which="rating")
    if form.is_valid():
        try:
            services.enquiry_rate(
                user=request.user,
                enquiry=enquiry,
                token=token,
                service=form.cleaned_data["service"],
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
            )
        except InvalidInput as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you for rating our service."))
            return redirect_to_page_top("enquiries:track", token=token)
    context = _track_context(request, enquiry, token) | {"reply_form": eforms.ResidentReplyForm(), "rating_form": form}
    return render(request, "enquiries/track.html", context, status=400)


def enquiry_find(request: HttpRequest) -> HttpResponse:
    """Send a lost tracking link again, to the address the case was filed with, given its
    reference and that address. Never an oracle: the same answer whether or not they match
    (services.enquiry_tracking_link_request), and throttled per address, reference and e-mail.
    A POST: the e-mail address must not travel in the URL (history, access logs, the Referer of
    the next page). A GET only shows the form, with a reference from the URL filled in."""
    if request.method != "POST":
        reference = (request.GET.get("reference") or "").strip()[:40]
        return render(request, "enquiries/find.html", {"form": eforms.FindForm(initial={"reference": reference})})
    form = eforms.FindForm(request.POST)
    if form.is_valid():
        reference, email = form.cleaned_data["reference"], form.cleaned_data["email"]
        try:
            throttle(request, "enquiry_find", targets=(reference, email))
        except Throttled as exc:
            return form_refused(request, "enquiries/find.html", {"form": form}, form=form, exc=exc)
        try:
            services.enquiry_tracking_link_request(reference=reference, email=email)
        except InvalidInput as exc:
            form.add_error("reference", str(exc.message))
        else:
            messages.success(
                request,
                _(
                    "If the reference number and the e-mail address belong to the same enquiry, we have sent "
                    "its tracking link to that address. Check your inbox, and your spam folder."
                ),
            )
            return redirect_to_page_top("enquiries:find")
    return render(request, "enquiries/find.html", {"form": form})


@login_required
def enquiry_mine(request: AuthedRequest) -> HttpResponse:
    page = paginate(request, selectors.enquiry_list_for_resident(request.user))
    return render(request, "enquiries/mine.html", {"page": page})


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


def _staff_case(request: HttpRequest, reference: str) -> Enquiry:
    try:
        return selectors.enquiry_get_for_user(user=request.user, reference=reference)
    except InvalidInput as exc:
        # A malformed reference names no case a page could show.
        raise Http404(str(exc.message)) from exc


def _case_context(
    request: HttpRequest,
    enquiry: Enquiry,
    forms_: dict[str, forms.Form] | None = None,
    *,
    cite_q: str = "",
    reply_status: str = "",
) -> dict[str, Any]:
    """The staff case page. ``forms_`` holds a form to show as posted (with its errors), by
    action name; the others start empty."""
    forms_ = forms_ or {}
    user = request.user
    unmasked = permissions.can_see_personal_data(user, enquiry)
    allowed = {action: permissions.can_staff_act(user, enquiry, action) for action in permissions.STAFF_ACTIONS}
    reply_form = forms_.get("reply") or eforms.ReplyForm()
    context: dict[str, Any] = {
        "enquiry": enquiry,
        "shown": _shown_case(enquiry, unmasked),
        "unmasked": unmasked,
        "allowed": allowed,
        "conversation": _shown_messages(enquiry, include_notes=True, unmasked=unmasked, language=current_language()),
        "reply_form": reply_form,
        "note_form": forms_.get("note") or eforms.NoteForm(),
        "transfer_form": forms_.get("transfer") or eforms.TransferForm(current_unit=enquiry.assigned_unit),
        "priority_form": forms_.get("priority") or eforms.PriorityForm(initial={"priority": enquiry.priority}),
        "close_form": forms_.get("close") or eforms.CloseForm(),
        "resident_language": LANGUAGE_LABELS.get(enquiry.language, enquiry.language),
        "unit_unstaffed": enquiry.is_open
        and not (enquiry.routing_pending and enquiry.assigned_unit is None)
        and not selectors.unit_officers(enquiry.assigned_unit),
        **selectors.enquiry_timeline(enquiry),
    }
    if allowed["reply"]:
        chosen = reply_form["citations"].value() or []
        context |= {
            "canned": list(selectors.canned_reply_list()),
            "can_edit_canned": permissions.can_edit_canned_replies(user),
            "reply_status": reply_status,
            **_citation_context(enquiry, chosen=list(chosen), query=cite_q),
        }
    return context


@login_required
def case(request: AuthedRequest, reference: str) -> HttpResponse:
    enquiry = _staff_case(request, reference)
    return render(request, "enquiries/case.html", _case_context(request, enquiry))


# -- the reply being written: canned replies and citations --------------------------------------
MAX_SEARCH = 200


def _citation_context(enquiry: Enquiry, *, chosen: list[str], query: str) -> dict[str, Any]:
    """The citation picker: the entries chosen so far, those found for what the officer searched
    for, and those the knowledge base suggests for the case's question; each entry once."""
    language = current_language()
    chosen = [slug for slug in dict.fromkeys(chosen) if slug]
    query = query.strip()[:MAX_SEARCH]
    question = " ".join(part for part in (enquiry.question, enquiry.details) if part)
    candidates = [("chosen", _("Chosen"), knowledge.citable_titles(chosen, language), "")]
    if query:
        found = knowledge.citations_for(query, language, limit=8)
        empty = _("No entry matches “%(query)s”. Try other words, or an entry's id.") % {"query": query}
        candidates.append(("found", _("Found for “%(query)s”") % {"query": query}, found, empty))
    candidates.append(
        (
            "suggested",
            _("Suggested from the question"),
            knowledge.citations_for(question, language),
            _("The knowledge base suggests no entry for this question: search for one below."),
        )
    )
    seen: set[str] = set()
    sections = []
    for key, heading, entries, empty in candidates:
        items = [entry for entry in entries if entry.slug not in seen]
        seen.update(entry.slug for entry in items)
        if items or empty:
            sections.append({"key": key, "heading": heading, "items": items, "empty": empty})
    found_count = next((len(s["items"]) for s in sections if s["key"] == "found"), 0)
    return {
        "citation_sections": sections,
        "chosen": set(chosen),
        "cite_q": query,
        "citation_status": _("Entries found: %(n)d.") % {"n": found_count} if query else "",
    }


def _may_write_reply(request: HttpRequest, enquiry: Enquiry) -> bool:
    return permissions.can_staff_act(request.user, enquiry, "reply")


@login_required
def case_citations(request: AuthedRequest, reference: str) -> HttpResponse:
    """The citation picker's entries for a search (htmx); ticked entries stay ticked."""
    enquiry = _staff_case(request, reference)
    if not _may_write_reply(request, enquiry):
        return HttpResponse(_("You cannot do this with this enquiry in its current state."), status=403)
    context = _citation_context(enquiry, chosen=request.GET.getlist("citations"), query=request.GET.get("cite_q", ""))
    return render(request, "enquiries/_citation_choices.html", context | {"oob": True})


@login_required
@require_POST
def case_draft(request: AuthedRequest, reference: str) -> HttpResponse:
    """The reply being written, not sent: add a canned reply at the end of the text (never in
    place of it), or find entries to cite. htmx gets the changed part back; without JavaScript
    the whole page comes back with everything typed kept."""
    enquiry = _staff_case(request, reference)
    if not _may_write_reply(request, enquiry):
        if getattr(request, "htmx", False):
            return HttpResponse(_("You cannot do this with this enquiry in its current state."), status=403)
        messages.error(request, _("You cannot do this with this enquiry in its current state."))
        return redirect(enquiry.get_absolute_url())
    body = request.POST.get("body", "")
    status = ""
    if request.POST.get("step") == "canned":
        canned = selectors.canned_reply_in_use(request.POST.get("canned"))
        if canned is not None:
            text = canned.body.show(enquiry.language).text  # in the resident's language
            body = f"{body.rstrip()}\n\n{text}" if body.strip() else text
            status = _("“%(title)s” has been added at the end of your reply.") % {"title": canned.title.show().text}
        elif not request.POST.get("cite_q", "").strip():
            status = _("Choose a canned reply to add.")
    form = eforms.ReplyForm(
        initial={
            "body": body,
            "citations": request.POST.getlist("citations"),
            "wait_for_resident": bool(request.POST.get("wait_for_resident")),
        }
    )
    if getattr(request, "htmx", False):
        return render(request, "enquiries/_reply_body.html", {"reply_form": form, "reply_status": status, "oob": True})
    context = _case_context(
        request, enquiry, {"reply": form}, cite_q=request.POST.get("cite_q", ""), reply_status=status
    )
    return render(request, "enquiries/case.html", context)


def _case_act(
    request: HttpRequest,
    reference: str,
    action: str,
    *,
    done: str,
    perform: Callable[[Any, Enquiry, dict[str, Any]], object],
    form: Callable[[Enquiry], forms.Form] | None = None,
    success_url: Callable[[Any, Enquiry], str] | None = None,
) -> HttpResponse:
    """One staff action on a case: the action's form (if any) → its service → back to the case
    with ``done`` said. A refusal goes back to the case with a message; a field error shows the
    case page again with the form as typed (400)."""
    enquiry = _staff_case(request, reference)
    bound = form(enquiry) if form is not None else None
    if bound is None or bound.is_valid():
        try:
            perform(request.user, enquiry, bound.cleaned_data if bound is not None else {})
        except NotPermitted:
            messages.error(request, _("You cannot do this with this enquiry in its current state."))
            return redirect(enquiry.get_absolute_url())
        except InvalidInput as exc:
            if bound is None or not exc.details:
                # Not about a field (e.g. the case is closed): the form may no longer be on the page.
                messages.error(request, str(exc.message))
                return redirect(enquiry.get_absolute_url())
            add_domain_error(bound, exc)
        else:
            messages.success(request, done)
            return redirect(success_url(request.user, enquiry) if success_url else enquiry.get_absolute_url())
    assert bound is not None
    enquiry.refresh_from_db()
    return render(request, "enquiries/case.html", _case_context(request, enquiry, {action: bound}), status=400)


@login_required
@require_POST
def case_accept(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_act(
        request,
        reference,
        "accept",
        done=_("You have accepted this enquiry."),
        perform=lambda user, enquiry, data: services.enquiry_accept(user=user, enquiry=enquiry),
    )


@login_required
@require_POST
def case_reply(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_act(
        request,
        reference,
        "reply",
        done=_("Your reply has been sent to the resident."),
        form=lambda enquiry: eforms.ReplyForm(request.POST),
        perform=lambda user, enquiry, data: services.enquiry_reply(
            user=user,
            enquiry=enquiry,
            body=data["body"],
            citations=data["citations"],
            wait_for_resident=data["wait_for_resident"],
        ),
    )


@login_required
@require_POST
def case_note(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_act(
        request,
        reference,
        "note",
        done=_("The note has been added."),
        form=lambda enquiry: eforms.NoteForm(request.POST),
        perform=lambda user, enquiry, data: services.enquiry_note_add(user=user, enquiry=enquiry, body=data["body"]),
    )


def _after_transfer(user: User, enquiry: Enquiry) -> str:
    # Transferred to a unit the officer is not in: the case is no longer theirs to see.
    if not permissions.can_view_case(user, Enquiry.objects.get(pk=enquiry.pk)):
        return reverse("enquiries:queue")
    return enquiry.get_absolute_url()


@login_required
@require_POST
def case_transfer(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_act(
        request,
        reference,
        "transfer",
        done=_("The enquiry has been transferred."),
        form=lambda enquiry: eforms.TransferForm(request.POST, current_unit=enquiry.assigned_unit),
        perform=lambda user, enquiry, data: services.enquiry_transfer(
            user=user, enquiry=enquiry, to_unit=data["to_unit"], reason=data["reason"]
        ),
        success_url=_after_transfer,
    )


@login_required
@require_POST
def case_priority(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_act(
        request,
        reference,
        "priority",
        done=_("The priority has been changed and the deadlines counted again."),
        form=lambda enquiry: eforms.PriorityForm(request.POST),
        perform=lambda user, enquiry, data: services.enquiry_priority_change(
            user=user, enquiry=enquiry, priority=data["priority"], reason=data["reason"]
        ),
    )


@login_required
@require_POST
def case_close(request: AuthedRequest, reference: str) -> HttpResponse:
    return _case_act(
        request,
        reference,
        "close",
        done=_("The enquiry has been closed."),
        form=lambda enquiry: eforms.CloseForm(request.POST),
        perform=lambda user, enquiry, data: services.enquiry_close(
            user=user, enquiry=enquiry, outcome=data["outcome"], note=data["note"]
        ),
    )


CASE_ACTIONS: dict[str, Callable[[AuthedRequest, str], HttpResponse]] = {
    "accept": case_accept,
    "reply": case_reply,
    "note": case_note,
    "transfer": case_transfer,
    "priority": case_priority,
    "close": case_close,
}


@login_required
@require_POST
def case_action(request: AuthedRequest, reference: str, action: str) -> HttpResponse:
    """``/case/<reference>/<action>/``: the forms on the case page post here; each action is
    its own view above."""
    view = CASE_ACTIONS.get(action)
    if view is None:
        raise Http404
    return view(request, reference)


# -- canned replies ----------------------------------------------------------------------------
@login_required
def canned_list(request: AuthedRequest) -> HttpResponse:
    """The secretariat keeps canned replies here; officers read the ones in use."""
    require_page(permissions.can_read_canned_replies(request.user))
    can_edit = permissions.can_edit_canned_replies(request.user)
    page = paginate(request, selectors.canned_reply_list(active_only=not can_edit))
    return render(request, "enquiries/canned_list.html", {"page": page, "can_edit": can_edit})


@login_required
def canned_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require_page(permissions.can_edit_canned_replies(request.user))
    canned = get_object_or_404(CannedReply, pk=pk) if pk else None
    if request.method == "POST":
        form = eforms.CannedReplyForm(request.POST)
        if form.is_valid():
            try:
                services.canned_reply_save(user=request.user, data=form.cleaned_data, canned=canned)
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The canned reply has been saved."))
                return redirect("enquiries:canned")
    else:
        form = eforms.CannedReplyForm.for_instance(canned)
    title = _("Edit canned reply") if canned else _("New canned reply")
    return render(request, "enquiries/canned_edit.html", {"form": form, "title": title, "canned": canned})


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
