"""Loading default data from ``seed/``: what every app's ``loading.py`` shares, and the rule
that a load never undoes anybody's work.

Each app keeps the loader of its own part; ``hkcq.defaults`` runs them in order. The rule
(docs/architecture.md, "Default data"): a loader creates a record that is missing, and
brings a field up to date only while nobody has changed it since the loader last wrote it. What the
loader last wrote is kept per record and field in :class:`hkcq.core.models.LoadedDefault`. A field a
person changed is left as they left it and reported as kept; a default record a person deleted is
not created again. ``force=True`` (``load_defaults --force``) overwrites those changes and lists
each one; ``load_defaults --dry-run`` lists what a load would do and changes nothing.

Records loaded before this bookkeeping existed have no ``LoadedDefault`` row: a field that already
equals the default is taken as loaded; one that differs is brought up to date only when the
record's latest history entry was written by the loader itself (nobody changed it since), and kept
otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models

from hkcq.core.models import LoadedDefault
from hkcq.core.translated import EN, HANS, HANT, HUMAN, TText

SEED_DIR = Path(settings.BASE_DIR) / "seed"
REASON = "Default data"


@dataclass
class LoadReport:
    """What a load did, counted per kind of record; ``kept`` and ``changes`` say it line by line."""

    force: bool = False
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    _records: dict[str, dict[str, LoadedDefault]] = field(default_factory=dict, repr=False)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        if not self.changed:
            line = "Default data already up to date: nothing changed."
        else:
            parts = [f"created {n} {k}" for k, n in sorted(self.created.items())]
            parts += [f"updated {n} {k}" for k, n in sorted(self.updated.items())]
            line = "Default data loaded: " + ", ".join(parts) + "."
        if self.kept:
            line += f"\nKept as people changed them ({len(self.kept)}; --force would overwrite):"
            line += "".join(f"\n  {k}" for k in self.kept)
        return line

    def record(self, label: str, key: str) -> LoadedDefault | None:
        if label not in self._records:
            self._records[label] = {r.key: r for r in LoadedDefault.objects.filter(model=label)}
        return self._records[label].get(key)

    def remember(self, record: LoadedDefault) -> None:
        record.save()
        self._records.setdefault(record.model, {})[record.key] = record


def as_json(value: Any) -> Any:
    """A field's value as the JSON kept in ``LoadedDefault`` and compared with it."""
    if isinstance(value, TText):
        return value.normalised().to_json()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(as_json(v) for v in value)
    return value


def _key(lookup: dict[str, Any]) -> str:
    return json.dumps({k: as_json(v) for k, v in sorted(lookup.items())}, ensure_ascii=False, sort_keys=True)


def _current(obj: models.Model, name: str, new: Any) -> Any:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return sorted(getattr(obj, name).values_list("pk", flat=True))
    if model_field.is_relation:
        return getattr(obj, model_field.attname)  # type: ignore[union-attr]  # the id, without fetching the row
    value = getattr(obj, name)
    if isinstance(new, TText):
        return TText.from_json(value).normalised().to_json()
    return as_json(value)


def _untouched_since_loader(obj: models.Model) -> bool:
    history = getattr(obj, "history", None)
    if history is None:
        return False
    latest = history.order_by("-history_date", "-history_id").first()
    return latest is not None and latest.history_change_reason == REASON


def _describe(obj: models.Model) -> str:
    name = str(obj)
    if len(name) > 70:
        name = name[:69] + "…"
    return f"{obj._meta.verbose_name} {name}"


