"""Writes to the partnering service. Every function checks permission, validates, owns its
transaction and leaves a history record (django-simple-history, with the acting user)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts import services as accounts_services
from hkcq.accounts.models import User
from hkcq.core.choices import Role, Side
from hkcq.core.errors import InvalidInput, NotFound
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.core.translated import CHINESE_IN_ENGLISH, TText, chinese_in_english
from hkcq.partnering import matching, notify, permissions, selectors
from hkcq.partnering.models import (
    ContactPerson,
    DealSize,
    FacilitatorDesk,
    Interest,
    Membership,
    Opportunity,
    OpportunityEvent,
    OpportunityType,
    OrganisationProfile,
    Outcome,
    OutcomeKind,
    OutcomeSource,
    Sector,
    ServiceKind,
    WorkLanguage,
)
from hkcq.registry.models import Area, Measure, Organisation, Unit

NAME_MAX = 200
SHORT_MAX = 100
TEXT_MAX = 5000
CONTACTS_MAX = 5
# Text that looks like markup: a tag opening or closing, a comment, a doctype.
_HTML = re.compile(r"<\s*[/!]?\s*[a-zA-Z]")


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
    elif chinese_in_english(texts):
        errors.setdefault(field, []).append(str(CHINESE_IN_ENGLISH))
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
def _membership_start(*, profile: OrganisationProfile, user: User, added_by: User) -> Membership:
    existing = Membership.objects.filter(profile=profile, user=user, left_at__isnull=True).first()
    if existing is not None:
        return existing
    if user.role == Role.RESIDENT:
        user.role = Role.ORG_MEMBER
        user.save(update_fields=["role"])
    membership = Membership(profile=profile, user=user, added_by=added_by)
    history_mark(membership, user=added_by)
    membership.save()
    user.__dict__.pop("_partnering_profile_ids", None)
    return membership


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


def sector_by_code(code: str) -> Sector:
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        raise NotFound(_("There is no such sector."))
    return sector


# -- opportunities ---------------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def default_expiry(today: date | None = None) -> date:
    return add_months(today or timezone.localdate(), settings.PARTNERING_OPPORTUNITY_MONTHS)


def _event(opportunity: Opportunity, user: User | None, kind: str, reason: str = "") -> None:
    OpportunityEvent.objects.create(
        opportunity=opportunity,
        actor=user if getattr(user, "is_authenticated", False) else None,
        kind=kind,
        reason=reason,
    )


def _check_opportunity_fields(
    *,
    errors: dict[str, list[str]],
    type: str,
    title: Any,
    description: Any,
    sector: Sector | None,
    areas: Sequence[Area],
    service_kind: str,
    target_side: str,
    keywords: str,
    deal_size: str,
    expires_on: date | None,
    visibility: str,
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": clean_text(errors, "title", title, max_length=NAME_MAX),
        "description": clean_text(errors, "description", description, max_length=TEXT_MAX),
    }
    if type not in OpportunityType.values:
        errors.setdefault("type", []).append(_("Choose the type of opportunity from the list."))
    if sector is None:
        errors.setdefault("sector", []).append(_("Choose a sector from the list."))
    if not areas:
        errors.setdefault("areas", []).append(_("Choose at least one co-operation area."))
    if service_kind and service_kind not in ServiceKind.values:
        errors.setdefault("service_kind", []).append(_("Choose the professional service from the list."))
    if type in ("service_offered", "service_needed") and not service_kind:
        errors.setdefault("service_kind", []).append(_("Say which professional service is offered or needed."))
    if target_side not in Opportunity.TargetSide.values:
        errors.setdefault("target_side", []).append(_("Choose where you look for partners."))
    keywords = (keywords or "").strip()
    if len(keywords) > 300 or _HTML.search(keywords):
        errors.setdefault("keywords", []).append(_("Give keywords in plain text, 300 characters at most."))
    if deal_size and deal_size not in DealSize.values:
        errors.setdefault("deal_size", []).append(_("Choose the deal size from the list."))
    today = timezone.localdate()
    if expires_on is None:
        expires_on = default_expiry(today)
    elif expires_on <= today:
        errors.setdefault("expires_on", []).append(_("Choose an expiry date in the future."))
    elif expires_on > add_months(today, 12):
        errors.setdefault("expires_on", []).append(_("Choose an expiry date within a year; you can renew it later."))
    if visibility not in Opportunity.Visibility.values:
        errors.setdefault("visibility", []).append(_("Choose public or anonymous."))
    values.update(keywords=keywords, expires_on=expires_on)
    return values


@transaction.atomic
def opportunity_create(
    *,
    user: User,
    profile: OrganisationProfile,
    type: str,
    title: Any,
    description: Any,
    sector: Sector | None,
    areas: Sequence[Area],
    measures: Sequence[Measure] = (),
    service_kind: str = "",
    target_side: str = "any",
    keywords: str = "",
    deal_size: str = "",
    expires_on: date | None = None,
    visibility: str = "public",
    submit: bool = True,
) -> Opportunity:
    """A member posts an opportunity of their organisation; with ``submit`` it goes straight to
    review by a facilitator of the organisation's side (otherwise it stays a draft)."""
    require(permissions.can_edit_profile(user, profile))
    errors: dict[str, list[str]] = {}
    values = _check_opportunity_fields(
        errors=errors,
        type=type,
        title=title,
        description=description,
        sector=sector,
        areas=areas,
        service_kind=service_kind,
        target_side=target_side,
        keywords=keywords,
        deal_size=deal_size,
        expires_on=expires_on,
        visibility=visibility,
    )
    if errors:
        raise InvalidInput(details=errors)
    opportunity = Opportunity(
        profile=profile,
        type=type,
        sector=sector,
        service_kind=service_kind,
        target_side=target_side,
        keywords=values["keywords"],
        deal_size=deal_size,
        expires_on=values["expires_on"],
        visibility=visibility,
        created_by=user,
    )
    for field in ("title", "description"):
        setattr(opportunity, field, TText().edited(values[field]))
    history_mark(opportunity, user=user)
    opportunity.save()
    opportunity.areas.set(list(areas))
    opportunity.measures.set(list(measures))
    _event(opportunity, user, OpportunityEvent.Kind.CREATED)
    if submit:
        _submit(opportunity, user)
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    user: User,
    opportunity: Opportunity,
    type: str,
    title: Any,
    description: Any,
    sector: Sector | None,
    areas: Sequence[Area],
    measures: Sequence[Measure] = (),
    service_kind: str = "",
    target_side: str = "any",
    keywords: str = "",
    deal_size: str = "",
    expires_on: date | None = None,
    visibility: str = "public",
) -> Opportunity:
    """A member edits a draft or returned opportunity (a published one goes back to review)."""
    require(permissions.can_edit_profile(user, opportunity.profile))
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status in (Opportunity.Status.REJECTED, Opportunity.Status.WITHDRAWN):
        raise InvalidInput(_("A rejected or withdrawn opportunity cannot be changed; post a new one."))
    errors: dict[str, list[str]] = {}
    values = _check_opportunity_fields(
        errors=errors,
        type=type,
        title=title,
        description=description,
        sector=sector,
        areas=areas,
        service_kind=service_kind,
        target_side=target_side,
        keywords=keywords,
        deal_size=deal_size,
        expires_on=expires_on or opportunity.expires_on,
        visibility=visibility,
    )
    if errors:
        raise InvalidInput(details=errors)
    opportunity.type, opportunity.sector, opportunity.service_kind = type, sector, service_kind  # type: ignore[assignment]
    opportunity.target_side, opportunity.keywords, opportunity.deal_size = target_side, values["keywords"], deal_size
    opportunity.expires_on, opportunity.visibility = values["expires_on"], visibility
    for field in ("title", "description"):
        setattr(opportunity, field, TText.from_json(getattr(opportunity, field)).edited(values[field]))
    republish = opportunity.status == Opportunity.Status.PUBLISHED
    history_mark(opportunity, user=user)
    opportunity.save()
    opportunity.areas.set(list(areas))
    opportunity.measures.set(list(measures))
    _event(opportunity, user, OpportunityEvent.Kind.EDITED)
    if republish or opportunity.status == Opportunity.Status.RETURNED:
        _submit(opportunity, user)
    return opportunity


