"""The enquiry service's view of the knowledge base (app ``hkcq.kb``): routing suggestions,
gap records and cited entries. Kept in one module so the rest of the app does not care how
the knowledge base is built."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import translation

from hkcq.core.translated import TText

logger = logging.getLogger("hkcq.enquiries")


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@dataclass(frozen=True)
class Suggestion:
    unit: Any  # registry.Unit | None
    answered: bool


def ask(question: str, language: str) -> Suggestion:
    search = _module("hkcq.kb.search")
    if search is None or not hasattr(search, "ask"):
        return Suggestion(unit=None, answered=False)
    result = search.ask(question, language, limit=10)
    return Suggestion(unit=result.unit, answered=bool(result.answered))


def gap_record(question: str, language: str) -> None:
    services = _module("hkcq.kb.services")
    if services is not None and hasattr(services, "gap_record"):
        services.gap_record(question, language, "enquiry")


def _entry_model() -> Any:
    models = _module("hkcq.kb.models")
    return getattr(models, "Entry", None) if models is not None else None


@dataclass(frozen=True)
class Cited:
    slug: str
    title: str
    url: str


def entry_url(slug: str, language: str) -> str:
    with translation.override(language):
        for name in ("kb:entry", "kb:entry_detail", "kb:detail"):
            try:
                return reverse(name, args=[slug])
            except NoReverseMatch:
                continue
    return ""


def entry_choices() -> list[tuple[str, str]]:
    """(slug, title) of every entry an officer may cite."""
    model = _entry_model()
    if model is None:
        return []
    return [(e.slug, f"{TText.from_json(e.title)} ({e.slug})") for e in model.objects.order_by("slug")]


def entries_exist(slugs: list[str]) -> set[str]:
    model = _entry_model()
    if model is None:
        return set()
    return set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))


def cited(slugs: list[str], language: str) -> list[Cited]:
    """Cited entries as links in ``language`` (the reader's)."""
    if not slugs:
        return []
    model = _entry_model()
    titles: dict[str, str] = {}
    if model is not None:
        for entry in model.objects.filter(slug__in=slugs):
            titles[entry.slug] = TText.from_json(entry.title).show(language).text
    return [Cited(slug=s, title=titles.get(s, s), url=entry_url(s, language)) for s in slugs]