def _sort_fields(
    obj: models.Model,
    report: LoadReport,
    record: LoadedDefault | None,
    wanted: dict[str, Any],
    values: dict[str, Any],
) -> tuple[list[str], list[str]]:
    """The fields of an existing record the loader brings up to date, and those it keeps."""
    loaded = record.values if record is not None else {}
    guess_untouched: bool | None = None
    to_write: list[str] = []
    kept: list[str] = []
    for name, new in wanted.items():
        current = _current(obj, name, values.get(name))
        if current == new:
            continue
        if name in loaded:
            untouched = current == loaded[name]
        else:
            if guess_untouched is None:
                guess_untouched = _untouched_since_loader(obj)
            untouched = guess_untouched
        if untouched or report.force:
            to_write.append(name)
            if not untouched:
                report.changes.append(f"{_describe(obj)}: {name} overwritten (a person had changed it)")
        else:
            kept.append(name)
    if kept:
        report.kept.append(f"{_describe(obj)}: {', '.join(kept)}")
    if to_write:
        report.changes.append(f"{_describe(obj)}: {', '.join(to_write)} brought up to date")
    return to_write, kept


def upsert(
    model: type[models.Model],
    report: LoadReport,
    lookup: dict[str, Any],
    values: dict[str, Any],
    m2m: dict[str, Iterable[models.Model | None]] | None = None,
) -> Any:
    """Create or bring up to date the record ``lookup`` finds, with ``values`` (and the
    many-to-many links in ``m2m``), under the rule in this module's docstring. Returns the record,
    or None when a person deleted it (callers skip what hangs off it)."""
    label = model._meta.label_lower
    kind = str(model._meta.verbose_name_plural)
    key = _key(lookup)
    record = report.record(label, key)
    links = {name: [t for t in targets if t is not None] for name, targets in (m2m or {}).items()}
    wanted = {name: as_json(v) for name, v in values.items()}
    wanted.update({name: as_json([t.pk for t in targets]) for name, targets in links.items()})

    obj = model.objects.filter(**lookup).first()  # type: ignore[attr-defined]
    if obj is None and record is not None and not report.force:
        report.kept.append(f"{model._meta.verbose_name} {key}: deleted by a person, not created again")
        return None
    created = obj is None
    kept: list[str] = []
    if created:
        obj = model(**lookup)
        to_write = list(wanted)
    else:
        to_write, kept = _sort_fields(obj, report, record, wanted, values)
    plain = [name for name in to_write if name in values]
    if created or plain:
        for name in plain:
            setattr(obj, name, values[name])
        obj._change_reason = REASON
        obj.save()
    for name in to_write:
        if name in links:
            getattr(obj, name).set([t.pk for t in links[name]])
    if created:
        report.changes.append(f"{_describe(obj)}: created")

    # What the loader wrote, and for fields it kept its hands off, what it last wrote (or, for a
    # record loaded before this bookkeeping, the default it would have written).
    previous = record.values if record is not None else {}
    remembered = {name: (previous[name] if name in kept and name in previous else new) for name, new in wanted.items()}
    if record is None:
        report.remember(LoadedDefault(model=label, key=key, values=remembered))
    elif remembered != record.values:
        record.values = remembered
        report.remember(record)
    report.count(kind, created, bool(to_write) and not created)
    return obj


def last_loaded(report: LoadReport, model: type[models.Model], lookup: dict[str, Any]) -> dict[str, Any]:
    """What the loader last wrote to the record ``lookup`` finds, field by field (as ``as_json``
    gives it), or {} when it keeps no such note (a new record, or one loaded before the notes)."""
    record = report.record(model._meta.label_lower, _key(lookup))
    return dict(record.values) if record is not None else {}


def set_m2m(obj: models.Model, name: str, targets: Iterable[models.Model]) -> None:
    """Set links the loader owns outright (not a person's records: the demo accounts)."""
    manager = getattr(obj, name)
    wanted = {t.pk for t in targets}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)


def text(value: Any) -> TText:
    """A seed text mapping ``{en, zh_hant, zh_hans, origin: {...}}`` as a TText."""
    if not value:
        return TText()
    if isinstance(value, str):
        return TText({EN: value}, {EN: HUMAN})
    origins = value.get("origin") or {}
    texts: dict[str, str] = {}
    provenance: dict[str, str] = {}
    for key, lang in (("en", EN), ("zh_hant", HANT), ("zh_hans", HANS)):
        if value.get(key):
            texts[lang] = str(value[key]).strip()
            provenance[lang] = origins.get(key, HUMAN)
    return TText(texts, provenance).normalised()


def read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
