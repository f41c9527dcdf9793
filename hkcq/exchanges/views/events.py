"""Event pages for everyone and for a participant: the list, an event, registering, one's own
registration, meetings, feedback and agenda."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import DomainError
from hkcq.core.exports import pdf_response, render_pdf
from hkcq.core.forms import add_domain_error
from hkcq.core.pagecache import public_page
from hkcq.core.translated import current_language
from hkcq.core.views import redirect_to_page_top
from hkcq.exchanges import agenda, permissions, selectors, services
from hkcq.exchanges import forms as xforms
from hkcq.exchanges.models import (
    Event,
    EventPhase,
    MeetingStatus,
    RegistrationStatus,
)
from hkcq.exchanges.views._shared import _event, _form_refused, _refused
from hkcq.partnering.selectors import profiles_for_member
from hkcq.registry.models import Area

# What the registrant is told once the registration form is sent, by the status it got.
REGISTERED: dict[str, Any] = {
    RegistrationStatus.CONFIRMED: _lazy("You are registered."),
    RegistrationStatus.PENDING: _lazy("Your registration is received and waits for the organiser's approval."),
    RegistrationStatus.WAITLISTED: _lazy(
        "The event is full: you are on the waiting list. If a place frees up, it is yours and you are told."
    ),
}


@public_page
def event_list(request: HttpRequest) -> HttpResponse:
    items = list(selectors.events())
    counts = selectors.exchange_counts_by_area()
    by_area = [(a, counts[a.pk]) for a in Area.objects.order_by("position") if a.pk in counts]
    return render(
        request,
        "exchanges/event_list.html",
        {
            "events": [e for e in items if not e.recurring],
            "programmes": [e for e in items if e.recurring],
            "by_area": by_area,
            "can_create": permissions.can_create_event(request.user),
        },
    )


@public_page
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    return render(
        request,
        "exchanges/event_detail.html",
        {
            "event": event,
            "sessions": event.sessions.all(),
            "participants": selectors.public_participants(event),
            "mine": selectors.registration_for(request.user, event),
            "can_organise": permissions.can_organise_event(request.user, event),
        },
    )


@login_required
def event_register(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    if selectors.registration_for(request.user, event) is not None:
        return redirect("exchanges:my_event", pk=event.pk)
    profiles = profiles_for_member(request.user)
    form = xforms.RegistrationForm(request.POST or None, event=event, profiles=profiles, language=current_language())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = {k: v for k, v in data.items() if k.startswith("q")}
        try:
            reg = services.registration_submit(
                user=request.user,
                event=event,
                profile=data["profile"],
                answers=answers,
                consent_public=data["consent_public"],
                languages=data["languages"],
                needs_interpreter=data["needs_interpreter"],
                sessions=data.get("sessions") or [],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, REGISTERED[reg.status])
            # the form's action ends in #error-summary: a plain redirect would keep that fragment
            return redirect_to_page_top("exchanges:my_event", pk=event.pk)
    return render(request, "exchanges/register.html", {"event": event, "form": form, "has_profiles": profiles.exists()})


def _mine(request: HttpRequest, event: Event) -> Any:
    reg = selectors.registration_for(request.user, event)
    if reg is None:
        raise Http404
    return reg


@login_required
def my_event(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    return _my_event_page(request, event, _mine(request, event))


def _my_event_page(
    request: AuthedRequest, event: Event, reg: Any, *, feedback: tuple[int, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The person's page of ``event``; ``feedback``: a meeting's feedback form sent with an error,
    shown again with what was typed."""
    meetings = list(selectors.meetings_of(reg))
    now = timezone.now()
    given = {f.meeting_id: f for f in reg.feedback.all()}
    for m in meetings:
        m.my_feedback = given.get(m.pk)  # type: ignore[attr-defined]  # shown back once it is sent
        other = m.recipient if m.requester_id == reg.pk else m.requester
        # contacts only to accepted meeting partners
        show = m.status == MeetingStatus.ACCEPTED and permissions.can_see_contacts(request.user, other)
        m.contact = other.person.email if show else ""  # type: ignore[attr-defined]
        opens = services.feedback_opens(m)
        m.feedback_open = opens is not None and opens <= now  # type: ignore[attr-defined]
        m.feedback_wait = services.feedback_wait(m) if opens is not None and not m.feedback_open else ""  # type: ignore[attr-defined]
        slot = m.slot if m.slot is not None and 0 <= m.slot < event.slot_count else None
        m.starts = services.slot_start(event, slot) if slot is not None else None  # type: ignore[attr-defined]
    taken = {
        m.requester_id if m.recipient_id == reg.pk else m.recipient_id
        for m in meetings
        if m.status in ("requested", "accepted")
    }
    others = [r for r in selectors.public_participants(event) if r.pk != reg.pk and r.pk not in taken]
    return render(
        request,
        "exchanges/my_event.html",
        {
            "event": event,
            "reg": reg,
            "meetings": meetings,
            "others": others,
            "availability": xforms.AvailabilityForm(
                initial={"slots": [str(s) for s in reg.available_slots]}, event=event
            ),
            "answer_form": xforms.AnswerForm(event=event),
            "feedback_form": feedback[1] if feedback else xforms.FeedbackForm(),
            "feedback_for": feedback[0] if feedback else None,
            "given": set(given),
            "booking": event.phase == EventPhase.BOOKING,
        },
        status=status,
    )


