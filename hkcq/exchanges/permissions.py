"""Who may do what with events and rounds. Every write path asks these, and only these.

- Organisers of an event or a round: officers of one of its organiser units. The secretariat
  (either side) and administrators organise every event and round. Organisers set up, approve
  registrations, schedule, check in, allocate, fix and adjust pairs, and see every participant.
- A participant acts on their own registration (for an organisation profile they belong to:
  the partnering app decides membership), their own meeting requests, and in a round on the
  entry whose account they are (or whose organisation profile they belong to).
- Creating an event (page or ``POST /api/v1/events``): officers, who must name one of their own
  units among its organisers, and the secretariat. Its organisers then edit it, its sessions and
  its registration questions.
- Creating a round (page or ``POST /api/v1/rounds``): officers and the secretariat.
- The public sees events, the participants who consented to be listed, and round statistics.
- Contacts (e-mail) of a participant: only to their accepted meeting partners and organisers.
"""

from __future__ import annotations

from typing import Any

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user
from hkcq.exchanges.models import Event, ExchangeRecord, Meeting, MeetingStatus, Participant, Registration, Round
from hkcq.partnering.permissions import is_member
from hkcq.registry.permissions import user_unit_ids


def _organises(user: Viewer, unit_ids: set[int]) -> bool:
    if not is_active_user(user):
        return False
    if user.is_secretariat:
        return True
    return bool(user.is_officer) and bool(user_unit_ids(user) & unit_ids)


def can_create_event(user: Viewer) -> bool:
    """Officers (for their own units) and the secretariat set up events."""
    return is_active_user(user) and bool(user.is_staff_member)


def can_organise_event(user: Viewer, event: Event) -> bool:
    return _organises(user, {u.id for u in event.organiser_units.all()})


def can_register(user: Viewer, profile: Any) -> bool:
    return is_active_user(user) and is_member(user, profile)


def is_registrant(user: Viewer, registration: Registration) -> bool:
    return is_active_user(user) and registration.person_id == user.pk


def can_act_on_meeting(user: Viewer, meeting: Meeting, *, as_recipient: bool) -> bool:
    reg = meeting.recipient if as_recipient else meeting.requester
    return is_registrant(user, reg)


def can_see_meeting(user: Viewer, meeting: Meeting) -> bool:
    return (
        is_registrant(user, meeting.requester)
        or is_registrant(user, meeting.recipient)
        or can_organise_event(user, meeting.event)
    )


def can_see_contacts(user: Viewer, registration: Registration) -> bool:
    """An accepted meeting partner, the person themself, or an organiser."""
    if is_registrant(user, registration) or can_organise_event(user, registration.event):
        return True
    if not is_active_user(user):
        return False
    return (
        Meeting.objects.filter(
            event_id=registration.event_id,
            status=MeetingStatus.ACCEPTED,
        )
        .filter(requester__person=user, recipient=registration)
        .exists()
        or Meeting.objects.filter(
            event_id=registration.event_id,
            status=MeetingStatus.ACCEPTED,
            recipient__person=user,
            requester=registration,
        ).exists()
    )


def can_create_round(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_staff_member)


def can_organise_round(user: Viewer, round_: Round) -> bool:
    if is_active_user(user) and round_.created_by_id == user.pk and user.is_staff_member:
        return True
    return _organises(user, {u.id for u in round_.organiser_units.all()})


def can_act_for_participant(user: Viewer, participant: Participant) -> bool:
    if not is_active_user(user):
        return False
    if participant.user_id == user.pk:
        return True
    return participant.profile is not None and is_member(user, participant.profile)


def can_see_round(user: Viewer, round_: Round) -> bool:
    """Rankings and pairs: the organisers and the round's own participants."""
    if can_organise_round(user, round_):
        return True
    return is_active_user(user) and any(can_act_for_participant(user, p) for p in round_.participants.all())


def can_update_record(user: Viewer, record: ExchangeRecord) -> bool:
    """An exchange record (its dates, activities over the years, completion report): the round's
    organisers and either side of the pair."""
    pair = record.pair
    return pair is not None and (
        can_organise_round(user, pair.round)
        or can_act_for_participant(user, pair.applicant)
        or can_act_for_participant(user, pair.host)
    )
