"""Writes to enquiry cases. Every function checks permission, validates, owns its transaction
and sends its e-mails after the commit (so a mail server never loses or blocks a case).

Public entry points for other apps (Open311, escalation): :func:`enquiry_submit`,
:func:`sla_deadlines`; reads (``enquiry_get_by_reference``, ``enquiry_get_by_token``,
``enquiry_get_for_user``) are in :mod:`hkcq.enquiries.selectors`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hkcq.core import idempotency
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.permissions import require
from hkcq.core.tasks import send_email
from hkcq.core.text import fold, mask_personal_data
from hkcq.core.translated import TText
from hkcq.enquiries import knowledge, permissions, selectors
from hkcq.enquiries.models import (
    CannedReply,
    CaseAction,
    Enquiry,
    Message,
    Pause,
    PriorityChange,
    ReferenceCounter,
    Transfer,
)
from hkcq.enquiries.references import reference_make
from hkcq.enquiries.sla import Deadlines
from hkcq.enquiries.sla import sla_deadlines as _sla_deadlines
from hkcq.notifications.services import notify, notify_rendered, supported_language
from hkcq.registry.models import Unit

logger = logging.getLogger("hkcq.enquiries")

# A second identical submission (same text and e-mail) within this time is the same case.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
MAX_QUESTION = 1000
MAX_TEXT = 10000
MAX_REASON = 2000
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def sla_deadlines(enquiry: Enquiry) -> Deadlines:
    return _sla_deadlines(enquiry)


def _apply_deadlines(enquiry: Enquiry) -> None:
    deadlines = sla_deadlines(enquiry)
    enquiry.acknowledge_due = deadlines.acknowledge_due
    enquiry.reply_due = deadlines.reply_due


def _locked(enquiry: Enquiry) -> Enquiry:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins to the units.
    return (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("assigned_unit", "suggested_unit")
        .get(pk=enquiry.pk)
    )


# -- e-mail -----------------------------------------------------------------------------------
def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def tracking_url(enquiry: Enquiry) -> str:
    """The resident's tracking link, in their preferred language."""
    with translation.override(enquiry.language):
        return _absolute(enquiry.get_tracking_url())


def _enqueue_after_commit(*, subject: str, body: str, to: list[str], language: str) -> None:
    """Queue an e-mail (written in ``language``) once the case is committed: a rolled-back
    change sends nothing."""

    def enqueue() -> None:
        send_email.enqueue(subject=subject, body=body, to=to, language=language)

    transaction.on_commit(enqueue)


def _mail_resident(enquiry: Enquiry, template: str, extra: dict[str, Any] | None = None) -> None:
    with translation.override(enquiry.language):
        context = {"enquiry": enquiry, "tracking_url": tracking_url(enquiry), **(extra or {})}
        subject = " ".join(render_to_string(f"enquiries/email/{template}_subject.txt", context).split())
        body = render_to_string(f"enquiries/email/{template}.txt", context)
        path = enquiry.get_tracking_url()
    resident = enquiry.resident
    if resident is not None and resident.is_active:
        # A signed-in resident also finds it in their notifications; still one e-mail, to the
        # address given with the enquiry.
        notify_rendered(resident, subject=subject, body=body, url=path, email=enquiry.email, language=enquiry.language)
    else:
        _enqueue_after_commit(subject=subject, body=body, to=[enquiry.email], language=enquiry.language)


def _tell_staff(
    enquiry: Enquiry, unit: Unit | None, template: str, extra: dict[str, Any] | None = None, *, actor: Any = None
) -> int:
    """Tell the staff who should act on the case, in the application and by e-mail, each in
    their own language (``hkcq.notifications``): the case's officer for a message on an accepted
    case, else the unit's officers, else the secretariat of its side (``unstaffed``), so that no
    case sits unseen. Whoever caused it (``actor``) is not told. The text is masked: they are not
    (yet) the case's officer. Returns how many people were told."""
    officer = enquiry.assigned_officer if template == "resident_message" else None
    to_tell = selectors.staff_to_tell(unit, officer=officer)
    people = [p for p in to_tell.people if actor is None or p.pk != actor.pk]
    context = {
        "enquiry": enquiry,
        "unit": unit,
        "unstaffed": to_tell.unstaffed,
        "question": mask_personal_data(enquiry.question[:500]),
        **(extra or {}),
    }
    for person in people:
        with translation.override(supported_language(person.preferred_language)):
            url = enquiry.get_absolute_url()
        notify(person, f"enquiries/notify/{template}", context, url=url)
    if not people:
        logger.warning("enquiry %s: nobody to tell (%s)", enquiry.reference, template)
    return len(people)


# -- submission -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmitResult:
    enquiry: Enquiry
    created: bool


# A phone number: digits, with an optional leading +, spaces, hyphens and brackets; 6 to 20 digits.
PHONE = re.compile(r"\+?[0-9 ()\-]+")


def phone_is_valid(phone: str) -> bool:
    """Whether ``phone`` (already stripped) is a phone number; an empty one is (it is optional)."""
    if not phone:
        return True
    digits = sum(c.isdigit() for c in phone)
    return PHONE.fullmatch(phone) is not None and 6 <= digits <= 20


