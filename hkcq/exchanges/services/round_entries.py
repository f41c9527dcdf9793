"""Who stands behind a round's entry: an organisation profile and/or an account, told its result
and answering for it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.exchanges import permissions
from hkcq.exchanges.models import (
    Pair,
    PairStatus,
    Participant,
    Round,
)
from hkcq.exchanges.services._shared import _invalid, _link_resolve, _log, _tell
from hkcq.partnering.models import Membership


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
