"""Reads of enquiry cases, with their joins applied."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.accounts.types import Viewer
from hkcq.core.choices import Role
from hkcq.core.errors import InvalidInput, NotFound
from hkcq.core.mywork import WorkCount, WorkRow, WorkSection
from hkcq.core.pagination import Keyset, SortKey
from hkcq.core.text import mask_personal_data
from hkcq.enquiries import permissions, sla
from hkcq.enquiries.models import CannedReply, Enquiry, Message, SlaPolicy, UnitSupervisor
from hkcq.enquiries.references import reference_normalise
from hkcq.registry.models import Unit
from hkcq.registry.permissions import user_unit_ids

DUE_FILTERS = ("overdue", "due_soon", "paused")


def _base() -> QuerySet[Enquiry]:
    return Enquiry.objects.select_related("assigned_unit", "suggested_unit", "assigned_officer")


def enquiry_list(
    *,
    status: str | None = None,
    language: str | None = None,
    unit: Unit | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Enquiry]:
    """Every case, newest first, filtered. For trusted callers (statistics, Open311 after its
    own checks); pages use :func:`enquiry_queue_for_user`."""
    qs = _base()
    if status:
        qs = qs.filter(status=status)
    if language:
        qs = qs.filter(language=language)
    if unit is not None:
        qs = qs.filter(assigned_unit=unit)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    return qs


def _due_filter(qs: QuerySet[Enquiry], due: str, now: dt.datetime) -> QuerySet[Enquiry]:
    if due == "paused":
        return qs.filter(paused_since__isnull=False).exclude(status=Enquiry.Status.CLOSED)
    open_running = qs.exclude(status=Enquiry.Status.CLOSED).filter(paused_since__isnull=True)
    ack_late = Q(acknowledged_at__isnull=True, acknowledge_due__lt=now)
    reply_late = Q(first_reply_at__isnull=True, reply_due__lt=now)
    if due == "overdue":
        return open_running.filter(ack_late | reply_late)
    if due == "due_soon":
        soon = now + dt.timedelta(days=2)
        return open_running.filter(
            Q(acknowledged_at__isnull=True, acknowledge_due__gte=now, acknowledge_due__lt=soon)
            | Q(first_reply_at__isnull=True, reply_due__gte=now, reply_due__lt=soon)
        )
    return qs


def enquiry_queue_for_user(
    user: Viewer,
    *,
    status: str | None = None,
    due: str | None = None,
    language: str | None = None,
    priority: str | None = None,
) -> QuerySet[Enquiry]:
    """The staff queue: an officer's units' cases; every case for the secretariat."""
    if not permissions.can_use_queue(user):
        return Enquiry.objects.none()
    qs = _base()
    if not permissions.is_secretariat(user):
        qs = qs.filter(assigned_unit_id__in=user_unit_ids(user))
    if status == "open":
        qs = qs.exclude(status=Enquiry.Status.CLOSED)
    elif status:
        qs = qs.filter(status=status)
    if language:
        qs = qs.filter(language=language)
    if priority:
        qs = qs.filter(priority=priority)
    if due:
        qs = _due_filter(qs, due, timezone.now())
    return qs.order_by(*enquiry_queue_keyset(due=due).order_by())


# The queue's two orders, each with its index (models.Enquiry.Meta.indexes): newest first, and
# for the deadline lists the next reply due first. The ``id`` makes each one total, so the keyset
# pages of a million cases neither skip nor repeat a case received in the same second.
QUEUE_NEWEST = Keyset(SortKey("received_at", descending=True), SortKey("id", descending=True))
# The deadline filters' ORs are estimated badly (a few rows for thousands): their pages read the keys
# first, so that the joins are made for the page's rows only.
QUEUE_BY_REPLY_DUE = Keyset(SortKey("reply_due", nullable=True), SortKey("received_at"), SortKey("id"), keys_first=True)


def enquiry_queue_keyset(*, due: str | None = None) -> Keyset:
    """The order of :func:`enquiry_queue_for_user`'s rows for these filters (its pages' cursors)."""
    return QUEUE_BY_REPLY_DUE if due in DUE_FILTERS else QUEUE_NEWEST


def enquiry_list_for_resident(user: Viewer) -> QuerySet[Enquiry]:
    """Cases filed while signed in as ``user`` ("My enquiries")."""
    if not (isinstance(user, User) and user.is_authenticated):
        return Enquiry.objects.none()
    return _base().filter(resident=user)


def enquiry_messages(enquiry: Enquiry, *, include_notes: bool) -> QuerySet[Message]:
    qs = enquiry.messages.select_related("author")
    return qs if include_notes else qs.exclude(kind=Message.Kind.NOTE)


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a case's history for staff: ``kind`` is ``transfer``, ``pause``,
    ``resume``, ``priority``, ``escalation`` or ``action`` (accepted, replied, asked the
    resident, closed); ``item`` the record it comes from."""

    at: dt.datetime
    kind: str
    item: Any


