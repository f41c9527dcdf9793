"""Open data: every public record as a flat table, the same columns in CSV and in JSON.

A dataset is a list of columns (name, description, how to read it from a row) over a queryset
of public records; most columns are an ``attribute``, a ``reference`` or ``references`` to other
records by id, or ``text_columns``. Translated texts give one column per language (``title_en``,
``title_zh_hant``, ``title_zh_hans``) so one file serves readers of all three languages.
Ids are the records' stable ``ext_id``s, the same ids the ``/api/v1`` reads use.

Only what public pages show goes in: progress updates only once published and only their
public narrative; nothing about accounts, enquiries or internal notes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hkcq.core import areafigures
from hkcq.core.choices import Side
from hkcq.core.exports import csv_text
from hkcq.core.translated import EN, HANS, HANT, TText
from hkcq.core.trees import depth_first
from hkcq.progress.models import ProgressUpdate
from hkcq.registry.models import Agreement, AgreementEvent, Area, Decision, Measure, Meeting

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
    # The Frictionless Table Schema type of the values: string, integer, number, date, datetime.
    type: str = "string"
    # For a column of codes ("plenary", "in_force"): the codes it takes, each with its label in
    # the reader's language. The files hold the codes; pages show each with its label.
    codes: Callable[[], Sequence[tuple[str, Any]]] | None = None

    def values(self) -> list[dict[str, str]]:
        """The codes of a code column with their labels in the active language (none otherwise)."""
        return [{"value": str(v), "label": str(label)} for v, label in self.codes()] if self.codes else []

    def field(self) -> dict[str, Any]:
        """The column as a Frictionless field: a code column's codes are its ``enum`` constraint
        and are listed with their labels in the description."""
        field: dict[str, Any] = {"name": self.name, "type": self.type, "description": str(self.description)}
        values = self.values()
        if values:
            listed = "; ".join(f"{v['value']} = {v['label']}" for v in values)
            field["description"] = f"{field['description']} ({listed})"
            field["constraints"] = {"enum": [v["value"] for v in values]}
        return field


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


def attribute(
    name: str,
    description: Promise | str,
    path: str | None = None,
    *,
    type: str = "string",
    codes: Callable[[], Sequence[tuple[str, Any]]] | None = None,
) -> Column:
    """A column read straight from the record: the attribute ``path`` (dotted), or ``name``."""
    return Column(name, description, attrgetter(path or name), type, codes)


def text_columns(name: str, described: Promise | str, path: str | None = None) -> tuple[Column, ...]:
    """Three columns, one per language, for the translated text at ``path`` (dotted), or ``name``."""
    getter = attrgetter(path or name)
    cols = []
    for lang, suffix in TEXT_LANGS:

        def read(obj: Any, lang: str = lang) -> str:
            return TText.from_json(getter(obj)).get(lang)

        cols.append(Column(f"{name}_{suffix}", described, read))
    return tuple(cols)


def reference(name: str, description: Promise | str) -> Column:
    """The id of the related record ``name``; empty when there is none."""
    getter = attrgetter(name)
    return Column(name, description, lambda obj: _ext(getter(obj)))


def references(name: str, description: Promise | str) -> Column:
    """The ids of the related records ``name`` (many-to-many), sorted, separated by spaces."""
    getter = attrgetter(name)
    return Column(name, description, lambda obj: _ids(getter(obj).all()))


def _ext(obj: Any) -> str:
    return obj.ext_id if obj is not None else ""


def _ids(objs: Iterable[Any]) -> str:
    return " ".join(sorted(o.ext_id for o in objs))


def _areas() -> QuerySet[Area]:
    return Area.objects.order_by("position")


def _measures() -> list[Measure]:
    """In the registry's order: each measure followed by its items (at any depth)."""
    rows = Measure.objects.select_related("area", "parent", "lead_unit_hk", "lead_unit_cq").prefetch_related(
        "supporting_units"
    )
    tree = depth_first(rows, key=lambda m: m.id, parent=lambda m: m.parent_id, order=_registry_order)
    return [m for m, _depth in tree]


def _registry_order(m: Measure) -> tuple[int, int, int]:
    return (m.area.position, m.position, m.id)


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


ID = _("Stable id of the record; it never changes and is the id used by the API.")
ID_COLUMN = attribute("id", ID, "ext_id")

