"""The staff case page: what it shows, the reply being written (canned replies and citations), and
one small view per staff action (accept, reply, note, transfer, priority, close)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.models import User
from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.forms import add_domain_error
from hkcq.core.translated import LANGUAGE_LABELS, current_language
from hkcq.enquiries import forms as eforms
from hkcq.enquiries import knowledge, permissions, selectors, services
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.views._shared import _shown_case, _shown_messages


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
