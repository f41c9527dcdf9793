"""Writes to events and rounds. Every function checks permission, validates (a clear,
translated error and nothing changed), owns its transaction and tells the people concerned
(hkcq.notifications: in-app and e-mail in each recipient's language, queued after commit)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from django.core import signing
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.core.dates import show_date, show_datetime
from hkcq.core.errors import InvalidInput, NotFound, NotPermitted
from hkcq.core.permissions import require
from hkcq.core.services import fields_apply, history_mark, record_save
from hkcq.core.templatetags.hkcq import listing
from hkcq.core.text import has_cjk, to_traditional
from hkcq.core.translated import TText
from hkcq.exchanges import allocation, permissions, scheduling
from hkcq.exchanges.models import (
    Event,
    EventPhase,
    ExchangeRecord,
    Feedback,
    Interpreter,
    Language,
    Meeting,
    MeetingStatus,
    Pair,
    PairStatus,
    Participant,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    Round,
    RoundChange,
    RoundKind,
    RoundStatus,
    Session,
)
from hkcq.notifications.services import notify
from hkcq.partnering import services as partnering_services
from hkcq.partnering.models import Membership, OrganisationProfile, OutcomeKind, OutcomeSource
from hkcq.registry.models import Area
from hkcq.registry.permissions import user_unit_ids

REMIND_BEFORE = dt.timedelta(days=1)
LANGUAGE_CODES = {c for c, _label in Language.choices}
ROUND_LANGUAGES = ("en", "zh-hant", "zh-hans")  # the language a round's entry is told its result in


def _area_required() -> str:
    return _("Choose the co-operation area the round serves: its pairs and placements are counted under it.")


def _invalid(field: str | None, message: str) -> InvalidInput:
    return InvalidInput(message, details={field or "__all__": [message]})


def _tell(user: User | None, kind: str, url: str, **context: Any) -> None:
    if user is not None and user.is_active:
        notify(user, "exchanges/email/notice", {"kind": kind, **context}, url=url)


# -- the grid of meeting slots --------------------------------------------------------------------
def slot_start(event: Event, slot: int) -> dt.datetime:
    day = event.days[slot // event.slots_per_day]
    start = dt.datetime.combine(day, event.meeting_start, tzinfo=timezone.get_default_timezone())
    return start + dt.timedelta(minutes=event.slot_minutes * (slot % event.slots_per_day))


def slot_end(event: Event, slot: int) -> dt.datetime:
    return slot_start(event, slot) + dt.timedelta(minutes=event.slot_minutes)


def session_slots(event: Event, session: Session) -> set[int]:
    """Slots that overlap the session."""
    return {
        s
        for s in range(event.slot_count)
        if slot_start(event, s) < session.ends_at and session.starts_at < slot_end(event, s)
    }


def free_slots(registration: Registration) -> frozenset[int]:
    """The slots a participant can meet in: their availability (all, when they gave none) less
    the sessions they booked."""
    event = registration.event
    slots = set(registration.available_slots) if registration.available_slots else set(range(event.slot_count))
    for session in registration.sessions.all():
        slots -= session_slots(event, session)
    return frozenset(s for s in slots if 0 <= s < event.slot_count)


def language_pair(a: Registration, b: Registration) -> str:
    """The pair an interpreter must cover when the two share no language and either asked for
    one; "" otherwise."""
    la, lb = set(a.languages), set(b.languages)
    if la & lb or not (a.needs_interpreter or b.needs_interpreter) or not la or not lb:
        return ""
    x, y = sorted(la)[0], sorted(lb)[0]
    return canonical_pair(f"{x}-{y}")


def canonical_pair(pair: str) -> str:
    """A language pair written one way whichever way round it was given ("en-cmn" and "cmn-en"
    are both "cmn-en"), as ``language_pair`` writes a meeting's: interpreters' pairs are compared
    with meetings' in this form."""
    return "-".join(sorted(part.strip() for part in pair.split("-")))


# -- registration ---------------------------------------------------------------------------------
def _clean_answers(event: Event, answers: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for q in event.questions.all():
        key = f"q{q.pk}"
        value = answers.get(key)
        if q.kind == QuestionKind.YES_NO:
            if value in (None, ""):
                if q.required:
                    errors[key] = [_("Answer this question.")]
                continue
            clean[key] = value in (True, "yes", "true", "1", 1)
        elif q.kind == QuestionKind.CHOICE:
            if value in (None, ""):
                if q.required:
                    errors[key] = [_("Choose one of the options.")]
                continue
            try:
                index = int(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                index = -1
            if not 0 <= index < len(q.options):
                errors[key] = [_("Choose one of the options.")]
                continue
            clean[key] = index
        else:
            text = (value or "").strip() if isinstance(value, str) else ""
            if not text:
                if q.required:
                    errors[key] = [_("Answer this question.")]
                continue
            clean[key] = text[:2000]
    if errors:
        raise InvalidInput(_("Some answers are missing or not valid."), details=errors)
    return clean


def _holding_places(event: Event) -> int:
    return event.registrations.filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]).count()