def _set_status(opportunity: Opportunity, user: User, status: str, *, reason: str = "", **extra: Any) -> None:
    opportunity.status = status
    opportunity.review_reason = reason
    for key, value in extra.items():
        setattr(opportunity, key, value)
    history_mark(opportunity, user=user)
    opportunity.save(update_fields=["status", "review_reason", "updated_at", *extra])
    matching.changed([opportunity.pk])


def _submit(opportunity: Opportunity, user: User) -> None:
    _set_status(opportunity, user, Opportunity.Status.SUBMITTED)
    _event(opportunity, user, OpportunityEvent.Kind.SUBMITTED)
    notify.tell(
        notify.facilitators_of(opportunity.profile.side),
        "review_needed",
        {"opportunity": opportunity},
        url=reverse("partnering:review"),
    )


@transaction.atomic
def opportunity_submit(*, user: User, opportunity: Opportunity) -> Opportunity:
    require(permissions.can_edit_profile(user, opportunity.profile))
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status not in (Opportunity.Status.DRAFT, Opportunity.Status.RETURNED):
        raise InvalidInput(_("Only a draft or a returned opportunity can be submitted."))
    _submit(opportunity, user)
    return opportunity


def _reviewable(user: User, opportunity: Opportunity) -> Opportunity:
    require(permissions.can_review(user, opportunity))
    opportunity = Opportunity.objects.select_for_update().select_related("profile").get(pk=opportunity.pk)
    if opportunity.status != Opportunity.Status.SUBMITTED:
        raise InvalidInput(_("This opportunity is not awaiting review."))
    return opportunity


