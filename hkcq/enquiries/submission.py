"""Submitting an enquiry (page, API and Open311 alike): validation, reference numbering, the
suggested unit from the knowledge base, duplicates and idempotency keys, the first mails."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, replace
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.accounts.types import Viewer
from hkcq.core import idempotency
from hkcq.core.errors import InvalidInput
from hkcq.core.tasks import enqueue_with_change
from hkcq.core.text import fold, mask_personal_data
from hkcq.enquiries import knowledge
from hkcq.enquiries.limits import MAX_TEXT
from hkcq.enquiries.mail import resident_mail, staff_tell
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.phones import phone_error, phone_is_valid
from hkcq.enquiries.references import counter_catch_up, reference_next, reference_year_number
from hkcq.enquiries.sla import deadlines_apply

logger = logging.getLogger("hkcq.enquiries")


# A second identical submission (same text and e-mail) within this time is the same case.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)


MAX_QUESTION = 1000


LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@dataclass(frozen=True)
class Filing:
    """What a resident files, as the page, the API and Open311 receive it (untrimmed)."""

    question: str
    email: str
    consent: bool
    language: str = "en"
    details: str = ""
    phone: str = ""
    priority: str = Enquiry.Priority.NORMAL

    def trimmed(self) -> Filing:
        return replace(
            self,
            question=self.question.strip(),
            details=self.details.strip(),
            email=self.email.strip(),
            phone=self.phone.strip(),
        )


@dataclass(frozen=True)
class Origin:
    """Where a filing comes from: the channel (``source``), the ``client`` and its
    ``idempotency_key`` that make two sends one submission, and the signed-in ``user`` if any."""

    source: str = "web"
    client: str = ""
    idempotency_key: str = ""
    user: Viewer = None


# An anonymous filing on the web page with no client or key (tests, scripts).
WEB = Origin()


@dataclass(frozen=True)
class SubmitResult:
    enquiry: Enquiry
    created: bool


def _submission(filed: Filing, origin: Origin) -> idempotency.Submission:
    """What makes two sends one submission: the client, its key, and the folded content."""
    content = (fold(filed.question), fold(filed.details), filed.email.strip().lower())
    return idempotency.Submission.of(client=origin.client, key=origin.idempotency_key, content=content)


def _filing_errors(filed: Filing) -> dict[str, list[str]]:
    """The refusals of a trimmed filing, by field."""
    question, details, email, phone = filed.question, filed.details, filed.email, filed.phone
    errors: dict[str, list[str]] = {}
    if not question:
        errors["question"] = [_("Type your question.")]
    elif len(question) > MAX_QUESTION:
        errors["question"] = [
            _("Keep the question under %(n)d characters; add more in the details.") % {"n": MAX_QUESTION}
        ]
    if len(details) > MAX_TEXT:
        errors["details"] = [_("The details are too long (at most %(n)d characters).") % {"n": MAX_TEXT}]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address, so we can reply to you.")]
    if len(phone) > 40:
        errors["phone"] = [_("Enter a shorter phone number.")]
    elif not phone_is_valid(phone):
        errors["phone"] = [phone_error()]
    if filed.language not in LANGUAGE_CODES:
        errors["language"] = [_("Choose one of the languages offered.")]
    if not filed.consent:
        errors["consent"] = [_("Please agree to the personal-data notice; we cannot handle the enquiry otherwise.")]
    if filed.priority not in Enquiry.Priority.values:
        errors["priority"] = [_("Choose one of the priorities offered.")]
    return errors


def _enquiry_create(
    filed: Filing, *, resident: User | None, submission: idempotency.Submission, source: str, made: list[Enquiry]
) -> Enquiry:
    """A new case: reference, token, deadlines (on the default side's calendar until it has a
    unit) and the confirmation mail, in the request. Routing waits for the commit: the
    knowledge base's suggested unit, the gap record and the staff's notice are the work of the
    ``route`` task (:func:`enquiry_route`), which is durable: a case whose task is lost stays
    ``routing_pending`` and the ``route_enquiries`` sweep routes it."""
    now = timezone.now()
    enquiry = Enquiry(
        reference=reference_next(now),
        token=secrets.token_urlsafe(32),
        question=filed.question,
        details=filed.details,
        email=filed.email,
        phone=filed.phone,
        language=filed.language,
        consent_at=now,
        resident=resident,
        source=source,
        idempotency_key=submission.key or None,
        content_digest=submission.digest,
        priority=filed.priority,
        routing_pending=True,
        received_at=now,
    )
    deadlines_apply(enquiry)
    made.append(enquiry)
    enquiry.save()
    resident_mail(enquiry, "confirmation")
    if _route_later(enquiry.pk):  # routed already: the caller sees the unit
        enquiry.refresh_from_db(fields=ROUTED_FIELDS)
    return enquiry


ROUTED_FIELDS = ["kb_answered", "suggested_unit", "assigned_unit", "routing_pending", "acknowledge_due", "reply_due"]


def _route_later(pk: int) -> bool:
    """Queue the case's routing (``core.tasks.enqueue_with_change``: in the case's own
    transaction, or after its commit for a queue outside the database; a lost task leaves the
    case to the sweep). Returns whether the case was routed already (the immediate backend)."""
    # local import: the task calls back into this app's services, so one side of the pair waits
    from hkcq.enquiries.tasks import route

    return enqueue_with_change(route, enquiry_id=pk)


def enquiry_route(*, enquiry_id: int) -> bool:
    """Route a case that waits for its unit (the ``route`` task, and the ``route_enquiries``
    sweep): the knowledge base's suggested unit becomes the assigned one unless someone assigned
    the case meanwhile, the deadlines are counted on that unit's side, a question the knowledge
    base cannot answer is recorded as a gap, and the unit's staff are told. Returns whether this
    call routed it (a task run twice, or a case routed meanwhile, does nothing)."""
    with transaction.atomic():
        enquiry = (
            Enquiry.objects.select_for_update(of=("self",))
            .select_related("assigned_unit", "resident")
            .filter(pk=enquiry_id, routing_pending=True)
            .first()
        )
        if enquiry is None:
            return False
        suggestion = knowledge.ask(enquiry.question, enquiry.language, details=enquiry.details)
        enquiry.kb_answered = suggestion.answered
        enquiry.suggested_unit = suggestion.unit
        if enquiry.assigned_unit is None:
            enquiry.assigned_unit = suggestion.unit
        enquiry.routing_pending = False
        if enquiry.paused_since is None:
            deadlines_apply(enquiry)
        enquiry.save(update_fields=ROUTED_FIELDS)
        if not suggestion.answered:
            knowledge.gap_record(enquiry.question, enquiry.language)
        staff_tell(enquiry, enquiry.assigned_unit, "new_case")
    if connection.vendor == "postgresql":  # SQLite numbers from the counter itself
        counter_catch_up(*reference_year_number(enquiry.reference))
    logger.info("enquiry %s routed (unit %s)", enquiry.reference, getattr(enquiry.assigned_unit, "ext_id", "-"))
    return True


ROUTE_BATCH = 1000  # cases read per query by the sweep; it goes on until none is left


def enquiries_route_pending(*, older_than: dt.timedelta = dt.timedelta(0)) -> int:
    """Route the cases still waiting for their unit that were received more than ``older_than``
    ago (their task was lost: Redis restarted without persistence, a worker killed, the queue
    unreachable at the commit). Returns how many it routed.

    The whole backlog, however long: the cases are read ``ROUTE_BATCH`` at a time in the order
    they came (keyset on ``received_at, id``, so a case that cannot be routed is passed over,
    not read again for ever), until none is left. A sweep that stopped at one batch left the
    rest of a backlog larger than it (a queue outage at volume) for later runs."""
    since = timezone.now() - older_than
    routed = 0
    after: tuple[dt.datetime, int] | None = None
    while True:
        pending = Enquiry.objects.filter(routing_pending=True, received_at__lte=since)
        if after is not None:
            pending = pending.filter(Q(received_at__gt=after[0]) | Q(received_at=after[0], pk__gt=after[1]))
        batch = list(pending.order_by("received_at", "id").values_list("received_at", "pk")[:ROUTE_BATCH])
        routed += sum(enquiry_route(enquiry_id=pk) for _, pk in batch)
        if len(batch) < ROUTE_BATCH:
            return routed
        after = batch[-1]


REFERENCE_ATTEMPTS = 5


def _reference_taken(made: list[Enquiry]) -> bool:
    return bool(made) and Enquiry.objects.filter(reference=made[0].reference).exists()


def enquiry_submit(*, filing: Filing, origin: Origin = WEB) -> SubmitResult:
    """File an enquiry, or return the case already filed by the same submission.

    A submission is the same when it comes from the same ``client``
    (:func:`hkcq.core.idempotency.client_of`) with the same ``idempotency_key`` (the form's
    hidden field, or an API client's key; the same key with other content is refused), or
    the same question, details and e-mail within ``DUPLICATE_WINDOW``. Another
    client never gets this case (nor its token) back. The confirmation e-mail goes out after
    the commit; the suggested unit comes from the knowledge base in the task that follows the
    commit (:func:`enquiry_route`), where a question it cannot answer is recorded as a gap.
    """
    filed = filing.trimmed()
    errors = _filing_errors(filed)
    if errors:
        raise InvalidInput(details=errors)
    submission = _submission(filed, origin)
    user = origin.user
    resident = user if isinstance(user, User) and user.is_authenticated else None
    for attempt in range(REFERENCE_ATTEMPTS):
        made: list[Enquiry] = []
        try:
            enquiry, created = idempotency.submit_once(
                Enquiry.objects.all(),
                submission,
                partial(
                    _enquiry_create, filed, resident=resident, submission=submission, source=origin.source, made=made
                ),
                received_field="received_at",
                window=DUPLICATE_WINDOW,
            )
            break
        except IntegrityError:
            # A reference someone else took meanwhile (a server of the previous release numbering
            # from the counter while this one numbers from the sequence): the whole submission is
            # made again with the next number. No savepoint around the insert for this rare case.
            if attempt == REFERENCE_ATTEMPTS - 1 or not _reference_taken(made):
                raise
    if created:
        logger.info("enquiry %s received: %s", enquiry.reference, mask_personal_data(filed.question[:200]))
    return SubmitResult(enquiry, created=created)
