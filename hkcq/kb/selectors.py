"""Reads of the knowledge base, with their joins applied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hkcq.core.search import default_analyzer, group_similar
from hkcq.kb import permissions
from hkcq.kb.models import Entry, Gap
from hkcq.kb.search import offered_filter
from hkcq.registry.permissions import user_unit_ids


def _base() -> QuerySet[Entry]:
    return Entry.objects.select_related("unit", "area")


def entry_list(*, user: Any = None, topic: str | None = None, state: str | None = None) -> QuerySet[Entry]:
    """Entries a person may see: everyone sees the published entries in force; staff also see
    drafts and entries under review (the secretariat all of them, officers their units')."""
    qs = _base()
    visible = offered_filter(timezone.localdate())
    if permissions.can_publish(user):
        visible = Q()
    elif permissions.can_see_drafts(user):
        visible = visible | Q(unit_id__in=user_unit_ids(user))
    qs = qs.filter(visible)
    if topic:
        qs = qs.filter(topic=topic)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("topic", "slug")


def entry_get(slug: str, *, user: Any = None) -> Entry:
    """An entry by its stable id. Published entries are public (an expired one too, marked as
    such); drafts and entries in review only for the people who may edit or publish them."""
    entry = _base().filter(slug=slug).first()
    if entry is None:
        raise Http404
    if entry.state != Entry.State.PUBLISHED and not permissions.can_see_unpublished(user, entry):
        raise Http404
    return entry


def entry_get_for_edit(slug: str, *, user: Any) -> Entry:
    entry = entry_get(slug, user=user)
    if not permissions.can_edit_entry(user, entry):
        raise Http404
    return entry


def topic_counts() -> dict[str, int]:
    from django.db.models import Count

    rows = Entry.objects.filter(offered_filter(timezone.localdate())).values("topic").annotate(n=Count("id"))
    return {r["topic"]: r["n"] for r in rows}


@dataclass
class GapGroup:
    gaps: list[Gap]
    terms: list[str]

    @property
    def size(self) -> int:
        return len(self.gaps)

    @property
    def first(self) -> Gap:
        return self.gaps[0]

    @property
    def ids(self) -> str:
        return ",".join(str(g.pk) for g in self.gaps)

    @property
    def languages(self) -> list[str]:
        return sorted({g.get_language_display() for g in self.gaps})


def gap_groups(*, include_resolved: bool = False, limit: int = 2000) -> list[GapGroup]:
    qs = Gap.objects.all() if include_resolved else Gap.objects.filter(resolved=False)
    gaps = list(qs.order_by("-created_at")[:limit])
    analyzer = default_analyzer()
    groups = []
    for indexes in group_similar([g.question for g in gaps], analyzer=analyzer):
        members = [gaps[i] for i in indexes]
        counts: dict[str, int] = {}
        for gap in members:
            for term in analyzer.base_terms(gap.question):
                if analyzer.term_weight(term) >= 1.0:
                    counts[term] = counts.get(term, 0) + 1
        top_terms = [t for t, _n in sorted(counts.items(), key=lambda kv: -kv[1])[:5]]
        groups.append(GapGroup(members, top_terms))
    return groups
