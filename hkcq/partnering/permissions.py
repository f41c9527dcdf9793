"""Who may do what in the partnering service. Every write path asks these, and only these.

- Any signed-in person without a staff role (a resident or organisation member) may create an
  organisation profile; they become its first member.
- A current member of an organisation edits its profile, its contacts and its members, and may
  leave it. Nobody else edits a profile (facilitators verify it; they do not rewrite it).
- A facilitator is an active officer of a unit the secretariat marked as a facilitator desk;
  they act for the organisations of their desk's side only. The secretariat (and administrators)
  mark the desks.
"""

from __future__ import annotations

from typing import Any

from hkcq.partnering.models import FacilitatorDesk, OrganisationProfile
from hkcq.registry.permissions import user_unit_ids


def _user_ok(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def member_profile_ids(user: Any) -> set[int]:
    """The organisations ``user`` currently acts for (cached on the user object)."""
    if not _user_ok(user):
        return set()
    cached = getattr(user, "_partnering_profile_ids", None)
    if cached is None:
        cached = set(user.partnering_memberships.filter(left_at__isnull=True).values_list("profile_id", flat=True))
        user._partnering_profile_ids = cached
    return cached


def facilitator_sides(user: Any) -> set[str]:
    """The sides ``user`` facilitates for: those of the active desks whose units they belong to."""
    if not (_user_ok(user) and user.is_officer):
        return set()
    units = user_unit_ids(user)
    if not units:
        return set()
    return set(FacilitatorDesk.objects.filter(unit_id__in=units, is_active=True).values_list("side", flat=True))


def is_facilitator(user: Any, side: str | None = None) -> bool:
    sides = facilitator_sides(user)
    return bool(sides) if side is None else side in sides


def can_create_profile(user: Any) -> bool:
    return _user_ok(user) and not user.is_staff_member


def is_member(user: Any, profile: OrganisationProfile) -> bool:
    return profile.pk in member_profile_ids(user)


def can_edit_profile(user: Any, profile: OrganisationProfile) -> bool:
    return is_member(user, profile)


def can_verify_profile(user: Any, profile: OrganisationProfile) -> bool:
    return is_facilitator(user, profile.side)


def can_see_contacts(user: Any, profile: OrganisationProfile) -> bool:
    """Members and the facilitators of the profile's side. The counterpart of an introduction
    sees them in the introduction itself, not through the profile."""
    return is_member(user, profile) or is_facilitator(user, profile.side)


def can_manage_desks(user: Any) -> bool:
    return _user_ok(user) and bool(user.is_secretariat)
