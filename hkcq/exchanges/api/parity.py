"""API parity (issue 11): what the event and round pages do that had no operation: the agenda as a
PDF, an event's participants, registrations and feedback, the rounds list and upload, fixing a
pair, a host's places, withdrawing a pair, the exchange records and a round's changes."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import (
    ERRORS,
    ErrorOut,
    Mapped,
    Required,
    file_answer,
)
from hkcq.core.errors import InvalidInput, NotFound
from hkcq.core.exports import pdf_response, render_pdf
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.exchanges import agenda, permissions, rows, selectors, services
from hkcq.exchanges.api._shared import _pair_out, _round_out, _rows, router
from hkcq.exchanges.models import (
    Participant,
    Round,
)
from hkcq.exchanges.schemas import (
    EventFeedbackListOut,
    EventFeedbackOut,
    EventParticipantListOut,
    EventRegistrationListOut,
    EventRegistrationOut,
    ExchangeActivityIn,
    ExchangeRecordOut,
    ExchangeRecordPatch,
    ExchangeRoundOut,
    RoundCapacityIn,
    RoundChangeListOut,
    RoundCreatedOut,
    RoundFixIn,
    RoundHostOut,
    RoundPairOut,
    RoundUploadPreviewOut,
    RoundWithdrawIn,
)
from hkcq.registry.models import Area


@router.get(
    "/registrations/{registration_id}/agenda.pdf",
    response={200: bytes, **ERRORS},
    auth=STAFF_AUTH,
    summary="Your agenda as a PDF",
    openapi_extra=file_answer("The agenda (sessions and scheduled meetings)", "application/pdf"),
)
def agenda_pdf(request: AuthedRequest, registration_id: int) -> HttpResponse:
    """The registrant's own, as the agenda page prints it."""
    reg = selectors.registration_get_for_user(user=request.auth, pk=registration_id)
    if not permissions.is_registrant(request.auth, reg):
        raise NotFound()
    event = reg.event
    context = {"event": event, "reg": reg, "items": agenda.items(reg, viewer=request.auth)}
    return pdf_response(render_pdf("exchanges/agenda_pdf.html", context, request), f"agenda-{event.pk}")


@router.get(
    "/events/{event_id}/participants",
    response={200: EventParticipantListOut, 404: ErrorOut},
    summary="The public participant list (only those who consented)",
    openapi_extra={"security": []},
)
def event_participants(request: HttpRequest, event_id: int) -> dict[str, Any]:
    items = [
        {"registration": r.pk, "profile": r.profile_id, "name": str(r.profile)}
        for r in selectors.public_participants(selectors.event_get(event_id)).order_by("id")
    ]
    return {"items": items, "count": len(items)}


