"""Partnering API: the marketplace for everyone; posting, review, interest and introductions for
signed-in members and facilitators. Lists never carry contact people; an anonymous opportunity
never carries its organisation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH
from hkcq.accounts.types import AuthedRequest
from hkcq.core.api import ERRORS, ErrorOut, Mapped, TextIn, TextOut
from hkcq.core.errors import NotFound, NotPermitted, UnknownReference
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.translated import current_language
from hkcq.partnering import matching, permissions, selectors, services, threesided
from hkcq.partnering.models import (
    FacilitatorDesk,
    Membership,
    OpportunityEvent,
    Outcome,
    Sector,
)
from hkcq.partnering.schemas import (
    ContactIn,
    DeskIn,
    DeskOut,
    InterestDetailOut,
    InterestIn,
    InterestOut,
    MatchListOut,
    MemberIn,
    MembershipOut,
    OpportunityEventOut,
    OpportunityIn,
    OpportunityOut,
    OpportunityUpdateIn,
    OutcomeIn,
    OutcomeOut,
    PartnershipsOut,
    ProfileIn,
    ProfileOut,
    ProfileUpdateIn,
    ProviderListOut,
    ReasonIn,
    ReviewQueueOut,
)
from hkcq.registry.models import Area, Measure, Unit

router = Router(tags=["partnering"])


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


def _sector(code: str, errors: dict[str, list[str]]) -> Sector | None:
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        errors.setdefault("sector", []).append(_("Choose a sector from the list."))
    return sector


def _texts(value: TextIn) -> dict[str, str]:
    return {k: v for k, v in value.as_texts().items()}


def _opportunity_values(payload: OpportunityIn | OpportunityUpdateIn, errors: dict[str, list[str]]) -> dict[str, Any]:
    """The services' keyword arguments for an opportunity's body (create and update alike); an id
    that names nothing adds its error to ``errors``."""
    areas = _area_objects(payload.areas, errors)
    measures = list(Measure.objects.filter(ext_id__in=payload.measures))
    if len(measures) != len(set(payload.measures)):
        errors.setdefault("measures", []).append(_("There is no measure with one of these ids."))
    return {
        "type": payload.type,
        "title": _texts(payload.title),
        "description": _texts(payload.description),
        "sector": _sector(payload.sector, errors),
        "areas": areas,
        "measures": measures,
        "service_kind": payload.service_kind,
        "target_side": payload.target_side,
        "keywords": payload.keywords,
        "deal_size": payload.deal_size,
        "expires_on": payload.expires_on,
        "visibility": payload.visibility,
    }


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def create_opportunity(request: AuthedRequest, payload: OpportunityIn) -> Status[dict[str, Any]]:
    """A member posts an opportunity of their organisation; it goes to review by a facilitator."""
    profile = selectors.profile_get_for_user(user=request.user, pk=payload.organisation)
    errors: dict[str, list[str]] = {}
    values = _opportunity_values(payload, errors)
    if errors and permissions.can_edit_profile(request.user, profile):
        raise UnknownReference(details=errors)
    opportunity = services.opportunity_create(user=request.user, profile=profile, **values)
    return Status(201, OpportunityOut.of(opportunity, request.user))


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, 404: ErrorOut})
def get_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    return OpportunityOut.of(selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id), request.user)


@router.get("/opportunities/{opportunity_id}/matches", response={200: MatchListOut, 404: ErrorOut})
def opportunity_matches(request: HttpRequest, opportunity_id: int, limit: int = 10) -> dict[str, Any]:
    """Suggested counterparts, best first (the best ``limit``, 1–50, default 10): the
    counterpart's id, a score (0–1, the harmonic mean of both directions' fit) and the reasons in
    the request's language. A ranking computed in memory, not a stored list: no ``offset``.
    ``matched_with``: the types it is matched with (an offer is matched with the other side's offers
    too when each names what the other offers). With no suggestion, ``explanation`` says why and
    what to do (post a request, wait for review, renew …), in the request's language."""
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    lang = current_language()
    found = matching.explained(opportunity, limit=max(1, min(limit, 50)), lang=lang)
    items = [{"id": m.pk, "score": m.score, "reasons": why} for m, why in found]
    return {
        "items": items,
        "count": len(items),
        "matched_with": matching.matched_with(opportunity.type),
        "explanation": [] if items else matching.why_none(opportunity, lang=lang),
    }


