"""Enquiry API: file and track without an account (the secret token is the key), staff work
cases with a session or a bearer token. Text seen by staff other than the case's officer has
personal data masked, as on the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest, api_caller
from hkcq.core import idempotency
from hkcq.core.api import (
    ERRORS,
    ErrorOut,
    IsoDate,
    Mapped,
    TextIn,
)
from hkcq.core.errors import InvalidCombination, InvalidInput, NotFound, UnknownReference
from hkcq.core.pagination import Keyed, KeysetPagination, LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.core.text import mask_personal_data
from hkcq.core.throttle import throttle, throttle_check, throttle_count
from hkcq.core.translated import current_language
from hkcq.enquiries import knowledge, permissions, selectors, services, sla, statistics
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.schemas import (
    BodyIn,
    CannedReplyIn,
    CannedReplyOut,
    CannedReplyPatch,
    CaseOut,
    CaseSummaryOut,
    CitableOut,
    CloseIn,
    EnquiryIn,
    EnquirySubmittedOut,
    EnquiryTrackOut,
    MessageOut,
    MyEnquiryOut,
    PriorityIn,
    RatingIn,
    ReplyIn,
    StatisticsOut,
    TrackingLinkIn,
    TrackingLinkOut,
    TransferIn,
)
from hkcq.registry.models import Unit

router = Router(tags=["enquiries"])


def _messages(enquiry: Enquiry, *, notes: bool, unmasked: bool, language: str) -> list[dict[str, Any]]:
    out = []
    for m in selectors.enquiry_messages(enquiry, include_notes=notes):
        out.append(
            {
                "kind": m.kind,
                "body": m.body if unmasked else mask_personal_data(m.body),
                "created_at": m.created_at,
                "citations": [
                    {"id": c.slug, "title": c.title, "url": c.url} for c in knowledge.cited(m.citations, language)
                ],
            }
        )
    return out


def _summary(e: Enquiry) -> dict[str, Any]:
    return {
        "reference": e.reference,
        "status": e.status,
        "priority": e.priority,
        "language": e.language,
        "question": mask_personal_data(e.question),
        "unit": e.assigned_unit.ext_id if e.assigned_unit else None,
        "suggested_unit": e.suggested_unit.ext_id if e.suggested_unit else None,
        "received_at": e.received_at,
        "acknowledge_due": e.acknowledge_due,
        "reply_due": e.reply_due,
        "paused": e.is_paused,
    }


def _case(request: AuthedRequest, e: Enquiry) -> dict[str, Any]:
    user = request.auth
    unmasked = permissions.can_see_personal_data(user, e)
    data = _summary(e)
    data.update(
        {
            "question": e.question if unmasked else mask_personal_data(e.question),
            "details": e.details if unmasked else mask_personal_data(e.details),
            "email": e.email if unmasked else "",
            "phone": e.phone if unmasked else ("▇▇▇" if e.phone else ""),
            "assigned_officer": e.assigned_officer.username if e.assigned_officer else None,
            "messages": _messages(e, notes=True, unmasked=unmasked, language=current_language()),
            "priority_changes": [
                {
                    "from_priority": c.from_priority,
                    "to_priority": c.to_priority,
                    "reason": c.reason if unmasked else mask_personal_data(c.reason),
                    "by": c.by.username if c.by else None,
                    "at": c.at,
                }
                for c in e.priority_changes.select_related("by")
            ],
            "escalations": [
                {
                    "kind": x.kind,
                    "deadline": x.deadline,
                    "escalated_at": x.created_at,
                    "told": [person.username for person in x.told.all()],
                }
                for x in sla.escalations(e)
            ],
            "actions": [
                {"kind": a.kind, "by": a.by.username if a.by else None, "at": a.at, "outcome": a.outcome}
                for a in e.actions.select_related("by")
            ],
            "outcome": e.outcome,
            "outcome_note": e.outcome_note if unmasked else mask_personal_data(e.outcome_note),
            "allowed_actions": [a for a in permissions.STAFF_ACTIONS if permissions.can_staff_act(user, e, a)],
        }
    )
    return data


def _track(e: Enquiry) -> dict[str, Any]:
    """The tracking link's view, masked like the tracking page (whoever has the token sees it)."""
    return {
        "reference": e.reference,
        "status": e.status,
        "received_at": e.received_at,
        "reply_due": e.reply_due_promised,
        "unit": e.assigned_unit.ext_id if e.assigned_unit else None,
        "question": mask_personal_data(e.question),
        "details": mask_personal_data(e.details),
        "outcome": e.outcome,
        "service_rating": e.service_rating,
        "outcome_rating": e.outcome_rating,
        "messages": _messages(e, notes=False, unmasked=False, language=e.language),
    }


