"""An event's meetings: requests and answers, their expiry, schedule all, feedback and
interpreters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hkcq.accounts.models import User
from hkcq.core.dates import show_date, show_datetime
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.permissions import require
from hkcq.core.text import has_cjk, to_traditional
from hkcq.core.translated import TText
from hkcq.exchanges import permissions, scheduling
from hkcq.exchanges.models import (
    Event,
    EventPhase,
    Feedback,
    Interpreter,
    Meeting,
    MeetingStatus,
    Registration,
    RegistrationStatus,
)
from hkcq.exchanges.services._shared import LANGUAGE_CODES, _invalid, _my_url, _tell
from hkcq.exchanges.services.slots import canonical_pair, free_slots, language_pair, slot_start
from hkcq.partnering import services as partnering_services
from hkcq.partnering.models import OutcomeKind, OutcomeSource
from hkcq.registry.models import Area

REMIND_BEFORE = dt.timedelta(days=1)


def not_on_the_list() -> InvalidInput:
    """The refusal of a request to someone who did not agree to appear on the participant list
    (the same words for an id that names nobody: whether such a registration exists is not said)."""
    return _invalid(
        "recipient",
        _(
            "Choose a participant from the event's participant list: only those who agreed to appear "
            "on it can be asked for a meeting."
        ),
    )


def meeting_request(*, user: User, requester: Registration, recipient: Registration, note: str = "") -> Meeting:
    """``requester`` (``user``'s registration) asks ``recipient`` for a meeting, while booking is
    open. Only a participant who agreed to appear on the participant list can be asked (the list
    the pages and the API show); both must be confirmed; a cap on open requests."""
    require(permissions.is_registrant(user, requester))
    event = requester.event
    if event.phase != EventPhase.BOOKING:
        raise _invalid(None, _("Meetings can be requested only while booking is open."))
    if recipient.event_id != event.pk or recipient.pk == requester.pk:
        raise _invalid("recipient", _("Choose another participant of this event."))
    if not recipient.consent_public:
        raise not_on_the_list()
    if requester.status != RegistrationStatus.CONFIRMED or recipient.status != RegistrationStatus.CONFIRMED:
        raise _invalid("recipient", _("Both participants must be confirmed."))
    note = (note or "").strip()
    if len(note) > 1000:
        raise _invalid("note", _("Keep the note under 1,000 characters."))
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=requester.pk)
        open_count = Meeting.objects.filter(requester=requester, status=MeetingStatus.REQUESTED).count()
        if open_count >= event.max_open_requests:
            raise _invalid(
                None,
                ngettext(
                    "You have %(n)d request waiting for an answer, the most this event allows. Wait for an answer first.",
                    "You have %(n)d requests waiting for an answer, the most this event allows. Wait for answers first.",
                    open_count,
                )
                % {"n": open_count},
            )
        if Meeting.objects.filter(
            Q(requester=requester, recipient=recipient) | Q(requester=recipient, recipient=requester),
            status__in=[MeetingStatus.REQUESTED, MeetingStatus.ACCEPTED],
        ).exists():
            raise _invalid("recipient", _("You already have a meeting or request with this participant."))
        meeting = Meeting.objects.create(
            event=event,
            requester=requester,
            recipient=recipient,
            note=note,
            expires_at=timezone.now() + dt.timedelta(days=event.request_days),
            language_pair=language_pair(requester, recipient),
        )
        _tell(recipient.person, "request", _my_url(event), event=event, other=requester.profile)
    return meeting


def _clash(meeting: Meeting, slot: int) -> str | None:
    event = meeting.event
    if not 0 <= slot < event.slot_count:
        return _("That time is outside the event's meeting hours.")
    for reg in (meeting.requester, meeting.recipient):
        if slot not in free_slots(reg):
            return _("%(who)s is not free at that time (availability or a booked session).") % {"who": reg.profile}
        if (
            Meeting.objects.filter(
                Q(requester=reg) | Q(recipient=reg), event=event, slot=slot, status=MeetingStatus.ACCEPTED
            )
            .exclude(pk=meeting.pk)
            .exists()
        ):
            return _("%(who)s already has a meeting at that time.") % {"who": reg.profile}
    used = set(Meeting.objects.filter(event=event, slot=slot).exclude(pk=meeting.pk).values_list("table", flat=True))
    if len(used) >= event.tables:
        return _("Every table is taken at that time.")
    return None


def meeting_respond(*, user: User, meeting: Meeting, accept: bool, slot: int | None = None) -> Meeting:
    """The recipient accepts (optionally picking a slot: it is then locked) or declines."""
    require(permissions.can_act_on_meeting(user, meeting, as_recipient=True))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=meeting.event_id)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != MeetingStatus.REQUESTED:
            raise _invalid(None, _("This request has already been answered or has expired."))
        if not accept:
            meeting.status = MeetingStatus.DECLINED
            meeting.responded_at = timezone.now()
            meeting.save(update_fields=["status", "responded_at"])
            _tell(meeting.requester.person, "declined", _my_url(event), event=event, other=meeting.recipient.profile)
            return meeting
        if slot is not None:
            problem = _clash(meeting, slot)
            if problem:
                raise _invalid("slot", problem)
            used = set(Meeting.objects.filter(event=event, slot=slot).values_list("table", flat=True))
            meeting.slot = slot
            meeting.table = next(t for t in range(event.tables) if t not in used)
            meeting.locked = True
        meeting.status = MeetingStatus.ACCEPTED
        meeting.responded_at = timezone.now()
        meeting.save()
        _tell(meeting.requester.person, "accepted", _my_url(event), event=event, other=meeting.recipient.profile)
    return meeting


def meetings_expire(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """The periodic job (``manage.py expire_meeting_requests``): remind the recipients of
    requests that expire within a day (once), expire those past their time and tell the
    requester. Returns (reminded, expired)."""
    now = now or timezone.now()
    reminded = expired = 0
    with transaction.atomic():
        due = Meeting.objects.select_for_update().filter(
            status=MeetingStatus.REQUESTED,
            reminded_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + REMIND_BEFORE,
        )
        for meeting in due.select_related("recipient__person", "requester__profile", "event"):
            meeting.reminded_at = now
            meeting.save(update_fields=["reminded_at"])
            _tell(
                meeting.recipient.person,
                "reminder",
                _my_url(meeting.event),
                event=meeting.event,
                other=meeting.requester.profile,
            )
            reminded += 1
        past = Meeting.objects.select_for_update().filter(status=MeetingStatus.REQUESTED, expires_at__lte=now)
        for meeting in past.select_related("requester__person", "recipient__profile", "event"):
            meeting.status = MeetingStatus.EXPIRED
            meeting.save(update_fields=["status"])
            _tell(
                meeting.requester.person,
                "expired",
                _my_url(meeting.event),
                event=meeting.event,
                other=meeting.recipient.profile,
            )
            expired += 1
    return reminded, expired


@dataclass
class ScheduleSummary:
    scheduled: int
    unscheduled: int
    moved: int
    upper_bound: int
    status: str
    seconds: float


def _schedule_problem(event: Event, meetings: list[Meeting]) -> scheduling.Problem:
    """The event's accepted ``meetings``, its confirmed participants' free slots and its
    interpreters, as the scheduler's problem."""
    regs = {
        r.pk: r for r in event.registrations.filter(status=RegistrationStatus.CONFIRMED).prefetch_related("sessions")
    }
    return scheduling.Problem(
        slot_days=[s // event.slots_per_day for s in range(event.slot_count)],
        tables=event.tables,
        available={pk: free_slots(r) for pk, r in regs.items()},
        meetings=[
            scheduling.Meeting(
                id=m.pk,
                a=m.requester_id,
                b=m.recipient_id,
                language_pair=m.language_pair or None,
                locked=(m.slot, m.table) if m.locked and m.slot is not None and m.table is not None else None,
                locked_interpreter=m.interpreter_id if m.locked else None,
                previous=(m.slot, m.table) if m.slot is not None and m.table is not None else None,
                previous_interpreter=m.interpreter_id,
            )
            for m in meetings
        ],
        interpreters=[
            scheduling.Interpreter(
                id=i.pk,
                pairs=frozenset(canonical_pair(p) for p in i.pairs),
                slots=frozenset(range(event.slot_count)),
            )
            for i in event.interpreters.all()
        ],
    )


def _placements_write(event: Event, meetings: list[Meeting], result: scheduling.Result) -> None:
    """Clear, then write (the unique constraint on slot and table holds at every step)."""
    Meeting.objects.filter(event=event, status=MeetingStatus.ACCEPTED, locked=False).update(
        slot=None, table=None, interpreter=None
    )
    for m in meetings:
        p = result.placements.get(m.pk)
        if m.locked or p is None:
            continue
        m.slot, m.table, m.interpreter_id = p.slot, p.table, p.interpreter  # type: ignore[assignment]
        m.save(update_fields=["slot", "table", "interpreter"])


def event_schedule(*, user: User, event: Event, time_limit: float = 10.0) -> ScheduleSummary:
    """Schedule all: every accepted meeting gets a slot, a table and (when needed) an
    interpreter (hkcq.exchanges.scheduling); locked meetings stay; the rest keep their slot
    where they can."""
    require(permissions.can_organise_event(user, event))
    if not event.days:
        raise _invalid(None, _("The event has no dates to schedule meetings in."))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        meetings = list(
            Meeting.objects.filter(event=event, status=MeetingStatus.ACCEPTED).select_related("requester", "recipient")
        )
        problem = _schedule_problem(event, meetings)
        try:
            result = scheduling.schedule(problem, time_limit=time_limit, workers=1)
        except scheduling.ScheduleError as exc:
            raise _invalid(None, _("Locked meetings contradict each other: %(detail)s") % {"detail": exc}) from exc
        _placements_write(event, meetings, result)
        return ScheduleSummary(
            scheduled=result.scheduled,
            unscheduled=len(result.unscheduled),
            moved=scheduling.moved(problem, result),
            upper_bound=result.upper_bound,
            status=result.status,
            seconds=round(result.seconds, 2),
        )


@transaction.atomic
def meeting_feedback(
    *, user: User, meeting: Meeting, happened: bool, useful: bool = False, outcome: str = "", outcome_kind: str = ""
) -> Feedback:
    """A participant's feedback on a meeting; both sides may give theirs, once each."""
    meeting = Meeting.objects.select_related("requester", "recipient").get(pk=meeting.pk)
    if permissions.is_registrant(user, meeting.requester):
        reg = meeting.requester
    elif permissions.is_registrant(user, meeting.recipient):
        reg = meeting.recipient
    else:
        raise NotPermitted()
    if meeting.status != MeetingStatus.ACCEPTED:
        raise _invalid(None, _("Feedback is for accepted meetings."))
    opens = feedback_opens(meeting)
    if opens is None:
        raise _invalid(None, _("This event has no dates: there is no feedback on its meetings."))
    if timezone.now() < opens:
        raise _invalid(None, feedback_wait(meeting))
    outcome = (outcome or "").strip()
    if len(outcome) > 2000:
        raise _invalid("outcome", _("Keep the outcome under 2,000 characters."))
    if outcome_kind and (outcome_kind not in OutcomeKind.values or not happened):
        raise _invalid("outcome_kind", _("Choose what came of the meeting from the list."))
    if Feedback.objects.filter(meeting=meeting, registration=reg).exists():
        raise _invalid(None, _("You have already given feedback on this meeting."))
    feedback = Feedback.objects.create(
        meeting=meeting,
        registration=reg,
        happened=happened,
        useful=useful and happened,
        outcome=outcome,
        outcome_kind=outcome_kind,
    )
    area = meeting_outcome_area(meeting)
    if outcome_kind and area is not None:
        # Counted once per meeting, as partnering's outcome (either side's feedback records it;
        # the later one replaces it), under the first of the event's areas.
        partnering_services.outcome_record_external(
            user=user,
            source=OutcomeSource.EVENT_MEETING,
            reference=f"meeting:{meeting.pk}",
            kind=outcome_kind,
            area=area,
            note=outcome,
        )
    return feedback


def feedback_opens(meeting: Meeting) -> dt.datetime | None:
    """When a meeting's feedback and outcome can be given: from its scheduled time, or (not
    scheduled) from the start of the event's first day; None for an event without dates."""
    event = meeting.event
    if not event.days:
        return None
    if meeting.slot is not None and 0 <= meeting.slot < event.slot_count:
        return slot_start(event, meeting.slot)
    return dt.datetime.combine(event.days[0], dt.time.min, tzinfo=timezone.get_default_timezone())


def feedback_wait(meeting: Meeting) -> str:
    """What a participant is told before feedback opens (``feedback_opens``), the same on the page
    and in a refusal: a scheduled meeting takes it from its start (not "once it has taken place":
    the time shown is the start), an unscheduled one from the event's first day."""
    event = meeting.event
    if meeting.slot is not None and 0 <= meeting.slot < event.slot_count:
        return _("You can give feedback and the outcome from the start of the meeting, %(time)s.") % {
            "time": show_datetime(slot_start(event, meeting.slot))
        }
    if not event.days:
        return _("This event has no dates: there is no feedback on its meetings.")
    return _("You can give feedback and the outcome from the event's first day, %(day)s.") % {
        "day": show_date(event.days[0])
    }


def meeting_outcome_area(meeting: Meeting) -> Area | None:
    """The area a meeting's outcome counts under: the first of its event's areas (none: not
    counted under an area)."""
    return meeting.event.areas.order_by("position", "id").first()


def interpreter_add(*, user: User, event: Event, name: str | TText, pairs: Iterable[str]) -> Interpreter:
    """An interpreter for the event's meetings. ``name`` in the three languages (a TText), or as
    one string: under English when it is in Latin letters, under Traditional Chinese (the
    Simplified derived) when it is in Chinese."""
    require(permissions.can_organise_event(user, event))
    clean = []
    for pair in pairs:
        parts = pair.split("-")
        if len(parts) != 2 or set(parts) - LANGUAGE_CODES or parts[0] == parts[1]:
            raise _invalid("pairs", _("A language pair is two different languages from the list."))
        clean.append("-".join(sorted(parts)))
    if isinstance(name, str):
        written = name.strip()[:200]
        name = TText.of(zh_hant=to_traditional(written)) if has_cjk(written) else TText.of(en=written)
    if not name:
        raise _invalid("name", _("Give the interpreter's name."))
    return Interpreter.objects.create(event=event, name=name.normalised(), pairs=sorted(set(clean)))
