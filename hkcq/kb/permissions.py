"""Who may change the knowledge base. Every write path asks these, and only these.

- Officers of an entry's responsible unit edit it (and may submit it for review); they may
  create entries for their own units. They never publish.
- The secretariat (either side) and administrators edit any entry, publish and unpublish.
- Everyone else reads published entries in force.
"""

from __future__ import annotations

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user
from hkcq.kb.models import Entry
from hkcq.registry.permissions import can_edit_registry, user_unit_ids


def can_publish(user: Viewer) -> bool:
    return can_edit_registry(user)


def can_create_entry(user: Viewer) -> bool:
    return can_publish(user) or (is_active_user(user) and user.is_officer and bool(user_unit_ids(user)))


def can_create_entry_for_unit(user: Viewer, unit_id: int | None) -> bool:
    if can_publish(user):
        return True
    return is_active_user(user) and user.is_officer and unit_id in user_unit_ids(user)


def can_edit_entry(user: Viewer, entry: Entry) -> bool:
    return can_create_entry_for_unit(user, entry.unit_id)


def can_see_unpublished(user: Viewer, entry: Entry) -> bool:
    return can_edit_entry(user, entry)


def can_read_gaps(user: Viewer) -> bool:
    return can_publish(user)


def can_see_drafts(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_staff_member)