@login_required
@require_POST
def my_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    reg = _mine(request, event)
    try:
        services.registration_cancel(user=request.user, registration=reg)
        messages.success(request, _("Your registration is cancelled."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("exchanges:event", pk=event.pk)


@login_required
@require_POST
def my_availability(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    reg = _mine(request, event)
    form = xforms.AvailabilityForm(request.POST, event=event)
    if form.is_valid():
        try:
            services.availability_set(
                user=request.user, registration=reg, slots=[int(s) for s in form.cleaned_data["slots"]]
            )
            messages.success(request, _("Your availability is saved."))
        except DomainError as exc:
            _refused(request, exc)
    else:
        _form_refused(request, form)
    return redirect("exchanges:my_event", pk=event.pk)


@login_required
@require_POST
def meeting_request(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    reg = _mine(request, event)
    form = xforms.RequestForm(request.POST)
    if form.is_valid():
        other = event.registrations.filter(pk=form.cleaned_data["recipient"]).first()
        try:
            if other is None:
                raise services.not_on_the_list()
            services.meeting_request(user=request.user, requester=reg, recipient=other, note=form.cleaned_data["note"])
            messages.success(request, _("Your request is sent."))
        except DomainError as exc:
            _refused(request, exc)
    else:
        _form_refused(request, form)
    return redirect("exchanges:my_event", pk=event.pk)


@login_required
@require_POST
def meeting_answer(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=meeting_id)
    form = xforms.AnswerForm(request.POST, event=meeting.event)
    if form.is_valid():
        slot = form.cleaned_data["slot"]
        try:
            services.meeting_respond(
                user=request.user,
                meeting=meeting,
                accept=form.cleaned_data["accept"] == "yes",
                slot=int(slot) if slot else None,
            )
            messages.success(request, _("Your answer is saved."))
        except DomainError as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("Choose a time from the list."))
    return redirect("exchanges:my_event", pk=meeting.event_id)


@login_required
@require_POST
def meeting_feedback(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=meeting_id)
    form = xforms.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_feedback(
                user=request.user,
                meeting=meeting,
                happened=form.cleaned_data["happened"] == "yes",
                useful=form.cleaned_data["useful"],
                outcome=form.cleaned_data["outcome"],
                outcome_kind=form.cleaned_data["outcome_kind"],
            )
            messages.success(request, _("Thank you: your feedback is saved."))
        except DomainError as exc:
            _refused(request, exc)
    else:
        # shown again with what was typed (the outcome, its kind), not a redirect that drops it
        messages.error(request, _("Say whether the meeting took place."))
        event = _event(meeting.event_id)
        return _my_event_page(request, event, _mine(request, event), feedback=(meeting.pk, form), status=400)
    return redirect("exchanges:my_event", pk=meeting.event_id)


@login_required
def my_agenda(request: AuthedRequest, pk: int, fmt: str = "html") -> HttpResponse:
    event = _event(pk)
    reg = _mine(request, event)
    items = agenda.items(reg, viewer=request.user)
    if fmt == "ics":
        response = HttpResponse(agenda.ics(reg, items), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="agenda-{event.pk}.ics"'
        return response
    context = {"event": event, "reg": reg, "items": items}
    if fmt == "pdf":
        return pdf_response(render_pdf("exchanges/agenda_pdf.html", context, request), f"agenda-{event.pk}")
    return render(request, "exchanges/agenda.html", context)