def registration_submit(
    *,
    user: User,
    event: Event,
    profile: Any,
    answers: dict[str, Any] | None = None,
    consent_public: bool = False,
    languages: Sequence[str] = (),
    needs_interpreter: bool = False,
    sessions: Iterable[Session] = (),
) -> Registration:
    """Register ``user`` for ``profile``. With room: confirmed (or waiting for approval when the
    organiser approves registrations); when full: on the waiting list, in order of arrival."""
    require(permissions.can_register(user, profile))
    if event.recurring or event.phase == EventPhase.CLOSED:
        raise _invalid(None, _("This event does not take registrations."))
    langs = list(dict.fromkeys(languages))
    if not langs:
        raise _invalid("languages", _("Choose at least one language you speak."))
    if set(langs) - LANGUAGE_CODES:
        raise _invalid("languages", _("Choose languages from the list."))
    sessions = list(sessions)
    if any(s.event_id != event.pk for s in sessions):
        raise _invalid("sessions", _("Choose sessions of this event."))
    clean = _clean_answers(event, answers or {})
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if Registration.objects.filter(event=event, person=user).exclude(status=RegistrationStatus.CANCELLED).exists():
            raise _invalid(None, _("You are already registered for this event."))
        full = event.capacity is not None and _holding_places(event) >= event.capacity
        if full:
            status = RegistrationStatus.WAITLISTED
        elif event.requires_approval:
            status = RegistrationStatus.PENDING
        else:
            status = RegistrationStatus.CONFIRMED
        registration = Registration.objects.filter(event=event, person=user).first()
        fields = {
            "profile": profile,
            "status": status,
            "answers": clean,
            "consent_public": bool(consent_public),
            "languages": langs,
            "needs_interpreter": bool(needs_interpreter),
        }
        if registration is None:
            registration = Registration.objects.create(event=event, person=user, **fields)
        else:  # registering again after cancelling: back of the queue
            for k, v in fields.items():
                setattr(registration, k, v)
            registration.created_at = timezone.now()
            registration.save()
        registration.sessions.set(sessions)
        _tell(user, f"registration_{status}", _my_url(event), event=event)
    return registration


def _my_url(event: Event) -> str:
    return reverse("exchanges:my_event", args=[event.pk])


def _promote_next(event: Event) -> Registration | None:
    if event.capacity is not None and _holding_places(event) >= event.capacity:
        return None
    nxt = event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("created_at", "id").first()
    if nxt is None:
        return None
    nxt.status = RegistrationStatus.PENDING if event.requires_approval else RegistrationStatus.CONFIRMED
    nxt.save(update_fields=["status"])
    _tell(nxt.person, "promoted", _my_url(event), event=event)
    return nxt


def registration_cancel(*, user: User, registration: Registration) -> Registration | None:
    """Cancel; the next on the waiting list (if any) takes the place and is told. Returns them."""
    require(permissions.is_registrant(user, registration) or permissions.can_organise_event(user, registration.event))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise _invalid(None, _("This registration is already cancelled."))
        if registration.checked_in_at is not None:
            raise _invalid(
                None, _("This participant has checked in at the event: the registration can no longer be cancelled.")
            )
        held_place = registration.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        Meeting.objects.filter(Q(requester=registration) | Q(recipient=registration)).filter(
            status__in=[MeetingStatus.REQUESTED, MeetingStatus.ACCEPTED]
        ).update(status=MeetingStatus.CANCELLED, slot=None, table=None, interpreter=None)
        return _promote_next(event) if held_place else None


def registration_decide(*, user: User, registration: Registration, approve: bool) -> Registration:
    require(permissions.can_organise_event(user, registration.event))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != RegistrationStatus.PENDING:
            raise _invalid(None, _("Only a registration waiting for approval can be approved or refused."))
        registration.status = RegistrationStatus.CONFIRMED if approve else RegistrationStatus.REFUSED
        registration.save(update_fields=["status"])
        _tell(registration.person, "approved" if approve else "refused", _my_url(event), event=event)
        if not approve:
            _promote_next(event)
    return registration


def availability_set(*, user: User, registration: Registration, slots: Iterable[int]) -> Registration:
    require(permissions.is_registrant(user, registration))
    event = registration.event
    chosen = sorted(set(slots))
    if any(not 0 <= s < event.slot_count for s in chosen):
        raise _invalid("slots", _("Choose times within the event's meeting hours."))
    if not chosen:
        raise _invalid("slots", _("Choose at least one time you are free."))
    registration.available_slots = chosen
    registration.save(update_fields=["available_slots"])
    return registration


def check_in_open(event: Event) -> bool:
    """Whether the event's day has come (its first day, in the platform's time zone): check-in
    is on the day, never before; an event without dates has no check-in."""
    return event.starts_on is not None and timezone.localdate() >= event.starts_on


def _check_in_refusal(event: Event) -> InvalidInput | None:
    if event.starts_on is None:
        return _invalid(None, _("This event has no dates: there is no check-in."))
    if not check_in_open(event):
        return _invalid(
            None, _("Check-in opens on the event's first day, %(day)s.") % {"day": show_date(event.starts_on)}
        )
    return None


def registration_check_in(*, user: User, registration: Registration) -> Registration:
    """Mark a confirmed participant present, on or after the event's first day."""
    require(permissions.can_organise_event(user, registration.event))
    refusal = _check_in_refusal(registration.event)
    if refusal is not None:
        raise refusal
    if registration.status != RegistrationStatus.CONFIRMED:
        raise _invalid(None, _("Only confirmed participants can be checked in."))
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
    return registration


def event_phase_set(*, user: User, event: Event, phase: str) -> Event:
    require(permissions.can_organise_event(user, event))
    if phase not in EventPhase.values:
        raise _invalid("phase", _("Choose a phase from the list."))
    event.phase = phase
    history_mark(event, user=user)  # the history names who moved the event on, as for its other changes
    event.save(update_fields=["phase"])
    return event


# -- setting up an event: the event, its sessions, its registration questions -------------------
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


# -- meetings -------------------------------------------------------------------------------------
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


# -- rounds ---------------------------------------------------------------------------------------
def _log(round_: Round, user: User, action: str, detail: str = "", reason: str = "") -> None:
    RoundChange.objects.create(
        round=round_,
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        detail=detail[:500],
        reason=reason,
    )