def _tell_owner(opportunity: Opportunity, template: str, **context: Any) -> None:
    notify.tell(
        notify.members_of(opportunity.profile),
        template,
        {"opportunity": opportunity, **context},
        url=reverse("partnering:opportunity", args=[opportunity.pk]),
    )


@transaction.atomic
def opportunity_publish(*, user: User, opportunity: Opportunity) -> Opportunity:
    """A facilitator of the owner's side publishes it. The organisation must be verified."""
    opportunity = _reviewable(user, opportunity)
    if not opportunity.profile.is_verified:
        raise InvalidInput(_("Verify the organisation before publishing its opportunities."))
    if opportunity.expires_on < timezone.localdate():
        raise InvalidInput(_("This opportunity has expired; the owner must renew it first."))
    _set_status(opportunity, user, Opportunity.Status.PUBLISHED, published_at=timezone.now())
    _event(opportunity, user, OpportunityEvent.Kind.PUBLISHED)
    _tell_owner(opportunity, "published")
    return opportunity


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(details={"reason": [_("Give a reason, so the organisation knows what to do.")]})
    if len(reason) > 2000 or _HTML.search(reason):
        raise InvalidInput(details={"reason": [_("Give the reason in plain text, 2,000 characters at most.")]})
    return reason


@transaction.atomic
def opportunity_return(*, user: User, opportunity: Opportunity, reason: str) -> Opportunity:
    reason = _clean_reason(reason)
    opportunity = _reviewable(user, opportunity)
    _set_status(opportunity, user, Opportunity.Status.RETURNED, reason=reason)
    _event(opportunity, user, OpportunityEvent.Kind.RETURNED, reason)
    _tell_owner(opportunity, "returned", reason=reason)
    return opportunity


@transaction.atomic
def opportunity_reject(*, user: User, opportunity: Opportunity, reason: str) -> Opportunity:
    reason = _clean_reason(reason)
    opportunity = _reviewable(user, opportunity)
    _set_status(opportunity, user, Opportunity.Status.REJECTED, reason=reason)
    _event(opportunity, user, OpportunityEvent.Kind.REJECTED, reason)
    _tell_owner(opportunity, "rejected", reason=reason)
    return opportunity


