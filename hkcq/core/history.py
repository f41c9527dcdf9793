"""Reading django-simple-history records as change lists and field diffs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hkcq.core.translated import LANGS, LANGUAGE_LABELS, TText

HIDDEN_FIELDS = {"search_text", "updated_at", "created_at"}
KIND_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    kind: str
    kind_label: str
    user: Any
    reason: str
    changes: list[FieldChange]

    @property
    def changed_labels(self) -> list[str]:
        return [c.label for c in self.changes]


def _render(value: Any) -> list[tuple[str, str]]:
    """A value as (sub-label, text) pairs: one per language for translated text."""
    if isinstance(value, (TText, dict)):
        t = TText.from_json(value)
        return [(str(LANGUAGE_LABELS[lang]), t.get(lang)) for lang in LANGS]
    if value is None or value == "":
        return [("", "—")]
    return [("", str(value))]


def history_entries(obj: models.Model, limit: int = 50) -> list[HistoryEntry]:
    """Newest first. Each entry lists the fields that changed against the previous record."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries: list[HistoryEntry] = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=list(HIDDEN_FIELDS))
            model = obj.__class__
            for change in delta.changes:
                try:
                    label = str(model._meta.get_field(change.field).verbose_name)  # type: ignore[union-attr]
                except Exception:  # noqa: BLE001 - a field removed since the record was written
                    label = change.field
                old_parts, new_parts = _render(change.old), _render(change.new)
                for (sub, old), (_sub, new) in zip(old_parts, new_parts, strict=True):
                    if old != new:
                        changes.append(FieldChange(change.field, f"{label} ({sub})" if sub else label, old, new))
            if not changes:
                continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                kind=record.history_type,
                kind_label=str(KIND_LABELS.get(record.history_type, "")),
                user=record.history_user,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
