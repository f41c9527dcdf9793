"""Writes to suggestions. Every function checks permission, validates, owns its transaction and
records the action (who, when, what, why). E-mails are queued after the commit, so a
suggestion that was acknowledged is always stored first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.accounts.types import Viewer
from hkcq.core import idempotency
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.text import fold, mask_personal_data
from hkcq.core.translated import TText
from hkcq.registry.models import Area, Decision, Measure, Unit
from hkcq.suggestions import permissions, selectors
from hkcq.suggestions.models import ModerationAction, Suggestion, Support
from hkcq.suggestions.notify import submitter_notify
from hkcq.suggestions.references import reference_for, tracking_token

TITLE_MAX = 200
TEXT_MAX = 5000
# An idempotent submission without a key: the same one again within this time is the same.
DUPLICATE_WINDOW = timedelta(minutes=10)


def _actor(user: Viewer) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def _record(suggestion: Suggestion, user: User, kind: str, *, reason: str = "", detail: str = "") -> None:
    ModerationAction.objects.create(
        suggestion=suggestion, actor=_actor(user), kind=kind, reason=reason, detail=detail[:4000]
    )


def _locked(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=suggestion.pk)


# -- submitting ---------------------------------------------------------------------------------
def _clean_text(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give your suggestion a short title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title to %(max)d characters or fewer.") % {"max": TITLE_MAX}]
    if not text:
        errors["text"] = [_("Write your suggestion.")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("Keep the suggestion to %(max)d characters or fewer.") % {"max": TEXT_MAX}]
    if errors:
        raise InvalidInput(details=errors)
    return title, text


@dataclass(frozen=True)
class SubmitResult:
    suggestion: Suggestion
    created: bool


@dataclass(frozen=True)
class _Checked:
    """A submission that passed validation, with the digest of what was sent."""

    title: str
    text: str
    language: str
    area: Area | None
    anonymous: bool
    name: str
    email: str
    account: Any
    content: tuple[str, ...]


def _checked(
    *, user: Viewer, title: str, text: str, language: str, area: Area | None, anonymous: bool, name: str, email: str
) -> _Checked:
    title, text = _clean_text(title, text)
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(details={"language": [_("Choose one of the languages offered.")]})
    account = _actor(user)
    if not anonymous:
        if account is not None:
            name, email = account.display_name, account.email or email
        email = (email or "").strip()
        if not email:
            raise InvalidInput(details={"email": [_("Give an e-mail address, or send the suggestion anonymously.")]})
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(details={"email": [_("Enter a valid e-mail address.")]}) from exc
    else:
        name, email = "", ""
    name = name.strip()[:150]
    content = (
        fold(title),
        fold(text),
        language,
        str(area.pk if area else ""),
        str(anonymous),
        fold(name),
        email.lower(),
    )
    return _Checked(title, text, language, area, anonymous, name, email, account, content)


def _create(
    checked: _Checked, *, ip_address: str | None, submission: idempotency.Submission | None = None
) -> Suggestion:
    suggestion = Suggestion.objects.create(
        tracking_token=tracking_token(),
        title=checked.title,
        text=checked.text,
        language=checked.language,
        area=checked.area,
        suggested_area=selectors.area_suggest(f"{checked.title} {checked.text}"),
        submitter=checked.account,
        anonymous=checked.anonymous,
        name=checked.name,
        email=checked.email,
        ip_address=ip_address or None,
        idempotency_key=(submission.key if submission else "") or None,
        content_digest=submission.digest if submission else "",
    )
    suggestion.reference = reference_for(suggestion.pk)
    suggestion.save(update_fields=["reference"])
    _record(suggestion, checked.account, ModerationAction.Kind.SUBMITTED)
    submitter_notify(suggestion, "received")
    return suggestion


@transaction.atomic
def suggestion_submit(
    *,
    user: Viewer,
    title: str,
    text: str,
    language: str,
    area: Area | None = None,
    anonymous: bool = True,
    name: str = "",
    email: str = "",
    ip_address: str | None = None,
) -> Suggestion:
    """Store a new suggestion (the web form and the API): every valid call makes one."""
    checked = _checked(
        user=user, title=title, text=text, language=language, area=area, anonymous=anonymous, name=name, email=email
    )
    return _create(checked, ip_address=ip_address)


def suggestion_submit_idempotent(
    *,
    user: Viewer,
    title: str,
    text: str,
    language: str,
    area: Area | None = None,
    anonymous: bool = True,
    name: str = "",
    email: str = "",
    ip_address: str | None = None,
    idempotency_key: str = "",
    client: str = "",
) -> SubmitResult:
    """Store a suggestion, or return the one this same submission already made (the form, the
    API and Open311).

    The same submission comes from the same ``client`` (:func:`hkcq.core.idempotency.client_of`)
    with the same ``idempotency_key`` (reusing it for other content is refused), or with the
    same title, text, language, area, name and e-mail within ``DUPLICATE_WINDOW``.
    Another client never gets it (nor its tracking token) back. A submission found again is
    not counted against the rate limits: it creates nothing.
    """
    checked = _checked(
        user=user, title=title, text=text, language=language, area=area, anonymous=anonymous, name=name, email=email
    )
    submission = idempotency.Submission.of(client=client, key=idempotency_key, content=checked.content)
    suggestion, created = idempotency.submit_once(
        Suggestion.objects.all(),
        submission,
        lambda: _create(checked, ip_address=ip_address, submission=submission),
        received_field="created_at",
        window=DUPLICATE_WINDOW,
    )
    return SubmitResult(suggestion, created=created)


# -- supporting ---------------------------------------------------------------------------------
@transaction.atomic
def suggestion_support(*, suggestion: Suggestion, user: Viewer, email: str = "", session_key: str = "") -> bool:
    """Count one more supporter. Returns False when this person already supports it (one per
    account, e-mail address or browser session)."""
    suggestion = _locked(suggestion)
    if not suggestion.is_public:
        raise InvalidInput(_("Only published suggestions can be supported."))
    account = _actor(user)
    email = (email or "").strip().lower()
    identity: dict[str, Any]
    if account is not None:
        if suggestion.submitter_id == account.pk:
            raise InvalidInput(_("You sent this suggestion: it already counts you."))
        identity = {"user": account}
    elif email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(details={"email": [_("Enter a valid e-mail address.")]}) from exc
        identity = {"email": email}
    elif session_key:
        identity = {"session_key": session_key}
    else:
        raise InvalidInput(_("We could not tell who you are. Allow cookies or give an e-mail address."))
    if suggestion.supports.filter(**identity).exists():
        return False
    Support.objects.create(suggestion=suggestion, **identity)
    _recount(suggestion)
    return True


def _recount(suggestion: Suggestion) -> None:
    suggestion.supporter_count = suggestion.supports.count()
    suggestion.save(update_fields=["supporter_count"])


# -- moderation ---------------------------------------------------------------------------------
def _clean_public(public_title: str, public_text: str) -> tuple[str, str]:
    public_title, public_text = (public_title or "").strip(), (public_text or "").strip()
    errors: dict[str, list[str]] = {}
    if not public_title:
        errors["public_title"] = [_("Give the title the public will see.")]
    if not public_text:
        errors["public_text"] = [_("Give the text the public will see.")]
    if errors:
        raise InvalidInput(details=errors)
    return public_title[:TITLE_MAX], public_text


def redaction_proposal(suggestion: Suggestion) -> tuple[str, str]:
    """The title and text with personal data masked automatically, for a moderator to confirm."""
    return mask_personal_data(suggestion.title), mask_personal_data(suggestion.text)


@transaction.atomic
def suggestion_approve(
    *,
    user: User,
    suggestion: Suggestion,
    public_title: str,
    public_text: str,
    area: Area | None,
    unit: Unit | None = None,
) -> Suggestion:
    require(permissions.can_moderate(user))
    suggestion = _locked(suggestion)
    if suggestion.state != Suggestion.State.PENDING:
        raise InvalidInput(_("Only a suggestion waiting for moderation can be approved."))
    public_title, public_text = _clean_public(public_title, public_text)
    redacted = public_title != suggestion.title or public_text != suggestion.text
    suggestion.public_title, suggestion.public_text = public_title, public_text
    suggestion.area, suggestion.unit = area, unit
    suggestion.state = Suggestion.State.PUBLISHED
    suggestion.published_at = timezone.now()
    suggestion.save()
    detail = f"area={area.ext_id if area else '-'}; unit={unit.ext_id if unit else '-'}"
    _record(suggestion, user, ModerationAction.Kind.APPROVED, detail=detail)
    if redacted:
        _record(suggestion, user, ModerationAction.Kind.REDACTED, detail=f"{public_title}\n\n{public_text}")
    submitter_notify(suggestion, "approved")
    return suggestion


@transaction.atomic
def suggestion_reject(*, user: User, suggestion: Suggestion, reason: str, note: str = "") -> Suggestion:
    require(permissions.can_moderate(user))
    suggestion = _locked(suggestion)
    if reason not in Suggestion.RejectReason.values:
        raise InvalidInput(details={"reason": [_("Choose why the suggestion is not published.")]})
    if suggestion.state not in (Suggestion.State.PENDING, Suggestion.State.PUBLISHED):
        raise InvalidInput(_("This suggestion can no longer be rejected."))
    if suggestion.merged.exists():
        raise InvalidInput(_("Other suggestions were merged into this one; it cannot be rejected."))
    suggestion.state = Suggestion.State.REJECTED
    suggestion.reject_reason = reason
    suggestion.save(update_fields=["state", "reject_reason"])
    _record(suggestion, user, ModerationAction.Kind.REJECTED, reason=reason, detail=note)
    return suggestion


@transaction.atomic
def suggestion_redact(*, user: User, suggestion: Suggestion, public_title: str, public_text: str) -> Suggestion:
    require(permissions.can_moderate(user))
    suggestion = _locked(suggestion)
    public_title, public_text = _clean_public(public_title, public_text)
    suggestion.public_title, suggestion.public_text = public_title, public_text
    suggestion.save(update_fields=["public_title", "public_text"])
    _record(suggestion, user, ModerationAction.Kind.REDACTED, detail=f"{public_title}\n\n{public_text}")
    return suggestion


@transaction.atomic
def suggestion_set_area(*, user: User, suggestion: Suggestion, area: Area | None, unit: Unit | None) -> Suggestion:
    require(permissions.can_moderate(user))
    suggestion = _locked(suggestion)
    before = (
        f"{suggestion.area.ext_id if suggestion.area else '-'} / {suggestion.unit.ext_id if suggestion.unit else '-'}"
    )
    suggestion.area, suggestion.unit = area, unit
    suggestion.save(update_fields=["area", "unit"])
    after = f"{area.ext_id if area else '-'} / {unit.ext_id if unit else '-'}"
    _record(suggestion, user, ModerationAction.Kind.AREA_CHANGED, detail=f"{before} → {after}")
    return suggestion


@transaction.atomic
def suggestion_merge(*, user: User, duplicate: Suggestion, target: Suggestion) -> Suggestion:
    """Merge ``duplicate`` into ``target``. The duplicate keeps its text and submitter (shown,
    redacted, under the target); its submitter and supporters become the target's supporters,
    each person counted once."""
    require(permissions.can_moderate(user))
    if duplicate.pk == target.pk:
        raise InvalidInput(details={"target": [_("A suggestion cannot be merged into itself.")]})
    first, second = sorted([duplicate.pk, target.pk])
    locked = {s.pk: s for s in Suggestion.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    duplicate, target = locked[duplicate.pk], locked[target.pk]
    if target.state != Suggestion.State.PUBLISHED:
        raise InvalidInput(details={"target": [_("Merge into a published suggestion.")]})
    if duplicate.state not in (Suggestion.State.PENDING, Suggestion.State.PUBLISHED):
        raise InvalidInput(_("This suggestion can no longer be merged."))
    # Voices: the duplicate's own supporters, then its submitter; each person once on the target.
    for support in list(duplicate.supports.all()):
        if _already_supports(target, user=support.user, email=support.email, session_key=support.session_key):
            support.delete()
        else:
            support.suggestion = target
            support.save(update_fields=["suggestion"])
    submitter_email = duplicate.email if not duplicate.anonymous else ""
    submitter_user = duplicate.submitter if duplicate.submitter_id != target.submitter_id else None
    if duplicate.submitter_id is not None and duplicate.submitter_id == target.submitter_id:
        pass  # the same person sent both: they already count once, as the target's submitter
    elif not _already_supports(target, user=submitter_user, email=submitter_email, session_key=""):
        Support.objects.create(
            suggestion=target,
            user=submitter_user,
            email=submitter_email if submitter_user is None else "",
            via_merge=duplicate,
        )
    # Earlier duplicates of the duplicate follow it.
    Suggestion.objects.filter(merged_into=duplicate).update(merged_into=target)
    if not duplicate.public_text:
        duplicate.public_title, duplicate.public_text = redaction_proposal(duplicate)
    duplicate.state = Suggestion.State.MERGED
    duplicate.merged_into = target
    duplicate.supporter_count = 0
    duplicate.save()
    _recount(target)
    _record(duplicate, user, ModerationAction.Kind.MERGED, reason="duplicate", detail=f"→ {target.reference}")
    _record(target, user, ModerationAction.Kind.MERGED, detail=f"← {duplicate.reference}")
    return target


def _already_supports(target: Suggestion, *, user: User | None, email: str, session_key: str) -> bool:
    who = Q(pk__in=[])
    if user is not None:
        who |= Q(user=user)
        if target.submitter_id == user.pk:
            return True
    if email:
        who |= Q(email__iexact=email)
        if not target.anonymous and target.email.lower() == email.lower():
            return True
    if session_key:
        who |= Q(session_key=session_key)
    return target.supports.filter(who).exists()


# -- official response --------------------------------------------------------------------------
def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, TText):
        return value.texts
    return {k.replace("_", "-"): (v or "") for k, v in (value or {}).items()}


@transaction.atomic
def suggestion_respond(
    *,
    user: User,
    suggestion: Suggestion,
    status: str,
    response: Any = None,
    reason: Any = None,
    measure: Measure | None = None,
    decision: Decision | None = None,
) -> Suggestion:
    """Set the official status and public response (three languages). "Not adopted" needs a reason."""
    require(permissions.can_respond(user, suggestion))
    suggestion = _locked(suggestion)
    if not suggestion.is_public:
        raise InvalidInput(_("Publish the suggestion before answering it."))
    if status not in Suggestion.Status.values:
        raise InvalidInput(details={"status": [_("Choose one of the statuses offered.")]})
    new_response = suggestion.response.edited(_texts(response)) if response is not None else suggestion.response
    new_reason = suggestion.status_reason.edited(_texts(reason)) if reason is not None else suggestion.status_reason
    if status == Suggestion.Status.NOT_ADOPTED and not new_reason:
        raise InvalidInput(details={"reason": [_("Give the reason why the suggestion is not adopted.")]})
    if status != Suggestion.Status.NOT_ADOPTED:
        new_reason = TText()
    now = timezone.now()
    status_changed = status != suggestion.status
    response_changed = new_response.to_json() != suggestion.response.to_json()
    if status_changed:
        suggestion.status, suggestion.status_changed_at = status, now
    if response_changed and new_response:
        suggestion.responded_at = now
    elif not new_response:
        suggestion.responded_at = None
    suggestion.response, suggestion.status_reason = new_response, new_reason
    suggestion.measure, suggestion.decision = measure, decision
    suggestion.save()
    detail = f"status={status}; measure={measure.ext_id if measure else '-'}; decision={decision.ext_id if decision else '-'}"
    _record(suggestion, user, ModerationAction.Kind.RESPONDED, reason=status, detail=detail)
    if status_changed or response_changed:
        submitter_notify(suggestion, "response")
    return suggestion
