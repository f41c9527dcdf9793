"""Opportunities: posting and editing them, their review by a facilitator (publish, return,
reject), withdrawal, renewal and expiry reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.core.translated import TText
from hkcq.partnering import matching, notify, permissions
from hkcq.partnering.models import (
    DealSize,
    Interest,
    Opportunity,
    OpportunityEvent,
    OpportunityType,
    OrganisationProfile,
    Sector,
    ServiceKind,
)
from hkcq.partnering.services._shared import (
    _HTML,
    NAME_MAX,
    TEXT_MAX,
    _close_interest,
    clean_text,
)
from hkcq.registry.models import Area, Measure


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


def _not_published(user: User, opportunity: Opportunity, reason: str, status: str, kind: str, told: str) -> Opportunity:
    """A reviewer's answer other than publishing (returned for changes, or rejected): with its
    reason, recorded and told to the owner."""
    reason = _clean_reason(reason)
    opportunity = _reviewable(user, opportunity)
    _set_status(opportunity, user, status, reason=reason)
    _event(opportunity, user, kind, reason)
    _tell_owner(opportunity, told, reason=reason)
    return opportunity


@transaction.atomic
def opportunity_return(*, user: User, opportunity: Opportunity, reason: str) -> Opportunity:
    return _not_published(
        user, opportunity, reason, Opportunity.Status.RETURNED, OpportunityEvent.Kind.RETURNED, "returned"
    )


@transaction.atomic
def opportunity_reject(*, user: User, opportunity: Opportunity, reason: str) -> Opportunity:
    return _not_published(
        user, opportunity, reason, Opportunity.Status.REJECTED, OpportunityEvent.Kind.REJECTED, "rejected"
    )


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
