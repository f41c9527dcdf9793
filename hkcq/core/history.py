"""Reading django-simple-history records as change lists and field diffs."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from hkcq.core import dates
from hkcq.core.templatetags.hkcq import punct
from hkcq.core.translated import LANGS, LANGUAGE_LABELS, TText

HIDDEN_FIELDS = {"search_text", "updated_at", "created_at"}
KIND_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}

# Reasons the platform writes itself (core.loading.REASON and those built on it), stored in English
# and shown in the reader's language: "已建立 — Default data" was on every Chinese history page
# (found by the new-user trial).
SYSTEM_REASONS = {
    "Default data": _("Default data"),
    "Default data: demonstration dated from the day of the load": _(
        "Default data: the demonstration event dated from the day of the load"
    ),
}


def reason_shown(reason: str) -> str:
    """A change's reason as the reader reads it: the platform's own reasons translated, a person's
    reason as they wrote it."""
    known = SYSTEM_REASONS.get(reason)
    return str(known) if known is not None else reason


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str

    @property
    def marked(self) -> tuple[SafeString, SafeString]:
        """(before, after) with the removed words in ``<del>`` and the added ones in ``<ins>``."""
        return word_diff(self.old, self.new)

    @property
    def old_html(self) -> SafeString:
        return self.marked[0]

    @property
    def new_html(self) -> SafeString:
        return self.marked[1]


# A word of Latin script (with its digits), one Chinese character, a run of spaces, or one mark:
# Chinese is compared character by character, other text word by word.
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+|\s+|[^\w\s]", re.UNICODE)


LIST_SEPARATOR = "; "


def _items(text: str) -> list[str]:
    return [part for part in re.split(f"({re.escape(LIST_SEPARATOR)})", text) if part]


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Before and after of a changed text, escaped, with only what changed marked: removed words in
    ``<del>`` (before), added words in ``<ins>`` (after), never the whole paragraph struck out."""
    if LIST_SEPARATOR in (old or "") or LIST_SEPARATOR in (new or ""):
        # A list of names (linked records): compared name by name.
        a, b = _items(old or ""), _items(new or "")
    else:
        a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    before: list[str] = []
    after: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            before.append(old_part)
            after.append(new_part)
            continue
        if old_part:
            before.append(f"<del>{old_part}</del>")
        if new_part:
            after.append(f"<ins>{new_part}</ins>")
    return mark_safe("".join(before)), mark_safe("".join(after))  # noqa: S308 - every part escaped above


@dataclass
class HistoryEntry:
    when: datetime
    kind: str
    kind_label: str
    user: AbstractBaseUser | None
    reason: str
    changes: list[FieldChange]

    @property
    def changed_labels(self) -> list[str]:
        return [c.label for c in self.changes]

    @property
    def attribution(self) -> str:
        """Who made the change and why, as it follows the rest of its line in the reader's
        language: " (by Chan Tai Man) — reason", "（由陳大文）——reason". Joined here, by the
        punctuation of the language, not by a template's line breaks, which put a space before
        the full-width bracket (found by the new-user trial)."""
        parts = []
        if self.user is not None:
            name = getattr(self.user, "display_name", "") or str(self.user)
            parts.append(f"{punct('(')}{_('by %(name)s') % {'name': name}}{punct(')')}")
        if self.reason:
            parts.append(f"{punct('dash')}{self.reason}")
        return "".join(parts)


# Records written by one user within this many seconds are one change: a save and the
# many-to-many updates that follow it each write a historical record of their own.
GROUP_SECONDS = 5


def _shown(field: Any, value: Any) -> str:
    """One stored value as the reader reads it, in the reader's language: a choice by its label
    ("Booking meetings", not "booking"), a yes/no as words, a linked record by its name, a date in
    the platform's format; what is stored only where nothing better is known."""
    if field is not None and field.choices:
        label = dict(field.flatchoices).get(value)
        if label is not None:
            return str(label)
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if field is not None and (field.many_to_one or field.one_to_one) and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, (dt.datetime, dt.date)):
        return dates.show_datetime(value) if isinstance(value, dt.datetime) else dates.show_date(value)
    if isinstance(value, dt.time):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(value, (list, tuple)):
        return punct("enum").join(_shown(None, item) for item in value)
    return str(value)


def _render(value: Any, field: Any = None) -> list[tuple[str, str]]:
    """A value as (sub-label, text) pairs: one per language for translated text."""
    if isinstance(value, (TText, dict)):
        t = TText.from_json(value)
        return [(str(LANGUAGE_LABELS[lang]), t.get(lang)) for lang in LANGS]
    if value is None or value == "":
        return [("", "—")]
    return [("", _shown(field, value))]


