"""Setting up an event: the event, its sessions, its registration questions."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput, NotFound
from hkcq.core.permissions import require
from hkcq.core.services import fields_apply, history_mark, record_save
from hkcq.core.translated import TText
from hkcq.exchanges import permissions
from hkcq.exchanges.models import (
    Event,
    Meeting,
    MeetingStatus,
    Question,
    QuestionKind,
    RegistrationStatus,
    Session,
)
from hkcq.exchanges.services._shared import _invalid, _promote_next
from hkcq.exchanges.services.slots import session_slots
from hkcq.registry.permissions import user_unit_ids

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "venue",
    "recurring",
    "organiser_units",
    "areas",
    "measures",
    "starts_on",
    "ends_on",
    "capacity",
    "requires_approval",
    "meeting_start",
    "slots_per_day",
    "slot_minutes",
    "tables",
    "max_open_requests",
    "request_days",
)


# Fields that say which time a slot number means: fixed once slots are in use.
GRID_FIELDS = ("starts_on", "meeting_start", "slots_per_day", "slot_minutes")


def _slots_in_use(event: Event) -> tuple[int, int]:
    """(the highest slot, the highest table) meetings or availability use; -1 when none."""
    used = list(Meeting.objects.filter(event=event, slot__isnull=False).values_list("slot", "table"))
    top_slot = max((slot for slot, _table in used if slot is not None), default=-1)
    top_table = max((table for _slot, table in used if table is not None), default=-1)
    for slots in event.registrations.exclude(available_slots=[]).values_list("available_slots", flat=True):
        top_slot = max([top_slot, *slots])
    return top_slot, top_table


def _event_problems(event: Event, before: dict[str, Any] | None) -> dict[str, list[str]]:
    """The event's own rules (the model checks its fields); ``before``: the values before an
    edit (None on creation)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if event.recurring and (event.starts_on or event.ends_on):
        add("starts_on", _("A recurring programme has no dates of its own: leave the days empty."))
    if event.ends_on and not event.starts_on:
        add("starts_on", _("Give the first day too."))
    if event.starts_on and event.ends_on and event.ends_on < event.starts_on:
        add("ends_on", _("The last day cannot be before the first day."))
    if not 5 <= event.slot_minutes <= 240:
        add("slot_minutes", _("A meeting lasts between 5 and 240 minutes."))
    if event.slots_per_day < 1 or event.tables < 1 or event.max_open_requests < 1 or event.request_days < 1:
        for name in ("slots_per_day", "tables", "max_open_requests", "request_days"):
            if getattr(event, name) < 1:
                add(name, _("Give a whole number of at least 1."))
    elif (
        event.meeting_start.hour * 60 + event.meeting_start.minute + event.slots_per_day * event.slot_minutes > 24 * 60
    ):
        add("slots_per_day", _("The meeting slots must end within the day."))
    if errors or before is None or not event.pk:
        return errors
    return _event_grid_problems(event, before)


