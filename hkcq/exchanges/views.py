"""Event and round pages. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import DomainError, NotFound, NotPermitted
from hkcq.core.exports import pdf_response, render_pdf
from hkcq.core.forms import add_domain_error
from hkcq.core.history import history_entries
from hkcq.core.pagecache import public_page
from hkcq.core.permissions import require_page
from hkcq.core.templatetags.hkcq import listing
from hkcq.core.translated import current_language
from hkcq.core.views import edit_page, redirect_to_page_top
from hkcq.exchanges import agenda, permissions, rows, selectors, services
from hkcq.exchanges import forms as xforms
from hkcq.exchanges.models import (
    Event,
    EventPhase,
    MeetingStatus,
    PairStatus,
    Participant,
    Question,
    RegistrationStatus,
    Round,
    Session,
)
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


def _event(pk: int | str) -> Event:
    try:
        return selectors.event_get(pk)
    except NotFound as exc:
        raise Http404 from exc


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def _form_refused(request: HttpRequest, form: Any) -> None:
    """A small form posted from a page that redirects back: its own (translated) errors as a
    message, so nothing is refused in silence."""
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))


# -- events ---------------------------------------------------------------------------------------
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


# -- organiser ------------------------------------------------------------------------------------
def _organised(request: HttpRequest, pk: int) -> Event:
    event = _event(pk)  # 404 when there is no such event
    require_page(permissions.can_organise_event(request.user, event))  # a public event: 403 to others
    return event


@login_required
def organise(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    all_meetings = list(selectors.meetings(event))
    return render(
        request,
        "exchanges/organise.html",
        {
            "event": event,
            "registrations": selectors.registrations(event),
            "meetings": all_meetings,
            "interpreted": [m for m in all_meetings if m.language_pair and m.status == MeetingStatus.ACCEPTED],
            "phases": EventPhase.choices,
            "outcomes": selectors.feedback_outcomes(event),
            "statuses": RegistrationStatus,
            "sessions": event.sessions.all(),
            "questions": event.questions.all(),
            "history": history_entries(event),
            "show_change_details": True,
            "check_in_open": services.check_in_open(event),
        },
    )


@login_required
@require_POST
def organise_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    try:
        s = services.event_schedule(user=request.user, event=event)
        messages.success(
            request,
            ngettext(
                "Scheduled %(scheduled)d meeting; %(unscheduled)d could not be placed; %(moved)d moved from their earlier time.",
                "Scheduled %(scheduled)d meetings; %(unscheduled)d could not be placed; %(moved)d moved from their earlier time.",
                s.scheduled,
            )
            % {"scheduled": s.scheduled, "unscheduled": s.unscheduled, "moved": s.moved},
        )
    except DomainError as exc:
        _refused(request, exc)
    return redirect("exchanges:organise", pk=event.pk)


@login_required
@require_POST
def organise_phase(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    try:
        services.event_phase_set(user=request.user, event=event, phase=request.POST.get("phase", ""))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("exchanges:organise", pk=event.pk)


@login_required
@require_POST
def registration_action(request: AuthedRequest, registration_id: int, action: str) -> HttpResponse:
    reg = selectors.registration_get_for_user(user=request.user, pk=registration_id)
    try:
        name = reg.person.display_name
        if action == "approve":
            services.registration_decide(user=request.user, registration=reg, approve=True)
            messages.success(request, _("%(name)s's registration is approved; they are told.") % {"name": name})
        elif action == "refuse":
            services.registration_decide(user=request.user, registration=reg, approve=False)
            messages.success(request, _("%(name)s's registration is refused; they are told.") % {"name": name})
        elif action == "check-in":
            services.registration_check_in(user=request.user, registration=reg)
            messages.success(request, _("%(name)s has checked in.") % {"name": name})
        else:
            raise Http404
    except NotPermitted as exc:  # a row the person sees (else 404 above), an action not theirs
        raise PermissionDenied from exc
    except DomainError as exc:
        _refused(request, exc)
    return redirect("exchanges:organise", pk=reg.event_id)


@login_required
def organise_grid(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    return render(
        request,
        "exchanges/grid.html",
        {"event": event, "rows": selectors.grid(event), "tables": range(1, event.tables + 1)},
    )


@login_required
def organise_cards(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    by_table: dict[int, list[Any]] = {}
    for m in selectors.scheduled(event):
        assert m.slot is not None and m.table is not None
        by_table.setdefault(m.table + 1, []).append((services.slot_start(event, m.slot), m))
    return render(request, "exchanges/cards.html", {"event": event, "tables": sorted(by_table.items())})


# -- rounds ---------------------------------------------------------------------------------------
@login_required
def round_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "exchanges/round_list.html",
        {"rounds": selectors.rounds_for(request.user), "can_create": permissions.can_create_round(request.user)},
    )


@login_required
def round_upload(request: AuthedRequest) -> HttpResponse:
    """Upload a round's workbook: a preview (the default) lists every problem by row and keeps the
    file (``services.round_upload_keep``) so that "Create the round" needs no second upload;
    creating re-reads the kept file with the settings as they are then typed."""
    require_page(permissions.can_create_round(request.user))
    form = xforms.RoundUploadForm(request.POST or None, request.FILES or None)
    kept = services.round_upload_kept(user=request.user, token=request.POST.get("kept", ""))
    if kept is not None:
        form.fields["file"].required = False  # the previewed file is kept: choose one only to replace it
    elif request.POST.get("kept"):
        form.fields["file"].error_messages["required"] = _("The file you uploaded is no longer kept: choose it again.")
    preview = None
    if request.method == "POST" and form.is_valid():
        kind, title, upload = form.cleaned_data["kind"], form.cleaned_data["title"], form.cleaned_data["file"]
        if upload:
            kept = None  # a file chosen now replaces the one kept
            sheet = rows.sheet_from_xlsx(upload, kind=kind, title=title)
        else:
            assert kept is not None
            sheet = rows.sheet_from_kept(kept, kind=kind, title=title)
        sheet.document["area"] = form.cleaned_data["area"]  # its pairs count under this area
        document = sheet.document
        entries = [*document["applicants"], *document["hosts"]]
        linked = sum(1 for e in entries if e.get("profile") or e.get("email"))
        problems = rows.sheet_problems(sheet)
        preview = {"document": document, "errors": problems, "linked": linked, "unlinked": len(entries) - linked}
        if not problems and ("create" in request.POST or not form.cleaned_data["dry_run"]):
            try:
                round_ = services.round_create(user=request.user, data=document)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if kept is not None:
                    services.round_upload_discard(kept)
                messages.success(request, _("The round is created."))
                return redirect_to_page_top("exchanges:round", pk=round_.pk)
        elif not problems and upload:
            kept = services.round_upload_keep(user=request.user, upload=upload)
    return render(request, "exchanges/round_upload.html", {"form": form, "preview": preview, "kept": kept})


@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, pk=pk)
    organiser = permissions.can_organise_round(request.user, round_)
    mine = selectors.own_entries(request.user, round_)
    pairs = list(selectors.pairs(round_))
    reached = selectors.reachable_entries(round_)
    participants = list(round_.participants.select_related("profile", "user")) if organiser else []
    return render(
        request,
        "exchanges/round_detail.html",
        {
            "round": round_,
            "organiser": organiser,
            "participants": participants,
            "unreached": [p for p in participants if p.pk not in reached],
            "pairs": pairs if organiser else [p for p in pairs if p.applicant in mine or p.host in mine],
            "mine_entries": mine,
            "mine": [
                (
                    p,
                    xforms.RanksForm(initial={"ranks": _ranks_shown(request, p)}, prefix=f"p{p.pk}"),
                    selectors.rankable_entries(round_, p),
                )
                for p in mine
            ],
            "changes": round_.changes.select_related("actor") if organiser else [],
            "reached": reached,
            "fix_form": xforms.FixPairForm(prefix="fix"),
            "link_form": xforms.LinkForm(prefix="link"),
            "capacity_form": xforms.CapacityForm(prefix="cap"),
            "PairStatus": PairStatus,
        },
    )


ROUND_ACTIONS = ("allocate", "fix", "capacity", "link")


@login_required
@require_POST
def round_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, pk=pk)  # 404 when hidden from the user
    if action not in ROUND_ACTIONS:
        raise Http404
    # Every action here is the organisers': a participant, who sees the round, is refused with 403
    # before a form names any entry, so the answer never tells which entry ids the round holds.
    require_page(permissions.can_organise_round(request.user, round_))
    try:
        if action == "allocate":
            run = services.round_allocate(user=request.user, round_=round_)
            _allocation_told(request, run["told"], run["not_told"])
        elif action == "fix":
            form = xforms.FixPairForm(request.POST, prefix="fix")
            if not form.is_valid():
                messages.error(request, _("Give an applicant id, a host id and a reason."))
            else:
                d = form.cleaned_data
                a = _entry(request, round_, Participant.APPLICANT, d["applicant"])
                h = _entry(request, round_, Participant.HOST, d["host"])
                if a is None or h is None:
                    messages.error(request, _("Choose an applicant and a host of this round."))
                else:
                    services.pair_fix(user=request.user, round_=round_, applicant=a, host=h, reason=d["reason"])
                    messages.success(request, _("The pair is fixed: every run of the allocation keeps it."))
        elif action == "capacity":
            cform = xforms.CapacityForm(request.POST, prefix="cap")
            if not cform.is_valid():
                messages.error(request, _("Give a host id, the places and a reason."))
            else:
                d = cform.cleaned_data
                h = _entry(request, round_, Participant.HOST, d["host"])
                if h is None:
                    messages.error(request, _("Choose a host of this round."))
                else:
                    services.capacity_set(user=request.user, host=h, capacity=d["capacity"], reason=d["reason"])
                    messages.success(request, _("The places are changed."))
        elif action == "link":
            lform = xforms.LinkForm(request.POST, prefix="link")
            if not lform.is_valid():
                _form_refused(request, lform)
            else:
                d = lform.cleaned_data
                p = _entry(request, round_, d["role"], d["participant"])
                if p is None:
                    messages.error(request, _("No entry of this round has this id on that side."))
                else:
                    services.participant_link(
                        user=request.user, participant=p, profile=d["profile"], email=d["email"], reason=d["reason"]
                    )
                    messages.success(request, _("The link is saved."))
    except NotPermitted as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        _refused_fields(request, exc)
    return redirect("exchanges:round", pk=round_.pk)


def _entry(request: AuthedRequest, round_: Round, role: str, ext_id: str) -> Participant | None:
    """The round's entry an organiser's form names, None when there is none."""
    try:
        return selectors.participant_get_for_user(user=request.user, round_=round_, role=role, ext_id=ext_id)
    except NotFound:
        return None


def _refused_fields(request: HttpRequest, exc: DomainError) -> None:
    """A refusal with its reasons by field, as one message (the page redirects back)."""
    details = [str(v) for values in (exc.details or {}).values() for v in values]
    messages.error(request, " ".join([str(exc.message), *[d for d in details if d != str(exc.message)]]))


def _allocation_told(request: HttpRequest, told: list[str], not_told: list[str]) -> None:
    """Say truthfully who was told the new results, and who must be told by the organiser."""
    if not told and not not_told:
        messages.success(request, _("The allocation has run: no new results."))
        return
    if told:
        messages.success(
            request,
            ngettext(
                "The allocation has run: %(n)d participant was told their result by e-mail and on the platform.",
                "The allocation has run: %(n)d participants were told their result by e-mail and on the platform.",
                len(told),
            )
            % {"n": len(told)},
        )
    if not_told:
        messages.warning(
            request,
            ngettext(
                "%(n)d participant is linked to no account, so nobody was told: tell them yourself and record "
                "their answer below (%(ids)s).",
                "%(n)d participants are linked to no account, so nobody was told: tell them yourself and record "
                "their answers below (%(ids)s).",
                len(not_told),
            )
            % {"n": len(not_told), "ids": listing(not_told)},
        )


@login_required
@require_POST
def round_ranks(request: AuthedRequest, pk: int, participant_id: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, pk=pk)
    p = selectors.participant_get_for_user(user=request.user, round_=round_, pk=participant_id)
    form = xforms.RanksForm(request.POST, prefix=f"p{p.pk}")
    if form.is_valid():
        try:
            services.ranks_set(user=request.user, participant=p, ranks=form.cleaned_data["ranks"])
            messages.success(request, _("Your ranking is saved."))
        except DomainError as exc:
            _refused(request, exc)
            # the page shows the ranking as typed again, once, so it can be corrected, not retyped
            request.session[_RANKS_TYPED % p.pk] = str(request.POST.get(f"p{p.pk}-ranks", ""))[:2000]
    return redirect("exchanges:round", pk=round_.pk)


_RANKS_TYPED = "exchanges-ranks-typed-%s"


def _ranks_shown(request: HttpRequest, p: Participant) -> str:
    """The ranking box's text: what the person typed when it was just refused, else the ranking kept."""
    typed = request.session.pop(_RANKS_TYPED % p.pk, None)
    return typed if typed is not None else ", ".join(p.ranks)


