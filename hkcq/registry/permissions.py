"""Who may change what in the registry. Every write path asks these, and only these.

- Administrators and the secretariat of either side run the registry: they create and edit
  areas, measures, meetings, decisions and agreements.
- A measure's lead unit for a side is that side's to assign: only its secretariat (or an
  administrator) may change ``lead_unit_hk`` / ``lead_unit_cq``.
- Unit officers keep the delivery facts of measures their unit leads or supports (actual
  dates, milestones) and the status and follow-up of decisions their unit owns.
"""

from __future__ import annotations

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user
from hkcq.registry.models import Decision, Measure


def can_edit_registry(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_secretariat)


def can_assign_lead_unit(user: Viewer, side: str) -> bool:
    return can_edit_registry(user) and is_active_user(user) and (bool(user.is_administrator) or user.side == side)


def user_unit_ids(user: Viewer) -> set[int]:
    if not is_active_user(user):
        return set()
    cached = getattr(user, "_unit_ids", None)
    if cached is None:
        cached = set(user.units.values_list("id", flat=True))
        setattr(user, "_unit_ids", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def measure_unit_ids(measure: Measure) -> set[int]:
    ids = {measure.lead_unit_hk_id, measure.lead_unit_cq_id}
    ids |= {u.id for u in measure.supporting_units.all()}
    return {i for i in ids if i}


def can_update_measure_delivery(user: Viewer, measure: Measure) -> bool:
    if can_edit_registry(user):
        return True
    return is_active_user(user) and user.is_officer and bool(user_unit_ids(user) & measure_unit_ids(measure))


def can_follow_up_decision(user: Viewer, decision: Decision) -> bool:
    if can_edit_registry(user):
        return True
    owners = {u.id for u in decision.owner_units.all()}
    return is_active_user(user) and user.is_officer and bool(user_unit_ids(user) & owners)


def can_see_change_details(user: Viewer) -> bool:
    """Staff see who changed what (field diffs); the public sees a dated change list."""
    return is_active_user(user) and bool(user.is_staff_member)