class DocumentProblem(NamedTuple):
    """One problem with a round document: ``where`` is the API's key for it ("kind", "title",
    "area", "applicants", "applicant a1", …); ``entry`` names the entry it is about (its side,
    "applicants" or "hosts", and its position there), so that an upload can say which row."""

    where: str
    message: str
    entry: tuple[str, int] | None = None


SIDES = (("applicants", "applicant"), ("hosts", "host"))


def places_problem(value: Any) -> str:
    """What is wrong with a host's places (the API's ``capacity``, an upload's cell), naming the value."""
    return _("Places must be a whole number of at least 1, not %(value)s.") % {"value": value}


def _area_find(value: Any) -> Area | None:
    """A round's co-operation area: the area itself, or its stable id (as the API names it)."""
    if isinstance(value, Area):
        return value
    return Area.objects.filter(ext_id=str(value).strip()).first() if value else None


def _entry_id(entry: Any) -> str:
    return str(entry.get("id", "") if isinstance(entry, dict) else "").strip()


def _entry_problems(entry: dict[str, Any], side: str, other: set[str], kind: Any) -> list[str]:
    """What is wrong with one entry's ranking, places and language."""
    problems = []
    ranks = [str(r).strip() for r in entry.get("ranks") or []]
    applicants = side == "applicants"
    twice = sorted({r for r in ranks if ranks.count(r) > 1})
    if twice:
        message = (
            _("Hosts ranked more than once: %(ids)s.")
            if applicants
            else _("Applicants ranked more than once: %(ids)s.")
        )
        problems.append(message % {"ids": listing(twice)})
    unknown = [r for r in dict.fromkeys(ranks) if r not in other]
    if unknown:
        message = (
            _("Not a host of this round: %(ids)s.") if applicants else _("Not an applicant of this round: %(ids)s.")
        )
        problems.append(message % {"ids": listing(unknown)})
    if not applicants:
        capacity = entry.get("capacity", 1)
        if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
            problems.append(places_problem(capacity))
        elif kind == RoundKind.SISTER_SCHOOL and capacity != 1:
            problems.append(_("A sister-school pairing is one to one: every host has 1 place."))
    language = entry.get("language")
    if language not in (None, "") and language not in ROUND_LANGUAGES:
        problems.append(
            _("The language %(value)s is not one of %(codes)s.")
            % {"value": language, "codes": listing(ROUND_LANGUAGES)}
        )
    return problems


def round_document_problems(data: dict[str, Any]) -> list[DocumentProblem]:
    """Every problem with a round document (the API's body, or the rows of an upload), each with
    the entry it is about: the same rules for ``POST /rounds``, the upload page and the API's
    upload."""
    problems: list[DocumentProblem] = []
    kind = data.get("kind")
    if kind not in RoundKind.values:
        problems.append(DocumentProblem("kind", _("Choose internship, sister_school or exchange.")))
    title = data.get("title")
    if not (title.strip() if isinstance(title, str) else title):
        problems.append(DocumentProblem("title", _("Give the round a title.")))
    area = data.get("area")
    if not area:
        problems.append(DocumentProblem("area", _area_required()))
    elif _area_find(area) is None:
        problems.append(DocumentProblem("area", _("No co-operation area has the id %(id)s.") % {"id": area}))
    ids = {side: [_entry_id(e) for e in data.get(side) or []] for side, _label in SIDES}
    for side, label in SIDES:
        other = set(ids["hosts" if side == "applicants" else "applicants"])
        seen: set[str] = set()
        for index, entry in enumerate(data.get(side) or []):
            if not isinstance(entry, dict):
                entry = {}
            ext_id = ids[side][index]
            here = (side, index)
            where = f"{label} {entry.get('id')}"
            if not ext_id:
                problems.append(DocumentProblem(side, _("Every entry needs an id."), here))
            elif ext_id in seen:
                message = (
                    _("Another applicant has the same id, %(id)s.")
                    if side == "applicants"
                    else _("Another host has the same id, %(id)s.")
                )
                problems.append(DocumentProblem(side, message % {"id": ext_id}, here))
            seen.add(ext_id)
            problems.extend(DocumentProblem(where, m, here) for m in _entry_problems(entry, side, other, kind))
    return problems + _document_links(data)[0]


def round_document_check(data: dict[str, Any]) -> dict[str, list[str]]:
    """Problems with a round document, by where (the API's error details)."""
    errors: dict[str, list[str]] = {}
    for problem in round_document_problems(data):
        errors.setdefault(problem.where, []).append(problem.message)
    return errors


# -- who stands behind a round's entry: an organisation profile and/or an account ---------------
Link = tuple[OrganisationProfile | None, User | None]


def _profile_find(ref: Any) -> OrganisationProfile | None:
    """A partnering organisation profile by its number (as in its page's address) or its stable id."""
    text = str(ref).strip()
    if not text:
        return None
    if text.isdigit():
        return OrganisationProfile.objects.filter(pk=int(text)).first()
    return OrganisationProfile.objects.filter(ext_id=text).first()


def _link_resolve(profile_ref: Any, email: Any) -> tuple[Link, dict[str, list[str]]]:
    """The profile and the account an entry names (either may be empty), or what is wrong, by field."""
    errors: dict[str, list[str]] = {}
    profile: OrganisationProfile | None = None
    account: User | None = None
    ref = "" if profile_ref is None else str(profile_ref).strip()
    if ref:
        profile = _profile_find(ref)
        if profile is None:
            errors["profile"] = [_("No organisation profile has the id %(ref)s.") % {"ref": ref}]
    address = str(email or "").strip()
    if address:
        accounts = list(User.objects.filter(email__iexact=address, is_active=True)[:2])
        if not accounts:
            errors["email"] = [_("No account has the e-mail address %(email)s.") % {"email": address}]
        elif len(accounts) > 1:
            errors["email"] = [
                _("Several accounts have the e-mail address %(email)s: link the organisation profile instead.")
                % {"email": address}
            ]
        else:
            account = accounts[0]
    return (profile, account), errors


