"""Loading the registry's default data from ``seed/``. Keyed on stable ids, through
``hkcq.core.loading.upsert``: a re-load brings up to date only what nobody changed since the last
load, and writes nothing (no rows, no history entries) when nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from hkcq.core.loading import REASON, SEED_DIR, LoadReport, read_yaml, set_m2m, text, upsert
from hkcq.registry.models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    Area,
    Attendance,
    Clause,
    Decision,
    Measure,
    Mechanism,
    Meeting,
    Milestone,
    Organisation,
    Party,
    Person,
    Post,
    Signatory,
    Unit,
)


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class Loader:
    """Loads registry.yaml and units.yaml through ``hkcq.core.loading.upsert``: a record a person
    deleted comes back as None, and what hangs off it is skipped."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report
        self.orgs: dict[str, Organisation | None] = {}
        self.units: dict[str, Unit | None] = {}
        self.people: dict[str, Person | None] = {}
        self.areas: dict[str, Area | None] = {}
        self.measures: dict[str, Measure | None] = {}
        self.meetings: dict[str, Meeting | None] = {}

    def org(self, ext_id: str | None) -> Organisation | None:
        return self.orgs.get(ext_id) if ext_id else None

    def load_units_file(self, data: dict[str, Any]) -> None:
        for row in data.get("units", []):
            self.units[row["id"]] = upsert(
                Unit,
                self.report,
                {"ext_id": row["id"]},
                {
                    "name": text(
                        {"en": row["name_en"], "zh_hant": row.get("name_zh_hant"), "zh_hans": row.get("name_zh_hans")}
                    ),
                    "side": row["side"],
                    "remit": text(
                        {
                            "en": row.get("remit"),
                            "zh_hant": row.get("remit_zh_hant"),
                            "zh_hans": row.get("remit_zh_hans"),
                            # The file's remits are English; their Chinese was translated for the
                            # platform (Simplified in Mainland wording, not converted).
                            "origin": {"en": "human", "zh_hant": "machine", "zh_hans": "machine"},
                        }
                    ),
                },
            )

    def load_registry(self, data: dict[str, Any]) -> None:
        self._organisations(data)
        mechanism = self._mechanism(data["mechanism"])
        self._units_and_people(data)
        for row in data.get("areas", []):
            self.areas[row["id"]] = upsert(
                Area,
                self.report,
                {"ext_id": row["id"]},
                {
                    "position": row["position"],
                    "name": text(row["name"]),
                    "short_name": text(row.get("short_name")),
                    "description": text(row.get("description")),
                    "heading_in_source": bool(row.get("heading_in_source", True)),
                },
            )
        for position, row in enumerate(data.get("measures", []), start=1):
            area = self.areas.get(row["area"])
            if area is not None:
                self._measure(row, area=area, parent=None, position=position)
        if mechanism is not None:
            for row in data.get("meetings", []):
                self._meeting(row, mechanism)
        for row in data.get("agreements", []):
            self._agreement(row)

    def _organisations(self, data: dict[str, Any]) -> None:
        for row in data.get("organisations", []):
            values: dict[str, Any] = {
                "name": text(row["name"]),
                "short_name": text(row.get("short_name")),
                "kind": row["kind"],
                "side": row["side"],
                "website": row.get("website") or "",
            }
            # A parent listed earlier in the file is set at once; the rest in the second pass.
            if not row.get("parent") or row["parent"] in self.orgs:
                values["parent"] = self.org(row.get("parent"))
            self.orgs[row["id"]] = upsert(Organisation, self.report, {"ext_id": row["id"]}, values)
        for row in data.get("organisations", []):
            if self.orgs[row["id"]] is not None:
                upsert(Organisation, self.report, {"ext_id": row["id"]}, {"parent": self.org(row.get("parent"))})

    def _mechanism(self, mech: dict[str, Any]) -> Mechanism | None:
        mechanism = upsert(
            Mechanism,
            self.report,
            {"ext_id": mech["id"]},
            {
                "name": text(mech["name"]),
                "description": text(mech.get("description")),
                "established_on": _date(mech.get("established_on")),
            },
        )
        if mechanism is not None:
            for party in mech.get("parties", []):
                if self.org(party["organisation"]) is not None:
                    upsert(
                        Party,
                        self.report,
                        {"mechanism": mechanism, "side": party["side"]},
                        {"organisation": self.org(party["organisation"])},
                    )
        return mechanism

    def _units_and_people(self, data: dict[str, Any]) -> None:
        for row in data.get("units", []):
            self.units[row["id"]] = upsert(
                Unit,
                self.report,
                {"ext_id": row["id"]},
                {
                    "name": text(row["name"]),
                    "side": row["side"],
                    "organisation": self.org(row.get("organisation")),
                    "remit": text(row.get("remit")),
                },
            )

        for row in data.get("people", []):
            person = upsert(Person, self.report, {"ext_id": row["id"]}, {"name": text(row["name"])})
            self.people[row["id"]] = person
            for post in row.get("posts", []) if person is not None else []:
                organisation = self.org(post["organisation"])
                if organisation is None:
                    continue
                upsert(
                    Post,
                    self.report,
                    {"person": person, "organisation": organisation, "start_on": _date(post.get("start"))},
                    {"title": text(post["title"]), "end_on": _date(post.get("end"))},
                )

    def _units(self, ids: list[str] | None) -> list[Unit | None]:
        return [self.units.get(u) for u in ids or []]

    def _measure(self, row: dict[str, Any], *, area: Area, parent: Measure | None, position: int) -> None:
        leads = row.get("lead_units") or {}
        measure = upsert(
            Measure,
            self.report,
            {"ext_id": row["id"]},
            {
                "area": area,
                "parent": parent,
                "position": position,
                "code": str(row.get("code") or ""),
                "title": text(row["title"]),
                "text": text(row.get("text")),
                "lead_unit_hk": self.units.get(leads.get("hong_kong") or ""),
                "lead_unit_cq": self.units.get(leads.get("chongqing") or ""),
                "planned_start": _date(row.get("planned_start")),
                "planned_end": _date(row.get("planned_end")),
                "actual_start": _date(row.get("actual_start")),
                "actual_end": _date(row.get("actual_end")),
            },
            m2m={"supporting_units": self._units(row.get("supporting_units"))},
        )
        self.measures[row["id"]] = measure
        if measure is None:
            return
        for index, item in enumerate(row.get("items") or [], start=1):
            default_code = f"{measure.code}.{index}" if measure.code else ""
            item = {**item, "code": item.get("code") or default_code}
            self._measure(item, area=area, parent=measure, position=index)
        for ms in row.get("milestones") or []:
            upsert(
                Milestone,
                self.report,
                {"ext_id": ms["id"]},
                {
                    "measure": measure,
                    "title": text(ms["title"]),
                    "planned_on": _date(ms.get("planned_on")),
                    "achieved_on": _date(ms.get("achieved_on")),
                },
            )

    def _meeting(self, row: dict[str, Any], mechanism: Mechanism) -> None:
        meeting = upsert(
            Meeting,
            self.report,
            {"ext_id": row["id"]},
            {
                "mechanism": mechanism,
                "kind": row["kind"],
                "sequence": row.get("sequence"),
                "title": text(row["title"]),
                "date": _date(row["date"]),
                "place": text(row.get("place")),
                "summary": text(row.get("summary")),
                "agenda": text(row.get("agenda")),
                "minutes": text(row.get("minutes")),
            },
        )
        self.meetings[row["id"]] = meeting
        if meeting is None:
            return
        for position, att in enumerate(row.get("attendees") or [], start=1):
            person = self.people.get(att["person"])
            if person is None:
                continue
            upsert(
                Attendance,
                self.report,
                {"meeting": meeting, "person": person},
                {
                    "side": att["side"],
                    "role": att.get("role") or Attendance.Role.MEMBER,
                    "capacity": text(att.get("capacity")),
                    "position": position,
                },
            )
        for number, dec in enumerate(row.get("decisions") or [], start=1):
            upsert(
                Decision,
                self.report,
                {"ext_id": dec["id"]},
                {
                    "meeting": meeting,
                    "number": number,
                    "text": text(dec["text"]),
                    "due_on": _date(dec.get("due_on")),
                    "status": dec.get("status") or Decision.Status.OPEN,
                    "follow_up": text(dec.get("follow_up")),
                },
                m2m={
                    "owner_units": self._units(dec.get("owner_units")),
                    "measures": [self.measures.get(m) for m in dec.get("measures") or []],
                },
            )

    def _agreement(self, row: dict[str, Any]) -> None:
        agreement = upsert(
            Agreement,
            self.report,
            {"ext_id": row["id"]},
            {
                "kind": row["kind"],
                "title": text(row["title"]),
                "summary": text(row.get("summary")),
                "meeting": self.meetings.get(row.get("meeting") or ""),
                "signed_on": _date(row.get("signed_on")),
                "place": text(row.get("place")),
            },
            m2m={"parties": [self.org(o) for o in row.get("parties") or []]},
        )
        if agreement is None:
            return
        for sig in row.get("signatories") or []:
            person = self.people.get(sig["person"])
            if person is None:
                continue
            upsert(
                Signatory,
                self.report,
                {"agreement": agreement, "person": person},
                {"organisation": self.org(sig.get("organisation")), "capacity": text(sig.get("capacity"))},
            )
        for ev in row.get("events") or []:
            upsert(
                AgreementEvent,
                self.report,
                {"agreement": agreement, "kind": ev["kind"], "date": _date(ev["date"])},
                {"note": text(ev.get("note"))},
            )
        for doc in row.get("documents") or []:
            upsert(
                AgreementDocument,
                self.report,
                {"ext_id": doc["id"]},
                {
                    "agreement": agreement,
                    "title": text(doc["title"]),
                    "language": doc["language"],
                    "version": str(doc.get("version") or "1"),
                },
            )
        for clause in row.get("clauses") or []:
            upsert(
                Clause,
                self.report,
                {"agreement": agreement, "number": str(clause["number"])},
                {"text": text(clause["text"])},
                m2m={"measures": [self.measures.get(m) for m in clause.get("measures") or []]},
            )