AREAS = Dataset(
    slug="areas",
    title=_("Co-operation areas"),
    description=_("The areas of co-operation under the mechanism, in their order."),
    columns=(
        ID_COLUMN,
        attribute("position", _("Order of the area"), type="integer"),
        *text_columns("name", _("Name of the area")),
        *text_columns("short_name", _("Short name")),
        *text_columns("description", _("Description")),
    ),
    rows=_areas,
)

MEASURES = Dataset(
    slug="measures",
    title=_("Measures and items"),
    description=_("Every measure of every area, and the items of measures at any depth."),
    columns=(
        ID_COLUMN,
        attribute("area", _("Id of the area"), "area.ext_id"),
        reference("parent", _("Id of the measure this item belongs to; empty for a measure")),
        attribute("code", _("Number of the measure")),
        attribute("position", _("Order within its area or measure"), type="integer"),
        *text_columns("title", _("Title")),
        *text_columns("text", _("Text")),
        reference("lead_unit_hk", _("Id of the lead unit on the Hong Kong side")),
        reference("lead_unit_cq", _("Id of the lead unit on the Chongqing side")),
        references("supporting_units", _("Ids of the supporting units, separated by spaces")),
        attribute("planned_start", _("Planned start (YYYY-MM-DD)"), type="date"),
        attribute("planned_end", _("Planned end (YYYY-MM-DD)"), type="date"),
        attribute("actual_start", _("Actual start (YYYY-MM-DD)"), type="date"),
        attribute("actual_end", _("Actual end (YYYY-MM-DD)"), type="date"),
    ),
    rows=_measures,
)

MEETINGS = Dataset(
    slug="meetings",
    title=_("Meetings"),
    description=_("High-level meetings, plenary sessions and working meetings of the mechanism."),
    columns=(
        ID_COLUMN,
        attribute("kind", _("Kind of meeting"), codes=lambda: Meeting.Kind.choices),
        attribute("sequence", _("Number in its series"), type="integer"),
        attribute("date", _("Date (YYYY-MM-DD)"), type="date"),
        *text_columns("title", _("Title")),
        *text_columns("place", _("Place")),
        *text_columns("summary", _("Summary")),
        *text_columns("agenda", _("Agenda")),
        *text_columns("minutes", _("Minutes")),
    ),
    rows=_meetings,
)

DECISIONS = Dataset(
    slug="decisions",
    title=_("Decisions"),
    description=_("Decisions taken at meetings, who owns them, when they are due and their follow-up."),
    columns=(
        ID_COLUMN,
        attribute("meeting", _("Id of the meeting"), "meeting.ext_id"),
        attribute("number", _("Number at the meeting"), type="integer"),
        *text_columns("text", _("The decision")),
        references("owner_units", _("Ids of the owner units, separated by spaces")),
        references("measures", _("Ids of the linked measures, separated by spaces")),
        attribute("due_on", _("Due date (YYYY-MM-DD)"), type="date"),
        attribute("status", _("Status of the decision"), codes=lambda: Decision.Status.choices),
        *text_columns("follow_up", _("Follow-up")),
    ),
    rows=_decisions,
)

