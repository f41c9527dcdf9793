"""Round pages: the list, an upload, a round and its organiser's actions, ranks and answers to
offered places."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import DomainError, NotFound, NotPermitted
from hkcq.core.forms import add_domain_error
from hkcq.core.permissions import require_page
from hkcq.core.templatetags.hkcq import listing
from hkcq.core.views import redirect_to_page_top
from hkcq.exchanges import forms as xforms
from hkcq.exchanges import permissions, rows, selectors, services
from hkcq.exchanges.models import (
    PairStatus,
    Participant,
    Round,
)
from hkcq.exchanges.views._shared import _form_refused, _refused


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
