"""Who may do what with suggestions. Every write path asks these, and only these.

- Anyone (with or without an account) may submit a suggestion and support a published one.
- The secretariat of either side (and administrators) moderate: approve, reject, redact,
  merge, set the area and responsible unit, and answer.
- Unit officers answer (status and response) suggestions assigned to one of their units.
- Staff (officers, secretariat, administrators) read the digest for communication meetings.
"""

from __future__ import annotations

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user
from hkcq.registry.permissions import user_unit_ids
from hkcq.suggestions.models import Suggestion


def can_moderate(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_secretariat)


def can_respond(user: Viewer, suggestion: Suggestion) -> bool:
    if can_moderate(user):
        return True
    return (
        is_active_user(user)
        and bool(user.is_officer)
        and suggestion.unit_id is not None
        and suggestion.unit_id in user_unit_ids(user)
    )


def can_read_digest(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_staff_member)


def can_see_staff_view(user: Viewer, suggestion: Suggestion) -> bool:
    return can_respond(user, suggestion)