DEMO_ACCOUNTS: list[dict[str, Any]] = [
    {"username": "demo-resident", "role": "resident", "side": "", "units": [], "org": None},
    {"username": "demo-organisation", "role": "org_member", "side": "", "units": [], "org": "hktdc"},
    {"username": "demo-officer-hk", "role": "officer", "side": "hong_kong", "units": ["hk_chengdu_eto"], "org": None},
    {"username": "demo-officer-cq", "role": "officer", "side": "chongqing", "units": ["cq_commerce"], "org": None},
    # The officer journey of the consulting service out of the box: the unit most enquiries are
    # routed to, and the platform's own unit, which gets every question no other unit owns.
    {
        "username": "demo-officer-exit-entry",
        "role": "officer",
        "side": "chongqing",
        "units": ["cq_exit_entry"],
        "org": None,
    },
    {"username": "demo-officer-hkmao", "role": "officer", "side": "chongqing", "units": ["cq_hkmao"], "org": None},
    {"username": "demo-secretariat-hk", "role": "secretariat", "side": "hong_kong", "units": [], "org": None},
    {"username": "demo-secretariat-cq", "role": "secretariat", "side": "chongqing", "units": [], "org": None},
    {"username": "demo-admin", "role": "admin", "side": "", "units": [], "org": None},
    # Partnering: members of the demonstration organisations (hkcq.partnering makes them members)
    # and an officer of HKTDC, the Hong Kong trade facilitator (demo-officer-cq is Chongqing's).
    {"username": "demo-partner-hk", "role": "org_member", "side": "", "units": [], "org": None},
    {"username": "demo-partner-cq", "role": "org_member", "side": "", "units": [], "org": None},
    {"username": "demo-officer-tdc", "role": "officer", "side": "hong_kong", "units": ["hk_tdc"], "org": None},
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    side: str
    units: list[Unit]
    organisations: list[Organisation]


def demo_password(username: str) -> str:
    return f"{username}-2023"


@transaction.atomic
def demo_accounts_ensure() -> list[DemoAccount]:
    """One account per role (and an officer for each unit the demo journeys need), for trying
    the platform."""

    user_model = get_user_model()
    out = []
    for spec in DEMO_ACCOUNTS:
        username, password = spec["username"], demo_password(spec["username"])
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        wanted = {
            "role": spec["role"],
            "side": spec["side"],
            "email": f"{username}@example.org",
            "is_staff": spec["role"] == "admin",
            "is_superuser": spec["role"] == "admin",
            "is_active": True,
        }
        dirty = user.pk is None or any(getattr(user, k) != v for k, v in wanted.items())
        for k, v in wanted.items():
            setattr(user, k, v)
        if user.pk is None or not user.check_password(password):
            user.set_password(password)
            dirty = True
        if dirty:
            user.save()
        units = list(Unit.objects.filter(ext_id__in=spec["units"]).order_by("ext_id"))
        organisations = list(Organisation.objects.filter(ext_id=spec["org"])) if spec["org"] else []
        set_m2m(user, "units", units)
        set_m2m(user, "organisations", organisations)
        out.append(DemoAccount(username, password, spec["role"], spec["side"], units, organisations))
    return out


@transaction.atomic
def registry_defaults_load(report: LoadReport, seed_dir: Path = SEED_DIR) -> None:
    """The registry's part of the default data (units, then the registry), counted into ``report``.
    The whole default data, other apps' parts included, is loaded by ``hkcq.defaults``."""
    loader = Loader(report)
    loader.load_units_file(read_yaml(seed_dir / "units.yaml"))
    loader.load_registry(read_yaml(seed_dir / "registry.yaml"))


__all__ = ["REASON", "SEED_DIR", "LoadReport", "read_yaml", "registry_defaults_load", "text", "upsert"]