def phone_error() -> str:
    return _(
        "Enter a phone number of 6 to 20 digits, for example +852 2123 4567 (spaces, hyphens and brackets are fine)."
    )


def _submission(*, client: str, key: str, question: str, details: str, email: str) -> idempotency.Submission:
    content = (fold(question), fold(details), email.strip().lower())
    return idempotency.Submission.of(client=client, key=key, content=content)


def _validate_submission(
    *, question: str, details: str, email: str, phone: str, language: str, consent: bool
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not question.strip():
        errors["question"] = [_("Type your question.")]
    elif len(question) > MAX_QUESTION:
        errors["question"] = [
            _("Keep the question under %(n)d characters; add more in the details.") % {"n": MAX_QUESTION}
        ]
    if len(details) > MAX_TEXT:
        errors["details"] = [_("The details are too long (at most %(n)d characters).") % {"n": MAX_TEXT}]
    try:
        validate_email(email.strip())
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address, so we can reply to you.")]
    if len(phone) > 40:
        errors["phone"] = [_("Enter a shorter phone number.")]
    elif not phone_is_valid(phone):
        errors["phone"] = [phone_error()]
    if language not in LANGUAGE_CODES:
        errors["language"] = [_("Choose one of the languages offered.")]
    if not consent:
        errors["consent"] = [_("Please agree to the personal-data notice; we cannot handle the enquiry otherwise.")]
    return errors


def _next_reference(now: dt.datetime) -> str:
    year = timezone.localtime(now).year
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    ReferenceCounter.objects.filter(pk=year).update(last=F("last") + 1)
    return reference_make(year, counter.last + 1)


def enquiry_submit(
    *,
    question: str,
    email: str,
    consent: bool,
    language: str = "en",
    details: str = "",
    phone: str = "",
    user: Any = None,
    idempotency_key: str = "",
    client: str = "",
    source: str = "web",
    priority: str = Enquiry.Priority.NORMAL,
) -> SubmitResult:
    """File an enquiry, or return the case already filed by the same submission.

    A submission is the same when it comes from the same ``client``
    (:func:`hkcq.core.idempotency.client_of`) with the same ``idempotency_key`` (the form's
    hidden field, or an API client's key; the same key with other content is refused), or
    the same question, details and e-mail within ``DUPLICATE_WINDOW``. Another
    client never gets this case (nor its token) back. The suggested unit comes from the
    knowledge base; a question it cannot answer is recorded as a gap. The confirmation e-mail
    goes out after the commit.
    """
    question, details, email, phone = question.strip(), details.strip(), email.strip(), phone.strip()
    errors = _validate_submission(
        question=question, details=details, email=email, phone=phone, language=language, consent=consent
    )
    if priority not in Enquiry.Priority.values:
        errors["priority"] = [_("Choose one of the priorities offered.")]
    if errors:
        raise InvalidInput(details=errors)
    submission = _submission(client=client, key=idempotency_key, question=question, details=details, email=email)
    resident = user if getattr(user, "is_authenticated", False) else None

    def create() -> Enquiry:
        now = timezone.now()
        suggestion = knowledge.ask(" ".join(p for p in (question, details) if p), language)
        enquiry = Enquiry(
            reference=_next_reference(now),
            token=secrets.token_urlsafe(32),
            question=question,
            details=details,
            email=email,
            phone=phone,
            language=language,
            consent_at=now,
            resident=resident,
            source=source,
            idempotency_key=submission.key or None,
            content_digest=submission.digest,
            priority=priority,
            kb_answered=suggestion.answered,
            suggested_unit=suggestion.unit,
            assigned_unit=suggestion.unit,
            received_at=now,
        )
        _apply_deadlines(enquiry)
        enquiry.save()
        if not suggestion.answered:
            knowledge.gap_record(question, language)
        _mail_resident(enquiry, "confirmation")
        _tell_staff(enquiry, enquiry.assigned_unit, "new_case")
        return enquiry

    enquiry, created = idempotency.submit_once(
        Enquiry.objects.all(), submission, create, received_field="received_at", window=DUPLICATE_WINDOW
    )
    if not created:
        return SubmitResult(enquiry, created=False)
    logger.info(
        "enquiry %s received (unit %s): %s",
        enquiry.reference,
        getattr(enquiry.assigned_unit, "ext_id", "-"),
        mask_personal_data(question[:200]),
    )
    return SubmitResult(enquiry, created=True)


# -- lookups ----------------------------------------------------------------------------------
# -- staff actions ----------------------------------------------------------------------------
@transaction.atomic
def enquiry_accept(*, user: Any, enquiry: Enquiry) -> Enquiry:
    enquiry = _locked(enquiry)
    require(permissions.can_staff_act(user, enquiry, "accept"))
    now = timezone.now()
    enquiry.status = Enquiry.Status.ACCEPTED
    enquiry.assigned_officer = user
    enquiry.acknowledged_at = enquiry.acknowledged_at or now
    enquiry.save(update_fields=["status", "assigned_officer", "acknowledged_at"])
    CaseAction.objects.create(enquiry=enquiry, kind=CaseAction.Kind.ACCEPT, by=user, at=now)
    _mail_resident(enquiry, "accepted")
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


# What an officer fills in, in a canned reply: a span in square brackets, [...] or 【…】.
PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\]|【[^【】\n]+】")


