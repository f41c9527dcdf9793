"""The exchanges API's router, which every module of the package adds its operations to, and the
helpers more than one of them uses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router

from hkcq.core.api import (
    TextOut,
)
from hkcq.core.errors import UnknownReference
from hkcq.core.templatetags.hkcq import listing
from hkcq.exchanges.models import (
    Pair,
    Participant,
    Round,
)

router = Router(tags=["events and rounds"])


def _rows(model: type[Any], ids: list[str], field: str) -> list[Any]:
    rows = {r.ext_id: r for r in model.objects.filter(ext_id__in=ids)}
    unknown = [i for i in ids if i not in rows]
    if unknown:  # its own code: a client (and schemathesis) tells it from what the document refuses
        raise UnknownReference(details={field: [_("Unknown id: %(id)s") % {"id": listing(unknown)}]})
    return [rows[i] for i in ids]


def _round_out(r: Round) -> dict[str, Any]:
    parts = list(r.participants.all())
    return {
        "id": r.pk,
        "kind": r.kind,
        "title": TextOut.of(r.title),
        "eligibility": TextOut.of(r.eligibility),
        "organiser_units": [u.ext_id for u in r.organiser_units.all()],
        "area": r.area.ext_id if r.area else None,
        "applicant_side": r.applicant_side,
        "ranking_deadline": r.ranking_deadline,
        "response_deadline": r.response_deadline,
        "status": r.status,
        "runs": r.runs,
        "applicants": [p.ext_id for p in parts if p.role == Participant.APPLICANT],
        "hosts": [{"id": p.ext_id, "capacity": p.capacity} for p in parts if p.role == Participant.HOST],
    }


def _pair_out(pair: Pair) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "round": pair.round_id,
        "applicant": pair.applicant.ext_id,
        "host": pair.host.ext_id,
        "status": pair.status,
        "applicant_accepted": pair.applicant_accepted,
        "host_accepted": pair.host_accepted,
    }
