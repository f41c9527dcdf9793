"""Reads for events and rounds, with their joins applied, and the ``*_get_for_user`` helpers
every view and endpoint fetches a row through (a row the user may not see is NotFound: 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from hkcq.accounts.models import User
from hkcq.accounts.types import Viewer
from hkcq.core.errors import NotFound
from hkcq.exchanges import permissions
from hkcq.exchanges.models import (
    Event,
    ExchangeRecord,
    Feedback,
    Meeting,
    MeetingStatus,
    Pair,
    Participant,
    Registration,
    RegistrationStatus,
    Round,
    RoundStatus,
)
from hkcq.exchanges.services import slot_start
from hkcq.partnering.models import Membership, OutcomeSource
from hkcq.partnering.permissions import member_profile_ids
from hkcq.partnering.selectors import partnership_counts_by_area
from hkcq.registry.permissions import user_unit_ids


def events() -> QuerySet[Event]:
    return Event.objects.prefetch_related("organiser_units", "areas").order_by("recurring", "-starts_on", "id")


def event_get(pk: int | str) -> Event:
    try:
        return events().get(pk=int(pk))
    except (Event.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def public_participants(event: Event) -> QuerySet[Registration]:
    """Only those who consented to the public list."""
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED, consent_public=True).select_related(
        "profile"
    )


def registrations(event: Event) -> QuerySet[Registration]:
    return (
        event.registrations.select_related("profile", "person")
        .prefetch_related("sessions")
        .order_by("status", "created_at", "id")
    )


def registration_for(user: Viewer, event: Event) -> Registration | None:
    if not (isinstance(user, User) and user.is_authenticated):
        return None
    return (
        event.registrations.select_related("profile")
        .prefetch_related("sessions")
        .exclude(status=RegistrationStatus.CANCELLED)
        .filter(person=user)
        .first()
    )


def registration_get_for_user(*, user: Viewer, pk: int | str) -> Registration:
    try:
        reg = Registration.objects.select_related("event", "profile", "person").get(pk=int(pk))
    except (Registration.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not (permissions.is_registrant(user, reg) or permissions.can_organise_event(user, reg.event)):
        raise NotFound()
    return reg


def meetings(event: Event) -> QuerySet[Meeting]:
    return event.meetings.select_related(
        "requester__profile", "recipient__profile", "requester__person", "recipient__person", "interpreter"
    ).order_by("slot", "table", "id")


def meetings_of(registration: Registration) -> QuerySet[Meeting]:
    return meetings(registration.event).filter(Q(requester=registration) | Q(recipient=registration))


def meeting_get_for_user(*, user: Viewer, pk: int | str) -> Meeting:
    try:
        meeting = Meeting.objects.select_related(
            "event", "requester__person", "recipient__person", "requester__profile", "recipient__profile"
        ).get(pk=int(pk))
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not permissions.can_see_meeting(user, meeting):
        raise NotFound()
    return meeting


def meetings_visible(user: Viewer, event: Event) -> QuerySet[Meeting]:
    """Organisers: every meeting. A participant: their own. Others: none."""
    if permissions.can_organise_event(user, event):
        return meetings(event)
    reg = registration_for(user, event)
    if reg is None:
        return Meeting.objects.none()
    return meetings_of(reg)


def scheduled(event: Event) -> QuerySet[Meeting]:
    return meetings(event).filter(status=MeetingStatus.ACCEPTED, slot__isnull=False)


@dataclass
class GridRow:
    slot: int
    start: Any
    cells: list[Meeting | None]


def grid(event: Event) -> list[GridRow]:
    by_key = {(m.slot, m.table): m for m in scheduled(event)}
    return [
        GridRow(slot=s, start=slot_start(event, s), cells=[by_key.get((s, t)) for t in range(event.tables)])
        for s in range(event.slot_count)
        if any((s, t) in by_key for t in range(event.tables))
    ]


def feedback_outcomes(event: Event) -> QuerySet[Feedback]:
    return Feedback.objects.filter(meeting__event=event).select_related("registration__profile", "meeting")


# -- rounds ---------------------------------------------------------------------------------------
def rounds_for(user: Viewer) -> QuerySet[Round]:
    qs = Round.objects.prefetch_related("organiser_units", "participants").select_related("area")
    if not (isinstance(user, User) and user.is_authenticated):
        return qs.none()
    if user.is_secretariat:
        return qs
    return qs.filter(
        Q(created_by=user)
        | Q(organiser_units__in=user_unit_ids(user))
        | Q(participants__user=user)
        | Q(participants__profile__in=member_profile_ids(user))
    ).distinct()


def round_get_for_user(*, user: Viewer, pk: int | str) -> Round:
    try:
        round_ = Round.objects.select_related("area").get(pk=int(pk))
    except (Round.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not permissions.can_see_round(user, round_):
        raise NotFound()
    return round_


def participant_get_for_user(
    *, user: Viewer, round_: Round, pk: int | str | None = None, role: str = "", ext_id: str = ""
) -> Participant:
    """One of the round's entries, by its primary key (the pages' links) or by its side and its
    id in the round (``role``, ``ext_id``: the API's paths, the organisers' forms). NotFound (404)
    when the round has no such entry or the user may neither act for it nor organise the round."""
    try:
        p = round_.participants.get(pk=int(pk)) if pk is not None else round_.participants.get(role=role, ext_id=ext_id)
    except (Participant.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not (permissions.can_act_for_participant(user, p) or permissions.can_organise_round(user, round_)):
        raise NotFound()
    return p


def pair_get_for_user(*, user: Viewer, pk: int | str) -> Pair:
    try:
        pair = Pair.objects.select_related("round", "applicant", "host").get(pk=int(pk))
    except (Pair.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not permissions.can_see_round(user, pair.round):
        raise NotFound()
    return pair


def pairs(round_: Round) -> QuerySet[Pair]:
    return round_.pairs.select_related("applicant", "host").order_by("applicant__ext_id", "id")


def reachable_entries(round_: Round) -> set[int]:
    """The round's entries someone can be told about (the same people as
    ``services.participant_recipients``: an active linked account, or a linked organisation
    profile with an active current member). The others are answered for by the organiser."""
    parts = list(round_.participants.select_related("user"))
    with_members = set(
        Membership.objects.filter(
            left_at__isnull=True, user__is_active=True, profile_id__in={p.profile_id for p in parts if p.profile_id}
        ).values_list("profile_id", flat=True)
    )
    return {p.pk for p in parts if (p.user is not None and p.user.is_active) or (p.profile_id in with_members)}


def own_entries(user: Viewer, round_: Round) -> list[Participant]:
    return [p for p in round_.participants.select_related("profile") if permissions.can_act_for_participant(user, p)]


def rankable_entries(round_: Round, entry: Participant) -> list[Participant]:
    """The other side's entries, which ``entry`` ranks by their ids: listed beside its ranking box
    while ranking is open (a participant does not see the organiser's list of participants)."""
    if round_.status != RoundStatus.RANKING:
        return []
    other = Participant.HOST if entry.role == Participant.APPLICANT else Participant.APPLICANT
    return list(round_.participants.filter(role=other).order_by("ext_id"))


def record_counts_by_area() -> dict[int, int]:
    """``{area primary key: exchange records}`` (sister-school pairs, internships, exchanges)."""
    rows = ExchangeRecord.objects.filter(area__isnull=False).values("area").annotate(n=Count("id")).order_by()
    return {row["area"]: row["n"] for row in rows}


def exchange_counts_by_area() -> dict[int | None, dict[str, int]]:
    """area id -> {"events": n, "meetings": n (accepted), "records": n (exchange records),
    "outcomes": n (partnerships formed at events' meetings)}: the figures the events page shows
    under each co-operation area. The outcomes are partnering's ``Outcome`` rows of meetings
    (one source with the partnerships counted on the dashboard and in the plenary report)."""
    empty = {"events": 0, "meetings": 0, "records": 0, "outcomes": 0}
    out: dict[int | None, dict[str, int]] = {}
    for row in Event.objects.filter(recurring=False).values("areas").annotate(n=Count("id", distinct=True)):
        out.setdefault(row["areas"], dict(empty))["events"] = row["n"]
    for row in (
        Meeting.objects.filter(status=MeetingStatus.ACCEPTED)
        .values("event__areas")
        .annotate(n=Count("id", distinct=True))
    ):
        out.setdefault(row["event__areas"], dict(empty))["meetings"] = row["n"]
    for area_id, n in record_counts_by_area().items():
        out.setdefault(area_id, dict(empty))["records"] = n
    for area_id, n in partnership_counts_by_area(OutcomeSource.EVENT_MEETING).items():
        out.setdefault(area_id, dict(empty))["outcomes"] = n
    return out


def records_for(user: Viewer) -> QuerySet[ExchangeRecord]:
    """The exchange records a user may read and update (``permissions.can_update_record`` as a
    query): the secretariat every one; an officer those of rounds they created or their units
    organise; either side of a pair its own."""
    qs = ExchangeRecord.objects.filter(pair__isnull=False).select_related(
        "pair__round", "pair__applicant", "pair__host", "area"
    )
    if not (isinstance(user, User) and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_secretariat:
        return qs
    profiles = member_profile_ids(user)
    allowed = (
        Q(pair__applicant__user=user)
        | Q(pair__host__user=user)
        | Q(pair__applicant__profile__in=profiles)
        | Q(pair__host__profile__in=profiles)
    )
    if user.is_staff_member:
        allowed |= Q(pair__round__created_by=user)
    if user.is_officer:
        allowed |= Q(pair__round__organiser_units__in=user_unit_ids(user))
    return qs.filter(allowed).distinct()


def record_get_for_user(*, user: Viewer, pk: int | str) -> ExchangeRecord:
    try:
        record = ExchangeRecord.objects.select_related("pair__round", "pair__applicant", "pair__host", "area").get(
            pk=int(pk)
        )
    except (ExchangeRecord.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not permissions.can_update_record(user, record):
        raise NotFound()
    return record
