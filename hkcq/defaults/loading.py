"""The registry's, the knowledge base's and the enquiry service's default data from ``seed/``,
in one transaction.

Idempotent and never undoing a person's work: keyed on stable ids, a re-load brings up to date
only the fields nobody changed since the last load (``hkcq.core.loading``). The calendars' and
the service levels' defaults are loaded by the ``load_defaults`` command after this
(``service_levels_load``).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from hkcq.calendars.loading import calendars_load
from hkcq.core.loading import SEED_DIR, LoadReport
from hkcq.enquiries.loading import canned_replies_load, sla_policies_load
from hkcq.exchanges.loading import exchanges_defaults_load
from hkcq.kb.loading import kb_entries_load
from hkcq.partnering.loading import partnering_defaults_load
from hkcq.registry.loading import registry_defaults_load


@transaction.atomic
def defaults_load(seed_dir: Path = SEED_DIR, *, force: bool = False) -> LoadReport:
    report = LoadReport(force=force)
    registry_defaults_load(report, seed_dir)
    kb_entries_load(report, seed_dir / "kb_entries.yaml")  # the knowledge base builds on units and areas
    canned_replies_load(report, seed_dir / "canned_replies.yaml")
    partnering_defaults_load(report, seed_dir / "partnering.yaml")  # sectors, and desks on registry units
    # programmes, and the demonstration event (on partnering profiles)
    exchanges_defaults_load(report, seed_dir / "exchanges.yaml")
    return report


def service_levels_load() -> str:
    """The calendars (2025–2027) and the enquiries' default service levels; a one-line summary."""
    report = calendars_load()
    created = sla_policies_load()
    return report.summary() + f" Service levels: created {created}."