@transaction.atomic
def opportunity_withdraw(*, user: User, opportunity: Opportunity) -> Opportunity:
    """The owner takes it down; open interest in it is closed (the senders are told)."""
    require(permissions.can_edit_profile(user, opportunity.profile))
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status in (Opportunity.Status.WITHDRAWN, Opportunity.Status.REJECTED):
        return opportunity
    _set_status(opportunity, user, Opportunity.Status.WITHDRAWN)
    _event(opportunity, user, OpportunityEvent.Kind.WITHDRAWN)
    for interest in opportunity.interests.filter(status=Interest.Status.OPEN):
        _close_interest(interest, user, Interest.Status.WITHDRAWN, reason="")
    return opportunity


@transaction.atomic
def opportunity_renew(*, user: User, opportunity: Opportunity) -> Opportunity:
    """The owner keeps it for another period from today (a published one stays published)."""
    require(permissions.can_edit_profile(user, opportunity.profile))
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status in (Opportunity.Status.WITHDRAWN, Opportunity.Status.REJECTED):
        raise InvalidInput(_("A rejected or withdrawn opportunity cannot be renewed; post a new one."))
    opportunity.expires_on = default_expiry()
    opportunity.expiry_reminded_for = None
    history_mark(opportunity, user=user)
    opportunity.save(update_fields=["expires_on", "expiry_reminded_for", "updated_at"])
    matching.changed([opportunity.pk])
    _event(opportunity, user, OpportunityEvent.Kind.RENEWED)
    return opportunity


def opportunities_remind_expiry(*, today: date | None = None) -> int:
    """Remind the owners of published opportunities that expire within the reminder period, once
    per expiry date (a renewal sets a new date and so a new reminder). Returns how many."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.PARTNERING_EXPIRY_REMINDER_DAYS)
    due = Opportunity.objects.filter(
        status=Opportunity.Status.PUBLISHED, expires_on__gte=today, expires_on__lte=horizon
    ).exclude(expiry_reminded_for=F("expires_on"))
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            opportunity = Opportunity.objects.select_for_update().select_related("profile").get(pk=pk)
            if opportunity.expiry_reminded_for == opportunity.expires_on:
                continue
            opportunity.expiry_reminded_for = opportunity.expires_on
            opportunity.save(update_fields=["expiry_reminded_for"])
            _event(opportunity, None, OpportunityEvent.Kind.REMINDED)
            _tell_owner(opportunity, "expiring")
            count += 1
    return count


# -- expressions of interest -----------------------------------------------------------------------
MESSAGE_MAX = 2000


@transaction.atomic
def interest_express(
    *,
    user: User,
    opportunity: Opportunity,
    profile: OrganisationProfile,
    message: str,
    from_opportunity: Opportunity | None = None,
    language: str = "en",
) -> Interest:
    """A member of a verified organisation asks to be introduced. Goes to the owner, or for an
    anonymous opportunity to the owner's facilitators, who forward it."""
    require(permissions.can_express_interest(user, profile, opportunity))
    message = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if not message:
        errors["message"] = [_("Write a short message: who you are and what you propose.")]
    elif len(message) > MESSAGE_MAX or _HTML.search(message):
        errors["message"] = [_("Write the message in plain text, 2,000 characters at most.")]
    if from_opportunity is not None and from_opportunity.profile_id != profile.pk:
        errors["from_opportunity"] = [_("Choose one of your organisation's own opportunities.")]
    if errors:
        raise InvalidInput(details=errors)
    OrganisationProfile.objects.select_for_update().filter(pk=profile.pk).first()  # serialise the cap check
    opportunity = Opportunity.objects.select_related("profile").get(pk=opportunity.pk)
    if not opportunity.is_live():
        raise InvalidInput(_("This opportunity is no longer open."))
    if Interest.objects.filter(opportunity=opportunity, from_profile=profile, status=Interest.Status.OPEN).exists():
        raise InvalidInput(_("Your organisation has already expressed interest in this opportunity."))
    if (
        Interest.objects.filter(from_profile=profile, status=Interest.Status.OPEN).count()
        >= settings.PARTNERING_OPEN_INTERESTS_CAP
    ):
        raise InvalidInput(
            _("Your organisation has %(cap)d open expressions of interest, the most allowed. Wait for answers first.")
            % {"cap": settings.PARTNERING_OPEN_INTERESTS_CAP}
        )
    interest = Interest(
        opportunity=opportunity,
        from_profile=profile,
        from_opportunity=from_opportunity,
        created_by=user,
        message=message,
        language=language if language in dict(settings.LANGUAGES) else "en",
        expires_at=timezone.now() + timedelta(days=settings.PARTNERING_INTEREST_DAYS),
    )
    history_mark(interest, user=user)
    interest.save()
    _tell_deciders(interest, "interest_received")
    return interest


