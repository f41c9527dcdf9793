"""Knowledge-base pages: ask, browse, read, and staff editing. Thin: parse, call a selector or
a service, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.history import history_entries
from hkcq.core.pagecache import public_page
from hkcq.core.pagination import paginate
from hkcq.core.throttle import Throttled, form_refused, throttle
from hkcq.core.translated import current_language
from hkcq.core.views import edit_page
from hkcq.kb import forms as kforms
from hkcq.kb import permissions, selectors, services
from hkcq.kb.models import Entry, Gap, Topic
from hkcq.kb.routing import ask as kb_ask
from hkcq.registry.permissions import can_see_change_details

MAX_QUERY = 500


def enquiry_url(question: str) -> str:
    """The enquiry form, pre-filled with the question (built by the enquiries app)."""
    try:
        base = reverse("enquiries:new")
    except NoReverseMatch:
        base = f"/{current_language()}/enquiries/new/"
    return f"{base}?{urlencode({'q': question})}" if question else base


# -- ask ---------------------------------------------------------------------------------------
def ask(request: HttpRequest) -> HttpResponse:
    form = kforms.AskForm(request.GET or None)
    result = None
    query = ""
    template = "kb/_answers.html" if getattr(request, "htmx", False) else "kb/ask.html"
    if form.is_bound:
        try:
            throttle(request, "ask")
        except Throttled as exc:
            # The question stays in the box, with when to ask again and the way on to an enquiry.
            typed = (request.GET.get("q") or "").strip()[:MAX_QUERY]
            context = {"form": form, "query": "", "result": None, "enquiry_url": enquiry_url(typed), "refused": True}
            return form_refused(request, template, context | {"topics": Topic.choices}, form=form, exc=exc)
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()[:MAX_QUERY]
        result = kb_ask(query, current_language(), limit=5)
        if not result.answered:
            _gap_once(query)
    context = {
        "form": form,
        "query": query,
        "result": result,
        "enquiry_url": enquiry_url(query),
        "topics": Topic.choices,
    }
    return render(request, template, context)


def _gap_once(query: str) -> None:
    """Record an unanswered question, once per question and language per hour (a reload or a
    second click is not a second gap)."""
    lang = current_language()
    recent = Gap.objects.filter(
        question=services.gap_question(query),
        language=lang,
        source=Gap.Source.ASK,
        created_at__gte=timezone.now() - timedelta(hours=1),
    )
    if not recent.exists():
        services.gap_record(query, lang, "ask")


@require_POST
def ask_feedback(request: HttpRequest) -> HttpResponse:
    throttle(request, "kb_feedback")
    entry = selectors.entry_get_for_user(user=None, slug=request.POST.get("entry") or "")
    query = (request.POST.get("q") or "").strip()[:MAX_QUERY]
    services.feedback_record(entry=entry, question=query, language=current_language())
    if getattr(request, "htmx", False):
        return render(request, "kb/_feedback_thanks.html", {"entry": entry})
    messages.success(request, _("Thank you. We are glad this answered your question."))
    return redirect(entry.get_absolute_url())


# -- browsing ------------------------------------------------------------------------------------
@public_page
def entry_list(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("topic") or None
    if topic not in Topic.values:
        topic = None
    staff = permissions.can_see_drafts(request.user)
    state = (request.GET.get("state") or None) if staff else None
    if state not in Entry.State.values:
        state = None
    page = paginate(request, selectors.entry_list(user=request.user, topic=topic, state=state))
    counts = selectors.topic_counts()
    context = {
        "page": page,
        "topics": [(value, label, counts.get(value, 0)) for value, label in Topic.choices],
        "topic": topic or "",
        "topic_label": dict(Topic.choices).get(topic or "", ""),
        "states": Entry.State.choices,
        "state": state or "",
        "staff": staff,
        "can_create": permissions.can_create_entry(request.user),
        "ask_form": kforms.AskForm(),
    }
    return render(request, "kb/entry_list.html", context)


@public_page
def entry_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, slug=slug)
    # Opened from the answers to a question (?q=): "I still need help" carries it on to the enquiry form.
    question = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    context = {
        "entry": entry,
        "questions": entry.question_list(current_language()),
        "can_edit": permissions.can_edit_entry(request.user, entry),
        "can_publish": permissions.can_publish(request.user),
        "history": history_entries(entry),
        "show_change_details": can_see_change_details(request.user),
        "today": timezone.localdate(),
        "enquiry_url": enquiry_url(question),
    }
    return render(request, "kb/entry_detail.html", context)


# -- staff -------------------------------------------------------------------------------------------
def _edit(request: AuthedRequest, *, entry: Entry | None) -> HttpResponse:
    def save(cleaned: dict[str, Any]) -> Entry:
        data = {k: v for k, v in cleaned.items() if k in kforms.EntryForm.Meta.fields}
        if entry is None:
            return services.entry_create(user=request.user, data=data)
        return services.entry_update(user=request.user, entry=entry, data=data)

    return edit_page(
        request,
        form_class=kforms.EntryForm,
        instance=entry,
        form_kwargs={"units": kforms.units_for(request.user)},
        save=save,
        title=_("New knowledge-base entry") if entry is None else _("Edit knowledge-base entry"),
        cancel_url=entry.get_absolute_url() if entry else reverse("kb:entries"),
    )


@login_required
def entry_create(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_create_entry(request.user):
        raise PermissionDenied
    return _edit(request, entry=None)


@login_required
def entry_edit(request: AuthedRequest, slug: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, slug=slug)
    if not permissions.can_edit_entry(request.user, entry):
        raise PermissionDenied
    return _edit(request, entry=entry)


def _state_change(request: HttpRequest, slug: str, action: Any, done: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, slug=slug)
    try:
        action(user=request.user, entry=entry)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except InvalidInput as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect(entry.get_absolute_url())


@login_required
@require_POST
def entry_submit(request: AuthedRequest, slug: str) -> HttpResponse:
    return _state_change(request, slug, services.entry_submit, _("Submitted for review."))


@login_required
@require_POST
def entry_publish(request: AuthedRequest, slug: str) -> HttpResponse:
    return _state_change(request, slug, services.entry_publish, _("Published. It is now offered as an answer."))


@login_required
@require_POST
def entry_unpublish(request: AuthedRequest, slug: str) -> HttpResponse:
    return _state_change(request, slug, services.entry_unpublish, _("Returned to draft. It is no longer offered."))


@login_required
def gaps(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_read_gaps(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.gap_groups(language=current_language()), per_page=20)
    return render(request, "kb/gaps.html", {"page": page})


@login_required
@require_POST
def gaps_resolve(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in (request.POST.get("ids") or "").split(",") if i.strip().isdigit()]
    try:
        count = services.gap_resolve(user=request.user, gap_ids=ids)
    except NotPermitted as exc:
        raise PermissionDenied from exc
    messages.success(
        request,
        ngettext("Marked %(count)d question as dealt with.", "Marked %(count)d questions as dealt with.", count)
        % {"count": count},
    )
    return redirect("kb:gaps")
