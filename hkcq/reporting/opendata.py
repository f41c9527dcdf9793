"""Open data: every public record as a flat table, the same columns in CSV and in JSON.

A dataset is a list of columns (name, description, how to read it from a row) over a queryset
of public records. Translated texts give one column per language (``title_en``,
``title_zh_hant``, ``title_zh_hans``) so one file serves readers of all three languages.
Ids are the records' stable ``ext_id``s, the same ids the ``/api/v1`` reads use.

Only what public pages show goes in: progress updates only once published and only their
public narrative; nothing about accounts, enquiries or internal notes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hkcq.core.exports import csv_text
from hkcq.core.translated import EN, HANS, HANT, TText
from hkcq.progress.models import ProgressUpdate
from hkcq.registry.models import Agreement, Area, Decision, Measure, Meeting

LICENCE = _(
    "The data are published by the Hong Kong/Chongqing Co-operation Conference platform and may be "
    "used, copied and redistributed free of charge, for any purpose, provided the source is acknowledged "
    "as “Hong Kong/Chongqing Co-operation Conference”."
)
TEXT_LANGS = ((EN, "en"), (HANT, "zh_hant"), (HANS, "zh_hans"))


@dataclass(frozen=True)
class Column:
    name: str
    description: Promise | str
    read: Callable[[Any], Any]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise | str
    description: Promise | str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Any]]

    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def records(self) -> Iterator[dict[str, Any]]:
        for obj in self.rows():
            yield {c.name: _plain(c.read(obj)) for c in self.columns}


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def text_columns(name: str, described: Promise | str, getter: Callable[[Any], Any]) -> tuple[Column, ...]:
    """Three columns, one per language, for one translated text."""
    cols = []
    for lang, suffix in TEXT_LANGS:

        def read(obj: Any, lang: str = lang) -> str:
            return TText.from_json(getter(obj)).get(lang)

        cols.append(Column(f"{name}_{suffix}", described, read))
    return tuple(cols)


def _ext(obj: Any) -> str:
    return obj.ext_id if obj is not None else ""


def _areas() -> QuerySet[Area]:
    return Area.objects.order_by("position")


def _measures() -> QuerySet[Measure]:
    return (
        Measure.objects.select_related("area", "parent", "lead_unit_hk", "lead_unit_cq")
        .prefetch_related("supporting_units")
        .order_by("area__position", "position", "id")
    )


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.order_by("date", "id")


def _decisions() -> QuerySet[Decision]:
    return (
        Decision.objects.select_related("meeting")
        .prefetch_related("owner_units", "measures")
        .order_by("meeting__date", "number", "id")
    )


def _agreements() -> QuerySet[Agreement]:
    return (
        Agreement.objects.select_related("meeting")
        .prefetch_related("parties", "events")
        .order_by("signed_on", "ext_id")
    )


def _agreement_status(a: Agreement) -> str:
    events = sorted(a.events.all(), key=lambda e: (e.date, e.id))
    return events[-1].kind if events else ""


def _ids(objs: Iterable[Any]) -> str:
    return " ".join(sorted(o.ext_id for o in objs))


ID = _("Stable id of the record; it never changes and is the id used by the API.")

AREAS = Dataset(
    slug="areas",
    title=_("Co-operation areas"),
    description=_("The areas of co-operation under the mechanism, in their order."),
    columns=(
        Column("id", ID, lambda a: a.ext_id),
        Column("position", _("Order of the area"), lambda a: a.position),
        *text_columns("name", _("Name of the area"), lambda a: a.name),
        *text_columns("short_name", _("Short name"), lambda a: a.short_name),
        *text_columns("description", _("Description"), lambda a: a.description),
    ),
    rows=_areas,
)

MEASURES = Dataset(
    slug="measures",
    title=_("Measures and items"),
    description=_("Every measure of every area, and the items of measures at any depth."),
    columns=(
        Column("id", ID, lambda m: m.ext_id),
        Column("area", _("Id of the area"), lambda m: m.area.ext_id),
        Column("parent", _("Id of the measure this item belongs to; empty for a measure"), lambda m: _ext(m.parent)),
        Column("code", _("Number of the measure"), lambda m: m.code),
        Column("position", _("Order within its area or measure"), lambda m: m.position),
        *text_columns("title", _("Title"), lambda m: m.title),
        *text_columns("text", _("Text"), lambda m: m.text),
        Column("lead_unit_hk", _("Id of the lead unit on the Hong Kong side"), lambda m: _ext(m.lead_unit_hk)),
        Column("lead_unit_cq", _("Id of the lead unit on the Chongqing side"), lambda m: _ext(m.lead_unit_cq)),
        Column(
            "supporting_units",
            _("Ids of the supporting units, separated by spaces"),
            lambda m: _ids(m.supporting_units.all()),
        ),
        Column("planned_start", _("Planned start (YYYY-MM-DD)"), lambda m: m.planned_start),
        Column("planned_end", _("Planned end (YYYY-MM-DD)"), lambda m: m.planned_end),
        Column("actual_start", _("Actual start (YYYY-MM-DD)"), lambda m: m.actual_start),
        Column("actual_end", _("Actual end (YYYY-MM-DD)"), lambda m: m.actual_end),
    ),
    rows=_measures,
)

MEETINGS = Dataset(
    slug="meetings",
    title=_("Meetings"),
    description=_("High-level meetings, plenary sessions and working meetings of the mechanism."),
    columns=(
        Column("id", ID, lambda m: m.ext_id),
        Column(
            "kind",
            _("Kind of meeting (high_level, plenary, high_level_plenary, working, communication)"),
            lambda m: m.kind,
        ),
        Column("sequence", _("Number in its series"), lambda m: m.sequence),
        Column("date", _("Date (YYYY-MM-DD)"), lambda m: m.date),
        *text_columns("title", _("Title"), lambda m: m.title),
        *text_columns("place", _("Place"), lambda m: m.place),
        *text_columns("summary", _("Summary"), lambda m: m.summary),
        *text_columns("agenda", _("Agenda"), lambda m: m.agenda),
        *text_columns("minutes", _("Minutes"), lambda m: m.minutes),
    ),
    rows=_meetings,
)

DECISIONS = Dataset(
    slug="decisions",
    title=_("Decisions"),
    description=_("Decisions taken at meetings, who owns them, when they are due and their follow-up."),
    columns=(
        Column("id", ID, lambda d: d.ext_id),
        Column("meeting", _("Id of the meeting"), lambda d: d.meeting.ext_id),
        Column("number", _("Number at the meeting"), lambda d: d.number),
        *text_columns("text", _("The decision"), lambda d: d.text),
        Column("owner_units", _("Ids of the owner units, separated by spaces"), lambda d: _ids(d.owner_units.all())),
        Column("measures", _("Ids of the linked measures, separated by spaces"), lambda d: _ids(d.measures.all())),
        Column("due_on", _("Due date (YYYY-MM-DD)"), lambda d: d.due_on),
        Column("status", _("Status (open, in_progress, done, dropped)"), lambda d: d.status),
        *text_columns("follow_up", _("Follow-up"), lambda d: d.follow_up),
    ),
    rows=_decisions,
)

AGREEMENTS = Dataset(
    slug="agreements",
    title=_("Agreements"),
    description=_("Agreements and memoranda signed under the mechanism."),
    columns=(
        Column("id", ID, lambda a: a.ext_id),
        Column("kind", _("Kind (mechanism, memorandum, agreement)"), lambda a: a.kind),
        *text_columns("title", _("Title"), lambda a: a.title),
        *text_columns("summary", _("Summary"), lambda a: a.summary),
        Column("parties", _("Ids of the parties, separated by spaces"), lambda a: _ids(a.parties.all())),
        Column("meeting", _("Id of the meeting where it was signed"), lambda a: _ext(a.meeting)),
        Column("signed_on", _("Date of signing (YYYY-MM-DD)"), lambda a: a.signed_on),
        *text_columns("place", _("Place of signing"), lambda a: a.place),
        Column(
            "status",
            _("Latest lifecycle event (signed, in_force, amended, renewed, expired, superseded)"),
            _agreement_status,
        ),
    ),
    rows=_agreements,
)


def _updates() -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.filter(state=ProgressUpdate.State.PUBLISHED)
        .select_related("measure", "status", "cycle")
        .order_by("published_at", "id")
    )


UPDATES = Dataset(
    slug="updates",
    title=_("Published progress updates"),
    description=_(
        "Every progress update that both sides have confirmed and that has been published, with its "
        "public narrative. Drafts, updates awaiting confirmation and internal narratives are not included."
    ),
    columns=(
        Column("id", _("Number of the update"), lambda u: u.id),
        Column("measure", _("Id of the measure"), lambda u: u.measure.ext_id),
        Column("side", _("Side reporting (hong_kong, chongqing)"), lambda u: u.side),
        Column("cycle", _("Number of the reporting cycle"), lambda u: u.cycle_id),
        Column("cycle_opens_on", _("Date the reporting cycle opened (YYYY-MM-DD)"), lambda u: u.cycle.opens_on),
        Column("status", _("Status key on the status scale"), lambda u: u.status.key),
        *text_columns("status_name", _("Status"), lambda u: u.status.name),
        Column("percent", _("Percent complete (0 to 100)"), lambda u: u.percent),
        *text_columns("narrative", _("Narrative for the public"), lambda u: u.public_narrative),
        Column("published_at", _("When it was published (ISO 8601)"), lambda u: u.published_at),
    ),
    rows=_updates,
)

DATASETS: dict[str, Dataset] = {d.slug: d for d in (AREAS, MEASURES, UPDATES, MEETINGS, DECISIONS, AGREEMENTS)}
FORMATS = ("csv", "json")


def dataset_csv(dataset: Dataset) -> str:
    header = dataset.header()
    return csv_text([header, *([r[name] for name in header] for r in dataset.records())])


def dataset_json(dataset: Dataset) -> str:
    document = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "licence": str(LICENCE),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "fields": [{"name": c.name, "description": str(c.description)} for c in dataset.columns],
        "records": list(dataset.records()),
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