def canned_placeholders() -> set[str]:
    """The bracketed spans that the canned replies' texts (in any language) contain."""

    found: set[str] = set()
    for body in CannedReply.objects.values_list("body", flat=True):
        for text in TText.from_json(body).texts.values():
            found.update(PLACEHOLDER.findall(text))
    return found


def _unfilled_placeholders(text: str) -> list[str]:
    """The canned replies' placeholders still in ``text``, in the order they occur. Only
    these count: a bracket the officer typed themselves is not a placeholder."""
    spans = PLACEHOLDER.findall(text or "")
    if not spans:
        return []
    known = canned_placeholders()
    return list(dict.fromkeys(span for span in spans if span in known))


def _refuse_placeholders(text: str, field: str = "body") -> None:
    unfilled = _unfilled_placeholders(text)
    if unfilled:
        raise InvalidInput(
            details={
                field: [
                    _(
                        "Fill in or remove what is in brackets before sending: %(placeholders)s. "
                        "The resident would see it as it is."
                    )
                    % {"placeholders": " ".join(unfilled)}
                ]
            }
        )


def _resume(enquiry: Enquiry, now: dt.datetime) -> None:
    if enquiry.paused_since is None:
        return
    Pause.objects.filter(enquiry=enquiry, ended_at__isnull=True).update(ended_at=now)
    enquiry.paused_since = None
    _apply_deadlines(enquiry)


@transaction.atomic
def enquiry_reply(
    *, user: Any, enquiry: Enquiry, body: str, citations: list[str] | None = None, wait_for_resident: bool = False
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
    _refuse_placeholders(body)
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
    _mail_resident(enquiry, "reply", {"waiting": wait_for_resident})
    logger.info("enquiry %s replied by %s", enquiry.reference, user.username)
    return message


def enquiry_wait(*, user: Any, enquiry: Enquiry, body: str, citations: list[str] | None = None) -> Message:
    return enquiry_reply(user=user, enquiry=enquiry, body=body, citations=citations, wait_for_resident=True)


@transaction.atomic
def enquiry_note_add(*, user: Any, enquiry: Enquiry, body: str) -> Message:
    enquiry = _locked(enquiry)
    require(permissions.can_staff_act(user, enquiry, "note"))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(details={"body": [_("Write the note.")]})
    if len(body) > MAX_TEXT:
        raise InvalidInput(details={"body": [_("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}]})
    return Message.objects.create(enquiry=enquiry, kind=Message.Kind.NOTE, author=user, body=body)


@transaction.atomic
def enquiry_transfer(*, user: Any, enquiry: Enquiry, to_unit: Unit, reason: str) -> Transfer:
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
    _apply_deadlines(enquiry)
    enquiry.save(update_fields=["assigned_unit", "assigned_officer", "status", "acknowledge_due", "reply_due"])
    _tell_staff(enquiry, to_unit, "transferred", {"reason": mask_personal_data(reason)}, actor=user)
    logger.info(
        "enquiry %s transferred to %s by %s: %s",
        enquiry.reference,
        to_unit.ext_id,
        user.username,
        mask_personal_data(reason),
    )
    return transfer


@transaction.atomic
def enquiry_priority_change(*, user: Any, enquiry: Enquiry, priority: str, reason: str) -> PriorityChange:
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
    _apply_deadlines(enquiry)
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
def enquiry_close(*, user: Any, enquiry: Enquiry, outcome: str, note: str = "") -> Enquiry:
    """Close the case with its outcome. The outcome note is shown to the resident: without an
    earlier reply it is the reply (``first_reply_at``). "Answered" needs one or the other."""
    enquiry = _locked(enquiry)
    require(permissions.can_staff_act(user, enquiry, "close"))
    if outcome not in Enquiry.Outcome.values:
        raise InvalidInput(details={"outcome": [_("Choose the outcome.")]})
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput(details={"note": [_("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}]})
    _refuse_placeholders(note, "note")
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
    _mail_resident(enquiry, "closed")
    logger.info("enquiry %s closed by %s (%s)", enquiry.reference, user.username, outcome)
    return enquiry


# -- resident actions -------------------------------------------------------------------------
@transaction.atomic
def enquiry_resident_reply(*, user: Any, enquiry: Enquiry, token: str | None, body: str) -> Message:
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
    _tell_staff(enquiry, enquiry.assigned_unit, "resident_message", {"message": mask_personal_data(body[:500])})
    logger.info("enquiry %s: message from the resident", enquiry.reference)
    return message


@transaction.atomic
def enquiry_rate(
    *, user: Any, enquiry: Enquiry, token: str | None, service: int, outcome: int, comment: str = ""
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
def canned_reply_save(*, user: Any, data: dict[str, Any], canned: CannedReply | None = None) -> CannedReply:

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
