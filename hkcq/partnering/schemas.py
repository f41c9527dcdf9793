"""The partnering API's request and response schemas (``api.py`` holds the operations). Lists
never carry contact people; an anonymous opportunity never carries its organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict

from hkcq.accounts.types import Viewer
from hkcq.core.api import IsoDate, Required, TextIn, TextOut, TextRequired, Whole, columns
from hkcq.partnering import permissions
from hkcq.partnering.models import (
    FacilitatorDesk,
    Interest,
    Membership,
    Opportunity,
    OrganisationProfile,
    Outcome,
)


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
    organisation: Whole
    type: Required
    title: TextRequired
    description: TextRequired
    sector: Required
    areas: list[str]
    measures: list[str] = []
    service_kind: str = ""
    target_side: str = "any"
    keywords: str = ""
    deal_size: str = ""
    expires_on: IsoDate | None = None
    visibility: str = "public"


class MatchOut(Schema):
    id: int
    score: float
    reasons: list[str]


class InterestIn(Schema):
    organisation: Whole
    message: Required
    from_opportunity: Whole | None = None


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


class MatchListOut(Schema):
    items: list[MatchOut]
    count: int  # how many suggestions there are (at most ``limit``)
    # the types it is matched with (an offer: the other offer types too, "mutual offers")
    matched_with: list[str]
    # with no suggestion: why, and what the owner can do, in the request's language; else empty
    explanation: list[str]


# -- organisation profiles -------------------------------------------------------------------------
class ContactOut(Schema):
    name: str
    position: str
    email: str
    phone: str


class ContactIn(Schema):
    name: str
    email: str
    position: str = ""
    phone: str = ""


class ProfileOut(Schema):
    id: int
    name: TextOut
    side: str
    kind: str
    sector: str
    size: str
    city: TextOut
    languages: list[str]
    description: TextOut
    areas: list[str]
    website: str
    verified: bool
    verified_at: dt.datetime | None
    is_demo: bool
    # Contact people: only for the organisation's members and its side's facilitators (null
    # for everyone else and in every list); the counterpart of an introduction finds them in
    # GET /api/v1/interests/{id}.
    contacts: list[ContactOut] | None

    @staticmethod
    def of(p: OrganisationProfile, user: Viewer, *, with_contacts: bool = False) -> dict[str, Any]:
        return {
            "id": p.pk,
            "name": TextOut.of(p.name),
            "side": p.side,
            "kind": p.kind,
            "sector": p.sector.code,
            "size": p.size,
            "city": TextOut.of(p.city),
            "languages": list(p.languages or []),
            "description": TextOut.of(p.description),
            "areas": [a.ext_id for a in p.areas.all()],
            "website": p.website,
            "verified": p.is_verified,
            "verified_at": p.verified_at,
            "is_demo": p.is_demo,
            "contacts": [
                {"name": c.name, "position": c.position, "email": c.email, "phone": c.phone} for c in p.contacts.all()
            ]
            if with_contacts and permissions.can_see_contacts(user, p)
            else None,
        }


class ProfileIn(Schema):
    model_config = ConfigDict(json_schema_extra=columns(OrganisationProfile))

    name: TextIn
    side: Required
    kind: Required
    sector: Required
    size: Required
    city: TextIn
    languages: list[str] = []
    description: TextIn
    areas: list[str] = []
    website: str = ""
    contacts: list[ContactIn] = []


class ProfileUpdateIn(Schema):
    """Everything but the side, which never changes (it decides who facilitates the organisation)."""

    model_config = ConfigDict(json_schema_extra=columns(OrganisationProfile))

    name: TextIn
    kind: Required
    sector: Required
    size: Required
    city: TextIn
    languages: list[str] = []
    description: TextIn
    areas: list[str] = []
    website: str = ""
    contacts: list[ContactIn] | None = None  # null: keep the contact people as they are


class MemberIn(Schema):
    member: Required  # a username or e-mail address


class MembershipOut(Schema):
    id: int
    organisation: int
    user: str  # the member's username
    joined_at: dt.datetime
    left_at: dt.datetime | None

    @staticmethod
    def of(m: Membership) -> dict[str, Any]:
        return {
            "id": m.pk,
            "organisation": m.profile_id,
            "user": m.user.username,
            "joined_at": m.joined_at,
            "left_at": m.left_at,
        }


# -- opportunities: editing, review, renewal -------------------------------------------------------
class OpportunityUpdateIn(Schema):
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


class OpportunityEventOut(Schema):
    kind: str
    reason: str
    at: dt.datetime


class ReviewQueueOut(Schema):
    organisations: list[ProfileOut]  # awaiting verification
    opportunities: list[OpportunityOut]  # awaiting review
    interests: list[InterestOut]  # interest in anonymous opportunities, to forward or decline


# -- interests and outcomes ------------------------------------------------------------------------
class IntroductionOut(Schema):
    """The counterpart organisation of an accepted interest and its contact people: only for the
    two organisations' members."""

    organisation: OrganisationRef
    contacts: list[ContactOut]


class OutcomeOut(Schema):
    id: int
    interest: int | None
    source: str
    kind: str
    area: str
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def of(o: Outcome) -> dict[str, Any]:
        return {
            "id": o.pk,
            "interest": o.interest_id,
            "source": o.source,
            "kind": o.kind,
            "area": o.area.ext_id,
            "note": o.note,
            "recorded_at": o.recorded_at,
        }


class InterestDetailOut(InterestOut):
    message: str
    introduction: IntroductionOut | None
    outcome: OutcomeOut | None


class ProviderOut(Schema):
    id: int  # the provider's "professional service offered" opportunity
    service_kind: str
    score: float
    reasons: list[str]


class ProviderListOut(Schema):
    items: list[ProviderOut]
    count: int


class OutcomeIn(Schema):
    kind: Required
    area: Required  # a co-operation area's id (ext_id)
    note: str = ""


# -- facilitator desks -----------------------------------------------------------------------------
class DeskOut(Schema):
    unit: str  # the registry unit's id
    name: TextOut
    side: str
    kind: str
    active: bool

    @staticmethod
    def of(d: FacilitatorDesk) -> dict[str, Any]:
        return {
            "unit": d.unit.ext_id,
            "name": TextOut.of(d.unit.name),
            "side": d.side,
            "kind": d.kind,
            "active": d.is_active,
        }


class DeskIn(Schema):
    kind: Required  # trade | education
    active: bool = True