def _deciders(interest: Interest) -> list[Any]:
    """Who must act on an open interest: the owner's members, or (anonymous, not yet forwarded)
    the facilitators of the owner's side."""
    opportunity = interest.opportunity
    if opportunity.is_anonymous and interest.forwarded_at is None:
        return notify.facilitators_of(opportunity.profile.side)
    return notify.members_of(opportunity.profile)


def _tell_deciders(interest: Interest, template: str) -> None:
    notify.tell(_deciders(interest), template, {"interest": interest}, url=reverse("partnering:interests"))


@transaction.atomic
def interest_forward(*, user: User, interest: Interest) -> Interest:
    """A facilitator of an anonymous opportunity's side passes the interest on to the owner."""
    require(permissions.can_forward(user, interest))
    interest = Interest.objects.select_for_update().select_related("opportunity__profile").get(pk=interest.pk)
    if interest.status != Interest.Status.OPEN or interest.forwarded_at is not None:
        raise InvalidInput(_("This expression of interest is not waiting to be forwarded."))
    interest.forwarded_at, interest.forwarded_by = timezone.now(), user
    history_mark(interest, user=user)
    interest.save(update_fields=["forwarded_at", "forwarded_by"])
    _tell_deciders(interest, "interest_received")
    return interest


def _close_interest(interest: Interest, user: User | None, status: str, *, reason: str) -> None:
    interest.status, interest.reason = status, reason
    interest.decided_at = timezone.now()
    interest.decided_by = user if getattr(user, "is_authenticated", False) else None
    history_mark(interest, user=interest.decided_by)
    interest.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    template = {"declined": "interest_declined", "expired": "interest_expired", "withdrawn": "interest_closed"}[status]
    people = notify.members_of(interest.from_profile)
    if status == Interest.Status.EXPIRED:
        people += _deciders(interest)
    notify.tell(people, template, {"interest": interest}, url=reverse("partnering:interests"))


def _decidable(user: User, interest: Interest, *, accept: bool) -> Interest:
    require((permissions.can_accept if accept else permissions.can_decline)(user, interest))
    interest = (
        Interest.objects.select_for_update().select_related("opportunity__profile", "from_profile").get(pk=interest.pk)
    )
    if interest.status != Interest.Status.OPEN:
        raise InvalidInput(_("This expression of interest has already been answered or has expired."))
    return interest


@transaction.atomic
def interest_accept(*, user: User, interest: Interest) -> Interest:
    """The owner accepts: the introduction. Each side's members get the other side's contacts,
    in-app and by e-mail, each in their own language."""
    interest = _decidable(user, interest, accept=True)
    if not interest.opportunity.is_live():
        raise InvalidInput(_("This opportunity is no longer open."))
    interest.status, interest.decided_at, interest.decided_by = Interest.Status.ACCEPTED, timezone.now(), user
    history_mark(interest, user=user)
    interest.save(update_fields=["status", "decided_at", "decided_by"])
    owner, other = interest.opportunity.profile, interest.from_profile
    url = reverse("partnering:interest", args=[interest.pk])
    for mine, theirs in ((owner, other), (other, owner)):
        notify.tell(
            notify.members_of(mine),
            "introduction",
            {"interest": interest, "partner": theirs, "contacts": list(theirs.contacts.all())},
            url=url,
        )
    return interest


@transaction.atomic
def interest_decline(*, user: User, interest: Interest, reason: str = "") -> Interest:
    reason = (reason or "").strip()
    if len(reason) > 2000 or _HTML.search(reason):
        raise InvalidInput(details={"reason": [_("Give the reason in plain text, 2,000 characters at most.")]})
    interest = _decidable(user, interest, accept=False)
    _close_interest(interest, user, Interest.Status.DECLINED, reason=reason)
    matching.changed([interest.opportunity_id])  # the match indexes take in the declined pair
    return interest