@router.get(
    "/events/{event_id}/registrations",
    response={200: EventRegistrationListOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Registrations: every one for the event's organisers, your own for a participant",
)
def event_registrations(request: AuthedRequest, event_id: int) -> dict[str, Any]:
    event = selectors.event_get(event_id)
    if permissions.can_organise_event(request.auth, event):
        regs = list(selectors.registrations(event))
    else:
        mine = selectors.registration_for(request.auth, event)
        regs = [mine] if mine is not None else []
    return {"items": [EventRegistrationOut.of(r) for r in regs], "count": len(regs)}


@router.get(
    "/events/{event_id}/feedback",
    response={200: EventFeedbackListOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Feedback and outcomes of the event's meetings (organisers)",
)
def event_feedback(request: AuthedRequest, event_id: int) -> dict[str, Any]:
    event = selectors.event_get(event_id)
    require(permissions.can_organise_event(request.auth, event))
    items = [EventFeedbackOut.of(f) for f in selectors.feedback_outcomes(event).order_by("id")]
    return {"items": items, "count": len(items)}


@router.get("/rounds", response={200: list[ExchangeRoundOut], **ERRORS}, auth=STAFF_AUTH, summary="Your rounds")
@paginate(LimitOffsetPagination)
def round_list(request: AuthedRequest) -> Mapped:
    """The rounds you organise or take part in (the secretariat: every round)."""
    return Mapped(selectors.rounds_for(request.auth).order_by("-id"), _round_out)


@router.post(
    "/round-uploads",
    response={200: RoundUploadPreviewOut, 201: RoundCreatedOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Create a round from a spreadsheet (multipart); dry_run (the default) previews it",
)
def round_upload(
    request: AuthedRequest,
    kind: Form[Literal["internship", "sister_school", "exchange"]],
    title: Form[Required],
    area: Form[Required],
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
) -> Status[dict[str, Any]]:
    """The round page's upload: one row per participant (``GET /imports/kinds`` does not list it;
    the columns are the page's). ``area`` (required): the co-operation area the round serves, by
    its id; the round's exchange records are counted under it on the dashboard and in the plenary
    report. ``dry_run`` true: 200 with the preview and its problems, nothing created. ``dry_run``
    false: 201 with the round's id, or 422 with the problems and nothing created. Each problem is
    one line in the reader's language, naming its row ("Row 4: …", 第4行：…). Confirming a preview
    is sending the same file with ``dry_run`` false (or its ``document`` to ``POST /rounds``)."""
    require(permissions.can_create_round(request.auth))
    chosen = _rows(Area, [area], "area")[0]
    sheet = rows.sheet_from_xlsx(file, kind=kind, title=title)
    sheet.document["area"] = chosen
    problems = rows.sheet_problems(sheet)
    document = {**sheet.document, "area": chosen.ext_id}
    if dry_run:
        return Status(200, {"document": document, "problems": problems})
    if problems:
        raise InvalidInput(_("The spreadsheet has rows that are not valid."), details={"file": problems})
    round_ = services.round_create(user=request.auth, data=sheet.document)
    return Status(201, {"id": round_.pk})


@router.post(
    "/rounds/{round_id}/pairs",
    response={201: RoundPairOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Fix a pair by hand; every later run keeps it (organisers)",
)
def round_fix_pair(request: AuthedRequest, round_id: int, body: RoundFixIn) -> Status[dict[str, Any]]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    a = _entry_chosen(request, r, Participant.APPLICANT, body.applicant)
    h = _entry_chosen(request, r, Participant.HOST, body.host)
    pair = services.pair_fix(user=request.auth, round_=r, applicant=a, host=h, reason=body.reason)
    return Status(201, _pair_out(pair))


def _entry_chosen(request: AuthedRequest, r: Round, role: str, ext_id: str) -> Participant:
    """The round's entry a body names (``role`` is also the field naming it); 422 when there is none."""
    try:
        return selectors.participant_get_for_user(user=request.auth, round_=r, role=role, ext_id=ext_id)
    except NotFound as exc:
        message = _("Choose an applicant and a host of this round.")
        raise InvalidInput(message, details={role: [message]}) from exc


@router.put(
    "/rounds/{round_id}/hosts/{ext_id}/capacity",
    response={200: RoundHostOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Change a host's places, with a reason (organisers)",
)
def round_capacity(request: AuthedRequest, round_id: int, ext_id: str, body: RoundCapacityIn) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    h = selectors.participant_get_for_user(user=request.auth, round_=r, role=Participant.HOST, ext_id=ext_id)
    h = services.capacity_set(user=request.auth, host=h, capacity=body.capacity, reason=body.reason)
    return {"id": h.ext_id, "capacity": h.capacity}


@router.post(
    "/pairs/{pair_id}/withdraw",
    response={200: RoundPairOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Withdraw an allocated pair after a run, with a reason (organisers)",
)
def pair_withdraw(request: AuthedRequest, pair_id: int, body: RoundWithdrawIn) -> dict[str, Any]:
    pair = selectors.pair_get_for_user(user=request.auth, pk=pair_id)
    require(permissions.can_organise_round(request.auth, pair.round))
    return _pair_out(services.pair_withdraw(user=request.auth, pair=pair, reason=body.reason))


@router.get(
    "/exchange-records",
    response={200: list[ExchangeRecordOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="Exchange records you organise or are a side of",
)
@paginate(LimitOffsetPagination)
def record_list(request: AuthedRequest) -> Mapped:
    """Sister-school pairs, internships and exchanges that formed from accepted pairs."""
    return Mapped(selectors.records_for(request.auth), ExchangeRecordOut.of)


@router.get(
    "/exchange-records/{record_id}",
    response={200: ExchangeRecordOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="One exchange record",
)
def record_detail(request: AuthedRequest, record_id: int) -> dict[str, Any]:
    return ExchangeRecordOut.of(selectors.record_get_for_user(user=request.auth, pk=record_id))


@router.patch(
    "/exchange-records/{record_id}",
    response={200: ExchangeRecordOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Update an exchange record (the round's organisers, either side of the pair)",
)
def record_update(request: AuthedRequest, record_id: int, body: ExchangeRecordPatch) -> dict[str, Any]:
    record = selectors.record_get_for_user(user=request.auth, pk=record_id)
    sent = body.model_fields_set
    record = services.record_update(
        user=request.auth,
        record=record,
        starts_on=body.starts_on if "starts_on" in sent else record.starts_on,
        ends_on=body.ends_on if "ends_on" in sent else record.ends_on,
        report=body.completion_report,
    )
    return ExchangeRecordOut.of(record)


@router.post(
    "/exchange-records/{record_id}/activities",
    response={201: ExchangeRecordOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Add an activity to an exchange record (kept with this year)",
)
def record_activity(request: AuthedRequest, record_id: int, body: ExchangeActivityIn) -> Status[dict[str, Any]]:
    record = selectors.record_get_for_user(user=request.auth, pk=record_id)
    if not body.text.strip():
        raise InvalidInput(details={"text": [_("This field is required.")]})
    record = services.record_update(
        user=request.auth, record=record, starts_on=record.starts_on, ends_on=record.ends_on, activity=body.text
    )
    return Status(201, ExchangeRecordOut.of(record))


@router.get(
    "/rounds/{round_id}/changes",
    response={200: RoundChangeListOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Every change to the round's pairs and places, with its reason (organisers)",
)
def round_changes(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    items = [
        {
            "action": c.action,
            "detail": c.detail,
            "reason": c.reason,
            "actor": c.actor.username if c.actor else None,
            "at": c.at,
        }
        for c in r.changes.select_related("actor").order_by("at", "id")
    ]
    return {"items": items, "count": len(items)}
