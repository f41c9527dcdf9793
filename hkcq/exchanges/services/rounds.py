"""A round after its creation: its settings, rankings, places and fixed pairs, and the allocation
runs that offer places and tell the people concerned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import fields_apply, record_save
from hkcq.core.templatetags.hkcq import listing
from hkcq.exchanges import allocation, permissions
from hkcq.exchanges.models import (
    ExchangeRecord,
    Pair,
    PairStatus,
    Participant,
    Round,
    RoundStatus,
)
from hkcq.exchanges.services._shared import _area_required, _invalid, _log, _tell
from hkcq.exchanges.services.round_entries import participant_recipients

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
