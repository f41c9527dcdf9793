"""Who may do what with accounts."""

from __future__ import annotations

from typing import Any

from hkcq.core.permissions import is_active_user


def can_hold_api_tokens(user: Any) -> bool:
    """API tokens are for staff accounts (officers, secretariat, administrators)."""
    return is_active_user(user) and bool(user.is_staff_member)