@login_required
@require_POST
def pair_answer(request: AuthedRequest, pair_id: int) -> HttpResponse:
    pair = selectors.pair_get_for_user(user=request.user, pk=pair_id)
    try:
        if request.POST.get("action") == "withdraw":
            services.pair_withdraw(user=request.user, pair=pair, reason=request.POST.get("reason", ""))
        elif request.POST.get("action") == "answer_for":
            form = xforms.AnswerForForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose their answer and give a reason (for example: letter of 3 May)."))
            else:
                d = form.cleaned_data
                services.pair_answer_for(
                    user=request.user, pair=pair, side=d["side"], accept=d["accept"] == "yes", reason=d["reason"]
                )
                messages.success(request, _("Their answer is recorded."))
        else:
            services.pair_respond(user=request.user, pair=pair, accept=request.POST.get("accept") == "yes")
            messages.success(request, _("Your answer is saved."))
    except NotPermitted as exc:  # a row the person sees (else 404 above), an action not theirs
        raise PermissionDenied from exc
    except DomainError as exc:
        _refused_fields(request, exc)
    return redirect("exchanges:round", pk=pair.round_id)


# -- organisers set up events, sessions and questions -------------------------------------------
def _history_context(request: HttpRequest, obj: Any) -> dict[str, Any]:
    return {
        "history_of": obj,
        "history": history_entries(obj),
        "show_change_details": permissions.can_organise_event(
            request.user, obj.event if hasattr(obj, "event") else obj
        ),
    }


