"""Who may change the calendars and the service levels. Every write path asks these, and only these.

- A side's calendar is kept by that side's secretariat (the Hong Kong secretariat keeps the
  Hong Kong calendar, the Chongqing secretariat the Mainland one); administrators keep both.
- Service levels (per priority) are shared: the secretariat of either side or an administrator.
- Everyone may read both.
"""

from __future__ import annotations

from typing import Any

from hkcq.core.permissions import is_active_user


def can_edit_calendar(user: Any, side: str) -> bool:
    if not (is_active_user(user) and user.is_secretariat):
        return False
    return bool(user.is_administrator) or user.side == side


def can_edit_any_calendar(user: Any) -> bool:
    return is_active_user(user) and bool(user.is_secretariat)


def can_edit_sla_policies(user: Any) -> bool:
    return is_active_user(user) and bool(user.is_secretariat)


def can_manage_supervisors(user: Any, unit_side: str) -> bool:
    """A unit's supervisors are named by the secretariat of the unit's side (or an administrator)."""
    return can_edit_calendar(user, unit_side)
