"""Outcomes: what came of an introduction, or of something another app runs (a meeting at an event)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.partnering import notify, permissions
from hkcq.partnering.models import (
    Interest,
    Outcome,
    OutcomeKind,
    OutcomeSource,
)
from hkcq.partnering.services._shared import (
    _HTML,
)
from hkcq.registry.models import Area


# -- outcomes --------------------------------------------------------------------------------------
@transaction.atomic
def outcome_record(*, user: User, interest: Interest, kind: str, area: Area | None, note: str = "") -> Outcome:
    """Either side of an introduction records what came of it (recording again replaces it; the
    other people of both sides are told of a new or changed outcome, not of one saved unchanged)."""
    require(permissions.can_record_outcome(user, interest))
    errors: dict[str, list[str]] = {}
    if kind not in OutcomeKind.values:
        errors["kind"] = [_("Choose what came of the introduction from the list.")]
    if area is None:
        errors["area"] = [_("Choose the co-operation area the outcome belongs to.")]
    note = (note or "").strip()
    if kind == OutcomeKind.NO_DEAL and not note:
        errors["note"] = [_("Say briefly why there was no deal.")]
    elif len(note) > 2000 or _HTML.search(note):
        errors["note"] = [_("Write the note in plain text, 2,000 characters at most.")]
    if errors:
        raise InvalidInput(details=errors)
    outcome = Outcome.objects.select_for_update().filter(interest=interest).first() or Outcome(interest=interest)
    if outcome.pk is not None and (outcome.kind, outcome.area_id, outcome.note) == (
        kind,
        getattr(area, "pk", None),
        note,
    ):
        return outcome  # saved again unchanged: nothing to record, and nobody is told again
    outcome.kind, outcome.area, outcome.note, outcome.recorded_by = kind, area, note, user  # type: ignore[assignment]
    history_mark(outcome, user=user)
    outcome.save()
    owner, other = interest.opportunity.profile, interest.from_profile
    others = [u for u in notify.members_of(owner) + notify.members_of(other) if u.pk != user.pk]
    notify.tell(
        others,
        "outcome",
        {"interest": interest, "outcome": outcome},
        url=reverse("partnering:interest", args=[interest.pk]),
    )
    return outcome


@transaction.atomic
def outcome_record_external(
    *, user: User, source: str, reference: str, kind: str, area: Area, note: str = ""
) -> Outcome:
    """An outcome of something another app runs (``OutcomeSource.EVENT_MEETING``: a one-to-one
    meeting at an event, ``reference`` "meeting:<id>"), kept here so that partnerships are
    counted from one source. The calling app has checked that ``user`` may record it; recording
    again for the same reference replaces it."""
    if source == OutcomeSource.INTRODUCTION or source not in OutcomeSource.values or not reference:
        raise InvalidInput(details={"source": [_("Choose what came of the meeting from the list.")]})
    if kind not in OutcomeKind.values:
        raise InvalidInput(details={"outcome_kind": [_("Choose what came of the meeting from the list.")]})
    outcome = Outcome.objects.select_for_update().filter(source=source, reference=reference).first() or Outcome(
        source=source, reference=reference
    )
    outcome.kind, outcome.area, outcome.note, outcome.recorded_by = kind, area, (note or "")[:2000], user
    outcome._history_user = user  # type: ignore[attr-defined]
    outcome.save()
    return outcome