def _render_many(field: Any, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Rows of a many-to-many history table as the related records' names, sorted."""
    target = field.m2m_reverse_field_name()
    pks = [row[target] for row in rows]
    if not pks:
        return [("", "—")]
    names = {obj.pk: str(obj) for obj in field.related_model._default_manager.filter(pk__in=pks)}
    return [("", "; ".join(sorted(names.get(pk, f"#{pk}") for pk in pks)))]


def _same_change(newer: Any, older: Any) -> bool:
    return (
        newer.history_user_id == older.history_user_id
        and newer.history_type == "~"
        and older.history_type in {"+", "~"}
        and (newer.history_date - older.history_date).total_seconds() <= GROUP_SECONDS
    )


def _changes(model: type[models.Model], record: Any, previous: Any) -> list[FieldChange]:
    changes: list[FieldChange] = []
    delta = record.diff_against(previous, excluded_fields=list(HIDDEN_FIELDS))
    for change in delta.changes:
        try:
            field: Any = model._meta.get_field(change.field)
            label = str(field.verbose_name)
        except Exception:  # noqa: BLE001 - a field removed since the record was written
            field, label = None, change.field
        if field is not None and field.many_to_many:
            old_parts, new_parts = _render_many(field, change.old), _render_many(field, change.new)
        else:
            old_parts, new_parts = _render(change.old, field), _render(change.new, field)
        for (sub, old), (_sub, new) in zip(old_parts, new_parts, strict=True):
            if old != new:
                changes.append(
                    FieldChange(change.field, f"{label}{punct('(')}{sub}{punct(')')}" if sub else label, old, new)
                )
    return changes


def _records_wanted(limit: int) -> int:
    """How many of an object's newest records are read to show ``limit`` entries (a change may
    write several records, and a change that altered nothing shown is skipped)."""
    return 4 * limit + 1


def history_entries(obj: models.Model, limit: int = 50) -> list[HistoryEntry]:
    """Newest first. Each entry lists the fields that changed against the previous entry,
    many-to-many links (supporting units, parties, owner units …) included."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: _records_wanted(limit)]
    )
    return _entries(obj.__class__, records, limit)


def history_entries_of(objs: Sequence[models.Model], limit: int = 50) -> dict[Any, list[HistoryEntry]]:
    """``history_entries(obj, limit)`` of each of ``objs`` (rows of one model), by primary key, read
    in one query whatever their number: a window function numbers each object's records newest
    first and only the newest ones ``history_entries`` would read are kept."""
    if not objs:
        return {}
    model = type(objs[0])
    pk = model._meta.pk.attname
    manager: Any = model.history  # type: ignore[attr-defined]
    newest_first = [F("history_date").desc(), F("history_id").desc()]
    records = (
        manager.filter(**{f"{pk}__in": [obj.pk for obj in objs]})
        .annotate(place=Window(RowNumber(), partition_by=[F(pk)], order_by=newest_first))
        .filter(place__lte=_records_wanted(limit))
        .select_related("history_user")
        .order_by(pk, *newest_first)
    )
    by_object: dict[Any, list[Any]] = {obj.pk: [] for obj in objs}
    for record in records:
        by_object[getattr(record, pk)].append(record)
    return {key: _entries(model, found, limit) for key, found in by_object.items()}


def _entries(model: type[models.Model], records: list[Any], limit: int) -> list[HistoryEntry]:
    """One object's history records, newest first, as the entries a reader sees."""
    # Group consecutive records of one change; each group is (newest, oldest) of its records.
    groups: list[list[Any]] = []
    for record in records:
        if groups and _same_change(groups[-1][-1], record):
            groups[-1].append(record)
        else:
            groups.append([record])
    entries: list[HistoryEntry] = []
    for index, group in enumerate(groups):
        newest, oldest = group[0], group[-1]
        previous = groups[index + 1][0] if index + 1 < len(groups) else None
        changes: list[FieldChange] = []
        if oldest.history_type == "~":
            if previous is None:
                continue
            changes = _changes(model, newest, previous)
            if not changes:
                continue
        entries.append(
            HistoryEntry(
                when=newest.history_date,
                kind=oldest.history_type,
                kind_label=str(KIND_LABELS.get(oldest.history_type, "")),
                user=newest.history_user,
                reason=reason_shown(
                    next((r.history_change_reason for r in group if r.history_change_reason), "") or ""
                ),
                changes=changes,
            )
        )
        if len(entries) >= limit:
            break
    return entries
