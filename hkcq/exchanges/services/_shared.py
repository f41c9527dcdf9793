"""Helpers the exchanges' services share: a refusal naming its field, telling a person, a round's
change log, the waiting list moving up and resolving whom a round's entry is linked to."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput
from hkcq.exchanges.models import (
    Event,
    Language,
    Registration,
    RegistrationStatus,
    Round,
    RoundChange,
)
from hkcq.notifications.services import notify
from hkcq.partnering.models import OrganisationProfile

LANGUAGE_CODES = {c for c, _label in Language.choices}


def _area_required() -> str:
    return _("Choose the co-operation area the round serves: its pairs and placements are counted under it.")


def _invalid(field: str | None, message: str) -> InvalidInput:
    return InvalidInput(message, details={field or "__all__": [message]})


def _tell(user: User | None, kind: str, url: str, **context: Any) -> None:
    if user is not None and user.is_active:
        notify(user, "exchanges/email/notice", {"kind": kind, **context}, url=url)


def _my_url(event: Event) -> str:
    return reverse("exchanges:my_event", args=[event.pk])


def _holding_places(event: Event) -> int:
    return event.registrations.filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]).count()


def _promote_next(event: Event) -> Registration | None:
    if event.capacity is not None and _holding_places(event) >= event.capacity:
        return None
    nxt = event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("created_at", "id").first()
    if nxt is None:
        return None
    nxt.status = RegistrationStatus.PENDING if event.requires_approval else RegistrationStatus.CONFIRMED
    nxt.save(update_fields=["status"])
    _tell(nxt.person, "promoted", _my_url(event), event=event)
    return nxt


def _log(round_: Round, user: User, action: str, detail: str = "", reason: str = "") -> None:
    RoundChange.objects.create(
        round=round_,
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        detail=detail[:500],
        reason=reason,
    )


Link = tuple[OrganisationProfile | None, User | None]


def _profile_find(ref: Any) -> OrganisationProfile | None:
    """A partnering organisation profile by its number (as in its page's address) or its stable id."""
    text = str(ref).strip()
    if not text:
        return None
    if text.isdigit():
        return OrganisationProfile.objects.filter(pk=int(text)).first()
    return OrganisationProfile.objects.filter(ext_id=text).first()


def _link_resolve(profile_ref: Any, email: Any) -> tuple[Link, dict[str, list[str]]]:
    """The profile and the account an entry names (either may be empty), or what is wrong, by field."""
    errors: dict[str, list[str]] = {}
    profile: OrganisationProfile | None = None
    account: User | None = None
    ref = "" if profile_ref is None else str(profile_ref).strip()
    if ref:
        profile = _profile_find(ref)
        if profile is None:
            errors["profile"] = [_("No organisation profile has the id %(ref)s.") % {"ref": ref}]
    address = str(email or "").strip()
    if address:
        accounts = list(User.objects.filter(email__iexact=address, is_active=True)[:2])
        if not accounts:
            errors["email"] = [_("No account has the e-mail address %(email)s.") % {"email": address}]
        elif len(accounts) > 1:
            errors["email"] = [
                _("Several accounts have the e-mail address %(email)s: link the organisation profile instead.")
                % {"email": address}
            ]
        else:
            account = accounts[0]
    return (profile, account), errors