def _late_now(enquiry: Enquiry, escalation: Any, now: dt.datetime) -> bool:
    """Whether the step ``escalation`` was about is still not done and late now (its deadline
    may have moved on since, e.g. after a change of priority or a pause)."""
    if not enquiry.is_open:
        return False
    if escalation.kind == "acknowledge":
        due, done = enquiry.acknowledge_due, enquiry.acknowledged_at
    else:
        due, done = enquiry.reply_due, enquiry.first_reply_at
        if enquiry.is_paused:
            return False
    return done is None and due is not None and due < now


def enquiry_timeline(enquiry: Enquiry) -> dict[str, Any]:
    """The staff case page's history (the officers' steps, transfers, pauses, changes of
    priority, escalations, in time order) and ``late_escalations``: the latest escalation of each
    step still late."""
    escalations = sla.escalations(enquiry)
    events = [CaseEvent(t.at, "transfer", t) for t in enquiry.transfers.select_related("from_unit", "to_unit", "by")]
    for pause in enquiry.pauses.all():
        events.append(CaseEvent(pause.started_at, "pause", pause))
        if pause.ended_at is not None:
            events.append(CaseEvent(pause.ended_at, "resume", pause))
    events += [CaseEvent(c.at, "priority", c) for c in enquiry.priority_changes.select_related("by")]
    events += [CaseEvent(e.created_at, "escalation", e) for e in escalations]
    # The officers' steps first: at the same moment, "asked the resident" comes before "clock paused".
    events = [CaseEvent(a.at, "action", a) for a in enquiry.actions.select_related("by")] + events
    latest = {e.kind: e for e in escalations}
    return {
        "history": sorted(events, key=lambda event: event.at),
        "late_escalations": [e for e in latest.values() if _late_now(enquiry, e, timezone.now())],
    }


def canned_reply_list(*, active_only: bool = True) -> QuerySet[CannedReply]:
    qs = CannedReply.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def canned_reply_get_for_user(*, user: Viewer, canned_id: int) -> CannedReply:
    """A canned reply ``user`` may read: the secretariat any, officers those in use; ``NotFound``
    (404) otherwise, as the canned-reply pages answer."""
    if not permissions.can_read_canned_replies(user):
        raise NotFound()
    found = canned_reply_list(active_only=not permissions.can_edit_canned_replies(user)).filter(pk=canned_id).first()
    if found is None:
        raise NotFound()
    return found


def canned_reply_in_use(pk: int | str | None) -> CannedReply | None:
    """The canned reply ``pk`` (as typed in a request), if it is in use."""
    if pk is None:
        return None
    try:
        return CannedReply.objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError):
        return None


def user_units(user: Viewer) -> list[Unit]:
    """The units ``user`` belongs to (an officer's: where their enquiries come from)."""
    return list(Unit.objects.filter(pk__in=user_unit_ids(user)).order_by("side", "ext_id"))


