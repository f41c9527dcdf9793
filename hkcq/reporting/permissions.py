"""Who may do what in reporting. Every write path and every staff page asks these, and only these.

- Importing spreadsheets, closing reporting cycles and generating plenary reports are for the
  secretariat of either side (and administrators).
- A plenary report compares two frozen snapshots of public data (published progress and the
  registry), so once a cycle is closed its report page and generated files are public, like the
  minutes of the plenary it was tabled at. The raw snapshot (which also holds internal
  narratives) is for the secretariat only.
- Open data is public.
"""

from __future__ import annotations

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user


def is_secretariat(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_secretariat)


def can_import(user: Viewer) -> bool:
    return is_secretariat(user)


def can_close_cycle(user: Viewer) -> bool:
    return is_secretariat(user)


def can_generate_report(user: Viewer) -> bool:
    return is_secretariat(user)


def can_see_job(user: Viewer) -> bool:
    return is_secretariat(user)


def can_read_snapshot_data(user: Viewer) -> bool:
    return is_secretariat(user)
