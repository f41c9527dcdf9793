"""Who may change the calendars. Every write path asks these, and only these.

- A side's calendar is kept by that side's secretariat (the Hong Kong secretariat keeps the
  Hong Kong calendar, the Chongqing secretariat the Mainland one); administrators keep both.
- Everyone may read both.
"""

from __future__ import annotations

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user


def can_edit_calendar(user: Viewer, side: str) -> bool:
    if not (is_active_user(user) and user.is_secretariat):
        return False
    return bool(user.is_administrator) or user.side == side


def can_edit_any_calendar(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_secretariat)
