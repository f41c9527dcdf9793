"""The enquiry service's view of the knowledge base (app ``hkcq.kb``): routing suggestions,
gap records and cited entries. Kept in one module so the rest of the app does not care how
the knowledge base is built."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone, translation

from hkcq.core.translated import TText
from hkcq.kb import routing, search
from hkcq.kb import services as kb_services
from hkcq.kb.models import Entry
from hkcq.registry.models import Unit


@dataclass(frozen=True)
class Suggestion:
    unit: Unit | None
    answered: bool


def ask(question: str, language: str, details: str = "") -> Suggestion:
    """The unit the knowledge base would route ``question`` to (the routing model: the units'
    remits and the entries they own, with the answering entries), and whether it has an answer.
    ``details`` count only where the question alone is not answered (``routing.ask``)."""
    result = routing.ask(question, language, limit=10, details=details)
    return Suggestion(unit=result.unit, answered=bool(result.answered))


def gap_record(question: str, language: str) -> None:
    kb_services.gap_record(question, language, "enquiry")


@dataclass(frozen=True)
class Cited:
    slug: str
    title: str
    url: str


def entry_url(slug: str, language: str) -> str:
    with translation.override(language):
        return reverse("kb:entry", args=[slug])


def citable_entries():
    """Entries an officer may cite: published and in force today."""
    return Entry.objects.filter(search.offered_filter(timezone.localdate())).order_by("slug")


def entry_choices() -> list[tuple[str, str]]:
    """(slug, title) of every entry an officer may cite: the title in the reader's language, never
    the entry's stored id (the value the form sends)."""
    return [(e.slug, TText.from_json(e.title).show().text or e.slug) for e in citable_entries()]


@dataclass(frozen=True)
class Citable:
    slug: str
    title: str


def citations_for(text: str, language: str, limit: int = 5) -> list[Citable]:
    """The entries the knowledge base answers ``text`` with (a case's question, or what an
    officer typed to find an entry), best first, titled in ``language``."""
    text = (text or "").strip()
    if not text:
        return []
    exact = citable_titles([text.lower()], language)  # an entry's id, as cited replies show it
    found = [Citable(a.slug, a.title) for a in search.ask(text, language, limit=limit).answers]
    return exact + [c for c in found if c.slug != text.lower()]


def citable_titles(slugs: list[str], language: str) -> list[Citable]:
    """Citable entries among ``slugs``, in that order, titled in ``language``."""
    found = {e.slug: e for e in citable_entries().filter(slug__in=slugs)}
    return [Citable(s, TText.from_json(found[s].title).show(language).text) for s in slugs if s in found]


def entries_exist(slugs: list[str]) -> set[str]:
    return set(citable_entries().filter(slug__in=slugs).values_list("slug", flat=True))


def cited(slugs: list[str], language: str) -> list[Cited]:
    """Cited entries as links in ``language`` (the reader's)."""
    if not slugs:
        return []
    titles = {e.slug: TText.from_json(e.title).show(language).text for e in Entry.objects.filter(slug__in=slugs)}
    return [Cited(slug=s, title=titles.get(s, s), url=entry_url(s, language)) for s in slugs]
