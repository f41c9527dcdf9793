"""Organisation profiles: creating, editing and verifying them, their contact people, sectors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.core.translated import TText
from hkcq.partnering import matching, permissions
from hkcq.partnering.models import (
    ContactPerson,
    Opportunity,
    OrganisationProfile,
    Sector,
)
from hkcq.partnering.services._shared import (
    _HTML,
    CONTACTS_MAX,
    NAME_MAX,
    SHORT_MAX,
    TEXT_MAX,
    _membership_start,
    clean_languages,
    clean_text,
)
from hkcq.registry.models import Area, Organisation


def _with_text(profile: OrganisationProfile, field: str, texts: dict[str, str]) -> None:
    current = TText.from_json(getattr(profile, field))
    setattr(profile, field, current.edited(texts))


@dataclass(frozen=True)
class ContactIn:
    name: str
    email: str
    position: str = ""
    phone: str = ""


def _clean_contacts(errors: dict[str, list[str]], contacts: Sequence[ContactIn]) -> list[ContactIn]:
    out = []
    if len(contacts) > CONTACTS_MAX:
        errors.setdefault("contacts", []).append(_("Give at most %(max)d contact people.") % {"max": CONTACTS_MAX})
        return []
    for contact in contacts:
        name, email = contact.name.strip(), contact.email.strip()
        position, phone = contact.position.strip(), contact.phone.strip()
        if not name and not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("contacts", []).append(_("Enter a valid e-mail address for each contact person."))
            continue
        if not name or len(name) > NAME_MAX or len(position) > NAME_MAX or _HTML.search(name + position):
            errors.setdefault("contacts", []).append(_("Give each contact person a name in plain text."))
            continue
        if phone and not re.fullmatch(r"\+?[\d\s\-()]{6,30}", phone):
            errors.setdefault("contacts", []).append(_("Enter phone numbers with digits, spaces, + and - only."))
            continue
        out.append(ContactIn(name=name, email=email, position=position, phone=phone))
    return out


def _check_profile_fields(
    *,
    errors: dict[str, list[str]],
    name: Any,
    side: str,
    kind: str,
    sector: Sector | None,
    size: str,
    city: Any,
    languages: Iterable[str],
    description: Any,
    website: str,
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": clean_text(errors, "name", name, max_length=NAME_MAX),
        "city": clean_text(errors, "city", city, max_length=SHORT_MAX),
        "description": clean_text(errors, "description", description, max_length=TEXT_MAX),
        "languages": clean_languages(errors, languages),
    }
    if side not in Side.values:
        errors.setdefault("side", []).append(_("Choose Hong Kong or Chongqing."))
    if kind not in OrganisationProfile.Kind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of organisation from the list."))
    if size not in OrganisationProfile.Size.values:
        errors.setdefault("size", []).append(_("Choose the size from the list."))
    if sector is None:
        errors.setdefault("sector", []).append(_("Choose a sector from the list."))
    website = (website or "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors.setdefault("website", []).append(_("Enter a web address starting with https:// or http://."))
    values["website"] = website
    return values


def _check_registry_organisation(errors: dict[str, list[str]], organisation: Organisation | None, side: str) -> None:
    """A new profile that names the registry organisation it is of: that organisation has no
    profile yet, and the profile takes its side."""
    if organisation is None:
        return
    if OrganisationProfile.objects.filter(organisation=organisation).exists():
        errors.setdefault("organisation", []).append(
            _(
                "%(name)s already has a profile here. Ask one of its members to add you with your "
                "e-mail address, or its side's facilitator desk."
            )
            % {"name": organisation.name}
        )
    elif organisation.side != side:
        errors.setdefault("side", []).append(
            _("%(name)s is of %(side)s in the registry: choose that side.")
            % {"name": organisation.name, "side": organisation.get_side_display()}
        )


# -- profiles ---------------------------------------------------------------------------------------
@transaction.atomic
def profile_create(
    *,
    user: User,
    name: Any,
    side: str,
    kind: str,
    sector: Sector | None,
    size: str,
    city: Any,
    languages: Iterable[str],
    description: Any,
    areas: Iterable[Area] = (),
    website: str = "",
    contacts: Sequence[ContactIn] = (),
    organisation: Organisation | None = None,
) -> OrganisationProfile:
    """A new organisation profile with ``user`` as its first member. It is not verified: a
    facilitator of its side verifies it before its opportunities can be published — and, when it
    names the registry ``organisation`` it is of, that it is that organisation."""
    require(permissions.can_create_profile(user))
    errors: dict[str, list[str]] = {}
    _check_registry_organisation(errors, organisation, side)
    values = _check_profile_fields(
        errors=errors,
        name=name,
        side=side,
        kind=kind,
        sector=sector,
        size=size,
        city=city,
        languages=languages,
        description=description,
        website=website,
    )
    cleaned_contacts = _clean_contacts(errors, contacts)
    if errors:
        raise InvalidInput(details=errors)
    profile = OrganisationProfile(
        side=side, kind=kind, sector=sector, size=size, website=values["website"], organisation=organisation
    )
    profile.languages = values["languages"]
    for field in ("name", "city", "description"):
        _with_text(profile, field, values[field])
    history_mark(profile, user=user)
    profile.save()
    profile.areas.set(list(areas))
    _membership_start(profile=profile, user=user, added_by=user)
    for contact in cleaned_contacts:
        ContactPerson.objects.create(profile=profile, **contact.__dict__)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    profile: OrganisationProfile,
    name: Any,
    kind: str,
    sector: Sector | None,
    size: str,
    city: Any,
    languages: Iterable[str],
    description: Any,
    areas: Iterable[Area] = (),
    website: str = "",
) -> OrganisationProfile:
    """A member edits the profile. The side never changes (it decides who facilitates it)."""
    require(permissions.can_edit_profile(user, profile))
    errors: dict[str, list[str]] = {}
    values = _check_profile_fields(
        errors=errors,
        name=name,
        side=profile.side,
        kind=kind,
        sector=sector,
        size=size,
        city=city,
        languages=languages,
        description=description,
        website=website,
    )
    if errors:
        raise InvalidInput(details=errors)
    profile = OrganisationProfile.objects.select_for_update().get(pk=profile.pk)
    profile.kind, profile.sector, profile.size = kind, sector, size  # type: ignore[assignment]
    profile.website, profile.languages = values["website"], values["languages"]
    for field in ("name", "city", "description"):
        _with_text(profile, field, values[field])
    history_mark(profile, user=user)
    profile.save()
    if {a.pk for a in areas} != set(profile.areas.values_list("pk", flat=True)):
        profile.areas.set(list(areas))
    # its languages are part of its published opportunities' place in the match index
    matching.changed(profile.opportunities.filter(status=Opportunity.Status.PUBLISHED).values_list("pk", flat=True))
    return profile


@transaction.atomic
def profile_verify(*, user: User, profile: OrganisationProfile) -> OrganisationProfile:
    """A facilitator of the profile's side confirms the organisation is what it says it is."""
    require(permissions.can_verify_profile(user, profile))
    profile = OrganisationProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.verified_at is None:
        profile.verified_at, profile.verified_by = timezone.now(), user
        history_mark(profile, user=user)
        profile.save(update_fields=["verified_at", "verified_by"])
    return profile


# -- contacts --------------------------------------------------------------------------------------
@transaction.atomic
def contacts_set(*, user: User, profile: OrganisationProfile, contacts: Sequence[ContactIn]) -> list[ContactPerson]:
    """Replace the profile's contact people (a member does it; history keeps the old ones)."""
    require(permissions.can_edit_profile(user, profile))
    errors: dict[str, list[str]] = {}
    cleaned = _clean_contacts(errors, contacts)
    if errors:
        raise InvalidInput(details=errors)
    current = list(profile.contacts.all())
    for old in current:
        history_mark(old, user=user)
        old.delete()
    out = []
    for contact in cleaned:
        person = ContactPerson(profile=profile, **contact.__dict__)
        history_mark(person, user=user)
        person.save()
        out.append(person)
    return out
