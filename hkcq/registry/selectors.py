"""Reads. Each returns a queryset with what its pages need already joined."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from hkcq.accounts.types import Viewer
from hkcq.core.errors import NotFound
from hkcq.core.mywork import WorkCount, WorkSection
from hkcq.core.search import stem
from hkcq.core.sitesearch import Provider, Result
from hkcq.core.text import fold, segment
from hkcq.registry.models import (
    Agreement,
    AgreementDocument,
    Area,
    Attendance,
    Decision,
    Measure,
    Mechanism,
    Meeting,
    Organisation,
    Person,
    Post,
    Signatory,
    Unit,
)
from hkcq.registry.permissions import user_unit_ids


def mechanism_get() -> Mechanism | None:
    return Mechanism.objects.prefetch_related("parties__organisation").first()


def area_list() -> QuerySet[Area]:
    return Area.objects.annotate(
        measure_count=Count("measures", filter=Q(measures__parent__isnull=True), distinct=True)
    ).order_by("position")


def area_get(ext_id: str) -> Area:
    return get_object_or_404(area_list(), ext_id=ext_id)


def _measure_base() -> QuerySet[Measure]:
    return Measure.objects.select_related("area", "parent", "lead_unit_hk", "lead_unit_cq").prefetch_related(
        "supporting_units"
    )


def measure_list(
    *, area: str | None = None, unit: str | None = None, side: str | None = None, top_level: bool = False
) -> QuerySet[Measure]:
    qs = _measure_base()
    if top_level:
        qs = qs.filter(parent__isnull=True)
    if area:
        qs = qs.filter(area__ext_id=area)
    if unit:
        qs = qs.filter(
            Q(lead_unit_hk__ext_id=unit) | Q(lead_unit_cq__ext_id=unit) | Q(supporting_units__ext_id=unit)
        ).distinct()
    if side:
        qs = qs.filter(
            Q(lead_unit_hk__side=side) | Q(lead_unit_cq__side=side) | Q(supporting_units__side=side)
        ).distinct()
    return qs.order_by("area__position", "position", "id")


def measure_get(ext_id: str) -> Measure:
    qs = _measure_base().prefetch_related(
        "milestones",
        Prefetch("decisions", queryset=Decision.objects.select_related("meeting")),
        Prefetch("clauses__agreement"),
    )
    return get_object_or_404(qs, ext_id=ext_id)


def measure_tree(area: Area) -> list[tuple[Measure, int]]:
    """All measures and items of an area, depth-first, with their depth (one query)."""
    rows = list(_measure_base().filter(area=area).order_by("position", "id"))
    children: dict[int | None, list[Measure]] = {}
    for m in rows:
        children.setdefault(m.parent_id, []).append(m)
    out: list[tuple[Measure, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for m in children.get(parent_id, []):
            out.append((m, depth))
            walk(m.id, depth + 1)

    walk(None, 0)
    return out


def measure_descendants(measure: Measure) -> list[tuple[Measure, int]]:
    tree = measure_tree(measure.area)
    out: list[tuple[Measure, int]] = []
    inside, base = False, 0
    for m, depth in tree:
        if m.id == measure.id:
            inside, base = True, depth
            continue
        if inside:
            if depth <= base:
                break
            out.append((m, depth - base))
    return out


def meeting_list(*, kind: str | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.annotate(decision_count=Count("decisions", distinct=True))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-date", "-id")


def meeting_get(ext_id: str) -> Meeting:
    qs = Meeting.objects.select_related("mechanism").prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.select_related("person")),
        Prefetch(
            "decisions",
            queryset=Decision.objects.prefetch_related("owner_units", "measures").order_by("number", "id"),
        ),
        Prefetch("agreements", queryset=Agreement.objects.order_by("ext_id")),
    )
    return get_object_or_404(qs, ext_id=ext_id)


def meeting_previous(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(mechanism=meeting.mechanism)
        .filter(Q(date__lt=meeting.date) | Q(date=meeting.date, id__lt=meeting.id))
        .order_by("-date", "-id")
        .prefetch_related("decisions__owner_units")
        .first()
    )


def meeting_next(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(mechanism=meeting.mechanism)
        .filter(Q(date__gt=meeting.date) | Q(date=meeting.date, id__gt=meeting.id))
        .order_by("date", "id")
        .first()
    )


def decision_list(
    *, meeting: str | None = None, status: str | None = None, unit: str | None = None
) -> QuerySet[Decision]:
    qs = Decision.objects.select_related("meeting").prefetch_related("owner_units", "measures")
    if meeting:
        qs = qs.filter(meeting__ext_id=meeting)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(owner_units__ext_id=unit).distinct()
    return qs.order_by("-meeting__date", "number", "id")


def decision_get(ext_id: str) -> Decision:
    return get_object_or_404(decision_list(), ext_id=ext_id)


def agreement_list(*, kind: str | None = None) -> QuerySet[Agreement]:
    qs = Agreement.objects.select_related("meeting").prefetch_related("parties", "events")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-signed_on", "ext_id")


def document_get(ext_id: str, document_id: int) -> AgreementDocument:
    """A document of the agreement ``ext_id`` (documents are public, like their agreement);
    ``NotFound`` (404) for another agreement's document or an unknown one."""
    document = (
        AgreementDocument.objects.select_related("agreement").filter(pk=document_id, agreement__ext_id=ext_id).first()
    )
    if document is None:
        raise NotFound()
    return document