def _document_links(data: dict[str, Any]) -> tuple[list[DocumentProblem], dict[tuple[str, str], Link]]:
    """The links a round document gives its entries (``"profile"``: a profile's number or stable
    id; ``"email"``: an existing account's address), resolved, with the problems by entry: an
    unknown profile or address, or one profile or account named by two entries of one side."""
    errors: list[DocumentProblem] = []
    links: dict[tuple[str, str], Link] = {}
    for role, label, key in ((Participant.APPLICANT, "applicant", "applicants"), (Participant.HOST, "host", "hosts")):
        profiles: dict[int, str] = {}
        accounts: dict[int, str] = {}
        for index, entry in enumerate(data.get(key) or []):
            if not isinstance(entry, dict):
                continue
            ext_id = str(entry.get("id", "")).strip()
            where, here = f"{label} {entry.get('id')}", (key, index)
            (profile, account), problems = _link_resolve(entry.get("profile"), entry.get("email"))
            for messages in problems.values():
                errors.extend(DocumentProblem(where, message, here) for message in messages)
            if profile is not None:
                if profile.pk in profiles:
                    message = _("This organisation is already linked to %(id)s on this side.") % {
                        "id": profiles[profile.pk]
                    }
                    errors.append(DocumentProblem(where, message, here))
                profiles.setdefault(profile.pk, ext_id)
            if account is not None:
                if account.pk in accounts:
                    message = _("This account is already linked to %(id)s on this side.") % {"id": accounts[account.pk]}
                    errors.append(DocumentProblem(where, message, here))
                accounts.setdefault(account.pk, ext_id)
            if profile is not None or account is not None:
                links[(role, ext_id)] = (profile, account)
    return errors, links


def participant_recipients(participant: Participant) -> list[User]:
    """Who is told a participant's result and may answer for it: the linked account and the
    current members of the linked organisation profile (active accounts only)."""
    people: dict[int, User] = {}
    if participant.user_id is not None and participant.user is not None and participant.user.is_active:
        people[participant.user.pk] = participant.user
    if participant.profile_id is not None:
        members = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(profile_id=participant.profile_id, left_at__isnull=True).values("user_id"),
        )
        for person in members:
            people.setdefault(person.pk, person)
    return list(people.values())


def _link_describe(participant: Participant) -> str:
    parts = []
    if participant.profile is not None:
        parts.append(str(participant.profile.ext_id or f"#{participant.profile.pk}"))
    if participant.user is not None:
        parts.append(participant.user.email or participant.user.get_username())
    return " + ".join(parts) or "—"


def participant_link(
    *, user: User, participant: Participant, profile: Any = None, email: Any = None, reason: str = ""
) -> Participant:
    """Link a round's entry to an organisation profile (its members are told and answer) and/or
    an existing account, or remove the link (both empty). Changing or removing a link needs a
    reason; every change is recorded. People newly linked to an entry with a result are told it."""
    round_ = Round.objects.get(pk=participant.round_id)  # fresh: its runs and sides
    require(permissions.can_organise_round(user, round_))
    (new_profile, new_account), errors = _link_resolve(profile, email)
    if new_profile is not None and round_.applicant_side:
        applicants = participant.role == Participant.APPLICANT
        expected = round_.applicant_side if applicants else _other_side(round_.applicant_side)
        if expected and new_profile.side != expected:
            where = {"side": Side(expected).label}
            errors.setdefault("profile", []).append(
                _("This organisation is on the other side: this round's applicants are from %(side)s.") % where
                if applicants
                else _("This organisation is on the other side: this round's hosts are from %(side)s.") % where
            )
    others = round_.participants.filter(role=participant.role).exclude(pk=participant.pk)
    if new_profile is not None:
        clash = others.filter(profile=new_profile).first()
        if clash is not None:
            errors.setdefault("profile", []).append(
                _("This organisation is already linked to %(id)s on this side.") % {"id": clash.ext_id}
            )
    if new_account is not None:
        clash = others.filter(user=new_account).first()
        if clash is not None:
            errors.setdefault("email", []).append(
                _("This account is already linked to %(id)s on this side.") % {"id": clash.ext_id}
            )
    if errors:
        raise InvalidInput(_("The link was not saved."), details=errors)
    changing = (participant.profile_id is not None and participant.profile_id != getattr(new_profile, "pk", None)) or (
        participant.user_id is not None and participant.user_id != getattr(new_account, "pk", None)
    )
    if changing and not (reason or "").strip():
        raise _invalid("reason", _("Give a reason for the change."))
    if participant.profile_id == getattr(new_profile, "pk", None) and participant.user_id == getattr(
        new_account, "pk", None
    ):
        return participant
    with transaction.atomic():
        before = {p.pk for p in participant_recipients(participant)}
        old = _link_describe(participant)
        participant.profile, participant.user = new_profile, new_account
        history_mark(participant, user=user, reason=reason)
        participant.save(update_fields=["profile", "user"])
        _log(round_, user, "linked", f"{participant.ext_id}: {old} → {_link_describe(participant)}", reason)
        newcomers = [p for p in participant_recipients(participant) if p.pk not in before]
        if newcomers:
            _tell_result_to(round_, participant, newcomers)
    return participant


def _other_side(side: str) -> str:
    others = [value for value in Side.values if value != side]
    return others[0] if len(others) == 1 else ""


