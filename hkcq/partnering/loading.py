"""The partnering service's default data from ``seed/partnering.yaml``: the sector taxonomy, the
facilitator desks of both sides and a labelled demonstration set. Keyed on stable codes; a re-load changes nothing up to date.
Called by ``hkcq.defaults`` after the registry (the desks are registry units)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hkcq.core.loading import LoadReport, read_yaml, set_m2m, text, upsert
from hkcq.partnering import matching
from hkcq.partnering.models import ContactPerson, FacilitatorDesk, Membership, Opportunity, OrganisationProfile, Sector
from hkcq.partnering.services import add_months
from hkcq.registry.models import Area, Unit

SEED_FILE = Path(settings.BASE_DIR) / "seed" / "partnering.yaml"


def _load_sectors(report: LoadReport, rows: list[dict[str, Any]], parent: Sector | None, start: int) -> int:
    position = start
    for row in rows:
        position += 1
        sector = upsert(
            Sector, report, {"code": row["code"]}, {"name": text(row["name"]), "parent": parent, "position": position}
        )
        position = _load_sectors(report, row.get("children") or [], sector, position)
    return position


@transaction.atomic
def partnering_defaults_load(report: LoadReport, path: Path = SEED_FILE) -> None:
    data = read_yaml(path)
    _load_sectors(report, data.get("sectors") or [], None, 0)
    for row in data.get("facilitator_desks") or []:
        unit = Unit.objects.filter(ext_id=row["unit"]).first()
        if unit is None:
            continue
        upsert(FacilitatorDesk, report, {"unit": unit}, {"side": unit.side, "kind": row["kind"]})
    _demo_load(report, data)


def _demo_load(report: LoadReport, data: dict[str, Any]) -> None:
    """The labelled demonstration set: organisations (verified) and published opportunities. An
    opportunity that has expired since the last load is renewed, so the demo stays alive."""
    today = timezone.localdate()
    sectors = {s.code: s for s in Sector.objects.all()}
    areas = {a.ext_id: a for a in Area.objects.all()}
    profiles: dict[str, OrganisationProfile] = {}
    for row in data.get("demo_organisations") or []:
        existing = OrganisationProfile.objects.filter(ext_id=row["id"]).first()
        profile = upsert(
            OrganisationProfile,
            report,
            {"ext_id": row["id"]},
            {
                "name": text(row["name"]),
                "side": row["side"],
                "kind": row["kind"],
                "sector": sectors[row["sector"]],
                "size": row["size"],
                "city": text(row["city"]),
                "languages": list(row.get("languages") or []),
                "description": text(row["description"]),
                "is_demo": True,
            },
        )
        if existing is None or profile.verified_at is None:
            profile.verified_at = timezone.now()
            profile.save(update_fields=["verified_at"])
        set_m2m(profile, "areas", [areas[a] for a in row.get("areas") or []])
        for contact in row.get("contacts") or []:
            ContactPerson.objects.get_or_create(
                profile=profile, email=contact["email"], defaults={"name": contact["name"]}
            )
        profiles[row["id"]] = profile
    changed: list[int] = []
    for row in data.get("demo_opportunities") or []:
        current = Opportunity.objects.filter(ext_id=row["id"]).first()
        values = {
            "profile": profiles[row["organisation"]],
            "type": row["type"],
            "title": text(row["title"]),
            "description": text(row["description"]),
            "sector": sectors[row["sector"]],
            "service_kind": row.get("service_kind") or "",
            "target_side": row.get("target_side") or "any",
            "keywords": row.get("keywords") or "",
            "deal_size": row.get("deal_size") or "",
            "visibility": row.get("visibility") or "public",
            "status": Opportunity.Status.PUBLISHED,
            "is_demo": True,
        }
        if current is None or current.expires_on < today:
            values["expires_on"] = add_months(today, 6)
        if current is None or current.published_at is None:
            values["published_at"] = timezone.now()
        opportunity = upsert(Opportunity, report, {"ext_id": row["id"]}, values)
        set_m2m(opportunity, "areas", [areas[a] for a in row.get("areas") or []])
        changed.append(opportunity.pk)
    matching.changed(changed)  # running processes' match indexes take them in


def demo_members_ensure(path: Path = SEED_FILE) -> list[tuple[str, OrganisationProfile]]:
    """Make the demo accounts named in the data file members of their demo organisations (once
    the accounts exist: ``create_demo_accounts`` calls this after creating them)."""
    out = []
    users = get_user_model().objects
    for row in read_yaml(path).get("demo_organisations") or []:
        profile = OrganisationProfile.objects.filter(ext_id=row["id"]).first()
        for username in row.get("members") or []:
            user = users.filter(username=username).first()
            if profile is None or user is None:
                continue
            if not Membership.objects.filter(profile=profile, user=user, left_at__isnull=True).exists():
                Membership.objects.create(profile=profile, user=user)
            out.append((username, profile))
    return out
