"""Reads of the partnering service, with their joins applied. Views and the API fetch a row by a
user-supplied id only through the ``*_get_for_user`` helpers here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from hkcq.core.errors import NotFound
from hkcq.partnering import permissions
from hkcq.partnering.models import FacilitatorDesk, Membership, OrganisationProfile, Sector


def _profiles() -> QuerySet[OrganisationProfile]:
    return OrganisationProfile.objects.select_related("sector", "sector__parent", "organisation").prefetch_related(
        "areas"
    )


def profiles_visible_to(user: Any) -> QuerySet[OrganisationProfile]:
    """Verified profiles for everyone; unverified ones also to their members, the facilitators
    of their side and the secretariat."""
    if permissions._user_ok(user) and user.is_secretariat:
        return _profiles()
    condition = Q(verified_at__isnull=False) | Q(pk__in=permissions.member_profile_ids(user))
    sides = permissions.facilitator_sides(user)
    if sides:
        condition |= Q(side__in=sides)
    return _profiles().filter(condition)


def profile_get_for_user(user: Any, pk: Any) -> OrganisationProfile:
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


def profiles_for_member(user: Any) -> QuerySet[OrganisationProfile]:
    """The organisations ``user`` currently acts for."""
    return _profiles().filter(pk__in=permissions.member_profile_ids(user)).order_by("id")


def profiles_awaiting_verification(user: Any) -> QuerySet[OrganisationProfile]:
    """Unverified profiles of the sides ``user`` facilitates, oldest first."""
    sides = permissions.facilitator_sides(user)
    return _profiles().filter(side__in=sides, verified_at__isnull=True).order_by("created_at", "id")


def current_members(profile: OrganisationProfile) -> QuerySet[Membership]:
    return profile.memberships.filter(left_at__isnull=True).select_related("user").order_by("joined_at", "id")


def membership_get_for_user(user: Any, pk: Any) -> Membership:
    """One of ``user``'s own current memberships."""
    membership = (
        Membership.objects.select_related("profile").filter(pk=pk, user=user, left_at__isnull=True).first()
        if permissions._user_ok(user)
        else None
    )
    if membership is None:
        raise NotFound()
    return membership


def facilitator_desks(side: str | None = None) -> QuerySet[FacilitatorDesk]:
    desks = FacilitatorDesk.objects.select_related("unit").filter(is_active=True)
    return desks.filter(side=side) if side else desks


def sectors() -> QuerySet[Sector]:
    return Sector.objects.select_related("parent").order_by("position", "code")