def _tell_result_to(round_: Round, participant: Participant, people: list[User]) -> None:
    """Tell people just linked to an entry its current result, in one message: the places
    offered to it, or none."""
    if round_.runs == 0:
        return
    field = "applicant" if participant.role == Participant.APPLICANT else "host"
    # every place offered to it, in one message (a host may hold several)
    pairs = list(
        Pair.objects.filter(round=round_, status=PairStatus.OFFERED, **{field: participant})
        .select_related("applicant", "host")
        .order_by("applicant__ext_id", "host__ext_id")
    )
    url = round_.get_absolute_url()
    if pairs:
        others = [(p.host if field == "applicant" else p.applicant) for p in pairs]
        for person in people:
            _tell(person, "placed", url, round=round_, others=[o.name or o.ext_id for o in others])
    elif (
        field == "applicant"
        and not round_.pairs.filter(
            applicant=participant, status__in=[PairStatus.OFFERED, PairStatus.ACCEPTED]
        ).exists()
    ):
        for person in people:
            _tell(person, "unplaced", url, round=round_)


def round_create(*, user: User, data: dict[str, Any], organiser_units: Iterable[Any] = ()) -> Round:
    """Create a round with its participants, capacities and rankings from one document (the
    API's JSON, or an upload's rows): {"kind", "title", "area", "applicants": [{"id", "ranks",
    "name"?, "language"?, "profile"?, "email"?}], "hosts": [{"id", "capacity", "ranks", "name"?,
    "language"?, "profile"?, "email"?}]}. ``area`` (an Area or its stable id) is required: a round
    serves the co-operation framework, and its pairs are counted under that area. ``profile`` (an organisation profile's number or stable
    id) and ``email`` (an existing account's address) link an entry to the people who are told
    its result and answer for it; an entry without either is answered for by the organiser."""
    require(permissions.can_create_round(user))
    errors = round_document_check(data)
    if errors:
        raise InvalidInput(_("The round could not be created: some entries are not valid."), details=errors)
    with transaction.atomic():
        round_ = _round_open(user=user, data=data, organiser_units=organiser_units)
        Participant.objects.bulk_create(_round_entries(round_, data))
        _log(round_, user, "created", f"{len(data.get('applicants') or [])} / {len(data.get('hosts') or [])}")
    return round_


def _round_open(*, user: User, data: dict[str, Any], organiser_units: Iterable[Any]) -> Round:
    """The round a checked document describes, organised by ``organiser_units`` (by default the
    units of the person creating it)."""
    title = data["title"]
    area = _area_find(data["area"])
    if area is None:  # the document check reports it first; never a round without its area
        raise InvalidInput(
            _("The round could not be saved: see the fields marked."), details={"area": [_area_required()]}
        )
    round_ = Round.objects.create(
        kind=data["kind"],
        title=TText.typed(title) if isinstance(title, str) else TText.of(**title),
        created_by=user,
        tie_break_seed=int(data.get("tie_break_seed") or 0),
        area=area,
        ranking_deadline=data.get("ranking_deadline"),
        response_deadline=data.get("response_deadline"),
    )
    units = list(organiser_units) or list(user.units.all())
    if units:
        round_.organiser_units.set(units)
    return round_


def _entry_language(entry: dict[str, Any]) -> str:
    """The language an entry's messages go out in (checked: one of ROUND_LANGUAGES; none: English)."""
    value = str(entry.get("language") or "")
    return value if value in ROUND_LANGUAGES else "en"


def _round_entries(round_: Round, data: dict[str, Any]) -> list[Participant]:
    """A checked document's entries as the round's participants (not yet saved): the applicants,
    then the hosts with their places, each linked to the profile and account it names."""
    _errors, links = _document_links(data)

    def entry(role: str, row: dict[str, Any], **extra: Any) -> Participant:
        ext_id = str(row["id"]).strip()
        profile, account = links.get((role, ext_id), (None, None))
        return Participant(
            round=round_,
            role=role,
            profile=profile,
            user=account,
            ext_id=ext_id,
            name=str(row.get("name") or "")[:300],
            ranks=[str(r) for r in row.get("ranks") or []],
            language=_entry_language(row),
            **extra,
        )

    return [entry(Participant.APPLICANT, a) for a in data.get("applicants") or []] + [
        entry(Participant.HOST, h, capacity=int(h.get("capacity", 1))) for h in data.get("hosts") or []
    ]


# -- an uploaded round's workbook, kept between its preview and its creation ---------------------
UPLOAD_FOLDER = "round-uploads"
UPLOAD_KEPT_FOR = dt.timedelta(days=1)
_UPLOAD_SALT = "hkcq.exchanges.round-upload"


@dataclass(frozen=True)
class KeptUpload:
    token: str  # signed: the stored name and who uploaded it (a page sends it back, never a path)
    name: str  # in the default storage
    filename: str  # as the person's computer called it


def round_upload_keep(*, user: User, upload: Any) -> KeptUpload:
    """Keep an uploaded round workbook in the storage so that its preview can be confirmed
    without choosing the file again. The token is for this person only and for a day; files kept
    longer are removed here (a preview nobody confirmed)."""
    require(permissions.can_create_round(user))
    _round_uploads_expire()
    upload.seek(0)
    name = default_storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.xlsx", upload)
    filename = Path(getattr(upload, "name", "") or "").name[:200]
    token = signing.dumps({"name": name, "user": user.pk, "filename": filename}, salt=_UPLOAD_SALT)
    return KeptUpload(token, name, filename)


