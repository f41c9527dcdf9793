"""Loading the sample knowledge base from ``seed/kb_entries.yaml`` (a copy of the shared
sample content). Keyed on the entries' stable ids: a re-load changes nothing that is already
up to date. Entries from the data file are loaded as published, with their review note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from hkcq.core.loading import LoadReport, read_yaml, text, upsert
from hkcq.core.text import has_cjk, to_traditional
from hkcq.core.translated import EN, HANT, HUMAN, MACHINE, TText
from hkcq.kb.models import Entry
from hkcq.kb.services import entries_reindex, unit_profiles_refresh
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


# The sample content gives each entry the same review note, in English only. Its Traditional
# Chinese is a machine translation (labelled as such on the page); Simplified is derived from it
# with OpenCC hk2s, as for the rest of the knowledge base. Another note stays in English.
REVIEW_NOTES_ZH_HANT = {
    "Sample content for demonstration; verify with the responsible unit before publication.": (
        "此為示範用的樣本內容；正式發布前請向負責單位核實。"
    ),
}


def review_note_text(note: str | None) -> TText:
    note = (note or "").strip()
    chinese = REVIEW_NOTES_ZH_HANT.get(note)
    if chinese is None:
        return text(note)
    return TText({EN: note, HANT: chinese}, {EN: HUMAN, HANT: MACHINE}).normalised()


def question_forms_text(forms: list[str]) -> TText:
    """Question forms as one line each: Latin-only ones under English, the rest (Chinese and
    code-switched, in either script) under Traditional Chinese; Simplified is derived."""

    english = [f.strip() for f in forms if f.strip() and not has_cjk(f)]
    chinese = [to_traditional(f.strip()) for f in forms if f.strip() and has_cjk(f)]
    texts = {EN: "\n".join(english), HANT: "\n".join(chinese)}
    texts = {k: v for k, v in texts.items() if v}
    return TText(texts, {k: HUMAN for k in texts}).normalised()


def kb_entries_load(report: LoadReport, path: Path = SEED_FILE) -> None:

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
            "review_note": review_note_text(row.get("review_note")),
            "effective_from": row.get("effective_from"),
            "effective_to": row.get("effective_to"),
        }
        if existing is None:
            # New sample entries arrive published; a re-load never changes a review state.
            values["state"] = Entry.State.PUBLISHED
        upsert(Entry, report, {"slug": row["id"]}, values)
    # Entries analysed under an older analyzer or glossary get their index terms rewritten.
    entries_reindex(stale_only=True)
    # Units without a routing profile, or with one computed under older settings, get one now.
    unit_profiles_refresh(stale_only=True)
