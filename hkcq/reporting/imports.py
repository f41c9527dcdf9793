"""Checking the rows of an import file against the database, without writing anything.

Each kind of import is a :class:`Importer`: the columns it reads, ``check`` (one row → what
would happen: create, update, unchanged or error, with the reasons) and ``apply`` (write one
checked row through the owning app's services). The measure import reads the same columns as
the open-data ``measures`` file, so a downloaded file can be edited and uploaded again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.core.translated import LANGS, TText
from hkcq.progress import permissions as progress_permissions
from hkcq.progress import services as progress_services
from hkcq.progress.models import ProgressUpdate, ReportingCycle, Status
from hkcq.registry import permissions as registry_permissions
from hkcq.registry import services as registry_services
from hkcq.registry.models import Area, Measure, Unit
from hkcq.reporting.tables import Table, parse_date

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("create"),
    UPDATE: gettext_lazy("update"),
    UNCHANGED: gettext_lazy("unchanged"),
    ERROR: gettext_lazy("error"),
}
SUFFIXES = {"en": "en", "zh-hant": "zh_hant", "zh-hans": "zh_hans"}


def change_label(name: str) -> str:
    """What the page calls a changed field of a row (``Checked.changes`` keeps the field's name):
    the field's translated label, as on the edit pages ("Planned end", 「計劃完成日期」), not
    ``planned_end``."""
    if name == "submit":
        return str(gettext_lazy("Submit for confirmation"))
    for model in (Measure, ProgressUpdate):
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(found, Field):
            return capfirst(str(found.verbose_name))
    return name


SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass
class Checked:
    line: int
    key: str
    action: str = UNCHANGED
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # for apply; not stored
    target: Any = None

    def error(self, message: str) -> None:
        self.errors.append(message)
        self.action = ERROR

    def as_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "key": self.key,
            "action": self.action,
            "errors": self.errors,
            "changes": self.changes,
        }


class Importer:
    required: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one column of each group
    columns: tuple[str, ...] = ()
    example: list[list[str]] = []

    def __init__(self, user: User) -> None:
        self.user = user
        self.seen: set[Any] = set()

    def check_header(self, table: Table) -> list[str]:
        present = set(table.header)
        missing = [c for c in self.required if c not in present]
        for group in self.one_of:
            if not present & set(group):
                missing.append(" / ".join(group))
        return missing

    def check(self, line: int, row: dict[str, str]) -> Checked:
        raise NotImplementedError

    def apply(self, checked: Checked) -> None:
        raise NotImplementedError


def _texts(row: dict[str, str], name: str) -> dict[str, str] | None:
    """The variants of a translated text given in the row, or None when no column has it."""
    given = {lang: row[f"{name}_{SUFFIXES[lang]}"] for lang in LANGS if f"{name}_{SUFFIXES[lang]}" in row}
    return given or None


def _text_change(current: TText, given: dict[str, str]) -> TText | None:
    """The text after applying the given variants, or None when nothing changes."""
    merged = {lang: given.get(lang, current.get(lang)) for lang in LANGS}
    new = current.edited(merged)
    return None if new.texts == current.texts else new


class MeasureImporter(Importer):
    required = ("id", "area")
    one_of = (("title_en", "title_zh_hant", "title_zh_hans"),)
    columns = (
        "id",
        "area",
        "parent",
        "code",
        "position",
        "title_en",
        "title_zh_hant",
        "title_zh_hans",
        "text_en",
        "text_zh_hant",
        "text_zh_hans",
        "lead_unit_hk",
        "lead_unit_cq",
        "supporting_units",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    )
    example = [
        [
            "example-measure-1",
            "belt-and-road-economic-trade",
            "",
            "1.9",
            "9",
            "Joint promotion seminar",
            "聯合推介會",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "2026-01-15",
            "2026-12-31",
            "",
            "",
        ]
    ]
    DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")

    def __init__(self, user: User) -> None:
        super().__init__(user)
        self.areas = {a.ext_id: a for a in Area.objects.all()}
        self.units = {u.ext_id: u for u in Unit.objects.all()}
        self.measures = {
            m.ext_id: m for m in Measure.objects.select_related("area", "parent").prefetch_related("supporting_units")
        }
        self.created: set[str] = set()

    def check(self, line: int, row: dict[str, str]) -> Checked:
        ext_id = row.get("id", "")
        result = Checked(line=line, key=ext_id)
        if not self._check_id(result, ext_id):
            return result
        measure = self.measures.get(ext_id)
        result.target = measure
        data = self._parse(result, row)
        texts = {name: given for name in ("title", "text") if (given := _texts(row, name)) is not None}
        if measure is None and not any((texts.get("title") or {}).values()):
            result.error(_("A new measure needs a title in at least one language."))
        if not result.errors:
            # The registry's own rules (sides of lead units, never part of itself, dates in order).
            problems = registry_services.measure_problems(measure=measure or Measure(ext_id=ext_id), data=data)
            for name, messages in problems.items():
                for message in messages:
                    result.error(f"{name}: {message}")
        if result.errors:
            return result
        if measure is None:
            result.action = CREATE
            result.data = {**data, **texts}
            result.changes = sorted(result.data)
            self.measures[ext_id] = Measure(ext_id=ext_id, area=data["area"])  # later rows may name it as parent
            self.created.add(ext_id)
            return result
        self._changes(result, measure, data, texts)
        return result

    def _check_id(self, result: Checked, ext_id: str) -> bool:
        if not ext_id:
            result.error(_("The id is missing."))
        elif not SLUG.match(ext_id) or len(ext_id) > 100:
            result.error(
                _("The id “%(id)s” may only contain letters, digits, hyphens and underscores.") % {"id": ext_id}
            )
        elif ext_id in self.seen:
            result.error(_("The id “%(id)s” appears more than once in the file.") % {"id": ext_id})
        else:
            self.seen.add(ext_id)
            return True
        return False

    def _parse(self, result: Checked, row: dict[str, str]) -> dict[str, Any]:
        """The row's columns as the registry's values; what cannot be read is an error."""
        data: dict[str, Any] = {}
        area = self.areas.get(row.get("area", ""))
        if area is None:
            result.error(_("Unknown area id “%(id)s”.") % {"id": row.get("area", "")})
        if row.get("parent"):
            parent = self.measures.get(row["parent"])
            if parent is None:
                result.error(_("Unknown parent measure id “%(id)s”.") % {"id": row["parent"]})
            else:
                data["parent"] = parent
                area = parent.area
        elif "parent" in row:
            data["parent"] = None
        if area is not None:
            data["area"] = area
        if "code" in row:
            data["code"] = row["code"][:30]
        if row.get("position", "") != "":
            try:
                data["position"] = int(row["position"])
                if data["position"] < 0:
                    raise ValueError
            except ValueError:
                result.error(
                    _("The position “%(value)s” is not a whole number of 0 or more.") % {"value": row["position"]}
                )
        for name in ("lead_unit_hk", "lead_unit_cq"):
            if name in row:
                data[name] = self._unit(result, row[name]) if row[name] else None
        if "supporting_units" in row:
            ids = row["supporting_units"].replace(",", " ").split()
            data["supporting_units"] = [u for u in (self._unit(result, i) for i in ids) if u is not None]
        for name in self.DATE_FIELDS:
            if name in row:
                data[name] = self._date(result, row[name], name)
        return data

    def _unit(self, result: Checked, unit_id: str) -> Unit | None:
        unit = self.units.get(unit_id)
        if unit is None:
            result.error(_("Unknown unit id “%(id)s”.") % {"id": unit_id})
        return unit

    @staticmethod
    def _date(result: Checked, value: str, column: str) -> Any:
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError:
            result.error(
                _("The date “%(value)s” in %(column)s is not a date written as YYYY-MM-DD.")
                % {"value": value, "column": column}
            )
            return None

    def _changes(
        self, result: Checked, measure: Measure, data: dict[str, Any], texts: dict[str, dict[str, str]]
    ) -> None:
        changes: dict[str, Any] = {}
        for name, value in data.items():
            if name == "supporting_units":
                if {u.id for u in value} != {u.id for u in measure.supporting_units.all()}:
                    changes[name] = value
            elif name in ("area", "parent", "lead_unit_hk", "lead_unit_cq"):
                if getattr(measure, f"{name}_id") != getattr(value, "id", None):
                    changes[name] = value
            elif getattr(measure, name) != value:
                changes[name] = value
        for name, given in texts.items():
            current = TText.from_json(getattr(measure, name))
            if not any(given.values()) and name == "title":
                result.error(_("The title cannot be emptied in every language."))
                return
            if _text_change(current, given) is not None:
                changes[name] = {lang: given.get(lang, current.get(lang)) for lang in LANGS}
        for name, side in (("lead_unit_hk", Side.HONG_KONG), ("lead_unit_cq", Side.CHONGQING)):
            if name in changes and not registry_permissions.can_assign_lead_unit(self.user, side):
                result.error(
                    _("Only the secretariat of that side can change its lead unit (%(column)s).") % {"column": name}
                )
                return
        if changes:
            result.action = UPDATE
            result.data = changes
            result.changes = sorted(changes)

    def apply(self, checked: Checked) -> None:
        data = dict(checked.data)
        for name in ("parent",):
            value = data.get(name)
            if isinstance(value, Measure) and value.pk is None:
                data[name] = Measure.objects.get(ext_id=value.ext_id)
        if checked.action == CREATE:
            data["ext_id"] = checked.key
            registry_services.measure_create(user=self.user, data=data)
        elif checked.action == UPDATE:
            measure = Measure.objects.get(ext_id=checked.key)
            registry_services.measure_update(user=self.user, measure=measure, data=data)


SIDE_ALIASES = {
    "hong_kong": Side.HONG_KONG,
    "hk": Side.HONG_KONG,
    "hong kong": Side.HONG_KONG,
    "香港": Side.HONG_KONG,
    "chongqing": Side.CHONGQING,
    "cq": Side.CHONGQING,
    "重慶": Side.CHONGQING,
    "重庆": Side.CHONGQING,
}
YES = {"yes", "y", "true", "1", "是"}
NO = {"", "no", "n", "false", "0", "否"}


class UpdateImporter(Importer):
    """Progress updates, keyed on measure id + side + reporting cycle.

    A row creates the side's draft in the open cycle, or edits the side's draft or returned
    update; with ``submit`` = yes it is also submitted to the counterpart secretariat. The
    two-key workflow then runs as usual: nothing reaches the public until the counterpart
    confirms and the author side publishes. Only the open cycle takes updates, and only for
    the importing secretariat's side (``hkcq.progress.permissions.can_draft``)."""

    required = ("measure", "side", "cycle", "status")
    columns = (
        "measure",
        "side",
        "cycle",
        "status",
        "percent",
        "public_narrative_en",
        "public_narrative_zh_hant",
        "public_narrative_zh_hans",
        "internal_narrative_en",
        "internal_narrative_zh_hant",
        "internal_narrative_zh_hans",
        "submit",
    )

    def __init__(self, user: User) -> None:

        super().__init__(user)
        self.measures = {
            m.ext_id: m
            for m in Measure.objects.select_related("lead_unit_hk", "lead_unit_cq").prefetch_related("supporting_units")
        }
        self.statuses = {s.key: s for s in Status.objects.all()}
        self.cycles = list(ReportingCycle.objects.all())
        self.open_updates = {
            (u.measure_id, u.side): u
            for u in ProgressUpdate.objects.filter(state__in=ProgressUpdate.OPEN_STATES).select_related("status")
        }
        self.State = ProgressUpdate.State
        self.published: dict[tuple[int, str], Any] = {}
        open_cycle = next((c for c in self.cycles if c.state == "open"), None)
        published = ProgressUpdate.objects.filter(state=ProgressUpdate.State.PUBLISHED, cycle=open_cycle)
        for u in published.order_by("measure_id", "side", "-published_at", "-id"):
            self.published.setdefault((u.measure_id, u.side), u)

    @classmethod
    def template_example(cls) -> list[list[str]]:

        cycle = ReportingCycle.objects.filter(state="open").first()
        measure = Measure.objects.order_by("area__position", "position", "id").first()
        return [
            [
                measure.ext_id if measure else "m-01",
                "hong_kong",
                cycle.opens_on.isoformat() if cycle else "",
                "in_progress",
                "50",
                "Preparations are under way.",
                "籌備工作正在進行。",
                "",
                "",
                "",
                "",
                "no",
            ]
        ]

    def _cycle(self, value: str) -> Any:
        for cycle in self.cycles:
            if value in (str(cycle.pk), cycle.opens_on.isoformat()):
                return cycle
        if value.lower() in ("", "open", "current"):
            return next((c for c in self.cycles if c.state == "open"), None)
        return None

    def check(self, line: int, row: dict[str, str]) -> Checked:
        result = Checked(line=line, key=f"{row.get('measure', '')} · {row.get('side', '')} · {row.get('cycle', '')}")
        measure, side, status = self._check_keys(row, result)
        percent = self._check_percent(row, status, result)
        submit = row.get("submit", "").strip().lower()
        if submit not in YES | NO:
            result.error(_("Write yes or no in the column submit, not “%(value)s”.") % {"value": row.get("submit", "")})
        if result.errors:
            return result
        assert measure is not None and side is not None and status is not None
        if not self._check_allowed(measure, side, result):
            return result
        existing = self.open_updates.get((measure.id, side))
        data: dict[str, Any] = {"status": status, "percent": percent, "submit": submit in YES, "measure": measure}
        for name in ("public_narrative", "internal_narrative"):
            given = _texts(row, name)
            if given is not None:
                data[name] = given
        result.target = existing
        self._plan(result, data, existing, measure, side)
        return result

    def _check_keys(self, row: dict[str, str], result: Checked) -> tuple[Any, str | None, Any]:
        """The row's measure, side, (open) cycle and status, each an error on ``result`` when unknown."""
        measure = self.measures.get(row.get("measure", ""))
        side = SIDE_ALIASES.get(row.get("side", "").strip().lower())
        cycle = self._cycle(row.get("cycle", "").strip())
        if measure is None:
            result.error(_("Unknown measure id “%(id)s”.") % {"id": row.get("measure", "")})
        if side is None:
            result.error(_("Unknown side “%(value)s”: write hong_kong or chongqing.") % {"value": row.get("side", "")})
        if cycle is None:
            result.error(
                _("Unknown reporting cycle “%(value)s”: give the date it opened (YYYY-MM-DD) or its number.")
                % {"value": row.get("cycle", "")}
            )
        elif cycle.state != "open":
            result.error(
                _("The reporting cycle “%(value)s” is closed; updates can only be imported into the open cycle.")
                % {"value": row.get("cycle", "")}
            )
        status = self.statuses.get(row.get("status", "").strip())
        if status is None or not status.is_active:
            keys = ", ".join(k for k, s in self.statuses.items() if s.is_active)
            result.error(
                _("Unknown status “%(value)s”. Use one of: %(keys)s.") % {"value": row.get("status", ""), "keys": keys}
            )
        return measure, side, status

    @staticmethod
    def _check_percent(row: dict[str, str], status: Any, result: Checked) -> int | None:
        """The whole percent given (0–100), else the status' default percent when none is given."""
        raw = row.get("percent", "").strip().rstrip("%")
        if not raw:
            return status.default_percent if status is not None else None
        try:
            percent = int(float(raw)) if float(raw).is_integer() else None
            if percent is None:
                raise ValueError
        except ValueError:
            result.error(_("The percent “%(value)s” is not a whole number.") % {"value": row.get("percent", "")})
            return None
        if not 0 <= percent <= 100:
            result.error(
                _("The percent %(value)s is out of range: give a whole number from 0 to 100.") % {"value": percent}
            )
            return None
        return percent

    def _check_allowed(self, measure: Any, side: str, result: Checked) -> bool:
        """Once per measure and side in a file, by someone who drafts for that side, and only
        while that side's open update is still a draft (or returned)."""
        key = (measure.ext_id, side)
        if key in self.seen:
            result.error(_("This measure and side appear more than once in the file."))
            return False
        self.seen.add(key)
        if not progress_permissions.can_draft(self.user, measure, side):
            result.error(_("You cannot report for this side of this measure: only its own side drafts its updates."))
            return False
        existing = self.open_updates.get((measure.id, side))
        if existing is not None and existing.state not in (self.State.DRAFT, self.State.RETURNED):
            result.error(
                _(
                    "This side's update for this measure is with the secretariat (submitted or confirmed); it cannot be changed by an import."
                )
            )
            return False
        return True

    def _plan(self, result: Checked, data: dict[str, Any], existing: Any, measure: Any, side: str) -> None:
        """What the row would do: create an update, change the open one (listing the changes), or nothing."""
        if existing is None:
            same = self.published.get((measure.id, side))
            if same is not None and not data["submit"] and self._same(same, data):
                return  # already published with these very values in this cycle
            result.action = CREATE
            result.changes = sorted(k for k in data if k not in ("submit", "measure") or (k == "submit" and data[k]))
            result.data = data
            return
        changes = []
        if existing.status_id != data["status"].id:
            changes.append("status")
        if data["percent"] is not None and existing.percent != data["percent"]:
            changes.append("percent")
        for name in ("public_narrative", "internal_narrative"):
            if name in data and _text_change(TText.from_json(getattr(existing, name)), data[name]) is not None:
                changes.append(name)
        if data["submit"]:
            changes.append("submit")
        if changes:
            result.action = UPDATE
            result.changes = changes
            result.data = data

    @staticmethod
    def _same(update: Any, data: dict[str, Any]) -> bool:
        if update.status_id != data["status"].id or (data["percent"] is not None and update.percent != data["percent"]):
            return False
        for name in ("public_narrative", "internal_narrative"):
            if name in data and _text_change(TText.from_json(getattr(update, name)), data[name]) is not None:
                return False
        return True

    def apply(self, checked: Checked) -> None:

        data = dict(checked.data)
        submit = data.pop("submit", False)
        measure = data.pop("measure")
        existing = checked.target
        if existing is not None:
            existing = ProgressUpdate.objects.get(pk=existing.pk)
            for name in ("public_narrative", "internal_narrative"):
                if name in data:
                    current = TText.from_json(getattr(existing, name))
                    data[name] = {lang: data[name].get(lang, current.get(lang)) for lang in LANGS}
        update = progress_services.update_save(user=self.user, measure=measure, data=data, update=existing)
        if submit:
            progress_services.update_submit(user=self.user, update=update)


IMPORTERS: dict[str, Callable[[Any], Importer]] = {"import_measures": MeasureImporter, "import_updates": UpdateImporter}