AGREEMENTS = Dataset(
    slug="agreements",
    title=_("Agreements"),
    description=_("Agreements and memoranda signed under the mechanism."),
    columns=(
        ID_COLUMN,
        attribute("kind", _("Kind of agreement"), codes=lambda: Agreement.Kind.choices),
        *text_columns("title", _("Title")),
        *text_columns("summary", _("Summary")),
        references("parties", _("Ids of the parties, separated by spaces")),
        reference("meeting", _("Id of the meeting where it was signed")),
        attribute("signed_on", _("Date of signing (YYYY-MM-DD)"), type="date"),
        *text_columns("place", _("Place of signing")),
        Column(
            "status",
            _("Latest event in the agreement's life"),
            _agreement_status,
            codes=lambda: AgreementEvent.Kind.choices,
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
        attribute("id", _("Number of the update"), type="integer"),
        attribute("measure", _("Id of the measure"), "measure.ext_id"),
        attribute("side", _("Side reporting"), codes=lambda: Side.choices),
        attribute("cycle", _("Number of the reporting cycle"), "cycle_id", type="integer"),
        attribute("cycle_opens_on", _("Date the reporting cycle opened (YYYY-MM-DD)"), "cycle.opens_on", type="date"),
        attribute("status", _("Status key on the status scale"), "status.key"),
        *text_columns("status_name", _("Status"), "status.name"),
        attribute("percent", _("Percent complete (0 to 100)"), type="number"),
        *text_columns("narrative", _("Narrative for the public"), "public_narrative"),
        attribute("published_at", _("When it was published (ISO 8601)"), type="datetime"),
    ),
    rows=_updates,
)


@dataclass(frozen=True)
class AreaResult:
    """One figure counted under one area (``hkcq.core.areafigures``)."""

    area: Area
    figure: str
    label: TText
    count: int


def _area_results() -> Iterator[AreaResult]:
    """Every registered figure under every area, zeros included (long form: the columns stay the
    same whatever figures the apps register)."""
    counts = areafigures.counts_by_area()
    labels = {}
    for f in areafigures.figures():
        texts = {}
        for lang, _suffix in TEXT_LANGS:
            with translation.override(lang):
                texts[lang] = str(f.label())
        labels[f.key] = TText.of(texts[EN], texts[HANT], texts[HANS])
    for area in _areas():
        for key, label in labels.items():
            yield AreaResult(area, key, label, counts[key].get(area.pk, 0))


AREA_RESULTS = Dataset(
    slug="partnerships-by-area",
    title=_("Partnerships and exchanges by area"),
    description=_(
        "What the partnering service and the exchanges produced, counted under each co-operation area: "
        "partnerships formed (outcomes of introductions and of meetings at events, every kind but "
        "“no deal”) and exchange pairs and placements (sister schools, internships, exchange "
        "programmes). Totals only: no organisation and no person is named."
    ),
    columns=(
        attribute("area", _("Id of the area"), "area.ext_id"),
        attribute(
            "figure", _("What is counted (its key)"), codes=lambda: [(f.key, f.label()) for f in areafigures.figures()]
        ),
        *text_columns("figure_name", _("What is counted"), "label"),
        attribute("count", _("How many, up to now"), type="integer"),
    ),
    rows=_area_results,
)

DATASETS: dict[str, Dataset] = {
    d.slug: d for d in (AREAS, MEASURES, UPDATES, MEETINGS, DECISIONS, AGREEMENTS, AREA_RESULTS)
}
FORMATS = ("csv", "json")


def dataset_csv(dataset: Dataset) -> str:
    header = dataset.header()
    return csv_text([header, *([r[name] for name in header] for r in dataset.records())])


def datapackage(*, base_url: str) -> dict[str, Any]:
    """A Frictionless Data Package (https://specs.frictionlessdata.io/data-package/) describing
    every dataset's CSV file with a typed Table Schema; ``base_url`` is the site's address."""
    return {
        "name": "hkcq-cooperation-platform",
        "title": "Hong Kong/Chongqing Co-operation Platform: open data",
        "licenses": [{"name": "hkcq-open-data", "title": str(LICENCE), "path": f"{base_url}/en/open-data/"}],
        "resources": [
            {
                "name": d.slug,
                "title": str(d.title),
                "description": str(d.description),
                "path": f"{base_url}/en/open-data/{d.slug}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [c.field() for c in d.columns],
                    **({"primaryKey": ["id"]} if any(c.name == "id" for c in d.columns) else {}),
                },
            }
            for d in DATASETS.values()
        ],
    }


def dcat_catalogue(*, base_url: str) -> dict[str, Any]:
    """The datasets as a DCAT catalogue (https://www.w3.org/TR/vocab-dcat-3/) in JSON-LD, each with
    its CSV and JSON distributions."""
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{base_url}/open-data/catalogue.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": "Hong Kong/Chongqing Co-operation Platform: open data",
        "dct:license": {"@id": f"{base_url}/en/open-data/"},
        "dct:rights": str(LICENCE),
        "dcat:dataset": [
            {
                "@id": f"{base_url}/en/open-data/#{d.slug}",
                "@type": "dcat:Dataset",
                "dct:identifier": d.slug,
                "dct:title": str(d.title),
                "dct:description": str(d.description),
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dcat:downloadURL": {"@id": f"{base_url}/en/open-data/{d.slug}.{fmt}"},
                        "dcat:mediaType": media,
                    }
                    for fmt, media in (("csv", "text/csv"), ("json", "application/json"))
                ],
            }
            for d in DATASETS.values()
        ],
    }


def dataset_json(dataset: Dataset) -> str:
    document = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "licence": str(LICENCE),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "fields": [
            {
                "name": c.name,
                "type": c.type,
                "description": str(c.description),
                **({"values": c.values()} if c.codes else {}),
            }
            for c in dataset.columns
        ],
        "records": list(dataset.records()),
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
