"""Keeping the routing model's unit profiles current (connected in ``KbConfig.ready``).

A unit's profile depends on its remit, its name, whether it is active and the published
entries it owns; units are written by the registry (which knows nothing of the knowledge base)
and entries by this app's services, its loader and the admin. Any such save or deletion
refreshes the affected units' profiles after the commit (``services.unit_profiles_refresh``).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_init, post_save

from hkcq.kb.models import Entry
from hkcq.kb.services import unit_profiles_refresh_on_commit
from hkcq.registry.models import Unit


def entry_loaded(sender: type[Entry], instance: Entry, **kwargs: Any) -> None:
    # The unit the entry had when read: handing an entry to another unit changes both profiles.
    instance._routing_unit_id = instance.unit_id  # type: ignore[attr-defined]


def entry_changed(sender: type[Entry], instance: Entry, **kwargs: Any) -> None:
    unit_profiles_refresh_on_commit({instance.unit_id, getattr(instance, "_routing_unit_id", None)})
    instance._routing_unit_id = instance.unit_id  # type: ignore[attr-defined]


def unit_changed(sender: type[Unit], instance: Unit, **kwargs: Any) -> None:
    unit_profiles_refresh_on_commit({instance.pk})


def connect() -> None:
    post_init.connect(entry_loaded, sender=Entry, dispatch_uid="kb_routing_entry_loaded")
    post_save.connect(entry_changed, sender=Entry, dispatch_uid="kb_routing_entry_saved")
    post_delete.connect(entry_changed, sender=Entry, dispatch_uid="kb_routing_entry_deleted")
    post_save.connect(unit_changed, sender=Unit, dispatch_uid="kb_routing_unit_saved")