# -- resident endpoints -----------------------------------------------------------------------
@router.post("/enquiries", response={200: EnquirySubmittedOut, 201: EnquirySubmittedOut, **ERRORS}, auth=None)
def enquiry_submit(request: HttpRequest, payload: EnquiryIn) -> Status[dict[str, Any]]:
    """File an enquiry. Idempotent for the same client (the same API token, else the same
    address): the same `idempotency_key` (or, without one, the same question, details and e-mail
    within ten minutes) returns the case already filed, with status 200; the same key with other
    content is refused (409). Another client never gets the case back."""
    # Only an accepted new enquiry counts (hkcq/core/throttle.py); a refused or replayed one does not.
    throttle_check(request, "enquiry_submit", targets=(payload.email,))
    result = services.enquiry_submit(
        filing=services.Filing(
            question=payload.question,
            details=payload.details,
            email=payload.email,
            phone=payload.phone,
            language=payload.language,
            consent=payload.consent,
        ),
        origin=services.Origin(
            source="api",
            client=idempotency.client_of(request),
            idempotency_key=payload.idempotency_key or request.headers.get("Idempotency-Key", ""),
        ),
    )
    if result.created:
        throttle_count(request, "enquiry_submit", targets=(payload.email,))
    e = result.enquiry
    body = {
        "reference": e.reference,
        "token": e.token,
        "tracking_url": services.tracking_url(e),
        "status": e.status,
        "created": result.created,
    }
    return Status(201 if result.created else 200, body)


def _by_token(request: HttpRequest, token: str, action: str = "tracking") -> Enquiry:
    throttle(request, action, targets=(token,))
    return selectors.enquiry_get_by_token(token)


@router.get("/enquiries/track/{token}", response={200: EnquiryTrackOut, **ERRORS}, auth=None)
def enquiry_track(request: HttpRequest, token: str) -> dict[str, Any]:
    """The resident's view of a case, by its secret tracking token (internal notes excluded).
    Identity card and phone numbers and e-mail addresses in the text are masked, as on the
    tracking page: whoever has the token sees this."""
    return _track(_by_token(request, token))


@router.post("/enquiries/track/{token}/messages", response={201: MessageOut, **ERRORS}, auth=None)
def enquiry_track_message(request: HttpRequest, token: str, payload: BodyIn) -> Status[dict[str, Any]]:
    e = _by_token(request, token, "tracking_write")
    m = services.enquiry_resident_reply(user=None, enquiry=e, token=token, body=payload.body)
    return Status(201, {"kind": m.kind, "body": m.body, "created_at": m.created_at, "citations": []})


@router.post("/enquiries/track/{token}/rating", response={200: EnquiryTrackOut, **ERRORS}, auth=None)
def enquiry_track_rate(request: HttpRequest, token: str, payload: RatingIn) -> dict[str, Any]:
    e = _by_token(request, token, "tracking_write")
    e = services.enquiry_rate(
        user=None, enquiry=e, token=token, service=payload.service, outcome=payload.outcome, comment=payload.comment
    )
    return _track(e)


# -- staff endpoints --------------------------------------------------------------------------
@router.get("/enquiries", response={200: list[CaseSummaryOut], **ERRORS}, auth=STAFF_AUTH)
@paginate(KeysetPagination)
def enquiry_queue(
    request: AuthedRequest,
    status: str | None = None,
    due: str | None = None,
    language: str | None = None,
    priority: str | None = None,
) -> Keyed:
    """The staff queue (officers: their units' cases; secretariat: all; any other signed-in
    person: an empty list; without a token or session: 401, as the document declares). Question
    text masked. Filters: `status` (or `open`), `due` (`overdue`, `due_soon`, `paused`),
    `language`, `priority` (`low`, `normal`, `high`). Newest first (with `due`: the next reply
    due first). To read further than the first pages, pass each page's `next` as `cursor`: a
    deep page then costs what the first does. `count` is an estimate (`count_exact` false) when
    the list is long."""
    qs = selectors.enquiry_queue_for_user(request.auth, status=status, due=due, language=language, priority=priority)
    return Keyed(qs, _summary, selectors.enquiry_queue_keyset(due=due))


def _staff_case(request: AuthedRequest, reference: str) -> Enquiry:
    """The case at this address; a malformed reference names no case either: 404."""
    try:
        return selectors.enquiry_get_for_user(user=request.auth, reference=reference)
    except UnknownReference:
        raise
    except InvalidInput as exc:
        raise NotFound(_("No enquiry has this reference number.")) from exc


