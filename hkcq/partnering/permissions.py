"""Who may do what in the partnering service. Every write path asks these, and only these.

- Any signed-in person without a staff role (a resident or organisation member) may create an
  organisation profile; they become its first member.
- A current member of an organisation edits its profile, its contacts and its members, and may
  leave it. Nobody else edits a profile (facilitators verify it; they do not rewrite it).
- A facilitator of the organisation's side may add a member to it (a firm that asks its desk to
  bring a colleague in); the person and the other members are told.
- A facilitator is an active officer of a unit the secretariat marked as a facilitator desk;
  they act for the organisations of their desk's side only. The secretariat (and administrators)
  mark the desks.
"""

from __future__ import annotations

from hkcq.accounts.types import Viewer
from hkcq.core.permissions import is_active_user
from hkcq.partnering.models import FacilitatorDesk, Interest, Opportunity, OrganisationProfile
from hkcq.registry.permissions import user_unit_ids


def member_profile_ids(user: Viewer) -> set[int]:
    """The organisations ``user`` currently acts for (cached on the user object)."""
    if not is_active_user(user):
        return set()
    cached = getattr(user, "_partnering_profile_ids", None)
    if cached is None:
        cached = set(user.partnering_memberships.filter(left_at__isnull=True).values_list("profile_id", flat=True))
        setattr(user, "_partnering_profile_ids", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def facilitator_sides(user: Viewer) -> set[str]:
    """The sides ``user`` facilitates for: those of the active desks whose units they belong to."""
    if not (is_active_user(user) and user.is_officer):
        return set()
    units = user_unit_ids(user)
    if not units:
        return set()
    return set(FacilitatorDesk.objects.filter(unit_id__in=units, is_active=True).values_list("side", flat=True))


def is_facilitator(user: Viewer, side: str | None = None) -> bool:
    sides = facilitator_sides(user)
    return bool(sides) if side is None else side in sides


def can_create_profile(user: Viewer) -> bool:
    return is_active_user(user) and not user.is_staff_member


def is_member(user: Viewer, profile: OrganisationProfile) -> bool:
    return profile.pk in member_profile_ids(user)


def can_edit_profile(user: Viewer, profile: OrganisationProfile) -> bool:
    return is_member(user, profile)


def can_add_member(user: Viewer, profile: OrganisationProfile) -> bool:
    """Its current members, and the facilitators of its side."""
    return is_member(user, profile) or is_facilitator(user, profile.side)


def can_verify_profile(user: Viewer, profile: OrganisationProfile) -> bool:
    return is_facilitator(user, profile.side)


def can_see_contacts(user: Viewer, profile: OrganisationProfile) -> bool:
    """Members and the facilitators of the profile's side. The counterpart of an introduction
    sees them in the introduction itself, not through the profile."""
    return is_member(user, profile) or is_facilitator(user, profile.side)


def review_sides(user: Viewer) -> set[str]:
    """The sides whose review queue ``user`` may read: a facilitator's own sides; both sides
    for the secretariat (oversight, read only: publishing stays with the facilitators)."""
    if is_active_user(user) and user.is_secretariat:
        return {"hong_kong", "chongqing"}
    return facilitator_sides(user)


def can_see_members(user: Viewer, profile: OrganisationProfile) -> bool:
    """Who acts for the organisation: its members, its side's facilitators and the secretariat."""
    return (
        is_member(user, profile)
        or is_facilitator(user, profile.side)
        or (is_active_user(user) and bool(user.is_secretariat))
    )


def can_manage_desks(user: Viewer) -> bool:
    return is_active_user(user) and bool(user.is_secretariat)


def can_review(user: Viewer, opportunity: Opportunity) -> bool:
    """Publish, return or reject: a facilitator of the owner's side."""
    return is_facilitator(user, opportunity.profile.side)


def can_see_opportunity_unpublished(user: Viewer, opportunity: Opportunity) -> bool:
    return (
        is_member(user, opportunity.profile)
        or is_facilitator(user, opportunity.profile.side)
        or (is_active_user(user) and bool(user.is_secretariat))
    )


def can_see_owner(user: Viewer, opportunity: Opportunity) -> bool:
    """An anonymous opportunity's organisation is known to its members and facilitators only."""
    return not opportunity.is_anonymous or can_see_opportunity_unpublished(user, opportunity)


def can_express_interest(user: Viewer, profile: OrganisationProfile, opportunity: Opportunity) -> bool:
    return is_member(user, profile) and profile.is_verified and opportunity.profile_id != profile.pk


def can_express_interest_at_all(user: Viewer) -> bool:
    """Acts for at least one organisation (the page refuses everyone else before the form)."""
    return bool(member_profile_ids(user))


def can_forward(user: Viewer, interest: Interest) -> bool:
    opportunity = interest.opportunity
    return opportunity.is_anonymous and is_facilitator(user, opportunity.profile.side)


def can_accept(user: Viewer, interest: Interest) -> bool:
    opportunity = interest.opportunity
    if opportunity.is_anonymous and interest.forwarded_at is None:
        return False
    return is_member(user, opportunity.profile)


def can_decline(user: Viewer, interest: Interest) -> bool:
    opportunity = interest.opportunity
    if opportunity.is_anonymous and interest.forwarded_at is None:
        return can_forward(user, interest)
    return is_member(user, opportunity.profile)


def can_see_interest(user: Viewer, interest: Interest) -> bool:
    return (
        is_member(user, interest.from_profile)
        or can_decline(user, interest)
        or can_accept(user, interest)
        or is_member(user, interest.opportunity.profile)
        or is_facilitator(user, interest.opportunity.profile.side)
        or is_facilitator(user, interest.from_profile.side)
    )


def can_record_outcome(user: Viewer, interest: Interest) -> bool:
    return interest.status == Interest.Status.ACCEPTED and (
        is_member(user, interest.from_profile) or is_member(user, interest.opportunity.profile)
    )
