"""Writes to the partnering service. Every function checks permission, validates, owns its
transaction and leaves a history record (django-simple-history, with the acting user)."""

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

from hkcq.core.choices import Role, Side
from hkcq.core.errors import InvalidInput, NotFound, NotPermitted
from hkcq.core.translated import TText
from hkcq.partnering import permissions
from hkcq.partnering.models import (
    ContactPerson,
    FacilitatorDesk,
    Membership,
    OrganisationProfile,
    Sector,
    WorkLanguage,
)
from hkcq.registry.models import Area, Unit

NAME_MAX = 200
SHORT_MAX = 100
TEXT_MAX = 5000
CONTACTS_MAX = 5
# Text that looks like markup: a tag opening or closing, a comment, a doctype.
_HTML = re.compile(r"<\s*[/!]?\s*[a-zA-Z]")


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted()


# -- validation shared by profiles and opportunities -----------------------------------------------
def clean_text(
    errors: dict[str, list[str]], field: str, value: Any, *, max_length: int, required: bool = True
) -> dict[str, str]:
    """``{lang: text}`` from a mapping or a TText; errors are added under ``field``: missing,
    too long, or holding HTML. The missing Chinese script is derived later (OpenCC)."""
    texts = TText.from_json(value).texts if not isinstance(value, dict) or "origin" in value else value
    texts = {k: str(v or "").strip() for k, v in texts.items() if k in ("en", "zh-hant", "zh-hans")}
    if required and not any(texts.values()):
        errors.setdefault(field, []).append(_("Enter this in at least one language."))
    elif any(len(v) > max_length for v in texts.values()):
        errors.setdefault(field, []).append(
            _("Keep this to %(max)d characters or fewer in each language.") % {"max": max_length}
        )
    elif any(_HTML.search(v) for v in texts.values()):
        errors.setdefault(field, []).append(_("Write plain text: HTML tags are not allowed."))
    return texts


def clean_languages(errors: dict[str, list[str]], languages: Iterable[str]) -> list[str]:
    valid = dict(WorkLanguage.choices)
    chosen = [code for code in dict.fromkeys(languages or []) if code]
    if any(code not in valid for code in chosen):
        errors.setdefault("languages", []).append(_("Choose languages from the list."))
    return [code for code in valid if code in chosen]


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


# -- profiles ---------------------------------------------------------------------------------------
@transaction.atomic
def profile_create(
    *,
    user: Any,
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
) -> OrganisationProfile:
    """A new organisation profile with ``user`` as its first member. It is not verified: a
    facilitator of its side verifies it before its opportunities can be published."""
    _require(permissions.can_create_profile(user))
    errors: dict[str, list[str]] = {}
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
    profile = OrganisationProfile(side=side, kind=kind, sector=sector, size=size, website=values["website"])
    profile.languages = values["languages"]
    for field in ("name", "city", "description"):
        _with_text(profile, field, values[field])
    profile._history_user = user  # type: ignore[attr-defined]
    profile.save()
    profile.areas.set(list(areas))
    _membership_start(profile=profile, user=user, added_by=user)
    for contact in cleaned_contacts:
        ContactPerson.objects.create(profile=profile, **contact.__dict__)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: Any,
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
    _require(permissions.can_edit_profile(user, profile))
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
    profile._history_user = user  # type: ignore[attr-defined]
    profile.save()
    if {a.pk for a in areas} != set(profile.areas.values_list("pk", flat=True)):
        profile.areas.set(list(areas))
    return profile


@transaction.atomic
def profile_verify(*, user: Any, profile: OrganisationProfile) -> OrganisationProfile:
    """A facilitator of the profile's side confirms the organisation is what it says it is."""
    _require(permissions.can_verify_profile(user, profile))
    profile = OrganisationProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.verified_at is None:
        profile.verified_at, profile.verified_by = timezone.now(), user
        profile._history_user = user  # type: ignore[attr-defined]
        profile.save(update_fields=["verified_at", "verified_by"])
    return profile


# -- members ---------------------------------------------------------------------------------------
def _membership_start(*, profile: OrganisationProfile, user: Any, added_by: Any) -> Membership:
    existing = Membership.objects.filter(profile=profile, user=user, left_at__isnull=True).first()
    if existing is not None:
        return existing
    if user.role == Role.RESIDENT:
        user.role = Role.ORG_MEMBER
        user.save(update_fields=["role"])
    membership = Membership(profile=profile, user=user, added_by=added_by)
    membership._history_user = added_by  # type: ignore[attr-defined]
    membership.save()
    user.__dict__.pop("_partnering_profile_ids", None)
    return membership


@transaction.atomic
def member_add(*, user: Any, profile: OrganisationProfile, email_or_username: str) -> Membership:
    """A member adds another person with an account (found by username or e-mail address)."""
    _require(permissions.can_edit_profile(user, profile))
    from django.contrib.auth import get_user_model

    key = (email_or_username or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    person = users.filter(username=key).first() or (users.filter(email__iexact=key).first() if key else None)
    if person is None:
        raise InvalidInput(details={"member": [_("No account has that username or e-mail address.")]})
    if person.is_staff_member:
        raise InvalidInput(details={"member": [_("Staff accounts cannot act for an organisation.")]})
    return _membership_start(profile=profile, user=person, added_by=user)


@transaction.atomic
def member_leave(*, user: Any, membership: Membership) -> Membership:
    """A member leaves (their own membership). The organisation keeps its other members; the
    last member may leave too (the profile stays, for the facilitators to follow up)."""
    _require(membership.user_id == user.pk and membership.left_at is None)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    membership.left_at = timezone.now()
    membership._history_user = user  # type: ignore[attr-defined]
    membership.save(update_fields=["left_at"])
    user.__dict__.pop("_partnering_profile_ids", None)
    return membership


# -- contacts --------------------------------------------------------------------------------------
@transaction.atomic
def contacts_set(*, user: Any, profile: OrganisationProfile, contacts: Sequence[ContactIn]) -> list[ContactPerson]:
    """Replace the profile's contact people (a member does it; history keeps the old ones)."""
    _require(permissions.can_edit_profile(user, profile))
    errors: dict[str, list[str]] = {}
    cleaned = _clean_contacts(errors, contacts)
    if errors:
        raise InvalidInput(details=errors)
    current = list(profile.contacts.all())
    for old in current:
        old._history_user = user  # type: ignore[attr-defined]
        old.delete()
    out = []
    for contact in cleaned:
        person = ContactPerson(profile=profile, **contact.__dict__)
        person._history_user = user  # type: ignore[attr-defined]
        person.save()
        out.append(person)
    return out


# -- facilitator desks -----------------------------------------------------------------------------
@transaction.atomic
def desk_mark(*, user: Any, unit: Unit, kind: str = FacilitatorDesk.Kind.TRADE, active: bool = True) -> FacilitatorDesk:
    """The secretariat marks a unit as a facilitator desk of its side (or unmarks it)."""
    _require(permissions.can_manage_desks(user))
    if kind not in FacilitatorDesk.Kind.values:
        raise InvalidInput(details={"kind": [_("Choose the kind of desk from the list.")]})
    desk = FacilitatorDesk.objects.filter(unit=unit).first() or FacilitatorDesk(unit=unit)
    desk.side, desk.kind, desk.is_active = unit.side, kind, active
    desk._history_user = user  # type: ignore[attr-defined]
    desk.save()
    return desk


def sector_by_code(code: str) -> Sector:
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        raise NotFound(_("There is no such sector."))
    return sector