@router.get(
    "/enquiries/mine",
    response={200: list[MyEnquiryOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="My enquiries: the cases you filed while signed in",
)
@paginate(LimitOffsetPagination)
def my_enquiries(request: AuthedRequest) -> Mapped:
    return Mapped(selectors.enquiry_list_for_resident(request.auth), MyEnquiryOut.of)


# -- canned replies (declared before /enquiries/{reference}) -------------------------------------
@router.get(
    "/enquiries/canned-replies",
    response={200: list[CannedReplyOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="Canned replies (officers: those in use; the secretariat: all)",
)
@paginate(LimitOffsetPagination)
def list_canned_replies(request: AuthedRequest) -> Mapped:
    require(permissions.can_read_canned_replies(request.auth))
    active_only = not permissions.can_edit_canned_replies(request.auth)
    return Mapped(selectors.canned_reply_list(active_only=active_only), CannedReplyOut.of)


def _canned_data(payload: Schema) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if value is None:
            raise InvalidInput(details={name: [_("This field cannot be null.")]})
        data[name] = value.as_texts() if isinstance(value, TextIn) else value
    return data


@router.post(
    "/enquiries/canned-replies",
    response={201: CannedReplyOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Add a canned reply (secretariat)",
)
def create_canned_reply(request: AuthedRequest, payload: CannedReplyIn) -> Status[dict[str, Any]]:
    data = {**_canned_data(payload), "is_active": payload.is_active}
    return Status(201, CannedReplyOut.of(services.canned_reply_save(user=request.auth, data=data)))


@router.get(
    "/enquiries/canned-replies/{canned_id}",
    response={200: CannedReplyOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="One canned reply",
)
def get_canned_reply(request: AuthedRequest, canned_id: int) -> dict[str, Any]:
    return CannedReplyOut.of(selectors.canned_reply_get_for_user(user=request.auth, canned_id=canned_id))


@router.patch(
    "/enquiries/canned-replies/{canned_id}",
    response={200: CannedReplyOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Edit a canned reply, or take it out of use (secretariat)",
)
def update_canned_reply(request: AuthedRequest, canned_id: int, payload: CannedReplyPatch) -> dict[str, Any]:
    canned = selectors.canned_reply_get_for_user(user=request.auth, canned_id=canned_id)
    return CannedReplyOut.of(services.canned_reply_save(user=request.auth, data=_canned_data(payload), canned=canned))


@router.get("/enquiries/{reference}", response={200: CaseOut, **ERRORS}, auth=STAFF_AUTH)
def enquiry_case(request: AuthedRequest, reference: str) -> dict[str, Any]:
    return _case(request, _staff_case(request, reference))


def _reload(request: AuthedRequest, e: Enquiry) -> dict[str, Any]:
    e = Enquiry.objects.select_related("assigned_unit", "suggested_unit", "assigned_officer").get(pk=e.pk)
    if not permissions.can_view_case(request.auth, e):
        # e.g. an officer who transferred the case away
        return _summary(e) | {
            "details": "",
            "email": "",
            "phone": "",
            "assigned_officer": None,
            "messages": [],
            "priority_changes": [],
            "escalations": [],
            "actions": [],
            "outcome": "",
            "outcome_note": "",
            "allowed_actions": [],
        }
    return _case(request, e)


@router.post("/enquiries/{reference}/accept", response={200: CaseOut, **ERRORS}, auth=STAFF_AUTH)
def enquiry_accept(request: AuthedRequest, reference: str) -> dict[str, Any]:
    e = _staff_case(request, reference)
    services.enquiry_accept(user=request.auth, enquiry=e)
    return _reload(request, e)


@router.post("/enquiries/{reference}/reply", response={200: CaseOut, **ERRORS}, auth=STAFF_AUTH)
def enquiry_reply(request: AuthedRequest, reference: str, payload: ReplyIn) -> dict[str, Any]:
    """Reply to the resident, citing knowledge-base entries by id; `wait_for_resident` stops
    the clock until they answer."""
    e = _staff_case(request, reference)
    services.enquiry_reply(
        user=request.auth,
        enquiry=e,
        body=payload.body,
        citations=payload.citations,
        wait_for_resident=payload.wait_for_resident,
    )
    return _reload(request, e)


@router.post("/enquiries/{reference}/notes", response={200: CaseOut, **ERRORS}, auth=STAFF_AUTH)
def enquiry_note(request: AuthedRequest, reference: str, payload: BodyIn) -> dict[str, Any]:
    e = _staff_case(request, reference)
    services.enquiry_note_add(user=request.auth, enquiry=e, body=payload.body)
    return _reload(request, e)


@router.post("/enquiries/{reference}/transfer", response={200: CaseOut, **ERRORS}, auth=STAFF_AUTH)
def enquiry_transfer(request: AuthedRequest, reference: str, payload: TransferIn) -> dict[str, Any]:
    e = _staff_case(request, reference)
    unit = Unit.objects.filter(ext_id=payload.to_unit).first()
    if unit is None:
        raise UnknownReference(details={"to_unit": [_("No unit has this id.")]})
    services.enquiry_transfer(user=request.auth, enquiry=e, to_unit=unit, reason=payload.reason)
    return _reload(request, e)


@router.post("/enquiries/{reference}/priority", response={200: CaseOut, **ERRORS}, auth=STAFF_AUTH)
def enquiry_priority(request: AuthedRequest, reference: str, payload: PriorityIn) -> dict[str, Any]:
    """Change the priority (`low`, `normal`, `high`) with the reason. The deadlines are counted
    again from when the case was received, with the new priority's service levels; a closed
    case keeps its priority (422)."""
    e = _staff_case(request, reference)
    services.enquiry_priority_change(
        user=request.auth,
        enquiry=e,
        priority=payload.priority,
        reason=payload.reason,
    )
    return _reload(request, e)


@router.post("/enquiries/{reference}/close", response={200: CaseOut, **ERRORS}, auth=STAFF_AUTH)
def enquiry_close(request: AuthedRequest, reference: str, payload: CloseIn) -> dict[str, Any]:
    e = _staff_case(request, reference)
    services.enquiry_close(user=request.auth, enquiry=e, outcome=payload.outcome, note=payload.note)
    return _reload(request, e)


@router.post(
    "/tracking-links",
    response={202: TrackingLinkOut, **ERRORS},
    auth=None,
    summary="Send a lost tracking link again, to the address the enquiry was filed with",
)
def tracking_link_request(request: HttpRequest, payload: TrackingLinkIn) -> Status[dict[str, Any]]:
    """The same answer whether or not the reference and the address belong to one enquiry (never
    an oracle); the link goes by e-mail, never into the answer. Throttled per address, reference
    and e-mail, like the page."""
    reference, email = payload.reference.strip(), payload.email.strip()
    throttle(request, "enquiry_find", targets=(reference, email))
    services.enquiry_tracking_link_request(reference=reference, email=email)
    message = _(
        "If the reference number and the e-mail address belong to the same enquiry, we have sent "
        "its tracking link to that address. Check your inbox, and your spam folder."
    )
    return Status(202, {"message": str(message)})


def _compliance_out(c: Any) -> dict[str, Any]:
    return {"met": c.met, "missed": c.missed, "running": c.running, "percent": c.percent}


@router.get(
    "/enquiry-statistics",
    response={200: StatisticsOut, 422: ErrorOut},
    auth=None,
    summary="Statistics of the enquiry service over a period of receipt (the last year by default)",
)
def enquiry_statistics(
    request: HttpRequest, start: IsoDate | None = None, end: IsoDate | None = None
) -> dict[str, Any]:
    """As the statistics page: volume by topic, unit and language, deadlines met, ratings; the
    figures per unit for the secretariat (a session or a bearer token). ``end`` is today and
    ``start`` a year before ``end`` unless given; a period that ends before it starts or is
    longer than ten years (3,660 days) is refused with 422 ``invalid_combination``."""
    today = timezone.localdate()
    end = end or today
    start = start or statistics.year_ending(end)
    if end < start:
        raise InvalidCombination(details={"end": [_("The end of the period is before its start.")]})
    if (end - start).days > 3660:
        raise InvalidCombination(details={"start": [_("Choose a period of at most ten years.")]})
    stats = statistics.enquiry_statistics(start, end)

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        return [{"key": r.key, "label": str(r.label), "count": r.count} for r in items]

    full = permissions.can_view_full_statistics(api_caller(request))
    return {
        "start": stats.start,
        "end": stats.end,
        "total": stats.total,
        "by_topic": rows(stats.by_topic),
        "by_unit": rows(stats.by_unit),
        "by_language": rows(stats.by_language),
        "acknowledged": _compliance_out(stats.ack),
        "replied": _compliance_out(stats.reply),
        "service_rating_mean": stats.satisfaction.service_mean,
        "outcome_rating_mean": stats.satisfaction.outcome_mean,
        "rated": stats.satisfaction.rated,
        "per_unit": [
            {
                "unit": str(u.label),
                "total": u.total,
                "acknowledged": _compliance_out(u.ack),
                "replied": _compliance_out(u.reply),
            }
            for u in stats.per_unit
        ]
        if full
        else None,
    }


@router.get(
    "/enquiries/{reference}/citations",
    response={200: list[CitableOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="Entries to cite in a reply: those answering q (an entry's id or a search), else the case's question",
)
@paginate(LimitOffsetPagination)
def enquiry_citations(request: AuthedRequest, reference: str, q: str = "") -> list[dict[str, Any]]:
    """As the case page's citation picker: titled in the resident's language, best first. Send
    the chosen ids as the reply's ``citations``."""
    e = _staff_case(request, reference)
    require(permissions.can_staff_act(request.auth, e, "reply"))
    found = knowledge.citations_for(q.strip()[:500] or e.question, e.language, limit=10)
    return [{"id": c.slug, "title": c.title} for c in found]
