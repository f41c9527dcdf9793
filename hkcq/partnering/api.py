"""Partnering API: the marketplace for everyone; posting, review, interest and introductions for
signed-in members and facilitators. Lists never carry contact people; an anonymous opportunity
never carries its organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH
from hkcq.accounts.types import AuthedRequest, Viewer
from hkcq.core.api import ERRORS, ErrorOut, Mapped, Required, TextIn, TextOut
from hkcq.core.errors import InvalidInput
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.translated import current_language
from hkcq.partnering import matching, permissions, selectors, services
from hkcq.partnering.models import Interest, Opportunity, Sector
from hkcq.registry.models import Area, Measure

router = Router(tags=["partnering"])


class OrganisationRef(Schema):
    id: int
    name: TextOut
    side: Required
    kind: Required
    verified: bool


class OpportunityOut(Schema):
    id: int
    type: str
    title: TextOut
    description: TextOut
    sector: str
    areas: list[str]
    measures: list[str]
    service_kind: str
    target_side: str
    keywords: str
    deal_size: str
    expires_on: dt.date
    visibility: str
    status: str
    side: str
    organisation: OrganisationRef | None  # null for an anonymous opportunity (unless it is yours)
    published_at: dt.datetime | None

    @staticmethod
    def of(o: Opportunity, user: Viewer) -> dict[str, Any]:
        p = o.profile
        return {
            "id": o.pk,
            "type": o.type,
            "title": TextOut.of(o.title),
            "description": TextOut.of(o.description),
            "sector": o.sector.code,
            "areas": [a.ext_id for a in o.areas.all()],
            "measures": [m.ext_id for m in o.measures.all()],
            "service_kind": o.service_kind,
            "target_side": o.target_side,
            "keywords": o.keywords,
            "deal_size": o.deal_size,
            "expires_on": o.expires_on,
            "visibility": o.visibility,
            "status": o.status,
            "side": p.side,
            "organisation": {
                "id": p.pk,
                "name": TextOut.of(p.name),
                "side": p.side,
                "kind": p.kind,
                "verified": p.is_verified,
            }
            if permissions.can_see_owner(user, o)
            else None,
            "published_at": o.published_at,
        }


class OpportunityIn(Schema):
    organisation: int
    type: Required
    title: TextIn
    description: TextIn
    sector: Required
    areas: list[str]
    measures: list[str] = []
    service_kind: str = ""
    target_side: str = "any"
    keywords: str = ""
    deal_size: str = ""
    expires_on: dt.date | None = None
    visibility: str = "public"


class MatchOut(Schema):
    id: int
    score: float
    reasons: list[str]


class InterestIn(Schema):
    organisation: int
    message: Required
    from_opportunity: int | None = None


class ReasonIn(Schema):
    reason: str = ""


class InterestOut(Schema):
    id: int
    opportunity: int
    organisation: int  # the interested organisation
    status: str
    reason: str
    created_at: dt.datetime
    expires_at: dt.datetime
    forwarded: bool
    decided_at: dt.datetime | None

    @staticmethod
    def of(i: Interest) -> dict[str, Any]:
        return {
            "id": i.pk,
            "opportunity": i.opportunity_id,
            "organisation": i.from_profile_id,
            "status": i.status,
            "reason": i.reason,
            "created_at": i.created_at,
            "expires_at": i.expires_at,
            "forwarded": i.forwarded_at is not None,
            "decided_at": i.decided_at,
        }


class PartnershipsOut(Schema):
    area: str
    total: int
    by_kind: dict[str, int]


@router.get("/opportunities", response=list[OpportunityOut])
@paginate(LimitOffsetPagination)
def list_opportunities(
    request: HttpRequest,
    type: str = "",
    sector: str = "",
    area: str = "",
    side: str = "",
    language: str = "",
    q: str = "",
) -> Mapped:
    """Published, unexpired opportunities (everyone sees only these here)."""
    filters = selectors.MarketFilters(q=q[:200], type=type, sector=sector, area=area, side=side, language=language)
    return Mapped(
        selectors.marketplace(filters).prefetch_related("measures"), lambda o: OpportunityOut.of(o, request.user)
    )


def _area_objects(ext_ids: list[str], errors: dict[str, list[str]]) -> list[Area]:
    areas = list(Area.objects.filter(ext_id__in=ext_ids))
    if len(areas) != len(set(ext_ids)):
        errors.setdefault("areas", []).append(_("There is no co-operation area with one of these ids."))
    return areas


def _texts(value: TextIn) -> dict[str, str]:
    return {k: v for k, v in value.as_texts().items()}


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def create_opportunity(request: AuthedRequest, payload: OpportunityIn) -> tuple[int, dict[str, Any]]:
    """A member posts an opportunity of their organisation; it goes to review by a facilitator."""
    profile = selectors.profile_get_for_user(user=request.user, pk=payload.organisation)
    errors: dict[str, list[str]] = {}
    areas = _area_objects(payload.areas, errors)
    measures = list(Measure.objects.filter(ext_id__in=payload.measures))
    if len(measures) != len(set(payload.measures)):
        errors.setdefault("measures", []).append(_("There is no measure with one of these ids."))
    sector = Sector.objects.filter(code=payload.sector).first()
    if sector is None:
        errors.setdefault("sector", []).append(_("Choose a sector from the list."))
    if errors and permissions.can_edit_profile(request.user, profile):
        raise InvalidInput(details=errors)
    opportunity = services.opportunity_create(
        user=request.user,
        profile=profile,
        type=payload.type,
        title=_texts(payload.title),
        description=_texts(payload.description),
        sector=sector,
        areas=areas,
        measures=measures,
        service_kind=payload.service_kind,
        target_side=payload.target_side,
        keywords=payload.keywords,
        deal_size=payload.deal_size,
        expires_on=payload.expires_on,
        visibility=payload.visibility,
    )
    return 201, OpportunityOut.of(opportunity, request.user)


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, 404: ErrorOut})
def get_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    return OpportunityOut.of(selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id), request.user)


@router.get("/opportunities/{opportunity_id}/matches", response={200: list[MatchOut], 404: ErrorOut})
def opportunity_matches(request: HttpRequest, opportunity_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """Suggested counterparts, best first: the counterpart's id, a score (0–1, the harmonic mean
    of both directions' fit) and the reasons in the request's language."""
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    found = matching.suggestions(opportunity, limit=max(1, min(limit, 50)))
    if not found:
        return []
    me = matching.current_index().docs[opportunity.pk]
    lang = current_language()
    return [{"id": m.pk, "score": m.score, "reasons": matching.reasons(m, me, lang=lang)} for m in found]


@router.post("/opportunities/{opportunity_id}/interest", response={201: InterestOut, **ERRORS}, auth=STAFF_AUTH)
def express_interest(request: AuthedRequest, opportunity_id: int, payload: InterestIn) -> tuple[int, dict[str, Any]]:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    profile = selectors.profile_get_for_user(user=request.user, pk=payload.organisation)
    from_opportunity = None
    if payload.from_opportunity is not None:
        from_opportunity = selectors.opportunity_get_for_user(user=request.user, pk=payload.from_opportunity)
    interest = services.interest_express(
        user=request.user,
        opportunity=opportunity,
        profile=profile,
        message=payload.message,
        from_opportunity=from_opportunity,
        language=current_language(),
    )
    return 201, InterestOut.of(interest)


@router.get("/interests", response={200: list[InterestOut], **ERRORS}, auth=STAFF_AUTH)
def list_interests(request: AuthedRequest) -> list[dict[str, Any]]:
    """Every expression of interest you may follow (sent, received, facilitated), with its status."""
    groups = selectors.interests_for_user(request.user)
    seen: dict[int, Interest] = {}
    for rows in groups.values():
        for interest in rows:
            seen[interest.pk] = interest
    return [InterestOut.of(i) for i in sorted(seen.values(), key=lambda i: -i.pk)]


@router.post("/interests/{interest_id}/accept", response={200: InterestOut, **ERRORS}, auth=STAFF_AUTH)
def accept_interest(request: AuthedRequest, interest_id: int) -> dict[str, Any]:
    interest = selectors.interest_get_for_user(user=request.user, pk=interest_id)
    return InterestOut.of(services.interest_accept(user=request.user, interest=interest))


@router.post("/interests/{interest_id}/decline", response={200: InterestOut, **ERRORS}, auth=STAFF_AUTH)
def decline_interest(request: AuthedRequest, interest_id: int, payload: ReasonIn) -> dict[str, Any]:
    interest = selectors.interest_get_for_user(user=request.user, pk=interest_id)
    return InterestOut.of(services.interest_decline(user=request.user, interest=interest, reason=payload.reason))


@router.get("/partnerships", response=list[PartnershipsOut])
def partnerships(request: HttpRequest) -> list[dict[str, Any]]:
    """Partnerships formed through introductions, per co-operation area (public aggregate)."""
    return [
        {"area": row["area"].ext_id, "total": row["total"], "by_kind": row["by_kind"]}
        for row in selectors.partnerships_per_area()
    ]
