"""The partnering service's default data from ``seed/partnering.yaml``: the sector taxonomy and the
facilitator desks of both sides. Keyed on stable codes; a re-load changes nothing up to date.
Called by ``hkcq.defaults`` after the registry (the desks are registry units)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from hkcq.core.loading import LoadReport, read_yaml, text, upsert
from hkcq.partnering.models import FacilitatorDesk, Sector
from hkcq.registry.models import Unit

SEED_FILE = Path(settings.BASE_DIR) / "seed" / "partnering.yaml"


def _load_sectors(report: LoadReport, rows: list[dict[str, Any]], parent: Sector | None, start: int) -> int:
    position = start
    for row in rows:
        position += 1
        sector = upsert(
            Sector, report, {"code": row["code"]}, {"name": text(row["name"]), "parent": parent, "position": position}
        )
        position = _load_sectors(report, row.get("children") or [], sector, position)
    return position


@transaction.atomic
def partnering_defaults_load(report: LoadReport, path: Path = SEED_FILE) -> None:
    data = read_yaml(path)
    _load_sectors(report, data.get("sectors") or [], None, 0)
    for row in data.get("facilitator_desks") or []:
        unit = Unit.objects.filter(ext_id=row["unit"]).first()
        if unit is None:
            continue
        upsert(FacilitatorDesk, report, {"unit": unit}, {"side": unit.side, "kind": row["kind"]})
