"""Expressions of interest and introductions: expressing, forwarding (anonymous opportunities),
accepting (the introduction), declining, reminders and expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import history_mark
from hkcq.partnering import matching, notify, permissions
from hkcq.partnering.models import (
    Interest,
    Opportunity,
    OrganisationProfile,
)
from hkcq.partnering.services._shared import (
    _HTML,
    _close_interest,
    _deciders,
)

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