@router.post("/opportunities/{opportunity_id}/interest", response={201: InterestOut, **ERRORS}, auth=STAFF_AUTH)
def express_interest(request: AuthedRequest, opportunity_id: int, payload: InterestIn) -> Status[dict[str, Any]]:
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
    return Status(201, InterestOut.of(interest))


@router.get("/interests", response={200: list[InterestOut], **ERRORS}, auth=STAFF_AUTH)
@paginate(LimitOffsetPagination)
def list_interests(request: AuthedRequest) -> Mapped:
    """Every expression of interest you may follow (sent, received, facilitated), with its
    status, newest first."""
    return Mapped(selectors.interests_followed(request.user), InterestOut.of)


@router.post("/interests/{interest_id}/accept", response={200: InterestOut, **ERRORS}, auth=STAFF_AUTH)
def accept_interest(request: AuthedRequest, interest_id: int) -> dict[str, Any]:
    interest = selectors.interest_get_for_user(user=request.user, pk=interest_id)
    return InterestOut.of(services.interest_accept(user=request.user, interest=interest))


@router.post("/interests/{interest_id}/decline", response={200: InterestOut, **ERRORS}, auth=STAFF_AUTH)
def decline_interest(request: AuthedRequest, interest_id: int, payload: ReasonIn) -> dict[str, Any]:
    interest = selectors.interest_get_for_user(user=request.user, pk=interest_id)
    return InterestOut.of(services.interest_decline(user=request.user, interest=interest, reason=payload.reason))


@router.get("/partnerships", response=list[PartnershipsOut])
@paginate(LimitOffsetPagination)
def partnerships(request: HttpRequest) -> list[dict[str, Any]]:
    """Partnerships formed through introductions, per co-operation area (public aggregate)."""
    return [
        {"area": row["area"].ext_id, "total": row["total"], "by_kind": row["by_kind"]}
        for row in selectors.partnerships_per_area()
    ]


def _profile_args(payload: ProfileIn | ProfileUpdateIn) -> dict[str, Any]:
    """The profile's fields, its areas and sector found by their ids (422 ``unknown_reference``
    for an id that names nothing)."""
    errors: dict[str, list[str]] = {}
    areas = _area_objects(payload.areas, errors)
    sector = _sector(payload.sector, errors)
    if errors:
        raise UnknownReference(details=errors)
    return {
        "name": _texts(payload.name),
        "kind": payload.kind,
        "sector": sector,
        "size": payload.size,
        "city": _texts(payload.city),
        "languages": payload.languages,
        "description": _texts(payload.description),
        "areas": areas,
        "website": payload.website,
    }


def _contacts(rows: list[ContactIn]) -> list[services.ContactIn]:
    return [services.ContactIn(name=c.name, email=c.email, position=c.position, phone=c.phone) for c in rows]


@router.get("/organisation-profiles", response=list[ProfileOut])
@paginate(LimitOffsetPagination)
def list_profiles(request: HttpRequest, side: str = "", kind: str = "", mine: bool = False) -> Mapped:
    """Verified organisation profiles (``mine=true``: the organisations you act for, verified or
    not). Never with contact people."""
    if mine:
        found = selectors.profiles_for_member(request.user)
    else:
        found = selectors.profiles_visible_to(request.user).filter(verified_at__isnull=False)
    if side:
        found = found.filter(side=side)
    if kind:
        found = found.filter(kind=kind)
    return Mapped(found.order_by("side", "id"), lambda p: ProfileOut.of(p, request.user))