def interests_expire_and_remind(*, now: Any = None) -> tuple[int, int]:
    """The periodic job: remind whoever must answer an open interest on the reminder days (each
    reminder once), and expire those past their time. Returns (reminded, expired)."""
    now = now or timezone.now()
    reminded = expired = 0
    days = sorted(settings.PARTNERING_INTEREST_REMINDER_DAYS)
    for pk in Interest.objects.filter(status=Interest.Status.OPEN).values_list("pk", flat=True):
        with transaction.atomic():
            interest = (
                Interest.objects.select_for_update().select_related("opportunity__profile", "from_profile").get(pk=pk)
            )
            if interest.status != Interest.Status.OPEN:
                continue
            if now >= interest.expires_at:
                _close_interest(interest, None, Interest.Status.EXPIRED, reason="")
                expired += 1
                continue
            due = sum(1 for day in days if now >= interest.created_at + timedelta(days=day))
            if due > interest.reminders_sent:
                interest.reminders_sent = due
                interest.save(update_fields=["reminders_sent"])
                _tell_deciders(interest, "interest_reminder")
                reminded += 1
    return reminded, expired


# -- outcomes --------------------------------------------------------------------------------------
@transaction.atomic
def outcome_record(*, user: User, interest: Interest, kind: str, area: Area | None, note: str = "") -> Outcome:
    """Either side of an introduction records what came of it (recording again replaces it; the
    other people of both sides are told of a new or changed outcome, not of one saved unchanged)."""
    require(permissions.can_record_outcome(user, interest))
    errors: dict[str, list[str]] = {}
    if kind not in OutcomeKind.values:
        errors["kind"] = [_("Choose what came of the introduction from the list.")]
    if area is None:
        errors["area"] = [_("Choose the co-operation area the outcome belongs to.")]
    note = (note or "").strip()
    if kind == OutcomeKind.NO_DEAL and not note:
        errors["note"] = [_("Say briefly why there was no deal.")]
    elif len(note) > 2000 or _HTML.search(note):
        errors["note"] = [_("Write the note in plain text, 2,000 characters at most.")]
    if errors:
        raise InvalidInput(details=errors)
    outcome = Outcome.objects.select_for_update().filter(interest=interest).first() or Outcome(interest=interest)
    if outcome.pk is not None and (outcome.kind, outcome.area_id, outcome.note) == (
        kind,
        getattr(area, "pk", None),
        note,
    ):
        return outcome  # saved again unchanged: nothing to record, and nobody is told again
    outcome.kind, outcome.area, outcome.note, outcome.recorded_by = kind, area, note, user  # type: ignore[assignment]
    history_mark(outcome, user=user)
    outcome.save()
    owner, other = interest.opportunity.profile, interest.from_profile
    others = [u for u in notify.members_of(owner) + notify.members_of(other) if u.pk != user.pk]
    notify.tell(
        others,
        "outcome",
        {"interest": interest, "outcome": outcome},
        url=reverse("partnering:interest", args=[interest.pk]),
    )
    return outcome


@transaction.atomic
def outcome_record_external(
    *, user: User, source: str, reference: str, kind: str, area: Area, note: str = ""
) -> Outcome:
    """An outcome of something another app runs (``OutcomeSource.EVENT_MEETING``: a one-to-one
    meeting at an event, ``reference`` "meeting:<id>"), kept here so that partnerships are
    counted from one source. The calling app has checked that ``user`` may record it; recording
    again for the same reference replaces it."""
    if source == OutcomeSource.INTRODUCTION or source not in OutcomeSource.values or not reference:
        raise InvalidInput(details={"source": [_("Choose what came of the meeting from the list.")]})
    if kind not in OutcomeKind.values:
        raise InvalidInput(details={"outcome_kind": [_("Choose what came of the meeting from the list.")]})
    outcome = Outcome.objects.select_for_update().filter(source=source, reference=reference).first() or Outcome(
        source=source, reference=reference
    )
    outcome.kind, outcome.area, outcome.note, outcome.recorded_by = kind, area, (note or "")[:2000], user
    outcome._history_user = user  # type: ignore[attr-defined]
    outcome.save()
    return outcome
