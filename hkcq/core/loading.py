"""Loading default data from ``seed/``: what every app's ``loading.py`` shares.

Keyed on stable ids: a re-load updates what changed and leaves everything else alone (no new
rows, no history entries). Each app keeps the loader of its own part; ``hkcq.defaults`` runs
them in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models

from hkcq.core.translated import EN, HANS, HANT, HUMAN, TText

SEED_DIR = Path(settings.BASE_DIR) / "seed"
REASON = "Default data"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

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
            return "Default data already up to date: nothing changed."
        parts = [f"created {n} {k}" for k, n in sorted(self.created.items())]
        parts += [f"updated {n} {k}" for k, n in sorted(self.updated.items())]
        return "Default data loaded: " + ", ".join(parts) + "."


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


def _same(current: Any, new: Any) -> bool:
    if isinstance(new, TText):
        return TText.from_json(current).normalised().to_json() == new.to_json()
    if isinstance(current, models.Model) or isinstance(new, models.Model):
        return getattr(current, "pk", None) == getattr(new, "pk", None)
    return bool(current == new)


def upsert(model: type[models.Model], report: LoadReport, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    obj = model.objects.filter(**lookup).first()  # type: ignore[attr-defined]
    created = obj is None
    if created:
        obj = model(**lookup)
    changed = created or not all(_same(getattr(obj, k), v) for k, v in values.items())
    if changed:
        for k, v in values.items():
            setattr(obj, k, v)
        obj._change_reason = REASON
        obj.save()
    report.count(model._meta.verbose_name_plural.__str__(), created, changed and not created)
    return obj


def set_m2m(obj: models.Model, name: str, targets: Iterable[models.Model]) -> None:
    manager = getattr(obj, name)
    wanted = {t.pk for t in targets}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)


def read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