@login_required
def event_create(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_create_event(request.user))
    return edit_page(
        request,
        form_class=xforms.EventForm,
        initial={"organiser_units": list(request.user.units.all())},
        title=_("New event"),
        cancel_url=reverse("exchanges:events"),
        save=lambda d: services.event_create(user=request.user, data=d),
        success_url=lambda event: reverse("exchanges:organise", args=[event.pk]),
    )


@login_required
def event_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    return edit_page(
        request,
        form_class=xforms.EventForm,
        instance=event,
        title=_("Edit event"),
        cancel_url=reverse("exchanges:organise", args=[event.pk]),
        save=lambda d: services.event_update(user=request.user, event=event, data=d),
        success_url=lambda saved: reverse("exchanges:organise", args=[saved.pk]),
        template="exchanges/edit.html",
        context={
            **_history_context(request, event),
            "delete_url": reverse("exchanges:event_delete", args=[event.pk]),
            "delete_label": _("Delete this event"),
        },
    )


def _confirm_delete(
    request: HttpRequest, *, delete: Any, title: str, question: str, cancel_url: str, done_url: str
) -> HttpResponse:
    """GET: ask; POST: delete through the service (a refusal is shown, nothing changed)."""
    error = ""
    if request.method == "POST":
        try:
            delete()
        except DomainError as exc:
            error = exc.text()
        else:
            messages.success(request, _("Deleted."))
            return redirect(done_url)
    return render(
        request,
        "exchanges/confirm_delete.html",
        {"title": title, "question": question, "cancel_url": cancel_url, "error": error},
        status=400 if error else 200,
    )


