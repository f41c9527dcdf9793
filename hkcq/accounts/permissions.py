"""Who may do what with accounts."""

from __future__ import annotations

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user


def can_hold_api_tokens(user: Viewer) -> bool:
    """API tokens are for staff accounts (officers, secretariat, administrators)."""
    return is_active_user(user) and bool(user.is_staff_member)
