"""The answers to a round's offered places (by each side, or recorded for it by the organiser) and
the exchange records accepted pairs become."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.exchanges import permissions
from hkcq.exchanges.models import (
    ExchangeRecord,
    Pair,
    PairStatus,
    Participant,
    Round,
)
from hkcq.exchanges.services._shared import _invalid, _log, _tell
from hkcq.exchanges.services.round_entries import participant_recipients


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
