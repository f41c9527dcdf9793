"""Loading the sample knowledge base from ``seed/kb_entries.yaml`` (a copy of the shared
sample content). Keyed on the entries' stable ids: a re-load changes nothing that is already
up to date. Entries from the data file are loaded as published, with their review note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from hkcq.core.text import has_cjk
from hkcq.core.translated import EN, HANT, HUMAN, TText
from hkcq.registry.loading import LoadReport, read_yaml, text, upsert
from hkcq.registry.models import Area, Unit

SEED_FILE = Path(settings.BASE_DIR) / "seed" / "kb_entries.yaml"

# The data file's co-operation areas → the registry's area ids.
AREA_IDS = {
    "belt_and_road_trade": "belt-and-road-economic-trade",
    "culture_tourism": "culture-tourism",
    "education": "education",
    "facilitation": "facilitation-hk-people",
    "finance": "finance",
    "health": "health-chinese-medicine",
    "legal": "legal-dispute-resolution",
    "talent": "talent-exchange",
    "youth": "youth-development",
    "innovation_technology": "innovation-technology",
    "logistics": "logistics",
}


def question_forms_text(forms: list[str]) -> TText:
    """Question forms as one line each: Latin-only ones under English, the rest (Chinese and
    code-switched, in either script) under Traditional Chinese; Simplified is derived."""
    from hkcq.core.text import to_traditional

    english = [f.strip() for f in forms if f.strip() and not has_cjk(f)]
    chinese = [to_traditional(f.strip()) for f in forms if f.strip() and has_cjk(f)]
    texts = {EN: "\n".join(english), HANT: "\n".join(chinese)}
    texts = {k: v for k, v in texts.items() if v}
    return TText(texts, {k: HUMAN for k in texts}).normalised()


def kb_entries_load(report: LoadReport, path: Path = SEED_FILE) -> None:
    from hkcq.kb.models import Entry

    if not path.exists():
        return
    data: dict[str, Any] = read_yaml(path)
    units = {u.ext_id: u for u in Unit.objects.all()}
    areas = {a.ext_id: a for a in Area.objects.all()}
    for row in data.get("entries") or []:
        existing = Entry.objects.filter(slug=row["id"]).first()
        values: dict[str, Any] = {
            "topic": row["topic"],
            "title": text({"en": row.get("title_en"), "zh_hant": row.get("title_zh_hant")}),
            "body": text({"en": row.get("body_en"), "zh_hant": row.get("body_zh_hant")}),
            "question_forms": question_forms_text(row.get("question_forms") or []),
            "unit": units[row["unit"]],
            "area": areas.get(AREA_IDS.get(row.get("cooperation_area") or "", "")),
            "source": text(row.get("source")),
            "review_note": text(row.get("review_note")),
            "effective_from": row.get("effective_from"),
            "effective_to": row.get("effective_to"),
        }
        if existing is None:
            # New sample entries arrive published; a re-load never changes a review state.
            values["state"] = Entry.State.PUBLISHED
        upsert(Entry, report, {"slug": row["id"]}, values)