def round_upload_kept(*, user: User, token: str) -> KeptUpload | None:
    """The kept workbook a page's token names, if it is this person's, within its day, and
    still there."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_UPLOAD_SALT, max_age=UPLOAD_KEPT_FOR)
    except signing.BadSignature:
        return None
    name = str(data.get("name", ""))
    if data.get("user") != user.pk or not name.startswith(f"{UPLOAD_FOLDER}/") or not default_storage.exists(name):
        return None
    return KeptUpload(token, name, str(data.get("filename", "")))


def round_upload_discard(kept: KeptUpload) -> None:
    default_storage.delete(kept.name)


def _round_uploads_expire() -> None:
    cutoff = timezone.now() - UPLOAD_KEPT_FOR
    try:
        _folders, files = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return
    for file in files:
        name = f"{UPLOAD_FOLDER}/{file}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (FileNotFoundError, NotImplementedError):  # removed meanwhile; a storage without times
            continue


ROUND_FIELDS = (
    "title",
    "eligibility",
    "organiser_units",
    "area",
    "applicant_side",
    "ranking_deadline",
    "response_deadline",
)


def round_update(*, user: User, round_: Round, data: dict[str, Any]) -> Round:
    """Change a round's settings (its organisers): title, eligibility, organisers, co-operation
    area (its exchange records follow), the applicants' side and the two deadlines."""
    require(permissions.can_organise_round(user, round_))
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        before_area = round_.area_id
        before_units = set(round_.organiser_units.values_list("pk", flat=True))
        if "area" in data and data["area"] is None:  # a round serves the framework: it keeps an area
            raise InvalidInput(
                _("The round could not be saved: see the fields marked."), details={"area": [_area_required()]}
            )
        m2m = fields_apply(round_, data, allowed=ROUND_FIELDS)
        if round_.ranking_deadline and round_.response_deadline and round_.response_deadline < round_.ranking_deadline:
            raise InvalidInput(
                _("The round could not be saved: see the fields marked."),
                details={"response_deadline": [_("Answers are due after the ranking closes.")]},
            )
        record_save(round_, user=user, m2m=m2m)
        # the organisers count as changed only when they are other units (the form always sends them)
        units_changed = "organiser_units" in m2m and {u.pk for u in m2m["organiser_units"]} != before_units
        names = [*getattr(round_, "_changed_fields", []), *(["organiser_units"] if units_changed else [])]
        # The fields' names: the change list names them in its reader's language (RoundChange.detail_shown).
        _log(round_, user, "edited", ", ".join(names))
        if round_.area_id != before_area:
            ExchangeRecord.objects.filter(pair__round=round_).update(area=round_.area)
    return round_


def ranks_set(*, user: User, participant: Participant, ranks: Sequence[str]) -> Participant:
    round_ = participant.round
    require(permissions.can_act_for_participant(user, participant) or permissions.can_organise_round(user, round_))
    if round_.status != RoundStatus.RANKING:
        raise _invalid("ranks", _("Ranking has closed for this round."))
    if (
        round_.ranking_deadline
        and timezone.localdate() > round_.ranking_deadline
        and not permissions.can_organise_round(user, round_)
    ):
        raise _invalid("ranks", _("The deadline for ranking has passed."))
    ranks = [str(r).strip() for r in ranks if str(r).strip()]
    if len(set(ranks)) != len(ranks):
        raise _invalid("ranks", _("Rank each one once only."))
    other = Participant.HOST if participant.role == Participant.APPLICANT else Participant.APPLICANT
    known = set(round_.participants.filter(role=other).values_list("ext_id", flat=True))
    unknown = [r for r in ranks if r not in known]
    if unknown:
        raise _invalid("ranks", _("Not eligible in this round: %(ids)s") % {"ids": listing(unknown)})
    participant.ranks = ranks
    participant.save(update_fields=["ranks"])
    return participant


def capacity_set(*, user: User, host: Participant, capacity: int, reason: str) -> Participant:
    round_ = host.round
    require(permissions.can_organise_round(user, round_))
    if host.role != Participant.HOST:
        raise _invalid("capacity", _("Only hosts have places."))
    if capacity < 1 or (round_.one_to_one and capacity != 1):
        raise _invalid("capacity", _("Places must be a whole number of at least 1 (exactly 1 for sister schools)."))
    kept = (
        host.pairs_as_host.exclude(status__in=[PairStatus.DECLINED, PairStatus.WITHDRAWN])
        .filter(Q(fixed=True) | Q(status=PairStatus.ACCEPTED))
        .count()
    )
    if capacity < kept:
        raise _invalid(
            "capacity",
            ngettext(
                "%(n)d place is already fixed or accepted: the places cannot be fewer.",
                "%(n)d places are already fixed or accepted: the places cannot be fewer.",
                kept,
            )
            % {"n": kept},
        )
    if not (reason or "").strip():
        raise _invalid("reason", _("Give a reason for the change."))
    old = host.capacity
    host.capacity = capacity
    host.save(update_fields=["capacity"])
    _log(round_, user, "capacity", f"{host.ext_id}: {old} → {capacity}", reason)
    return host


def pair_fix(*, user: User, round_: Round, applicant: Participant, host: Participant, reason: str) -> Pair:
    """Fix a pair by hand before a run: every run keeps it."""
    require(permissions.can_organise_round(user, round_))
    if (
        applicant.round_id != round_.pk
        or host.round_id != round_.pk
        or applicant.role != Participant.APPLICANT
        or host.role != Participant.HOST
    ):
        raise _invalid(None, _("Choose an applicant and a host of this round."))
    if not (reason or "").strip():
        raise _invalid("reason", _("Give a reason for the change."))
    live = Pair.objects.filter(round=round_).exclude(status__in=[PairStatus.DECLINED, PairStatus.WITHDRAWN])
    if live.filter(applicant=applicant).exists():
        raise _invalid(None, _("This applicant already has a place."))
    if live.filter(host=host).count() >= host.capacity:
        raise _invalid(None, _("This host has no free place."))
    pair = Pair.objects.create(round=round_, applicant=applicant, host=host, fixed=True, run=round_.runs)
    _log(round_, user, "fixed", f"{applicant.ext_id} – {host.ext_id}", reason)
    return pair


