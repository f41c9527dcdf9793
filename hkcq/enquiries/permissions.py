"""Who may do what with an enquiry case. Every page, API endpoint and service asks these.

- The resident reaches a case with its secret tracking token, or signed in as the account that
  filed it. They read the conversation (never internal notes), reply, and rate once closed.
- Officers of the unit a case is assigned to (or, before any unit is assigned, nobody but the
  secretariat) work the case: accept, reply, note, ask the resident, transfer, change the
  priority, close.
- The secretariat (either side) and administrators see every case, add internal notes, route
  cases (transfer) and change their priority; answering is the unit's job.
- Canned replies are kept by the secretariat; officers read them and insert them into replies.
- Nobody changes the priority of a closed case. Residents never choose or see the priority
  (docs/service-levels.md says why).
- Personal data in the text is shown unmasked only to the officer the case is assigned to (and
  to the account that filed it, where a page shows it to them); everyone else sees it masked.
  The tracking link's views (page and API) mask it too: whoever has the link sees them, and
  links get forwarded.
"""

from __future__ import annotations

import secrets

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user
from hkcq.enquiries.models import Enquiry
from hkcq.registry.permissions import user_unit_ids

# Every case action, for the authorisation matrix and the templates.
STAFF_ACTIONS = ("view", "accept", "reply", "note", "wait", "transfer", "priority", "close")
RESIDENT_ACTIONS = ("track", "resident_reply", "rate")


def is_case_officer(user: Viewer, enquiry: Enquiry) -> bool:
    return (
        is_active_user(user)
        and user.is_officer
        and enquiry.assigned_unit_id is not None
        and enquiry.assigned_unit_id in user_unit_ids(user)
    )


def is_secretariat(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_secretariat)


def is_owner(user: Viewer, enquiry: Enquiry) -> bool:
    return is_active_user(user) and enquiry.resident_id is not None and enquiry.resident_id == user.pk


def can_view_case(user: Viewer, enquiry: Enquiry) -> bool:
    """The staff case page (with internal notes)."""
    return is_case_officer(user, enquiry) or is_secretariat(user)


def can_use_queue(user: Viewer) -> bool:
    return is_active_user(user) and (bool(user.is_officer) or bool(user.is_secretariat))


def can_staff_act(user: Viewer, enquiry: Enquiry, action: str) -> bool:
    """Whether ``user`` may perform staff ``action`` on ``enquiry`` in its current state."""
    officer = is_case_officer(user, enquiry)
    secretariat = is_secretariat(user)
    status = enquiry.status
    if action == "view":
        return officer or secretariat
    if action == "note":
        return officer or secretariat
    if action in ("transfer", "priority"):
        return (officer or secretariat) and enquiry.is_open
    if action == "accept":
        return officer and status == Enquiry.Status.NEW
    if action in ("reply", "wait"):
        return officer and status in (Enquiry.Status.ACCEPTED, Enquiry.Status.WAITING, Enquiry.Status.ANSWERED)
    if action == "close":
        return officer and enquiry.is_open and status != Enquiry.Status.NEW
    raise ValueError(action)


def can_track(user: Viewer, enquiry: Enquiry, token: str | None) -> bool:
    """The resident's view: by the secret token, or as the account that filed the case."""
    return (bool(token) and secrets.compare_digest(str(token), enquiry.token)) or is_owner(user, enquiry)


def can_resident_act(user: Viewer, enquiry: Enquiry, token: str | None, action: str) -> bool:
    if not can_track(user, enquiry, token):
        return False
    if action == "track":
        return True
    if action == "resident_reply":
        return enquiry.is_open
    if action == "rate":
        return enquiry.status == Enquiry.Status.CLOSED and not enquiry.is_rated
    raise ValueError(action)


def can_see_personal_data(user: Viewer, enquiry: Enquiry, token: str | None = None) -> bool:
    if can_track(user, enquiry, token):
        return True
    return (
        is_active_user(user)
        and enquiry.assigned_officer_id is not None
        and enquiry.assigned_officer_id == user.pk
        and is_case_officer(user, enquiry)
    )


def can_read_canned_replies(user: Viewer) -> bool:
    """Officers read the canned replies (and insert them into replies); the secretariat keeps them."""
    return can_use_queue(user)


def can_edit_canned_replies(user: Viewer) -> bool:
    return is_secretariat(user)


def can_view_full_statistics(user: Viewer) -> bool:
    """Figures per unit are for the secretariat; everyone sees the public summary."""
    return is_active_user(user) and bool(user.is_secretariat)


# -- service levels and unit supervisors ---------------------------------------------------------
def can_edit_sla_policies(user: Viewer) -> bool:
    """Service levels (per priority) are shared: the secretariat of either side or an administrator."""
    return is_active_user(user) and bool(user.is_secretariat)


def can_manage_supervisors(user: Viewer, unit_side: str) -> bool:
    """A unit's supervisors are named by the secretariat of the unit's side (or an administrator)."""
    if not (is_active_user(user) and user.is_secretariat):
        return False
    return bool(user.is_administrator) or user.side == unit_side
