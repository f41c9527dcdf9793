"""Suggestion pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest, Viewer
from hkcq.core import idempotency
from hkcq.core.errors import DomainError, InvalidInput, NotPermitted
from hkcq.core.exports import pdf_response, render_pdf, xlsx_bytes, xlsx_response
from hkcq.core.forms import add_domain_error
from hkcq.core.idempotency import IdempotencyKeyReused
from hkcq.core.pagination import paginate
from hkcq.core.permissions import require_page
from hkcq.core.throttle import form_throttle_check, retry_after_header, throttle, throttle_count
from hkcq.core.translated import current_language
from hkcq.core.views import redirect_to_page_top
from hkcq.registry.models import Area
from hkcq.suggestions import digest as digests
from hkcq.suggestions import forms as sforms
from hkcq.suggestions import permissions, selectors, services
from hkcq.suggestions.models import Suggestion


def _ip(request: HttpRequest) -> str | None:
    return idempotency.client_address(request) or None


# -- public ----------------------------------------------------------------------------------
def suggestion_list(request: HttpRequest) -> HttpResponse:
    area, status = request.GET.get("area") or None, request.GET.get("status") or None
    query = (request.GET.get("q") or "").strip()[:200] or None
    page = paginate(request, selectors.published_list(area=area, status=status, query=query))
    context = {
        "page": page,
        "areas": Area.objects.order_by("position"),
        "statuses": Suggestion.Status.choices,
        "filters": {"area": area or "", "status": status or "", "q": query or ""},
        "can_moderate": permissions.can_moderate(request.user),
    }
    return render(request, "suggestions/list.html", context)


def suggestion_detail(request: HttpRequest, reference: str) -> HttpResponse:
    suggestion = selectors.published_get(reference)
    if suggestion.reference != reference:
        return redirect(suggestion.get_absolute_url())
    context = {
        "suggestion": suggestion,
        "merged": selectors.merged_into(suggestion),
        "support_form": sforms.SupportForm(),
        "can_respond": permissions.can_respond(request.user, suggestion),
    }
    return render(request, "suggestions/detail.html", context)


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session["suggestions"] = True
        request.session.save()
    return request.session.session_key or ""


@require_POST
def suggestion_support(request: HttpRequest, reference: str) -> HttpResponse:
    suggestion = selectors.published_get(reference)
    form = sforms.SupportForm(request.POST)
    if form.is_valid():
        try:
            added = services.suggestion_support(
                suggestion=suggestion,
                user=request.user,
                email=form.cleaned_data.get("email") or "",
                session_key=_session_key(request),
            )
        except InvalidInput as exc:
            messages.error(request, exc.text())
        else:
            if added:
                messages.success(request, _("Thank you: your support is counted."))
            else:
                messages.info(request, _("You already support this suggestion."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect(suggestion.get_absolute_url())


def suggestion_submit(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if request.method != "POST":
        initial = {
            "language": current_language(),
            "started": sforms.started_token(),
            "idempotency_key": uuid.uuid4().hex,
        }
        form = sforms.SubmitForm(user=user, initial=initial)
        return render(request, "suggestions/submit.html", {"form": form, "similar": []})
    form = sforms.SubmitForm(request.POST, user=user)
    # Per address, and per inbox or account (a signed-in resident's own e-mail address); only
    # an accepted suggestion counts (hkcq/core/throttle.py), a refused form keeps its text.
    targets = (request.POST.get("email", ""), getattr(user, "email", "") or "")
    refused = form_throttle_check(request, form, "suggestion_submit", targets=targets)
    reused = False
    if refused is None and form.is_valid():
        try:
            result = _submit_from_form(request, form, user)
        except IdempotencyKeyReused:
            form.add_error(None, idempotency.key_reused_message())
            reused = True
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _submitted(request, result, targets)
    similar = selectors.similar_published(f"{request.POST.get('title', '')} {request.POST.get('text', '')}")
    _form_shown_again(request, form, fresh_key=reused)
    response = render(
        request, "suggestions/submit.html", {"form": form, "similar": similar}, status=429 if refused else 200
    )
    return retry_after_header(response, refused) if refused else response


def _submit_from_form(request: HttpRequest, form: sforms.SubmitForm, user: Viewer) -> services.SubmitResult:
    """The suggestion a valid form describes, filed once per idempotency key."""
    data = form.cleaned_data
    return services.suggestion_submit_idempotent(
        user=user,
        title=data["title"],
        text=data["text"],
        language=data["language"],
        area=data.get("area"),
        anonymous=data["identity"] == form.ANONYMOUS,
        name=data.get("name") or "",
        email=data.get("email") or "",
        ip_address=_ip(request),
        idempotency_key=data.get("idempotency_key") or "",
        client=idempotency.client_of(request, session=True),
    )


def _submitted(request: HttpRequest, result: services.SubmitResult, targets: tuple[str, str]) -> HttpResponse:
    """A suggestion stored (or the one this key already stored): counted once, thanked for, and
    on to its tracking page."""
    suggestion = result.suggestion
    if result.created:
        throttle_count(request, "suggestion_submit", targets=targets)
    messages.success(
        request,
        _("Thank you. Your suggestion %(reference)s is stored and waits for moderation.")
        % {"reference": suggestion.reference},
    )
    return redirect_to_page_top(suggestion.get_tracking_url())


def _form_shown_again(request: HttpRequest, form: sforms.SubmitForm, *, fresh_key: bool) -> None:
    """The form shown again as typed, with the time stamp of its first render carried (signed)
    across this one: the minimum fill time counts from when the person first saw the form, not
    from this correction. ``fresh_key``: a new idempotency key (the old one was used for other
    content)."""
    data = request.POST.copy()
    data["started"] = sforms.started_kept(request.POST.get("started"))
    if fresh_key:
        data["idempotency_key"] = uuid.uuid4().hex
    form.data = data


def suggestion_similar(request: HttpRequest) -> HttpResponse:
    """The htmx panel beside the form: similar published suggestions and the likely area."""
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}".strip()[:5000]
    similar = selectors.similar_published(text) if len(text) >= 4 else []
    area = selectors.area_suggest(text) if len(text) >= 4 else None
    return render(request, "suggestions/_similar.html", {"similar": similar, "suggested_area": area})


def suggestion_track(request: HttpRequest, token: str) -> HttpResponse:
    throttle(request, "tracking", targets=(token,))
    suggestion = selectors.tracked_get(token)
    return render(request, "suggestions/track.html", {"suggestion": suggestion})


def you_said_we_did(request: HttpRequest) -> HttpResponse:
    area, status = request.GET.get("area") or None, request.GET.get("status") or None
    page = paginate(request, selectors.answered(area=area, status=status))
    items = list(page.object_list)
    meetings = selectors.reported_at([timezone.localtime(s.responded_at).date() for s in items if s.responded_at])
    rows = list(zip(items, meetings, strict=True))
    context = {
        "page": page,
        "rows": rows,
        "areas": Area.objects.order_by("position"),
        "statuses": Suggestion.Status.choices,
        "filters": {"area": area or "", "status": status or ""},
    }
    return render(request, "suggestions/you_said_we_did.html", context)


# -- staff -----------------------------------------------------------------------------------
@login_required
def moderation_queue(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_moderate(request.user) or getattr(request.user, "is_officer", False))
    state = request.GET.get("state") or None
    if state and state not in Suggestion.State.values:
        state = None
    page = paginate(request, selectors.queue(request.user, state=state))
    context = {
        "page": page,
        "states": Suggestion.State.choices,
        "state": state or (Suggestion.State.PENDING if permissions.can_moderate(request.user) else ""),
        "can_moderate": permissions.can_moderate(request.user),
    }
    return render(request, "suggestions/queue.html", context)


ACTIONS = ("approve", "reject", "redact", "area", "merge", "respond")


def _staff_forms(suggestion: Suggestion) -> dict[str, forms.Form]:
    title, text = services.redaction_proposal(suggestion)
    return {
        "approve": sforms.ApproveForm(
            initial={
                "public_title": title,
                "public_text": text,
                "area": suggestion.area or suggestion.suggested_area,
                "unit": suggestion.unit,
            },
            prefix="approve",
        ),
        "reject": sforms.RejectForm(prefix="reject"),
        "redact": sforms.RedactForm(
            initial={
                "public_title": suggestion.public_title or title,
                "public_text": suggestion.public_text or text,
            },
            prefix="redact",
        ),
        "area": sforms.AreaForm(initial={"area": suggestion.area, "unit": suggestion.unit}, prefix="area"),
        "merge": sforms.MergeForm(prefix="merge"),
        "respond": sforms.RespondForm(
            initial={
                "status": suggestion.status,
                "response": suggestion.response,
                "reason": suggestion.status_reason,
                "measure": suggestion.measure,
                "decision": suggestion.decision,
            },
            prefix="respond",
        ),
    }


def _perform(request: AuthedRequest, suggestion: Suggestion, action: str, data: dict[str, Any]) -> None:
    user = request.user
    if action == "approve":
        services.suggestion_approve(user=user, suggestion=suggestion, **data)
    elif action == "reject":
        services.suggestion_reject(user=user, suggestion=suggestion, **data)
    elif action == "redact":
        services.suggestion_redact(user=user, suggestion=suggestion, **data)
    elif action == "area":
        services.suggestion_set_area(user=user, suggestion=suggestion, **data)
    elif action == "merge":
        target = Suggestion.objects.filter(reference=data["target"]).first()
        if target is None:
            raise InvalidInput(details={"target": [_("No suggestion has this reference.")]})
        services.suggestion_merge(user=user, duplicate=suggestion, target=target)
    elif action == "respond":
        services.suggestion_respond(user=user, suggestion=suggestion, **data)


FORM_CLASSES: dict[str, type[forms.Form]] = {
    "approve": sforms.ApproveForm,
    "reject": sforms.RejectForm,
    "redact": sforms.RedactForm,
    "area": sforms.AreaForm,
    "merge": sforms.MergeForm,
    "respond": sforms.RespondForm,
}


@login_required
def suggestion_moderate(request: AuthedRequest, reference: str) -> HttpResponse:
    suggestion = selectors.suggestion_get_for_user(user=request.user, reference=reference)
    staff_forms = _staff_forms(suggestion)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        form = FORM_CLASSES[action](request.POST, prefix=action)
        staff_forms[action] = form
        if form.is_valid():
            try:
                _perform(request, suggestion, action, form.cleaned_data)
            except NotPermitted as exc:
                form.add_error(None, str(exc.message))
                status = 403
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(suggestion.get_staff_url())
        if status == 200:
            status = 400
    context = {
        "suggestion": suggestion,
        "forms": staff_forms,
        "actions": suggestion.actions.select_related("actor"),
        "supports": suggestion.supports.count(),
        "merged": selectors.merged_into(suggestion),
        "can_moderate": permissions.can_moderate(request.user),
        "can_respond": permissions.can_respond(request.user, suggestion),
    }
    return render(request, "suggestions/moderate.html", context, status=status)


@login_required
def digest_view(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_read_digest(request.user))
    form = sforms.DigestForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        meeting = form.cleaned_data.get("meeting")
        if meeting is not None:
            start, end = digests.period_for_meeting(meeting)
        else:
            start, end = form.cleaned_data.get("start"), form.cleaned_data["end"]
        result = digests.build(start=start, end=end, meeting=meeting)
        fmt = request.GET.get("format")
        name = f"suggestions-digest-{end.isoformat()}-{current_language()}"
        if fmt == "pdf":
            context = {"digest": result, "generated": dt.date.today()}
            return pdf_response(render_pdf("suggestions/digest_pdf.html", context, request), name)
        if fmt == "xlsx":
            return xlsx_response(xlsx_bytes(digests.workbook_sheets(result)), name)
    query = request.GET.urlencode()
    return render(request, "suggestions/digest.html", {"form": form, "digest": result, "query": query})