def pair_withdraw(*, user: User, pair: Pair, reason: str) -> Pair:
    """An organiser's adjustment after a run: the pair is withdrawn (its place frees up for the
    next run), with the reason recorded."""
    require(permissions.can_organise_round(user, pair.round))
    if not (reason or "").strip():
        raise _invalid("reason", _("Give a reason for the change."))
    if pair.status in (PairStatus.DECLINED, PairStatus.WITHDRAWN):
        raise _invalid(None, _("This pair is no longer active."))
    pair.status = PairStatus.WITHDRAWN
    pair.save(update_fields=["status"])
    _log(pair.round, user, "withdrawn", f"{pair.applicant.ext_id} – {pair.host.ext_id}", reason)
    return pair


def round_market(round_: Round) -> tuple[allocation.Market, dict[str, Participant], dict[str, Participant]]:
    parts = list(round_.participants.all())
    apps = {p.ext_id: p for p in parts if p.role == Participant.APPLICANT}
    hosts = {p.ext_id: p for p in parts if p.role == Participant.HOST}
    pairs = list(round_.pairs.select_related("applicant", "host"))
    fixed = [
        (p.applicant.ext_id, p.host.ext_id) for p in pairs if p.status in (PairStatus.OFFERED, PairStatus.ACCEPTED)
    ]
    excluded = {
        (p.applicant.ext_id, p.host.ext_id) for p in pairs if p.status in (PairStatus.DECLINED, PairStatus.WITHDRAWN)
    }
    # an applicant who declined a place takes no further part
    out = {p.applicant.ext_id for p in pairs if p.status == PairStatus.DECLINED and p.applicant_accepted is False}
    market = allocation.Market(
        applicant_ranks={a: [h for h in p.ranks if h in hosts] for a, p in apps.items() if a not in out},
        host_ranks={h: [a for a in p.ranks if a in apps and a not in out] for h, p in hosts.items()},
        capacity={h: (1 if round_.one_to_one else p.capacity) for h, p in hosts.items()},
        fixed=[(a, h) for a, h in fixed if a not in out],
        excluded=set(excluded),
        tie_break_seed=round_.tie_break_seed,
    )
    return market, apps, hosts


def round_allocate(*, user: User, round_: Round) -> dict[str, Any]:
    """Run the allocation: the first run, or a later one that keeps every pair still offered or
    accepted and re-offers declined places. New pairs are offered; every side linked to people
    (``participant_recipients``) is told, each person in their account's language. Returns the
    statistics (also kept on the round) with ``told`` and ``not_told``: the entries with a new
    result that were told, and those nobody could be told (the organiser tells them and records
    their answers, ``pair_answer_for``)."""
    require(permissions.can_organise_round(user, round_))
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status == RoundStatus.CLOSED:
            raise _invalid(None, _("This round is closed."))
        market, apps, hosts = round_market(round_)
        try:
            match = allocation.allocate(market)
        except allocation.AllocationError as exc:
            raise _invalid(None, str(exc)) from exc
        kept = set(market.fixed)
        # Pairs the organiser fixed by hand since the last run: nobody has been told them yet (a
        # fixed pair is told with the run that first keeps it, as a new pair is).
        fixed_now = list(
            round_.pairs.filter(fixed=True, run=round_.runs, status=PairStatus.OFFERED).select_related(
                "applicant", "host"
            )
        )
        round_.runs += 1
        new_pairs = [
            Pair(round=round_, applicant=apps[str(a)], host=hosts[str(h)], run=round_.runs)
            for a, h in sorted(match.items(), key=lambda kv: str(kv[0]))
            if (a, h) not in kept
        ]
        Pair.objects.bulk_create(new_pairs)
        # The figures read each host's list as it was typed: an applicant who declined earlier and
        # takes no further part still stands where the host put them (a host's second choice stays 2).
        as_typed = replace(market, host_ranks={h: [a for a in p.ranks if a in apps] for h, p in hosts.items()})
        stats = allocation.statistics(as_typed, match).as_dict()
        stats["run"] = round_.runs
        round_.statistics = stats
        round_.status = RoundStatus.ALLOCATED
        round_.save(update_fields=["runs", "statistics", "status"])
        _log(round_, user, "allocated", f"{round_.runs}: +{len(new_pairs)}")
        # The new results: each new pair for both its sides, and "no place" for an applicant
        # whose last result was not already that (an unchanged result is not told again; an
        # applicant who declined their place takes no further part and is not told).
        news: list[tuple[Participant, Participant | None]] = []
        for pair in [*fixed_now, *new_pairs]:
            news += [(pair.applicant, pair.host), (pair.host, pair.applicant)]
        placed = set(match)
        out = {a for a in apps if a not in market.applicant_ranks}
        unplaced = [p for a, p in apps.items() if a not in placed and a not in out]
        news += [(p, None) for p in unplaced if p.last_result != "unplaced"]
        told, not_told = _tell_results(round_, news)
        Participant.objects.filter(pk__in=[p.pk for p in unplaced]).update(last_result="unplaced")
        Participant.objects.filter(round=round_, role=Participant.APPLICANT, ext_id__in=placed).update(
            last_result="placed"
        )
    # Who was told (their accounts' languages, e-mail and in the platform) and who was not (no
    # link: the organiser tells them and records their answers): not kept with the statistics.
    return {**stats, "told": told, "not_told": not_told}


