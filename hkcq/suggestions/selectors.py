"""Reads of suggestions, with their joins applied. Public reads return published ones only."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from hkcq.accounts.types import Viewer
from hkcq.core.errors import NotFound
from hkcq.core.mywork import WorkCount, WorkSection
from hkcq.core.sitesearch import Result
from hkcq.kb.models import Entry
from hkcq.registry.models import Area, Meeting
from hkcq.suggestions import permissions, similarity
from hkcq.suggestions.models import Suggestion
from hkcq.suggestions.references import reference_normalise

SIMILAR_CANDIDATES = 500


def _base() -> QuerySet[Suggestion]:
    return Suggestion.objects.select_related("area", "unit", "measure", "decision", "decision__meeting")


def published_list(
    *, area: str | None = None, status: str | None = None, query: str | None = None
) -> QuerySet[Suggestion]:
    qs = _base().filter(state=Suggestion.State.PUBLISHED)
    if area:
        qs = qs.filter(area__ext_id=area)
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(public_title__icontains=query) | Q(public_text__icontains=query))
    return qs.order_by("-published_at", "-id")


def published_get(reference: str) -> Suggestion:
    """A published suggestion, or (for a merged one) the suggestion it was merged into."""
    canonical = reference_normalise(reference)
    suggestion = _base().filter(reference=canonical).first() if canonical else None
    if suggestion is not None and suggestion.merged_into_id is not None:
        suggestion = _base().filter(pk=suggestion.merged_into_id).first()
    if suggestion is None or not suggestion.is_public:
        raise NotFound()
    return suggestion


def merged_into(suggestion: Suggestion) -> list[Suggestion]:
    """The duplicates merged into ``suggestion`` (every original voice, redacted for the public)."""
    return list(suggestion.merged.order_by("created_at", "id"))


def tracked_get(token: str) -> Suggestion:
    suggestion = _base().filter(tracking_token=token).first() if token else None
    if suggestion is None:
        raise NotFound()
    return suggestion


def suggestion_get_for_user(*, user: Viewer, reference: str) -> Suggestion:
    """A suggestion in any state, if ``user`` may moderate or answer it; ``NotFound`` (404)
    otherwise, whether or not it exists."""
    canonical = reference_normalise(reference)
    suggestion = _base().select_related("submitter", "merged_into").filter(reference=canonical).first()
    if suggestion is None or not permissions.can_see_staff_view(user, suggestion):
        raise NotFound()
    return suggestion


def queue(user: Viewer, *, state: str | None = None) -> QuerySet[Suggestion]:
    """The moderation queue (pending first by default) for moderators; an officer sees the
    published suggestions assigned to their units."""
    qs = _base().select_related("suggested_area")
    if permissions.can_moderate(user):
        return qs.filter(state=state or Suggestion.State.PENDING).order_by("created_at", "id")
    units = permissions.user_unit_ids(user) if getattr(user, "is_officer", False) else set()
    return qs.filter(state=Suggestion.State.PUBLISHED, unit_id__in=units).order_by("-published_at", "-id")


def similar_published(text: str, *, exclude: int | None = None, limit: int = 5) -> list[Suggestion]:
    qs = _base().filter(state=Suggestion.State.PUBLISHED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    candidates = list(qs.order_by("-published_at")[:SIMILAR_CANDIDATES])
    ranked = similarity.rank(text, candidates, lambda s: f"{s.public_title} {s.public_title} {s.public_text}")
    return [s for s, _score in ranked[:limit]]


def _area_documents(areas: list[Area]) -> list[tuple[Area, str]]:
    """What each area is about, in the three languages, as short documents: its name (thrice),
    short name and description; each of its measures and items; and each published
    knowledge-base entry filed under it (the matters of daily life its measures serve: permits,
    exit-entry halls, bank accounts, schools…) with the entry's title, question forms and the
    name and remit of the unit that answers it."""
    documents: list[tuple[Area, str]] = []
    for area in areas:
        documents.append(
            (area, " ".join([area.name.all_text()] * 3 + [area.short_name.all_text(), area.description.all_text()]))
        )
        for measure in area.measures.all():
            documents.append((area, f"{measure.title.all_text()} {measure.text.all_text()}"))
        for entry in area.kb_entries.all():
            unit = entry.unit
            documents.append(
                (
                    area,
                    " ".join(
                        [
                            entry.title.all_text(),
                            entry.question_forms.all_text(),
                            unit.name.all_text(),
                            unit.remit.all_text(),
                        ]
                    ),
                )
            )
    return documents


def area_suggest(text: str) -> Area | None:
    """The co-operation area whose name, measures or knowledge-base questions are most like
    ``text`` (judged by the closest of them: ``similarity.best_group``)."""
    entries = Prefetch(
        "kb_entries",
        queryset=Entry.objects.filter(state=Entry.State.PUBLISHED).select_related("unit").order_by("id"),
    )
    areas = list(Area.objects.prefetch_related("measures", entries).order_by("position", "id"))
    return similarity.best_group(text, _area_documents(areas), lambda d: d[1], lambda d: d[0])


def answered(*, area: str | None = None, status: str | None = None) -> QuerySet[Suggestion]:
    """Published suggestions with a public response: the "you said, we did" register."""
    qs = _base().filter(state=Suggestion.State.PUBLISHED, responded_at__isnull=False)
    if area:
        qs = qs.filter(area__ext_id=area)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("area__position", "status", "-responded_at", "-id")


def communication_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(kind=Meeting.Kind.COMMUNICATION).order_by("-date", "-id")


def reported_at(responded_dates: list[Any]) -> list[Meeting | None]:
    """For each date, the first communication meeting on or after it (where it was reported)."""
    meetings = list(Meeting.objects.filter(kind=Meeting.Kind.COMMUNICATION).order_by("date", "id"))
    out: list[Meeting | None] = []
    for day in responded_dates:
        out.append(next((m for m in meetings if m.date >= day), None))
    return out


def search_results(query: str, language: str, user: Viewer, limit: int) -> list[Result]:
    """Published suggestions like ``query``, for the site search (hkcq.core.sitesearch). Their
    titles are in the language their authors wrote them in."""
    return [
        Result(title=s.public_title or s.title, url=s.get_absolute_url(), code=s.reference or "", translated=False)
        for s in similar_published(query, limit=limit)
    ]


def my_work(user: Viewer) -> WorkSection | None:
    """Suggestions on the "my work" page (hkcq.core.mywork): the moderation queue for the
    secretariat; the published suggestions assigned to an officer's units."""
    if permissions.can_moderate(user):
        label = _("Suggestions to moderate")
    elif getattr(user, "is_officer", False) and permissions.user_unit_ids(user):
        label = _("Suggestions for your units")
    else:
        return None
    item = WorkCount(label, queue(user).count(), reverse("suggestions:queue"))
    return WorkSection("suggestions", str(_("Views and suggestions")), [item])
