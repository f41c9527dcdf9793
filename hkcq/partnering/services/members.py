"""The people of an organisation: sign-up of a person who acts for one, members added and leaving,
and the facilitator desks of each side."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts import services as accounts_services
from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.partnering import notify, permissions, selectors
from hkcq.partnering.models import (
    FacilitatorDesk,
    Membership,
    OrganisationProfile,
)
from hkcq.partnering.services._shared import (
    _HTML,
    NAME_MAX,
    _membership_start,
)
from hkcq.registry.models import Organisation, Unit


# -- sign-up of a person who acts for an organisation -----------------------------------------------
@transaction.atomic
def account_sign_up(
    *,
    name: str,
    email: str,
    password: str,
    password_again: str,
    language: str,
    organisation: Organisation | None,
    organisation_name: str = "",
    organisation_side: str = "",
) -> User | None:
    """Open an account (accounts.services.user_sign_up: inactive until the e-mailed link is
    followed; one e-mail; the same answer for an address that has an account) for a person who
    acts for ``organisation`` (in the registry) or for the one named with its side. The
    organisation is only recorded on the account: it grants nothing. The person becomes a member
    by creating the organisation's profile (which a facilitator of its side then verifies), or by
    being added by a member of a profile that exists (docs/security.md, "Sign-up")."""
    errors = accounts_services.sign_up_check(
        name=name, email=email, password=password, password_again=password_again, language=language
    )
    claim: dict[str, Any]
    organisation_name = (organisation_name or "").strip()
    if organisation is not None:
        if (
            organisation.side not in Side.values
            or not selectors.sign_up_registry_organisations().filter(pk=organisation.pk).exists()
        ):
            errors.setdefault("organisation", []).append(_("Choose an organisation from the list."))
        claim = {"registry": organisation.pk}
    else:
        if not organisation_name:
            errors.setdefault("organisation_name", []).append(
                _("Choose your organisation from the list, or enter its name.")
            )
        elif len(organisation_name) > NAME_MAX or _HTML.search(organisation_name):
            errors.setdefault("organisation_name", []).append(
                _("Enter the name in plain text, in 200 characters or fewer.")
            )
        if organisation_side not in Side.values:
            errors.setdefault("organisation_side", []).append(_("Choose Hong Kong or Chongqing."))
        claim = {"name": organisation_name, "side": organisation_side}
    if errors:
        raise InvalidInput(details=errors)
    return accounts_services.user_sign_up(
        name=name,
        email=email,
        password=password,
        password_again=password_again,
        language=language,
        organisation=claim,
    )


def signup_registry_organisation(user: User) -> Organisation | None:
    """The registry organisation the person said at sign-up they act for, if any."""
    pk = (getattr(user, "signup_organisation", None) or {}).get("registry")
    return Organisation.objects.filter(pk=pk).first() if pk else None


# -- members ---------------------------------------------------------------------------------------
@transaction.atomic
def member_add(*, user: User, profile: OrganisationProfile, email_or_username: str) -> Membership:
    """A member, or a facilitator of the organisation's side, adds another person with an account
    (found by username or e-mail address). The membership's history names who added them; the
    person is told in their language, and when a facilitator added them, so are the organisation's
    other members (nobody joins an organisation unseen)."""
    require(permissions.can_add_member(user, profile))
    key = (email_or_username or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    person = users.filter(username=key).first() or (users.filter(email__iexact=key).first() if key else None)
    if person is None:
        raise InvalidInput(details={"member": [_("No account has that username or e-mail address.")]})
    if person.is_staff_member:
        raise InvalidInput(details={"member": [_("Staff accounts cannot act for an organisation.")]})
    already = Membership.objects.filter(profile=profile, user=person, left_at__isnull=True).first()
    if already is not None:
        return already
    others = notify.members_of(profile)
    membership = _membership_start(profile=profile, user=person, added_by=user)
    url = profile.get_absolute_url()
    by_facilitator = not permissions.is_member(user, profile)
    context = {"profile": profile, "person": person, "added_by": user, "by_facilitator": by_facilitator}
    notify.tell([person], "member_added", context, url=url)
    if by_facilitator:
        notify.tell([u for u in others if u.pk != person.pk], "member_added_others", context, url=url)
    return membership


@transaction.atomic
def member_leave(*, user: User, membership: Membership) -> Membership:
    """A member leaves (their own membership). The organisation keeps its other members; the
    last member may leave too (the profile stays, for the facilitators to follow up)."""
    require(membership.user_id == user.pk and membership.left_at is None)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    membership.left_at = timezone.now()
    history_mark(membership, user=user)
    membership.save(update_fields=["left_at"])
    user.__dict__.pop("_partnering_profile_ids", None)
    return membership


# -- facilitator desks -----------------------------------------------------------------------------
@transaction.atomic
def desk_mark(
    *, user: User, unit: Unit, kind: str = FacilitatorDesk.Kind.TRADE, active: bool = True
) -> FacilitatorDesk:
    """The secretariat marks a unit as a facilitator desk of its side (or unmarks it)."""
    require(permissions.can_manage_desks(user))
    if kind not in FacilitatorDesk.Kind.values:
        raise InvalidInput(details={"kind": [_("Choose the kind of desk from the list.")]})
    desk = FacilitatorDesk.objects.filter(unit=unit).first() or FacilitatorDesk(unit=unit)
    desk.side, desk.kind, desk.is_active = unit.side, kind, active
    history_mark(desk, user=user)
    desk.save()
    return desk