def _tell_results(round_: Round, news: list[tuple[Participant, Participant | None]]) -> tuple[list[str], list[str]]:
    """Tell each person behind the entries in ``news`` (an entry and the partner a new pair gives
    it, or None: no place) their results in ONE message, in their language: a host given two
    interns, or a person behind two entries, is told once. Returns the ids of the entries told and
    of those nobody could be told."""
    told: list[str] = []
    not_told: list[str] = []
    by_person: dict[int, tuple[User, list[str], bool]] = {}
    for entry, other in news:
        people = participant_recipients(entry)
        (told if people else not_told).append(entry.ext_id)
        for person in people:
            _person, partners, unplaced = by_person.get(person.pk, (person, [], False))
            if other is None:
                unplaced = True
            else:
                partners.append(other.name or other.ext_id)
            by_person[person.pk] = (person, partners, unplaced)
    url = round_.get_absolute_url()
    for person, partners, unplaced in by_person.values():
        if partners:
            _tell(person, "placed", url, round=round_, others=partners, also_unplaced=unplaced)
        else:
            _tell(person, "unplaced", url, round=round_)
    return list(dict.fromkeys(told)), list(dict.fromkeys(not_told))


def _pair_settle(pair: Pair, round_: Round) -> None:
    """A pair's status from its two answers; an accepted pair becomes an exchange record."""
    if pair.applicant_accepted is False or pair.host_accepted is False:
        pair.status = PairStatus.DECLINED
    elif pair.applicant_accepted and pair.host_accepted:
        pair.status = PairStatus.ACCEPTED
    pair.save()
    if pair.status == PairStatus.ACCEPTED:
        ExchangeRecord.objects.create(
            pair=pair,
            kind=round_.kind,
            area=round_.area,
            title=f"{pair.applicant.name or pair.applicant.ext_id} – {pair.host.name or pair.host.ext_id}",
        )


def _tell_declined(pair: Pair, round_: Round, *, declined: Participant, by: User) -> None:
    """The other side of a pair one side declined is told, in their language: the place is free
    for a later run, which may offer them another (they heard nothing until that run)."""
    other = pair.applicant if declined.pk == pair.host_id else pair.host
    for person in participant_recipients(other):
        if person.pk != by.pk:
            _tell(
                person,
                "partner_declined",
                round_.get_absolute_url(),
                round=round_,
                others=[declined.name or declined.ext_id],
            )


def pair_respond(*, user: User, pair: Pair, accept: bool) -> Pair:
    """The applicant's or host's answer to an offered pair, within the round's deadline. When
    both sides accept, the pair becomes an exchange record; a decline frees the place for the
    next run."""
    round_ = pair.round
    as_applicant = permissions.can_act_for_participant(user, pair.applicant)
    as_host = permissions.can_act_for_participant(user, pair.host)
    require(as_applicant or as_host)
    if round_.response_deadline and timezone.localdate() > round_.response_deadline:
        raise _invalid(None, _("The deadline for answering has passed."))
    with transaction.atomic():
        pair = Pair.objects.select_for_update().get(pk=pair.pk)
        if pair.status != PairStatus.OFFERED:
            raise _invalid(None, _("This place has already been answered."))
        if as_applicant:
            pair.applicant_accepted = accept
        if as_host:
            pair.host_accepted = accept
        _pair_settle(pair, round_)
        if not accept and as_applicant != as_host:  # one side declined: the other hears it now
            _tell_declined(pair, round_, declined=pair.applicant if as_applicant else pair.host, by=user)
        _log(round_, user, "accepted" if accept else "declined", f"{pair.applicant.ext_id} – {pair.host.ext_id}")
    return pair


def pair_answer_for(*, user: User, pair: Pair, side: str, accept: bool, reason: str) -> Pair:
    """An organiser records the answer of a side nobody could be told (an entry linked to no
    account or organisation with members: the paper case), with the reason, e.g. "letter of 3
    May". A linked side answers for itself. Not bound by the answer deadline: a paper answer that
    came in time may be recorded later."""
    round_ = pair.round
    require(permissions.can_organise_round(user, round_))
    if side not in (Participant.APPLICANT, Participant.HOST):
        raise _invalid("side", _("Choose the applicant or the host."))
    if not (reason or "").strip():
        raise _invalid("reason", _("Give a reason for the change."))
    with transaction.atomic():
        pair = Pair.objects.select_for_update().select_related("applicant", "host").get(pk=pair.pk)
        if pair.status != PairStatus.OFFERED:
            raise _invalid(None, _("This place has already been answered."))
        entry = pair.applicant if side == Participant.APPLICANT else pair.host
        if participant_recipients(entry):
            raise _invalid(
                "side", _("%(id)s is linked to an account and answers for themselves.") % {"id": entry.ext_id}
            )
        if getattr(pair, f"{side}_accepted") is not None:
            raise _invalid("side", _("This side has already answered."))
        setattr(pair, f"{side}_accepted", accept)
        history_mark(pair, user=user, reason=reason)
        _pair_settle(pair, round_)
        if not accept:
            _tell_declined(pair, round_, declined=entry, by=user)
        answer = "accepted" if accept else "declined"
        _log(
            round_,
            user,
            "answered_for",
            f"{pair.applicant.ext_id} – {pair.host.ext_id}: {entry.ext_id} {answer}",
            reason,
        )
    return pair


def record_update(
    *,
    user: User,
    record: ExchangeRecord,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    activity: str = "",
    report: str = "",
) -> ExchangeRecord:
    """Dates, one more activity (kept with its year) and the completion report of an exchange
    record, by the round's organisers or either side of the pair; recorded in its history."""
    require(permissions.can_update_record(user, record))
    if starts_on and ends_on and ends_on < starts_on:
        raise _invalid("ends_on", _("The end cannot be before the start."))
    record.starts_on, record.ends_on = starts_on, ends_on
    if activity.strip():
        record.activities = [*record.activities, {"year": timezone.localdate().year, "text": activity.strip()[:1000]}]
    if report.strip():
        record.completion_report = report.strip()[:5000]
    history_mark(record, user=user)
    record.save()
    return record
