"""Who may do what with progress updates. Every write path asks these, and only these.

- Draft, edit, add evidence and submit an update for side S of a measure: a unit officer of
  side S whose unit is the measure's lead unit for S or one of its supporting units on S; or
  the secretariat of side S (it reports for its side where units have not).
- Confirm a submitted update: the secretariat of the *counterpart* side (the second key).
- Return an update with a reason: the counterpart secretariat while it is submitted; the
  author side's secretariat while it is confirmed (instead of publishing it).
- Publish a confirmed update: the secretariat of the author's side. So every published update
  has been seen by both secretariats.
- Administrators operate the platform and manage the status scale, weights and settings; as
  they belong to neither side they take no part in the two-key workflow.
- Anyone sees published updates; unpublished ones are seen by the people who may act on them
  (drafts stay with the author's side).
"""

from __future__ import annotations

from hkcq.accounts.types import Viewer
from hkcq.core.choices import Role, Side
from hkcq.core.permissions import is_active_user
from hkcq.progress.models import ProgressUpdate
from hkcq.registry.models import Measure
from hkcq.registry.permissions import user_unit_ids

SIDES = (Side.HONG_KONG, Side.CHONGQING)
State = ProgressUpdate.State


def user_side(user: Viewer) -> str | None:
    return user.side if is_active_user(user) and user.side in SIDES else None


def is_secretariat_of(user: Viewer, side: str) -> bool:
    return is_active_user(user) and user.role == Role.SECRETARIAT and user.side == side


def responsible_unit_ids(measure: Measure, side: str) -> set[int]:
    """The units of ``side`` that answer for a measure: its lead unit for that side and its
    supporting units on that side."""
    lead = measure.lead_unit_hk if side == Side.HONG_KONG else measure.lead_unit_cq
    ids = {lead.id} if lead is not None else set()
    ids |= {u.id for u in measure.supporting_units.all() if u.side == side}
    return ids


def can_draft(user: Viewer, measure: Measure, side: str) -> bool:
    if user_side(user) != side:
        return False
    if is_secretariat_of(user, side):
        return True
    return is_active_user(user) and bool(user.is_officer and user_unit_ids(user) & responsible_unit_ids(measure, side))


def can_edit(user: Viewer, update: ProgressUpdate) -> bool:
    return update.state in ProgressUpdate.EDITABLE_STATES and can_draft(user, update.measure, update.side)


def can_submit(user: Viewer, update: ProgressUpdate) -> bool:
    return can_edit(user, update)


def can_confirm(user: Viewer, update: ProgressUpdate) -> bool:
    return update.state == State.SUBMITTED and is_secretariat_of(user, update.counterpart_side)


def can_return(user: Viewer, update: ProgressUpdate) -> bool:
    if update.state == State.SUBMITTED:
        return is_secretariat_of(user, update.counterpart_side)
    if update.state == State.CONFIRMED:
        return is_secretariat_of(user, update.side)
    return False


def can_publish(user: Viewer, update: ProgressUpdate) -> bool:
    return update.state == State.CONFIRMED and is_secretariat_of(user, update.side)


def can_view(user: Viewer, update: ProgressUpdate) -> bool:
    if update.state == State.PUBLISHED:
        return True
    if is_secretariat_of(user, update.side) or can_draft(user, update.measure, update.side):
        return True
    return update.state != State.DRAFT and is_secretariat_of(user, update.counterpart_side)


def can_see_internal(user: Viewer) -> bool:
    """The internal narrative, the history of transitions and private evidence: officials only."""
    return is_active_user(user) and bool(user.is_staff_member)


def can_manage_scale(user: Viewer) -> bool:
    """Status scale, roll-up weights and settings: the secretariat (either side) and administrators."""
    return is_active_user(user) and bool(user.is_secretariat)


def allowed_actions(user: Viewer, update: ProgressUpdate) -> dict[str, bool]:
    return {
        "edit": can_edit(user, update),
        "submit": can_submit(user, update),
        "confirm": can_confirm(user, update),
        "return": can_return(user, update),
        "publish": can_publish(user, update),
    }
