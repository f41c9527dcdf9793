"""Registering for an event: registration, its cancellation and decision, the waiting list,
availability, check-in and the event's phase."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.dates import show_date
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.exchanges import permissions
from hkcq.exchanges.models import (
    Event,
    EventPhase,
    Meeting,
    MeetingStatus,
    QuestionKind,
    Registration,
    RegistrationStatus,
    Session,
)
from hkcq.exchanges.services._shared import LANGUAGE_CODES, _holding_places, _invalid, _my_url, _promote_next, _tell


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
