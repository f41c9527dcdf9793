"""Rounds: creating one from a document, reading and changing it, ranks, allocation and an entry's link."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Status

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import (
    ERRORS,
    TextIn,
)
from hkcq.core.permissions import require
from hkcq.exchanges import permissions, selectors, services
from hkcq.exchanges.api._shared import _round_out, _rows, router
from hkcq.exchanges.models import (
    PairStatus,
    Participant,
    Round,
)
from hkcq.exchanges.schemas import (
    ExchangeRoundOut,
    RoundAllocationOut,
    RoundCreatedOut,
    RoundIn,
    RoundLinkIn,
    RoundLinkOut,
    RoundPatch,
    RoundRanksIn,
)
from hkcq.registry.models import Area, Unit


@router.post(
    "/rounds",
    response={201: RoundCreatedOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Create a round with its participants and rankings",
)
def round_create(request: AuthedRequest, body: RoundIn) -> Status[dict[str, Any]]:
    data = body.dict()
    if data["area"]:  # an unknown id: its own code; a missing area: the service's refusal
        data["area"] = _rows(Area, [data["area"]], "area")[0]
    round_ = services.round_create(user=request.auth, data=data)
    return Status(201, {"id": round_.pk})


@router.get(
    "/rounds/{round_id}",
    response={200: ExchangeRoundOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="A round (organisers and its participants)",
)
def round_detail(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    return _round_out(selectors.round_get_for_user(user=request.auth, pk=round_id))


@router.patch(
    "/rounds/{round_id}",
    response={200: ExchangeRoundOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Change a round's settings (organisers)",
)
def round_update(request: AuthedRequest, round_id: int, body: RoundPatch) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    data: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if isinstance(value, TextIn):
            data[name] = value.as_texts()
        elif name in ("title", "eligibility"):  # sent as null: emptied (a title is then refused)
            data[name] = {}
        elif name == "organiser_units":
            data[name] = _rows(Unit, list(value or []), name)
        elif name == "area":
            data[name] = _rows(Area, [value], name)[0] if value else None
        else:
            data[name] = value if value is not None or name.endswith("deadline") else ""
    return _round_out(services.round_update(user=request.auth, round_=r, data=data))


@router.put(
    "/rounds/{round_id}/participants/{ext_id}/ranks",
    response={200: RoundRanksIn, **ERRORS},
    auth=STAFF_AUTH,
    summary="Set a participant's ranking (the participant, or an organiser)",
)
def round_ranks(
    request: AuthedRequest,
    round_id: int,
    ext_id: str,
    body: RoundRanksIn,
    role: Literal["applicant", "host"] = "applicant",
) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    p = selectors.participant_get_for_user(user=request.auth, round_=r, role=role, ext_id=ext_id)
    p = services.ranks_set(user=request.auth, participant=p, ranks=body.ranks)
    return {"ranks": p.ranks}


def _allocation(r: Round) -> dict[str, Any]:
    live = [p for p in selectors.pairs(r) if p.status in (PairStatus.OFFERED, PairStatus.ACCEPTED)]
    placed = {p.applicant.ext_id for p in live}
    reached = selectors.reachable_entries(r)
    return {
        "pairs": [
            {
                "id": p.pk,
                "applicant": p.applicant.ext_id,
                "host": p.host.ext_id,
                "status": p.status,
                "fixed": p.fixed,
                "run": p.run,
                "applicant_accepted": p.applicant_accepted,
                "host_accepted": p.host_accepted,
                "applicant_told": p.applicant_id in reached,
                "host_told": p.host_id in reached,
            }
            for p in live
        ],
        "unplaced": sorted(
            p.ext_id for p in r.participants.filter(role=Participant.APPLICANT) if p.ext_id not in placed
        ),
        "statistics": r.statistics,
    }


@router.post(
    "/rounds/{round_id}/allocate",
    response={200: RoundAllocationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Run the allocation (organisers)",
)
def round_allocate(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    services.round_allocate(user=request.auth, round_=r)
    r.refresh_from_db()
    return _allocation(r)


@router.get(
    "/rounds/{round_id}/allocation",
    response={200: RoundAllocationOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="The current allocation",
)
def round_allocation(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    return _allocation(r)


@router.put(
    "/rounds/{round_id}/participants/{ext_id}/link",
    response={200: RoundLinkOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Link a round's entry to its organisation profile and/or an account (organisers)",
)
def round_link(
    request: AuthedRequest,
    round_id: int,
    ext_id: str,
    body: RoundLinkIn,
    role: Literal["applicant", "host"] = "applicant",
) -> dict[str, Any]:
    r = selectors.round_get_for_user(user=request.auth, pk=round_id)
    require(permissions.can_organise_round(request.auth, r))
    p = selectors.participant_get_for_user(user=request.auth, round_=r, role=role, ext_id=ext_id)
    p = services.participant_link(
        user=request.auth, participant=p, profile=body.profile, email=body.email, reason=body.reason
    )
    return {
        "id": p.ext_id,
        "role": p.role,
        "profile": p.profile_id,
        "email": p.user.email if p.user is not None else None,
        "told": p.pk in selectors.reachable_entries(r),
    }
