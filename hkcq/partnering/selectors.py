"""Reads of the partnering service, with their joins applied. Views and the API fetch a row by a
user-supplied id only through the ``*_get_for_user`` helpers here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from hkcq.accounts.types import Viewer
from hkcq.core.choices import Side
from hkcq.core.errors import NotFound
from hkcq.core.history import history_entries_of
from hkcq.core.permissions import is_active_user
from hkcq.core.text import fold
from hkcq.partnering import permissions
from hkcq.partnering.analysis import terms
from hkcq.partnering.models import (
    FacilitatorDesk,
    Interest,
    Membership,
    Opportunity,
    OrganisationProfile,
    Outcome,
    OutcomeKind,
    Sector,
)
from hkcq.registry.models import Area, Organisation


def _profiles() -> QuerySet[OrganisationProfile]:
    return OrganisationProfile.objects.select_related("sector", "sector__parent", "organisation").prefetch_related(
        "areas"
    )


def profiles_visible_to(user: Viewer) -> QuerySet[OrganisationProfile]:
    """Verified profiles for everyone; unverified ones also to their members, the facilitators
    of their side and the secretariat."""
    if is_active_user(user) and user.is_secretariat:
        return _profiles()
    condition = Q(verified_at__isnull=False) | Q(pk__in=permissions.member_profile_ids(user))
    sides = permissions.facilitator_sides(user)
    if sides:
        condition |= Q(side__in=sides)
    return _profiles().filter(condition)


def profile_get_for_user(*, user: Viewer, pk: int | str) -> OrganisationProfile:
    """The profile ``pk`` if ``user`` may see it; NotFound (404) otherwise, the same answer as
    for a profile that does not exist, so hidden rows are not revealed."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    profile = profiles_visible_to(user).filter(pk=pk).first()
    if profile is None:
        raise NotFound()
    return profile


def profiles_for_member(user: Viewer) -> QuerySet[OrganisationProfile]:
    """The organisations ``user`` currently acts for."""
    return _profiles().filter(pk__in=permissions.member_profile_ids(user)).order_by("id")


def profiles_for_member_with_opportunities(user: Viewer) -> list[tuple[OrganisationProfile, list[Opportunity]]]:
    """The organisations ``user`` acts for, each with its opportunities newest first (as
    ``opportunities_of``), in one query for the profiles and one for all their opportunities."""
    listed = Prefetch("opportunities", queryset=_opportunities().order_by("-created_at", "-id"), to_attr="listed")
    profiles = profiles_for_member(user).prefetch_related(listed)
    return [(profile, profile.listed) for profile in profiles]


def profiles_awaiting_verification(user: Viewer) -> QuerySet[OrganisationProfile]:
    """Unverified profiles of the sides ``user`` facilitates (both for the secretariat), oldest first."""
    sides = permissions.review_sides(user)
    return _profiles().filter(side__in=sides, verified_at__isnull=True).order_by("created_at", "id")


def current_members(profile: OrganisationProfile) -> QuerySet[Membership]:
    return profile.memberships.filter(left_at__isnull=True).select_related("user").order_by("joined_at", "id")


def membership_get_for_user(*, user: Viewer, pk: int | str) -> Membership:
    """One of ``user``'s own current memberships."""
    membership = (
        Membership.objects.select_related("profile").filter(pk=pk, user=user, left_at__isnull=True).first()
        if is_active_user(user)
        else None
    )
    if membership is None:
        raise NotFound()
    return membership


def facilitator_desks(side: str | None = None) -> QuerySet[FacilitatorDesk]:
    desks = FacilitatorDesk.objects.select_related("unit").filter(is_active=True)
    return desks.filter(side=side) if side else desks


def desks_with_history(*, limit: int = 10) -> list[dict[str, Any]]:
    """Every facilitator desk, active or not (by side, kind), with its last ``limit`` changes: the
    histories of all desks read in one query (``core.history.history_entries_of``)."""
    desks = list(FacilitatorDesk.objects.select_related("unit").order_by("side", "kind", "id"))
    histories = history_entries_of(desks, limit=limit)
    return [{"desk": desk, "history": histories[desk.pk]} for desk in desks]