@router.get("/organisation-profiles/{profile_id}", response={200: ProfileOut, 404: ErrorOut})
def get_profile(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    """One profile; its contact people only for its members and its side's facilitators."""
    profile = selectors.profile_get_for_user(user=request.user, pk=profile_id)
    return ProfileOut.of(profile, request.user, with_contacts=True)


@router.post("/organisation-profiles", response={201: ProfileOut, **ERRORS}, auth=STAFF_AUTH)
def create_profile(request: AuthedRequest, payload: ProfileIn) -> Status[dict[str, Any]]:
    """A signed-in person (not staff) creates their organisation's profile and becomes its first
    member; a facilitator of its side verifies it."""
    if not permissions.can_create_profile(request.user):
        raise NotPermitted()
    profile = services.profile_create(
        user=request.user, side=payload.side, contacts=_contacts(payload.contacts), **_profile_args(payload)
    )
    return Status(201, ProfileOut.of(profile, request.user, with_contacts=True))


@router.put("/organisation-profiles/{profile_id}", response={200: ProfileOut, **ERRORS}, auth=STAFF_AUTH)
def update_profile(request: AuthedRequest, profile_id: int, payload: ProfileUpdateIn) -> dict[str, Any]:
    """A current member edits their own organisation's profile (and, if given, its contacts)."""
    profile = selectors.profile_get_for_user(user=request.user, pk=profile_id)
    if not permissions.can_edit_profile(request.user, profile):
        raise NotPermitted()
    with transaction.atomic():
        profile = services.profile_update(user=request.user, profile=profile, **_profile_args(payload))
        if payload.contacts is not None:
            services.contacts_set(user=request.user, profile=profile, contacts=_contacts(payload.contacts))
    return ProfileOut.of(
        selectors.profile_get_for_user(user=request.user, pk=profile.pk), request.user, with_contacts=True
    )


@router.post("/organisation-profiles/{profile_id}/verify", response={200: ProfileOut, **ERRORS}, auth=STAFF_AUTH)
def verify_profile(request: AuthedRequest, profile_id: int) -> dict[str, Any]:
    """A facilitator of the organisation's side verifies it."""
    profile = selectors.profile_get_for_user(user=request.user, pk=profile_id)
    return ProfileOut.of(services.profile_verify(user=request.user, profile=profile), request.user, with_contacts=True)


@router.get(
    "/organisation-profiles/{profile_id}/members", response={200: list[MembershipOut], **ERRORS}, auth=STAFF_AUTH
)
@paginate(LimitOffsetPagination)
def list_members(request: AuthedRequest, profile_id: int) -> Mapped:
    """The current members (for the organisation's members, its side's facilitators and the
    secretariat)."""
    profile = selectors.profile_get_for_user(user=request.user, pk=profile_id)
    if not permissions.can_see_members(request.user, profile):
        raise NotPermitted()
    return Mapped(selectors.current_members(profile), MembershipOut.of)


@router.post("/organisation-profiles/{profile_id}/members", response={201: MembershipOut, **ERRORS}, auth=STAFF_AUTH)
def add_member(request: AuthedRequest, profile_id: int, payload: MemberIn) -> Status[dict[str, Any]]:
    """A member, or a facilitator of the organisation's side, adds another person with an account
    (by username or e-mail address); the person is told (and, when a facilitator added them, the
    organisation's other members), each in their language. Adding a current member again changes
    nothing and answers with the membership."""
    profile = selectors.profile_get_for_user(user=request.user, pk=profile_id)
    membership = services.member_add(user=request.user, profile=profile, email_or_username=payload.member)
    return Status(201, MembershipOut.of(membership))


@router.get("/memberships", response={200: list[MembershipOut], **ERRORS}, auth=STAFF_AUTH)
@paginate(LimitOffsetPagination)
def my_memberships(request: AuthedRequest) -> Mapped:
    """Your current memberships (the organisations you act for)."""
    rows = Membership.objects.select_related("user").filter(user=request.user, left_at__isnull=True)
    return Mapped(rows.order_by("id"), MembershipOut.of)


@router.post("/memberships/{membership_id}/leave", response={200: MembershipOut, **ERRORS}, auth=STAFF_AUTH)
def leave(request: AuthedRequest, membership_id: int) -> dict[str, Any]:
    """Leave an organisation (your own membership only)."""
    membership = selectors.membership_get_for_user(user=request.user, pk=membership_id)
    return MembershipOut.of(services.member_leave(user=request.user, membership=membership))


@router.put("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def update_opportunity(request: AuthedRequest, opportunity_id: int, payload: OpportunityUpdateIn) -> dict[str, Any]:
    """A member edits their organisation's opportunity; it goes (back) to review."""
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    if not permissions.can_edit_profile(request.user, opportunity.profile):
        raise NotPermitted()
    errors: dict[str, list[str]] = {}
    values = _opportunity_values(payload, errors)
    if errors:
        raise UnknownReference(details=errors)
    updated = services.opportunity_update(user=request.user, opportunity=opportunity, **values)
    return OpportunityOut.of(selectors.opportunity_get_for_user(user=request.user, pk=updated.pk), request.user)


@router.get(
    "/opportunities/{opportunity_id}/events", response={200: list[OpportunityEventOut], **ERRORS}, auth=STAFF_AUTH
)
@paginate(LimitOffsetPagination)
def opportunity_events(request: AuthedRequest, opportunity_id: int) -> Mapped:
    """Every step of the opportunity's life (created, submitted, published, returned with its
    reason …), oldest first, for its members, its side's facilitators and the secretariat."""
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    if not permissions.can_see_opportunity_unpublished(request.user, opportunity):
        raise NotPermitted()
    return Mapped(
        OpportunityEvent.objects.filter(opportunity=opportunity).order_by("at", "id"),
        lambda e: {"kind": e.kind, "reason": e.reason, "at": e.at},
    )


def _opportunity_action(request: AuthedRequest, opportunity_id: int, do: Any) -> dict[str, Any]:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=opportunity_id)
    done = do(opportunity)
    return OpportunityOut.of(selectors.opportunity_get_for_user(user=request.user, pk=done.pk), request.user)


@router.post("/opportunities/{opportunity_id}/publish", response={200: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def publish_opportunity(request: AuthedRequest, opportunity_id: int) -> dict[str, Any]:
    """A facilitator of the owner's side publishes a submitted opportunity (its organisation must
    be verified)."""
    return _opportunity_action(
        request, opportunity_id, lambda o: services.opportunity_publish(user=request.user, opportunity=o)
    )


@router.post("/opportunities/{opportunity_id}/return", response={200: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def return_opportunity(request: AuthedRequest, opportunity_id: int, payload: ReasonIn) -> dict[str, Any]:
    """A facilitator of the owner's side returns it for changes, with a reason."""
    return _opportunity_action(
        request,
        opportunity_id,
        lambda o: services.opportunity_return(user=request.user, opportunity=o, reason=payload.reason),
    )


@router.post("/opportunities/{opportunity_id}/reject", response={200: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def reject_opportunity(request: AuthedRequest, opportunity_id: int, payload: ReasonIn) -> dict[str, Any]:
    """A facilitator of the owner's side rejects it, with a reason."""
    return _opportunity_action(
        request,
        opportunity_id,
        lambda o: services.opportunity_reject(user=request.user, opportunity=o, reason=payload.reason),
    )


@router.post("/opportunities/{opportunity_id}/submit", response={200: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def submit_opportunity(request: AuthedRequest, opportunity_id: int) -> dict[str, Any]:
    """The owner submits a draft or returned opportunity for review."""
    return _opportunity_action(
        request, opportunity_id, lambda o: services.opportunity_submit(user=request.user, opportunity=o)
    )


@router.post("/opportunities/{opportunity_id}/withdraw", response={200: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def withdraw_opportunity(request: AuthedRequest, opportunity_id: int) -> dict[str, Any]:
    """The owner takes it down; open interest in it is closed."""
    return _opportunity_action(
        request, opportunity_id, lambda o: services.opportunity_withdraw(user=request.user, opportunity=o)
    )


@router.post("/opportunities/{opportunity_id}/renew", response={200: OpportunityOut, **ERRORS}, auth=STAFF_AUTH)
def renew_opportunity(request: AuthedRequest, opportunity_id: int) -> dict[str, Any]:
    """The owner keeps it for another period from today."""
    return _opportunity_action(
        request, opportunity_id, lambda o: services.opportunity_renew(user=request.user, opportunity=o)
    )


@router.get("/review-queue", response={200: ReviewQueueOut, **ERRORS}, auth=STAFF_AUTH)
def review_queue(request: AuthedRequest) -> dict[str, Any]:
    """A facilitator's desk: what waits for them on their side (the secretariat reads both)."""
    if not permissions.review_sides(request.user):
        raise NotPermitted()
    user = request.user
    return {
        "organisations": [ProfileOut.of(p, user) for p in selectors.profiles_awaiting_verification(user)],
        "opportunities": [
            OpportunityOut.of(o, user) for o in selectors.review_queue(user).prefetch_related("measures")
        ],
        "interests": [
            InterestOut.of(i)
            for i in selectors.interests_for_user(user)["facilitated"]
            if i.status == "open" and not i.forwarded_at
        ],
    }


@router.get("/interests/{interest_id}", response={200: InterestDetailOut, **ERRORS}, auth=STAFF_AUTH)
def get_interest(request: AuthedRequest, interest_id: int) -> dict[str, Any]:
    """One expression of interest with its message; once accepted, the introduction (the other
    organisation and its contact people) for the two organisations' members, and the outcome."""
    interest = selectors.interest_get_for_user(user=request.user, pk=interest_id)
    user = request.user
    partner = None
    if interest.is_introduced:
        if permissions.is_member(user, interest.from_profile):
            partner = interest.opportunity.profile
        elif permissions.is_member(user, interest.opportunity.profile):
            partner = interest.from_profile
    outcome = Outcome.objects.select_related("area").filter(interest=interest).first()
    return {
        **InterestOut.of(interest),
        "message": interest.message,
        "introduction": {
            "organisation": {
                "id": partner.pk,
                "name": TextOut.of(partner.name),
                "side": partner.side,
                "kind": partner.kind,
                "verified": partner.is_verified,
            },
            "contacts": [
                {"name": c.name, "position": c.position, "email": c.email, "phone": c.phone}
                for c in partner.contacts.all()
            ],
        }
        if partner is not None
        else None,
        "outcome": OutcomeOut.of(outcome) if outcome else None,
    }


@router.get("/interests/{interest_id}/providers", response={200: ProviderListOut, **ERRORS}, auth=STAFF_AUTH)
def interest_providers(request: AuthedRequest, interest_id: int) -> dict[str, Any]:
    """Three-sided suggestions: for an investment project with an interested investor, the
    published offers of the professional services (legal, accounting, financial advisory) the
    pair still lacks, best first within each kind, with reasons in the request's language.
    Empty for any other interest. A ranking computed in memory (a few per kind): no paging."""
    interest = selectors.interest_get_for_user(user=request.user, pk=interest_id)
    lang = current_language()
    items = [
        {"id": p.pk, "service_kind": p.service_kind, "score": p.score, "reasons": threesided.reasons(p, lang=lang)}
        for p in threesided.providers(interest)
    ]
    return {"items": items, "count": len(items)}


@router.post("/interests/{interest_id}/forward", response={200: InterestOut, **ERRORS}, auth=STAFF_AUTH)
def forward_interest(request: AuthedRequest, interest_id: int) -> dict[str, Any]:
    """A facilitator passes interest in an anonymous opportunity of their side to its owner."""
    interest = selectors.interest_get_for_user(user=request.user, pk=interest_id)
    return InterestOut.of(services.interest_forward(user=request.user, interest=interest))


@router.post("/interests/{interest_id}/outcome", response={200: OutcomeOut, **ERRORS}, auth=STAFF_AUTH)
def record_outcome(request: AuthedRequest, interest_id: int, payload: OutcomeIn) -> dict[str, Any]:
    """Either side of an introduction records what came of it (again: replaces it)."""
    interest = selectors.interest_get_for_user(user=request.user, pk=interest_id)
    area = Area.objects.filter(ext_id=payload.area).first()
    outcome = services.outcome_record(
        user=request.user, interest=interest, kind=payload.kind, area=area, note=payload.note
    )
    return OutcomeOut.of(outcome)


@router.get("/outcomes", response={200: list[OutcomeOut], **ERRORS}, auth=STAFF_AUTH)
@paginate(LimitOffsetPagination)
def list_outcomes(request: AuthedRequest) -> Mapped:
    """The outcomes of your organisations' introductions (the public aggregate is
    GET /api/v1/partnerships)."""
    mine = selectors.member_profiles(request.user)
    rows = Outcome.objects.select_related("area").filter(
        Q(interest__from_profile_id__in=mine) | Q(interest__opportunity__profile_id__in=mine)
    )
    return Mapped(rows.order_by("-recorded_at", "-id"), OutcomeOut.of)


@router.get("/facilitator-desks", response=list[DeskOut])
@paginate(LimitOffsetPagination)
def list_desks(request: HttpRequest, side: str = "") -> Mapped:
    """The units the secretariat marked as facilitator desks (trade or education desk of a side)."""
    desks = FacilitatorDesk.objects.select_related("unit")
    if side:
        desks = desks.filter(side=side)
    return Mapped(desks.order_by("side", "kind", "id"), DeskOut.of)


@router.put("/facilitator-desks/{unit}", response={200: DeskOut, **ERRORS}, auth=STAFF_AUTH)
def mark_desk(request: AuthedRequest, unit: str, payload: DeskIn) -> dict[str, Any]:
    """The secretariat marks a registry unit as a facilitator desk of its side, or unmarks it
    (``active: false``)."""
    found = Unit.objects.filter(ext_id=unit).first()
    if found is None:
        raise NotFound()
    return DeskOut.of(services.desk_mark(user=request.user, unit=found, kind=payload.kind, active=payload.active))