def _event_grid_problems(event: Event, before: dict[str, Any]) -> dict[str, list[str]]:
    """An edit must not take away the times, days or tables meetings, availability or sessions
    already use."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    top_slot, top_table = _slots_in_use(event)
    if top_slot >= 0:
        changed = [name for name in GRID_FIELDS if before[name] != getattr(event, name)]
        for name in changed:
            add(
                name,
                _(
                    "Meetings or participants' availability already use the meeting times: "
                    "this cannot change now (lengthen the event instead, or clear them first)."
                ),
            )
        if not changed and event.slot_count <= top_slot:
            add("ends_on", _("Meetings or availability already use the days this would remove."))
    if event.tables <= top_table:
        add(
            "tables",
            _("Meetings are already scheduled at table %(n)d: keep at least that many tables.") % {"n": top_table + 1},
        )
    if event.starts_on:
        outside = [s for s in event.sessions.all() if not _session_within(event, s)]
        if outside:
            add("ends_on", _("Some sessions would fall outside the event's days: move them first."))
    return errors


def _event_save(*, user: User, event: Event, data: dict[str, Any], reason: str = "") -> Event:
    before = None if event.pk is None else {name: getattr(event, name) for name in GRID_FIELDS}
    m2m = fields_apply(event, data, allowed=EVENT_FIELDS)
    problems = _event_problems(event, before)
    units = m2m.get("organiser_units")
    if units is not None or before is None:
        chosen = {u.pk for u in (units if units is not None else event.organiser_units.all())}
        if not user.is_secretariat and not chosen & user_unit_ids(user):
            problems.setdefault("organiser_units", []).append(
                _("Name one of your own units among the organisers, or you could no longer organise the event.")
            )
    if problems:
        raise InvalidInput(_("The event could not be saved: see the fields marked."), details=problems)
    if not event.ext_id:
        event.ext_id = f"event-{uuid.uuid4().hex[:12]}"
    record_save(event, user=user, m2m=m2m, reason=reason)
    return event


def event_create(*, user: User, data: dict[str, Any]) -> Event:
    """A new event, set up by an officer (for one of their units) or the secretariat."""
    require(permissions.can_create_event(user))
    data = dict(data)
    if not data.get("organiser_units") and not user.is_secretariat:
        data["organiser_units"] = list(user.units.all())
    with transaction.atomic():
        return _event_save(user=user, event=Event(), data=data)


def event_update(*, user: User, event: Event, data: dict[str, Any]) -> Event:
    """Change an event (its organisers only). More places take the next people off the waiting
    list, who are told."""
    require(permissions.can_organise_event(user, event))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _event_save(user=user, event=event, data=data)
        while _promote_next(event) is not None:
            pass
    return event


def event_delete(*, user: User, event: Event) -> None:
    """Delete an event nobody has registered for (one with registrations is closed instead)."""
    require(permissions.can_organise_event(user, event))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.registrations.exists():
            raise _invalid(None, _("People have registered for this event: set its phase to Closed instead."))
        for child in [*event.sessions.all(), *event.questions.all()]:
            history_mark(child, user=user)
            child.delete()
        history_mark(event, user=user)
        event.delete()


def _session_within(event: Event, session: Session) -> bool:
    days = set(event.days)
    tz = timezone.get_default_timezone()
    return bool(days) and {session.starts_at.astimezone(tz).date(), session.ends_at.astimezone(tz).date()} <= days


def session_save(*, user: User, event: Event, data: dict[str, Any], session: Session | None = None) -> Session:
    """Add or change a session: within the event's days; moving a session is refused when a
    participant who booked it has a meeting scheduled in its new times."""
    require(permissions.can_organise_event(user, event))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if session is None:
            session = Session(event=event)
        elif session.event_id != event.pk:
            raise NotFound()
        else:
            session = Session.objects.select_for_update().get(pk=session.pk)
        m2m = fields_apply(session, data, allowed=("title", "starts_at", "ends_at", "capacity"))
        errors: dict[str, list[str]] = {}
        if not event.days:
            errors["starts_at"] = [_("Give the event its days first.")]
        elif session.starts_at and session.ends_at:
            if session.ends_at <= session.starts_at:
                errors["ends_at"] = [_("A session ends after it starts.")]
            elif not _session_within(event, session):
                errors["starts_at"] = [_("A session takes place within the event's days.")]
            elif session.pk:
                slots = session_slots(event, session)
                clash = Meeting.objects.filter(
                    Q(requester__sessions=session) | Q(recipient__sessions=session),
                    status=MeetingStatus.ACCEPTED,
                    slot__in=slots,
                ).count()
                if clash:
                    errors["starts_at"] = [
                        ngettext(
                            "%(n)d meeting of a participant who booked this session is scheduled in the new times.",
                            "%(n)d meetings of participants who booked this session are scheduled in the new times.",
                            clash,
                        )
                        % {"n": clash}
                    ]
        if session.capacity is not None and session.capacity < 1:
            errors["capacity"] = [_("Give a whole number of at least 1, or leave it empty.")]
        if errors:
            raise InvalidInput(_("The session could not be saved: see the fields marked."), details=errors)
        record_save(session, user=user, m2m=m2m)
    return session


def session_delete(*, user: User, session: Session) -> None:
    require(permissions.can_organise_event(user, session.event))
    booked = session.registrations.exclude(status=RegistrationStatus.CANCELLED).count()
    if booked:
        raise _invalid(
            None,
            ngettext(
                "%(n)d participant has booked this session: it cannot be deleted.",
                "%(n)d participants have booked this session: it cannot be deleted.",
                booked,
            )
            % {"n": booked},
        )
    history_mark(session, user=user)
    session.delete()


def _answered(question: Question) -> list[Any]:
    key = f"q{question.pk}"
    return [a[key] for a in question.event.registrations.values_list("answers", flat=True) if key in (a or {})]


def question_save(*, user: User, event: Event, data: dict[str, Any], question: Question | None = None) -> Question:
    """Add or change a registration question. ``data["options"]``: for a choice, a list of
    options, each ``{lang: text}``. Once answered, its kind cannot change and its options cannot
    shrink below those chosen."""
    require(permissions.can_organise_event(user, event))
    data = dict(data)
    options = [TText.of(**{k.replace("-", "_"): v for k, v in o.items()}) for o in data.pop("options", None) or []]
    options = [o for o in options if o]
    with transaction.atomic():
        if question is None:
            question = Question(event=event, position=event.questions.count())
        elif question.event_id != event.pk:
            raise NotFound()
        else:  # as stored (a page's model form has already set the new values on its copy)
            question = Question.objects.select_for_update().get(pk=question.pk)
        before_kind = question.kind
        m2m = fields_apply(question, data, allowed=("label", "kind", "required", "position"))
        errors: dict[str, list[str]] = {}
        if question.kind == QuestionKind.CHOICE:
            if len(options) < 2:
                errors["options"] = [_("A choice needs at least two options.")]
            question.options = [o.to_json() for o in options]
        elif options:
            errors["options"] = [_("Only a choice has options.")]
        else:
            question.options = []
        answers = _answered(question) if question.pk else []
        if answers and question.kind != before_kind:
            errors["kind"] = [_("People have answered this question: its kind of answer cannot change.")]
        elif answers and question.kind == QuestionKind.CHOICE and max(answers) >= len(options):
            errors["options"] = [
                _("People chose an option this would remove: keep at least %(n)d.") % {"n": max(answers) + 1}
            ]
        if question.kind not in QuestionKind.values:
            errors["kind"] = [_("Choose a kind of answer from the list.")]
        if errors:
            raise InvalidInput(_("The question could not be saved: see the fields marked."), details=errors)
        record_save(question, user=user, m2m=m2m)
    return question


def question_delete(*, user: User, question: Question) -> None:
    require(permissions.can_organise_event(user, question.event))
    answered = len(_answered(question))
    if answered:
        raise _invalid(
            None,
            ngettext(
                "%(n)d registration has answered this question: make it optional instead of deleting it.",
                "%(n)d registrations have answered this question: make it optional instead of deleting it.",
                answered,
            )
            % {"n": answered},
        )
    history_mark(question, user=user)
    question.delete()