def sectors() -> QuerySet[Sector]:
    return Sector.objects.select_related("parent").order_by("position", "code")


# -- opportunities ---------------------------------------------------------------------------------
def _opportunities() -> QuerySet[Opportunity]:
    return Opportunity.objects.select_related("profile", "sector", "sector__parent").prefetch_related("areas")


def live(today: date | None = None) -> QuerySet[Opportunity]:
    """Published and not expired: what the public sees."""
    today = today or timezone.localdate()
    return _opportunities().filter(status=Opportunity.Status.PUBLISHED, expires_on__gte=today)


def opportunity_get_for_user(*, user: Viewer, pk: int | str) -> Opportunity:
    """A live opportunity for anyone; any other state only for the owner's members, the
    facilitators of its side and the secretariat. NotFound otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    opportunity = _opportunities().filter(pk=pk).first()
    if opportunity is None:
        raise NotFound()
    if not opportunity.is_live() and not permissions.can_see_opportunity_unpublished(user, opportunity):
        raise NotFound()
    return opportunity


@dataclass(frozen=True)
class MarketFilters:
    q: str = ""
    type: str = ""
    sector: str = ""
    area: str = ""
    side: str = ""
    language: str = ""


def marketplace(filters: MarketFilters) -> QuerySet[Opportunity]:
    """Live opportunities matching the filters; ``q`` through the partnering analyzer (English,
    either Chinese script, code-switched), every term of the query must be found."""
    found = live()
    if filters.type:
        found = found.filter(type=filters.type)
    if filters.sector:
        found = found.filter(Q(sector__code=filters.sector) | Q(sector__parent__code=filters.sector))
    if filters.area:
        found = found.filter(areas__ext_id=filters.area)
    if filters.side:
        found = found.filter(profile__side=filters.side)
    if filters.language:
        found = found.filter(profile__languages__icontains=f'"{filters.language}"')
    if filters.q.strip():
        condition = Q()
        found_terms = terms(filters.q)[:8]
        # Concepts carry the meaning across languages; the other words of a query that has
        # concepts (我哋要…, "we need …") are only how it was asked.
        concepts = [t for t in found_terms if t.startswith("~")]
        for term in concepts or found_terms:
            if term.startswith("~"):
                # a concept: any opportunity analysed to it (stored as a JSON list of terms)
                condition &= Q(index_terms__icontains=f'"{term}"')
            else:
                condition &= Q(search_text__icontains=fold(term)) | Q(index_terms__icontains=f'"{term}"')
        found = found.filter(condition)
    return found.distinct().order_by("-published_at", "-id")


def opportunities_of(profile: OrganisationProfile) -> QuerySet[Opportunity]:
    return _opportunities().filter(profile=profile).order_by("-created_at", "-id")


def review_queue(user: Viewer) -> QuerySet[Opportunity]:
    sides = permissions.review_sides(user)
    return _opportunities().filter(status=Opportunity.Status.SUBMITTED, profile__side__in=sides).order_by("updated_at")


# -- interests -------------------------------------------------------------------------------------
def _interests() -> QuerySet[Interest]:
    return Interest.objects.select_related("opportunity", "opportunity__profile", "from_profile", "from_opportunity")


def interests_for_user(user: Viewer) -> dict[str, list[Interest]]:
    """Every expression of interest the user may follow: sent by or to their organisations, and
    (for a facilitator) those on anonymous opportunities of their side — with their status."""
    mine = permissions.member_profile_ids(user)
    sides = permissions.facilitator_sides(user)
    sent = list(_interests().filter(from_profile_id__in=mine)) if mine else []
    received = list(_interests().filter(opportunity__profile_id__in=mine)) if mine else []
    facilitated = (
        list(_interests().filter(opportunity__visibility="anonymous", opportunity__profile__side__in=sides))
        if sides
        else []
    )
    return {"sent": sent, "received": received, "facilitated": facilitated}


def member_profiles(user: Viewer) -> QuerySet[Membership, Any]:
    """The organisations ``user`` currently acts for, as a subquery of their ids (for lists that
    filter by them in SQL)."""
    if not is_active_user(user) or user is None:
        return Membership.objects.none().values("profile_id")
    return Membership.objects.filter(user_id=user.pk, left_at__isnull=True).order_by().values("profile_id")


def interests_followed(user: Viewer) -> QuerySet[Interest]:
    """The expressions of interest of ``interests_for_user`` as one queryset, newest first (the
    API's list: paged in SQL)."""
    if not is_active_user(user):
        return Interest.objects.none()
    mine = member_profiles(user)  # a subquery: the list stays one query (and its count one more)
    sides = permissions.facilitator_sides(user)
    condition = Q(from_profile_id__in=mine) | Q(opportunity__profile_id__in=mine)
    if sides:
        condition |= Q(opportunity__visibility="anonymous", opportunity__profile__side__in=sides)
    return _interests().filter(condition).order_by("-id")


def interest_get_for_user(*, user: Viewer, pk: int | str) -> Interest:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    interest = _interests().filter(pk=pk).first()
    if interest is None or not permissions.can_see_interest(user, interest):
        raise NotFound()
    return interest


# -- outcomes (public aggregate) -------------------------------------------------------------------
def partnerships(source: str | None = None) -> QuerySet[Outcome]:
    """Outcomes that are partnerships (every kind but "no deal"), of one source or of all."""
    qs = Outcome.objects.exclude(kind=OutcomeKind.NO_DEAL)
    return qs.filter(source=source) if source else qs


def partnership_counts_by_area(source: str | None = None) -> dict[int, int]:
    """``{area primary key: partnerships}``, of one source (``OutcomeSource``) or of all: the
    figure the dashboard, the plenary report and open data count under each area."""
    rows = partnerships(source).values("area").annotate(n=Count("id")).order_by()
    return {row["area"]: row["n"] for row in rows}


def partnerships_per_area(since: Any = None) -> list[dict[str, Any]]:
    """Partnerships formed (outcomes other than "no deal") per co-operation area, with the count
    by kind: the public aggregate for the dashboard, the plenary report and open data. No
    organisation and no person is named."""
    outcomes = partnerships()
    if since is not None:
        outcomes = outcomes.filter(recorded_at__gte=since)
    counts: dict[int, Counter[str]] = {}
    for row in outcomes.values("area_id", "kind").annotate(n=Count("id")).order_by():  # counted in SQL
        counts.setdefault(row["area_id"], Counter())[row["kind"]] += row["n"]
    out = []
    for area in Area.objects.filter(pk__in=counts).order_by("position"):
        by_kind = counts[area.pk]
        out.append({"area": area, "total": sum(by_kind.values()), "by_kind": dict(sorted(by_kind.items()))})
    return out


# Kinds of registry organisation a person may say they act for at sign-up (not governments and
# their bureaus or departments: their people are staff, with accounts the administrators open).
SIGN_UP_REGISTRY_KINDS = ("enterprise", "university", "school", "institution", "statutory_body", "other")


def sign_up_registry_organisations() -> QuerySet[Organisation]:
    """The registry's organisations of either side that a person may act for (sign-up's list)."""
    return Organisation.objects.filter(
        side__in=[Side.HONG_KONG, Side.CHONGQING], kind__in=SIGN_UP_REGISTRY_KINDS
    ).order_by("side", "ext_id")


def registry_organisation_profile(organisation: Organisation | None) -> OrganisationProfile | None:
    """The partnering profile that names ``organisation`` of the registry, if there is one."""
    if organisation is None:
        return None
    return OrganisationProfile.objects.filter(organisation=organisation).first()
