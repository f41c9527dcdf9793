"""Who may do what with notifications and the outbox."""

from __future__ import annotations

from hkcq.accounts.types import Viewer


def can_manage_outgoing_email(user: Viewer) -> bool:
    """The secretariat (of either side) and administrators see the outbox and send failed
    e-mails again: the e-mails go to residents and staff of both sides."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_secretariat)