def transfer_units(*, exclude: Unit | None = None) -> QuerySet[Unit]:
    """Active units a case can be transferred to (not the one it is with)."""
    qs = Unit.objects.filter(is_active=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("side", "ext_id")


def unit_officers(unit: Unit | None) -> list[User]:
    """The active officers of ``unit``: the people who answer its enquiries."""
    if unit is None:
        return []
    users = User.objects.filter(is_active=True, role=Role.OFFICER, units=unit).distinct()
    return list(users.order_by("pk"))


def secretariat_for(unit: Unit | None) -> list[User]:
    """The active secretariat of ``unit``'s side (of both sides when there is no unit)."""
    users = User.objects.filter(is_active=True, role=Role.SECRETARIAT)
    if unit is not None:
        users = users.filter(side=unit.side)
    return list(users.order_by("pk"))


@dataclass(frozen=True)
class ToTell:
    """Who is told about a case that needs its unit: ``unstaffed`` when the unit has no active
    officer (or there is no unit), and the secretariat is told instead, so no case sits unseen."""

    people: list[User]
    unstaffed: bool


def staff_to_tell(unit: Unit | None, *, officer: User | None = None) -> ToTell:
    """``officer`` first (the case's officer, while they still work for ``unit``), else the
    unit's officers, else the secretariat of its side."""
    if officer is not None and officer.is_officer and unit is not None and unit.pk in user_unit_ids(officer):
        return ToTell([officer], unstaffed=False)
    officers = unit_officers(unit)
    if officers:
        return ToTell(officers, unstaffed=False)
    return ToTell(secretariat_for(unit), unstaffed=True)


# -- one case ---------------------------------------------------------------------------------
def enquiry_get_by_reference(reference: str) -> Enquiry:
    """The case with this reference. A malformed reference or a wrong check digit is an
    ``InvalidInput`` (nothing is looked up); an unknown one is ``NotFound``."""
    canonical = reference_normalise(reference)
    if canonical is None:
        raise InvalidInput(
            _("This reference number is not valid. Check it for typing errors."),
            details={"reference": [_("This reference number is not valid. Check it for typing errors.")]},
        )
    enquiry = Enquiry.objects.select_related("assigned_unit", "suggested_unit", "assigned_officer").filter(
        reference=canonical
    )
    found = enquiry.first()
    if found is None:
        raise NotFound(_("No enquiry has this reference number."))
    return found


def enquiry_get_by_token(token: str) -> Enquiry:
    found = (
        Enquiry.objects.select_related("assigned_unit", "suggested_unit").filter(token=token).first() if token else None
    )
    if found is None:
        raise NotFound(_("This tracking link is not valid. Check that you copied all of it."))
    return found


def enquiry_get_for_user(*, user: Viewer, reference: str) -> Enquiry:
    """The case, if ``user`` may see it as staff; ``NotFound`` (404) otherwise, whether or not it
    exists. A malformed reference is ``InvalidInput``."""
    enquiry = enquiry_get_by_reference(reference)
    if not permissions.can_view_case(user, enquiry):
        raise NotFound(_("No enquiry has this reference number."))
    return enquiry


MY_WORK_ROWS = 10


def my_work(user: Viewer) -> WorkSection | None:
    """The user's cases on the "my work" page (hkcq.core.mywork): counts linking to the queue's
    lists, and for an officer the open cases of their units, the next deadline first."""
    if not permissions.can_use_queue(user):
        return None
    queue = reverse("enquiries:queue")
    now = timezone.now()
    mine = enquiry_queue_for_user(user)
    open_cases = mine.exclude(status=Enquiry.Status.CLOSED)
    counts = [
        WorkCount(_("Open cases"), open_cases.count(), f"{queue}?status=open"),
        WorkCount(_("Overdue"), _due_filter(mine, "overdue", now).count(), f"{queue}?due=overdue", urgent=True),
        WorkCount(_("Due within two days"), _due_filter(mine, "due_soon", now).count(), f"{queue}?due=due_soon"),
    ]
    rows: list[WorkRow] = []
    if not permissions.is_secretariat(user):
        by_due = open_cases.order_by(F("reply_due").asc(nulls_last=True), "received_at", "id")[:MY_WORK_ROWS]
        rows = [
            WorkRow(
                text=Truncator(mask_personal_data(e.question)).chars(90),
                url=e.get_absolute_url(),
                code=e.reference,
                due=e.reply_due,
                late=e.reply_overdue,
            )
            for e in by_due
        ]
    return WorkSection("enquiries", str(_("Enquiries")), counts, rows, str(_("Your units' open cases by due date")))


# -- service levels and unit supervisors ---------------------------------------------------------
def sla_policy_list() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.order_by("position", "code")


def sla_policy_get(code: str) -> SlaPolicy:
    policy = SlaPolicy.objects.filter(code=code).first()
    if policy is None:
        raise NotFound()
    return policy


def units_with_supervisors(sides: list[str]) -> QuerySet[Unit]:
    """Active units of ``sides`` with their supervisors and officers, for the supervisors page."""
    supervisors = Prefetch("supervisors", queryset=UnitSupervisor.objects.select_related("user"))
    officers = Prefetch(
        "members", queryset=get_user_model().objects.filter(role="officer", is_active=True).order_by("username")
    )
    return (
        Unit.objects.filter(side__in=sides, is_active=True)
        .prefetch_related(supervisors, officers)
        .order_by("side", "ext_id")
    )


def unit_supervisor_get(pk: int) -> UnitSupervisor:
    record = UnitSupervisor.objects.select_related("unit", "user").filter(pk=pk).first()
    if record is None:
        raise NotFound()
    return record