def agreement_get(ext_id: str) -> Agreement:
    qs = Agreement.objects.select_related("meeting").prefetch_related(
        "parties",
        "events__superseded_by",
        Prefetch("signatories", queryset=Signatory.objects.select_related("person", "organisation")),
        Prefetch("documents", queryset=AgreementDocument.objects.order_by("ext_id", "id")),
        "clauses__measures",
    )
    return get_object_or_404(qs, ext_id=ext_id)


def agreement_status(agreement: Agreement) -> str | None:
    """The latest lifecycle event's kind: what the agreement's state is now."""
    events = sorted(agreement.events.all(), key=lambda e: (e.date, e.id))
    return events[-1].kind if events else None


def organisation_list(*, side: str | None = None, kind: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("parent")
    if side:
        qs = qs.filter(side=side)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("side", "ext_id")


def organisation_get(ext_id: str) -> Organisation:
    qs = Organisation.objects.select_related("parent").prefetch_related(
        "children",
        "units",
        "agreements",
        Prefetch("posts", queryset=Post.objects.select_related("person").order_by("-start_on")),
    )
    return get_object_or_404(qs, ext_id=ext_id)


def person_list() -> QuerySet[Person]:
    return Person.objects.prefetch_related(
        Prefetch("posts", queryset=Post.objects.select_related("organisation").order_by("-start_on"))
    ).order_by("ext_id")


def person_get(ext_id: str) -> Person:
    qs = person_list().prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.select_related("meeting").order_by("-meeting__date")),
        Prefetch("signatures", queryset=Signatory.objects.select_related("agreement")),
    )
    return get_object_or_404(qs, ext_id=ext_id)


def unit_list(*, side: str | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("organisation").filter(is_active=True)
    if side:
        qs = qs.filter(side=side)
    return qs.order_by("side", "ext_id")


def unit_get(ext_id: str) -> Unit:
    return get_object_or_404(Unit.objects.select_related("organisation"), ext_id=ext_id)


def unit_measures(unit: Unit) -> QuerySet[Measure]:
    return measure_list(unit=unit.ext_id)


SEARCH_MODELS: list[tuple[str, type]] = [
    ("area", Area),
    ("measure", Measure),
    ("meeting", Meeting),
    ("decision", Decision),
    ("agreement", Agreement),
    ("organisation", Organisation),
    ("person", Person),
    ("unit", Unit),
]

# Where else a record's words are found: a measure is found by its area's name ("finance"
# finds every measure of the Finance area), a decision by its meeting's title.
_RELATED_TEXT = {"measure": ("area__search_text",), "decision": ("meeting__search_text",)}


def search_terms(query: str) -> list[str]:
    """Terms to match: whitespace-separated words; a run of Chinese is split into words by
    jieba so 香港重慶合作 finds text that has the words apart."""
    return list(dict.fromkeys(segment(fold(query))))


def _term_forms(term: str) -> list[str]:
    """The forms of a term any of which matches: the word, and for an English word its light
    stem (core.search.stem), so "finance" also finds "financial" and "financing"."""
    forms = [term]
    if term.isascii() and term.isalpha():
        stemmed = stem(term)
        if len(stemmed) >= 4 and stemmed != term:
            forms.append(stemmed)
    return forms


def registry_search_kind(kind: str, query: str, *, limit: int = 50) -> list:
    """Records of one kind whose text (or the text of what holds them) has every term of
    ``query``, in any language or script."""
    terms = search_terms(query)
    model = dict(SEARCH_MODELS)[kind]
    if not terms:
        return []
    qs = model.objects.all()  # type: ignore[attr-defined]
    fields = ("search_text", *_RELATED_TEXT.get(kind, ()))
    for term in terms:
        match = Q()
        for form in _term_forms(term):
            for name in fields:
                match |= Q(**{f"{name}__contains": form})
        qs = qs.filter(match)
    if kind == "measure":
        qs = qs.select_related("area").order_by("area__position", "position", "id")
    elif kind == "decision":
        qs = qs.select_related("meeting")
    return list(qs[:limit])


def registry_search(query: str, *, limit_per_kind: int = 50) -> list[tuple[str, list]]:
    """Records of every kind whose text holds every term, in any language or script."""
    results: list[tuple[str, list]] = []
    for kind, _model in SEARCH_MODELS:
        rows = registry_search_kind(kind, query, limit=limit_per_kind)
        if rows:
            results.append((kind, rows))
    return results


def _result(kind: str, obj: Any) -> Result:
    if kind == "measure":
        return Result(title=obj.title, url=obj.get_absolute_url(), code=obj.code)
    if kind == "decision":
        return Result(title=obj.text, url=obj.get_absolute_url())
    title = getattr(obj, "title", None) or obj.name
    return Result(title=title, url=obj.get_absolute_url())


def search_provider(kind: str, label: Callable[[], Any], order: int) -> Provider:
    """The site search's provider for one kind of registry record (registered in apps.py)."""

    def find(query: str, language: str, user: Viewer, limit: int) -> list[Result]:
        return [_result(kind, obj) for obj in registry_search_kind(kind, query, limit=limit)]

    return Provider(kind=kind, label=label, search=find, order=order)


def my_work(user: Viewer) -> WorkSection | None:
    """An officer's units' measures on the "my work" page (hkcq.core.mywork), each count the
    length of the unit's measure list it links to."""
    if not getattr(user, "is_officer", False):
        return None
    units = Unit.objects.filter(pk__in=user_unit_ids(user)).order_by("side", "ext_id")
    measures = reverse("registry:measures")
    items = [
        WorkCount(
            _("Measures %(unit)s leads or supports") % {"unit": unit.name.show().text},
            measure_list(unit=unit.ext_id).count(),
            f"{measures}?unit={unit.ext_id}",
        )
        for unit in units
    ]
    return WorkSection("measures", str(_("Measures")), items)
