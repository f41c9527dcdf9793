"""Writes to enquiry cases. Every function checks permission, validates, owns its transaction
and sends its e-mails after the commit (so a mail server never loses or blocks a case).

Public entry points for other apps (Open311, escalation): :func:`enquiry_submit`,
:func:`sla_deadlines`; reads (``enquiry_get_by_reference``, ``enquiry_get_by_token``,
``enquiry_get_for_user``) are in :mod:`hkcq.enquiries.selectors`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.accounts.types import Viewer
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.permissions import require
from hkcq.core.text import mask_personal_data
from hkcq.core.translated import TText
from hkcq.enquiries import knowledge, permissions
from hkcq.enquiries.limits import MAX_REASON, MAX_TEXT
from hkcq.enquiries.mail import resident_mail, staff_tell, tracking_url  # noqa: F401  (tracking_url: part of the app's API)
from hkcq.enquiries.models import (
    CannedReply,
    CaseAction,
    Enquiry,
    LinkRequest,
    Message,
    Pause,
    PriorityChange,
    Transfer,
)
from hkcq.enquiries.placeholders import canned_placeholders, placeholders_refuse  # noqa: F401
from hkcq.enquiries.references import reference_normalise
from hkcq.enquiries.sla import Deadlines, deadlines_apply
from hkcq.enquiries.sla import sla_deadlines as _sla_deadlines
from hkcq.enquiries.submission import (  # noqa: F401  (the app's write API)
    Filing,
    Origin,
    SubmitResult,
    enquiries_route_pending,
    enquiry_route,
    enquiry_submit,
)
from hkcq.registry.models import Unit

logger = logging.getLogger("hkcq.enquiries")


def sla_deadlines(enquiry: Enquiry) -> Deadlines:
    return _sla_deadlines(enquiry)


def _locked(enquiry: Enquiry) -> Enquiry:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins to the units.
    return (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("assigned_unit", "suggested_unit")
        .get(pk=enquiry.pk)
    )


# -- e-mail -----------------------------------------------------------------------------------


# -- submission -------------------------------------------------------------------------------


# -- lookups ----------------------------------------------------------------------------------
def enquiry_tracking_link_request(*, reference: str, email: str) -> None:
    """A resident who lost the tracking link asks for it again. The answer is the same whether or
    not the reference exists and the address matches: the link goes by e-mail to the address the
    case was filed with, never onto the page. The look-up itself runs in the worker
    (:func:`enquiry_tracking_link_send`), so this request does the same work, and takes the same
    time, in every case. Only a malformed reference (its format and check digit, nothing looked
    up) or address is an ``InvalidInput``."""
    # local import: the task calls back into this module, so one side of the pair waits
    from hkcq.enquiries.tasks import tracking_link_send

    canonical = reference_normalise(reference)
    if canonical is None:
        message = _("This reference number is not valid. Check it for typing errors.")
        raise InvalidInput(message, details={"reference": [message]})
    address = (email or "").strip()[:254]
    try:
        validate_email(address)
    except ValidationError as exc:
        message = _("Enter a valid e-mail address, for example name@example.org.")
        raise InvalidInput(message, details={"email": [message]}) from exc
    # The task carries the id of a row holding the request, never the address itself.
    pk = LinkRequest.objects.create(reference=canonical, email=address).pk
    transaction.on_commit(lambda: tracking_link_send.enqueue(request_id=pk))


def enquiry_tracking_link_send(*, request_id: int) -> bool:
    """E-mail the case's tracking link to its address if the request's address is that address
    (the worker's half of :func:`enquiry_tracking_link_request`); the request is deleted either
    way. Returns whether one was sent."""
    with transaction.atomic():
        request = LinkRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:  # answered already (a task run twice)
            return False
        request.delete()
    enquiry = Enquiry.objects.filter(reference=request.reference).select_related("resident").first()
    given = (request.email or "").strip().lower().encode()
    if enquiry is None or not hmac.compare_digest(enquiry.email.strip().lower().encode(), given):
        return False
    resident_mail(enquiry, "tracking_link")
    return True


# -- staff actions ----------------------------------------------------------------------------
@transaction.atomic
def enquiry_accept(*, user: User, enquiry: Enquiry) -> Enquiry:
    enquiry = _locked(enquiry)
    require(permissions.can_staff_act(user, enquiry, "accept"))
    now = timezone.now()
    enquiry.status = Enquiry.Status.ACCEPTED
    enquiry.assigned_officer = user
    enquiry.acknowledged_at = enquiry.acknowledged_at or now
    enquiry.save(update_fields=["status", "assigned_officer", "acknowledged_at"])
    CaseAction.objects.create(enquiry=enquiry, kind=CaseAction.Kind.ACCEPT, by=user, at=now)
    resident_mail(enquiry, "accepted")
    logger.info("enquiry %s accepted by %s", enquiry.reference, user.username)
    return enquiry


def _clean_citations(citations: list[str] | None) -> list[str]:
    slugs = list(dict.fromkeys(s.strip() for s in (citations or []) if s and s.strip()))
    if not slugs:
        return []
    known = knowledge.entries_exist(slugs)
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise InvalidInput(
            details={"citations": [_("No knowledge-base entry has the id %(ids)s.") % {"ids": ", ".join(unknown)}]}
        )
    return slugs


def _resume(enquiry: Enquiry, now: dt.datetime) -> None:
    if enquiry.paused_since is None:
        return
    Pause.objects.filter(enquiry=enquiry, ended_at__isnull=True).update(ended_at=now)
    enquiry.paused_since = None
    deadlines_apply(enquiry)


@transaction.atomic
def enquiry_reply(
    *, user: User, enquiry: Enquiry, body: str, citations: list[str] | None = None, wait_for_resident: bool = False
) -> Message:
    """Reply to the resident. With ``wait_for_resident`` the reply asks them for something
    and the reply clock stops until they answer."""
    enquiry = _locked(enquiry)
    require(permissions.can_staff_act(user, enquiry, "wait" if wait_for_resident else "reply"))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(details={"body": [_("Write the reply.")]})
    if len(body) > MAX_TEXT:
        raise InvalidInput(details={"body": [_("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}]})
    placeholders_refuse(body)
    slugs = _clean_citations(citations)
    now = timezone.now()
    message = Message.objects.create(
        enquiry=enquiry, kind=Message.Kind.REPLY, author=user, body=body, citations=slugs, created_at=now
    )
    if wait_for_resident:
        enquiry.status = Enquiry.Status.WAITING
        if enquiry.paused_since is None:
            enquiry.paused_since = now
            Pause.objects.create(enquiry=enquiry, started_at=now)
    else:
        enquiry.status = Enquiry.Status.ANSWERED
        _resume(enquiry, now)
    if not wait_for_resident:
        # The substantive answer; asking the resident for information does not count.
        enquiry.first_reply_at = enquiry.first_reply_at or now
    enquiry.acknowledged_at = enquiry.acknowledged_at or now
    enquiry.save(
        update_fields=["status", "paused_since", "first_reply_at", "acknowledged_at", "acknowledge_due", "reply_due"]
    )
    kind = CaseAction.Kind.ASK if wait_for_resident else CaseAction.Kind.REPLY
    CaseAction.objects.create(enquiry=enquiry, kind=kind, by=user, at=now)
    resident_mail(enquiry, "reply", {"waiting": wait_for_resident})
    logger.info("enquiry %s replied by %s", enquiry.reference, user.username)
    return message


def enquiry_wait(*, user: User, enquiry: Enquiry, body: str, citations: list[str] | None = None) -> Message:
    return enquiry_reply(user=user, enquiry=enquiry, body=body, citations=citations, wait_for_resident=True)


@transaction.atomic
def enquiry_note_add(*, user: User, enquiry: Enquiry, body: str) -> Message:
    enquiry = _locked(enquiry)
    require(permissions.can_staff_act(user, enquiry, "note"))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(details={"body": [_("Write the note.")]})
    if len(body) > MAX_TEXT:
        raise InvalidInput(details={"body": [_("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}]})
    return Message.objects.create(enquiry=enquiry, kind=Message.Kind.NOTE, author=user, body=body)


@transaction.atomic
def enquiry_transfer(*, user: User, enquiry: Enquiry, to_unit: Unit, reason: str) -> Transfer:
    """Route the case to another unit. The clock is not reset: deadlines stay counted from
    when the case was received (on the new unit's calendar). The new unit's officers are told,
    with personal data masked."""
    enquiry = _locked(enquiry)
    require(permissions.can_staff_act(user, enquiry, "transfer"))
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the reason for the transfer.")]
    if to_unit is None or not to_unit.is_active:
        errors["to_unit"] = [_("Choose an active unit.")]
    elif to_unit.pk == enquiry.assigned_unit_id:
        errors["to_unit"] = [_("The case is already with this unit.")]
    if errors:
        raise InvalidInput(details=errors)
    transfer = Transfer.objects.create(
        enquiry=enquiry, from_unit=enquiry.assigned_unit, to_unit=to_unit, reason=reason, by=user
    )
    enquiry.assigned_unit = to_unit
    enquiry.assigned_officer = None
    if enquiry.status == Enquiry.Status.ACCEPTED:
        enquiry.status = Enquiry.Status.NEW
    deadlines_apply(enquiry)
    enquiry.save(update_fields=["assigned_unit", "assigned_officer", "status", "acknowledge_due", "reply_due"])
    staff_tell(enquiry, to_unit, "transferred", {"reason": mask_personal_data(reason)}, actor=user)
    logger.info(
        "enquiry %s transferred to %s by %s: %s",
        enquiry.reference,
        to_unit.ext_id,
        user.username,
        mask_personal_data(reason),
    )
    return transfer


@transaction.atomic
def enquiry_priority_change(*, user: User, enquiry: Enquiry, priority: str, reason: str) -> PriorityChange:
    """Give the case another priority, with the reason. Its deadlines are counted again with
    the new priority's service levels from when the case was received (never from now), on the
    calendar of its unit's side, not counting the time it waited for the resident: the same
    computation as at submission. The change is recorded for staff; the resident is not told
    (their tracking page shows the reply date that follows from it)."""
    enquiry = _locked(enquiry)
    if not enquiry.is_open and permissions.can_view_case(user, enquiry):
        raise InvalidInput(_("This enquiry is closed: its priority can no longer be changed."))
    require(permissions.can_staff_act(user, enquiry, "priority"))
    priority = (priority or "").strip()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if priority not in Enquiry.Priority.values:
        errors["priority"] = [_("Choose one of the priorities offered.")]
    elif priority == enquiry.priority:
        errors["priority"] = [_("The enquiry already has this priority.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the change of priority.")]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [_("The text is too long (at most %(n)d characters).") % {"n": MAX_REASON}]
    if errors:
        raise InvalidInput(details=errors)
    previous = enquiry.priority
    enquiry.priority = priority
    deadlines_apply(enquiry)
    enquiry.save(update_fields=["priority", "acknowledge_due", "reply_due"])
    change = PriorityChange.objects.create(
        enquiry=enquiry,
        from_priority=previous,
        to_priority=priority,
        reason=reason,
        by=user,
        acknowledge_due=enquiry.acknowledge_due,
        reply_due=enquiry.reply_due,
    )
    logger.info(
        "enquiry %s priority %s -> %s by %s: %s",
        enquiry.reference,
        previous,
        priority,
        user.username,
        mask_personal_data(reason),
    )
    return change


@transaction.atomic
def enquiry_close(*, user: User, enquiry: Enquiry, outcome: str, note: str = "") -> Enquiry:
    """Close the case with its outcome. The outcome note is shown to the resident: without an
    earlier reply it is the reply (``first_reply_at``). "Answered" needs one or the other."""
    enquiry = _locked(enquiry)
    require(permissions.can_staff_act(user, enquiry, "close"))
    if outcome not in Enquiry.Outcome.values:
        raise InvalidInput(details={"outcome": [_("Choose the outcome.")]})
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput(details={"note": [_("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}]})
    placeholders_refuse(note, "note")
    if outcome == Enquiry.Outcome.ANSWERED and enquiry.first_reply_at is None and not note:
        raise InvalidInput(
            details={
                "note": [
                    _(
                        "The resident has had no reply yet. Reply to them first, or write the answer in the "
                        "outcome note: they see it on their tracking page."
                    )
                ]
            }
        )
    now = timezone.now()
    _resume(enquiry, now)
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.outcome = outcome
    enquiry.outcome_note = note
    enquiry.closed_at = now
    if note:
        # Closed with a note and no reply before: the note is the reply, for the deadlines too.
        enquiry.first_reply_at = enquiry.first_reply_at or now
        enquiry.acknowledged_at = enquiry.acknowledged_at or now
    enquiry.save(
        update_fields=[
            "status",
            "outcome",
            "outcome_note",
            "closed_at",
            "first_reply_at",
            "acknowledged_at",
            "paused_since",
            "acknowledge_due",
            "reply_due",
        ]
    )
    CaseAction.objects.create(enquiry=enquiry, kind=CaseAction.Kind.CLOSE, by=user, at=now, outcome=outcome)
    resident_mail(enquiry, "closed")
    logger.info("enquiry %s closed by %s (%s)", enquiry.reference, user.username, outcome)
    return enquiry


# -- resident actions -------------------------------------------------------------------------
@transaction.atomic
def enquiry_resident_reply(*, user: Viewer, enquiry: Enquiry, token: str | None, body: str) -> Message:
    """The resident's message; it restarts a paused clock and puts the case back with the unit."""
    enquiry = _locked(enquiry)
    require(permissions.can_resident_act(user, enquiry, token, "resident_reply"))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(details={"body": [_("Write your message.")]})
    if len(body) > MAX_TEXT:
        raise InvalidInput(details={"body": [_("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}]})
    now = timezone.now()
    message = Message.objects.create(enquiry=enquiry, kind=Message.Kind.RESIDENT, body=body, created_at=now)
    _resume(enquiry, now)
    if enquiry.status in (Enquiry.Status.WAITING, Enquiry.Status.ANSWERED):
        enquiry.status = Enquiry.Status.ACCEPTED if enquiry.assigned_officer_id else Enquiry.Status.NEW
    enquiry.save(update_fields=["status", "paused_since", "acknowledge_due", "reply_due"])
    staff_tell(enquiry, enquiry.assigned_unit, "resident_message", {"message": mask_personal_data(body[:500])})
    logger.info("enquiry %s: message from the resident", enquiry.reference)
    return message


@transaction.atomic
def enquiry_rate(
    *, user: Viewer, enquiry: Enquiry, token: str | None, service: int, outcome: int, comment: str = ""
) -> Enquiry:
    """Rate a closed case, once: the service and, separately, the outcome (1 to 5)."""
    enquiry = _locked(enquiry)
    if not permissions.can_track(user, enquiry, token):
        raise NotPermitted()
    if enquiry.is_rated:
        raise InvalidInput(_("This enquiry has already been rated. Thank you."))
    if enquiry.status != Enquiry.Status.CLOSED:
        raise InvalidInput(_("You can rate an enquiry once it is closed."))
    errors: dict[str, list[str]] = {}
    for name, value in (("service_rating", service), ("outcome_rating", outcome)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = [_("Choose a rating from 1 to 5.")]
    if len(comment or "") > MAX_TEXT:
        errors["comment"] = [_("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}]
    if errors:
        raise InvalidInput(details=errors)
    enquiry.service_rating = service
    enquiry.outcome_rating = outcome
    enquiry.rating_comment = (comment or "").strip()
    enquiry.rated_at = timezone.now()
    enquiry.save(update_fields=["service_rating", "outcome_rating", "rating_comment", "rated_at"])
    return enquiry


# -- canned replies ---------------------------------------------------------------------------
@transaction.atomic
def canned_reply_save(*, user: User, data: dict[str, Any], canned: CannedReply | None = None) -> CannedReply:

    require(permissions.can_edit_canned_replies(user))
    canned = CannedReply.objects.select_for_update().get(pk=canned.pk) if canned and canned.pk else CannedReply()
    for name in ("title", "body"):
        if name in data:
            current = TText.from_json(getattr(canned, name))
            setattr(canned, name, current.edited(data[name]))
    if "is_active" in data:
        canned.is_active = bool(data["is_active"])
    try:
        canned.full_clean()
    except ValidationError as exc:
        raise InvalidInput(details=exc.message_dict) from exc
    canned.save()
    return canned
