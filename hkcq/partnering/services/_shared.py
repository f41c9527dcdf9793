"""What more than one part of the services uses: the limits and plain-text checks of free text
(profiles, opportunities, interests, outcomes), starting a membership (profiles, members) and
closing an interest and who decides it (opportunities, interests)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.choices import Role
from hkcq.core.services import history_mark
from hkcq.core.translated import CHINESE_IN_ENGLISH, TText, chinese_in_english
from hkcq.partnering import notify
from hkcq.partnering.models import (
    Interest,
    Membership,
    OrganisationProfile,
    WorkLanguage,
)

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


# -- members (a profile's creator, a person added) ------------------------------------------------
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


# -- interests (answered, expired, withdrawn with their opportunity) ------------------------------
def _deciders(interest: Interest) -> list[Any]:
    """Who must act on an open interest: the owner's members, or (anonymous, not yet forwarded)
    the facilitators of the owner's side."""
    opportunity = interest.opportunity
    if opportunity.is_anonymous and interest.forwarded_at is None:
        return notify.facilitators_of(opportunity.profile.side)
    return notify.members_of(opportunity.profile)


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