@login_required
def event_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    return _confirm_delete(
        request,
        delete=lambda: services.event_delete(user=request.user, event=event),
        title=_("Delete this event"),
        question=_("Delete “%(title)s”? Only an event nobody has registered for can be deleted.")
        % {"title": event.title},
        cancel_url=reverse("exchanges:event_edit", args=[event.pk]),
        done_url=reverse("exchanges:events"),
    )


def _organise_url(event: Event) -> str:
    return reverse("exchanges:organise", args=[event.pk])


def _event_part_edit(
    request: AuthedRequest,
    event: Event,
    part: Session | Question | None,
    *,
    form_class: Callable[..., BaseForm],
    titles: tuple[str, str],
    delete: tuple[str, str],
    save: Callable[[dict[str, Any]], Any],
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """A session's or a registration question's page under the organise page: ``titles`` (new,
    edit); an existing one shows its history and a link to ``delete`` (the URL name, its label)."""
    extra = {}
    if part is not None:
        extra = {
            **_history_context(request, part),
            "delete_url": reverse(delete[0], args=[event.pk, part.pk]),
            "delete_label": delete[1],
        }
    return edit_page(
        request,
        form_class=form_class,
        instance=part,
        initial=initial,
        title=titles[1] if part else titles[0],
        cancel_url=_organise_url(event),
        save=save,
        success_url=_organise_url(event),
        template="exchanges/edit.html",
        context=extra,
    )


def _event_part_delete(
    request: AuthedRequest, event: Event, *, delete: Callable[[], None], title: str, question: str
) -> HttpResponse:
    return _confirm_delete(
        request,
        delete=delete,
        title=title,
        question=question,
        cancel_url=_organise_url(event),
        done_url=_organise_url(event),
    )


@login_required
def session_edit(request: AuthedRequest, pk: int, session_id: int | None = None) -> HttpResponse:
    event = _organised(request, pk)
    session = get_object_or_404(Session, pk=session_id, event=event) if session_id else None
    return _event_part_edit(
        request,
        event,
        session,
        form_class=xforms.SessionForm,
        titles=(_("New session"), _("Edit session")),
        delete=("exchanges:session_delete", _("Delete this session")),
        save=lambda d: services.session_save(user=request.user, event=event, data=d, session=session),
    )


@login_required
def session_delete(request: AuthedRequest, pk: int, session_id: int) -> HttpResponse:
    event = _organised(request, pk)
    session = get_object_or_404(Session, pk=session_id, event=event)
    return _event_part_delete(
        request,
        event,
        delete=lambda: services.session_delete(user=request.user, session=session),
        title=_("Delete this session"),
        question=_("Delete the session “%(title)s”?") % {"title": session.title},
    )


@login_required
def question_edit(request: AuthedRequest, pk: int, question_id: int | None = None) -> HttpResponse:
    event = _organised(request, pk)
    question = get_object_or_404(Question, pk=question_id, event=event) if question_id else None
    return _event_part_edit(
        request,
        event,
        question,
        form_class=xforms.QuestionForm,
        initial=None if question else {"position": event.questions.count()},
        titles=(_("New registration question"), _("Edit registration question")),
        delete=("exchanges:question_delete", _("Delete this question")),
        save=lambda d: services.question_save(user=request.user, event=event, data=d, question=question),
    )


@login_required
def question_delete(request: AuthedRequest, pk: int, question_id: int) -> HttpResponse:
    event = _organised(request, pk)
    question = get_object_or_404(Question, pk=question_id, event=event)
    return _event_part_delete(
        request,
        event,
        delete=lambda: services.question_delete(user=request.user, question=question),
        title=_("Delete this question"),
        question=_("Delete the question “%(label)s”?") % {"label": question.label},
    )


@login_required
def round_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, pk=pk)  # 404 when hidden from the user
    require_page(permissions.can_organise_round(request.user, round_))
    return edit_page(
        request,
        form_class=xforms.RoundForm,
        instance=round_,
        title=_("Edit the round's settings"),
        cancel_url=round_.get_absolute_url(),
        save=lambda d: services.round_update(user=request.user, round_=round_, data=d),
        template="exchanges/edit.html",
        context={"history_of": round_, "history": history_entries(round_), "show_change_details": True},
    )


@login_required
def record_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """An exchange record: its dates, activities over the years and completion report."""
    record = selectors.record_get_for_user(user=request.user, pk=pk)
    assert record.pair is not None
    url = reverse("exchanges:record", args=[record.pk])
    return edit_page(
        request,
        form_class=xforms.RecordForm,
        initial={"starts_on": record.starts_on, "ends_on": record.ends_on, "report": record.completion_report},
        title=_("Exchange record"),
        cancel_url=record.pair.round.get_absolute_url(),
        save=lambda d: services.record_update(
            user=request.user,
            record=record,
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            activity=d["activity"],
            report=d["report"],
        ),
        success_url=url,
        template="exchanges/record.html",
        context={
            "record": record,
            "history_of": record,
            "history": history_entries(record),
            "show_change_details": True,
        },
    )
