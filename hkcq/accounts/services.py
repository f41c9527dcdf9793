from __future__ import annotations

import base64
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.http import HttpRequest
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import get_usage

from hkcq.accounts.models import ApiToken, SignInPolicy, User
from hkcq.core.choices import Role
from hkcq.core.context_processors import PLATFORM_NAME
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.idempotency import client_address
from hkcq.core.models import OutgoingEmail
from hkcq.core.outbox import email_queue

# -- sign-in throttling -------------------------------------------------------------------------
# Failed sign-ins are counted in the cache (django-ratelimit's counters; Redis when configured, so
# shared by every server) per (user name, address), or per (user name, trusted browser) when the
# browser carries the cookie a successful sign-in left (DEVICE_COOKIE). Each key has tiers of
# growing windows (settings.LOGIN_THROTTLE_RATES: 5 a minute, 10 an hour, 30 a day): the wait grows
# with the failures. Nothing is counted per user name alone, so nobody elsewhere can hold up the
# real user: from their own browser they sign in whatever happens at other addresses, and a
# password-reset link marks the browser it is opened in as theirs. An address is also held up
# when it fails for many user names (LOGIN_ADDRESS_RATES), except for trusted browsers.
DEVICE_COOKIE = "hkcq_signin_device"
DEVICE_SALT = "hkcq.accounts.signin-device"
DEVICE_MAX_AGE = 180 * 24 * 3600


def _norm(username: str) -> str:
    return (username or "").strip().lower()[:150]


def device_cookie_value(username: str) -> str:
    return signing.dumps({"u": _norm(username), "n": secrets.token_urlsafe(12)}, salt=DEVICE_SALT)


def _trusted_device(request: HttpRequest, username: str) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return None
    return str(data.get("n")) if data.get("u") == _norm(username) else None


def _generation(username: str) -> int:
    return int(cache.get(f"hkcq.login.gen.{_norm(username)}", 0))


def _login_keys(request: HttpRequest, username: str) -> list[tuple[str, str, str]]:
    """(group, value, rate) of every counter this attempt falls under."""
    gen = _generation(username)
    device = _trusted_device(request, username)
    if device is not None:
        return [
            ("hkcq.login.device", f"{_norm(username)}|{device}|{gen}", rate) for rate in settings.LOGIN_THROTTLE_RATES
        ]
    address = client_address(request)
    keys = [("hkcq.login.user-address", f"{_norm(username)}|{address}|{gen}", r) for r in settings.LOGIN_THROTTLE_RATES]
    keys += [("hkcq.login.address", address, rate) for rate in settings.LOGIN_ADDRESS_RATES]
    return keys


def _usage(request: HttpRequest, group: str, value: str, rate: str, increment: bool) -> dict[str, Any] | None:
    usage: dict[str, Any] | None = get_usage(
        request, group=group, key=lambda _g, _r: value, rate=rate, increment=increment
    )
    return usage


def login_wait(*, request: HttpRequest, username: str) -> int:
    """Seconds this attempt must wait (0: it may go ahead). Counts nothing."""
    wait = 0
    for group, value, rate in _login_keys(request, username):
        usage = _usage(request, group, value, rate, False)
        if usage is not None and usage["count"] >= usage["limit"]:
            wait = max(wait, usage["time_left"])
    return wait


def login_failure_record(*, request: HttpRequest, username: str) -> None:
    for group, value, rate in _login_keys(request, username):
        _usage(request, group, value, rate, True)


def login_success_record(*, username: str) -> None:
    """A successful sign-in (or password reset) starts this user name's counts afresh."""
    key = f"hkcq.login.gen.{_norm(username)}"
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    raw = "hkcq_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(raw), prefix=raw[5:13])
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> None:
    ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def user_set_language(*, user: User, language: str) -> None:
    """The person's own choice: kept until they change it (sign-ins no longer change it)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    user.preferred_language = language
    user.language_chosen = True
    user.save(update_fields=["preferred_language", "language_chosen"])


def user_language_from_sign_in(*, user: User, language: str | None) -> None:
    """Write to a person in the language they use: the page language they sign in with becomes
    their preferred language (e-mails, notifications) until they choose one on the account page."""
    if user.language_chosen or language not in dict(settings.LANGUAGES) or user.preferred_language == language:
        return
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


# -- second factor (TOTP, django-otp) ----------------------------------------------------------
def second_factor_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def second_factor_needed(user: User) -> bool:
    """Whether signing in needs a code: the user turned it on, or is staff and the secretariat
    requires it (then a user without one sets it up while signing in)."""
    if second_factor_device(user) is not None:
        return True
    return user.is_staff_member and SignInPolicy.current().staff_second_factor_required


def second_factor_start(*, user: User) -> TOTPDevice:
    """The device being set up (unconfirmed until the first right code), made if none."""
    device = second_factor_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def second_factor_verify(*, device: TOTPDevice, code: str) -> bool:
    """Check a code (django-otp's own growing delay after wrong codes applies); a device being
    set up is turned on by its first right code."""
    allowed, _info = device.verify_is_allowed()
    if not allowed or not device.verify_token(code):
        return False
    if not device.confirmed:
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def second_factor_remove(*, user: User) -> None:
    if user.is_staff_member and SignInPolicy.current().staff_second_factor_required:
        raise NotPermitted(_("The secretariat requires a second factor for staff: it cannot be turned off."))
    TOTPDevice.objects.filter(user=user).delete()


def sign_in_policy_set(*, user: User, staff_second_factor_required: bool) -> SignInPolicy:
    if not user.is_secretariat:
        raise NotPermitted()
    policy = SignInPolicy.current()
    policy.staff_second_factor_required = staff_second_factor_required
    policy.save()
    return policy


def second_factor_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, drawn here (no outside service)."""
    svg: str = segno.make(device.config_url, error="m").svg_inline(scale=4, border=4)
    return svg


def second_factor_secret(device: TOTPDevice) -> str:
    """The secret in base32 in groups of four, for typing into an app instead of scanning."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# -- sign-up with e-mail confirmation ---------------------------------------------------------
# People who act for an organisation open their own account (the partnering service's sign-up
# page); staff accounts are still opened by the administrators. The account stays inactive (Django
# refuses inactive accounts at sign-in) until the link e-mailed to the address is followed. The
# link is ``django.core.signing`` (HMAC with SECRET_KEY, timestamped): it names the account and the
# address, works for ``settings.SIGN_UP_CONFIRM_MAX_AGE`` and once (confirming sets
# ``email_confirmed_at``, which every later use of a link checks). Sign-up and "send it again"
# answer the same whether or not the address has an account: an address that has one gets an
# e-mail saying so instead (docs/security.md, "Sign-up"; docs/decisions/0013-organisation-sign-up.md).
SIGN_UP_SALT = "hkcq.accounts.sign-up-confirm"
NAME_MAX = 150


class SignUpLinkError(InvalidInput):
    """A confirmation link that cannot be used: ``reason`` is ``invalid``, ``expired`` or ``used``."""

    def __init__(self, reason: str) -> None:
        messages = {
            "invalid": _("This confirmation link is not valid. Check that you copied the whole link."),
            "expired": _("This confirmation link has expired. Ask for a new one below."),
            "used": _("This e-mail address is already confirmed. You can sign in."),
        }
        super().__init__(messages[reason], details={"link": [messages[reason]]})
        self.reason = reason


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail(*, user: User, template: str, context: dict[str, Any]) -> None:
    """One e-mail through the outbox (written in this transaction), in the person's language."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "user": user, "PLATFORM_NAME": PLATFORM_NAME}
        subject = "".join(loader.render_to_string(f"accounts/email/{template}_subject.txt", context).splitlines())
        body = loader.render_to_string(f"accounts/email/{template}.txt", context)
    email_queue(subject=subject, body=body, to=[user.email], language=language)


def sign_up_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=SIGN_UP_SALT, compress=True)


def _send_confirmation(user: User) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        path = reverse("accounts:sign_up_confirm", args=[sign_up_token(user)])
        resend = reverse("accounts:sign_up_resend")
    hours = settings.SIGN_UP_CONFIRM_MAX_AGE // 3600
    _mail(
        user=user,
        template="sign_up_confirm",
        context={"link": _absolute(path), "resend_link": _absolute(resend), "hours": hours},
    )


def _send_already_registered(user: User) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        sign_in, reset = reverse("accounts:login"), reverse("accounts:password_reset")
    _mail(
        user=user,
        template="sign_up_exists",
        context={"sign_in_link": _absolute(sign_in), "reset_link": _absolute(reset)},
    )


def _awaiting_confirmation(user: User) -> bool:
    return user.signed_up_at is not None and user.email_confirmed_at is None and not user.is_active


def _account_for_address(email: str) -> User | None:
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).order_by("-is_active", "pk").first()


def sign_up_check(*, name: str, email: str, password: str, password_again: str, language: str) -> dict[str, list[str]]:
    """The problems with what was typed (field → messages), the same for every address."""
    errors: dict[str, list[str]] = {}
    name, email = (name or "").strip(), (email or "").strip()
    if not name:
        errors["name"] = [_("Enter your name.")]
    elif len(name) > NAME_MAX or "<" in name:
        errors["name"] = [_("Enter your name in plain text, in 150 characters or fewer.")]
    try:
        validate_email(email)
        if len(email) > NAME_MAX:
            raise ValidationError("too long")
    except ValidationError:
        errors["email"] = [
            _("Enter your e-mail address, like name@example.org (150 characters or fewer).")
            if email
            else _("Enter your e-mail address.")
        ]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose the language we write to you in.")]
    if not password:
        errors["password"] = [_("Choose a password.")]
    else:
        probe = User(username=email.lower(), email=email, first_name=name)
        try:
            password_validation.validate_password(password, user=probe)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
        if password_again != password:
            errors["password_again"] = [_("Type the same password again.")]
    return errors


@transaction.atomic
def user_sign_up(
    *,
    name: str,
    email: str,
    password: str,
    password_again: str,
    language: str,
    organisation: dict[str, Any],
) -> User | None:
    """Open an account for a person who acts for an organisation, inactive until its address is
    confirmed, and queue exactly one e-mail: the confirmation link; or, when the address already
    has an account, an e-mail saying so (a new link if that account is still unconfirmed). Returns
    the new account, or None when the address had one (callers answer the same either way).
    ``InvalidInput`` (field → messages) for what was typed wrong, checked before the address."""
    errors = sign_up_check(name=name, email=email, password=password, password_again=password_again, language=language)
    if errors:
        raise InvalidInput(details=errors)
    email = email.strip()
    existing = _account_for_address(email)
    if existing is not None:
        if _awaiting_confirmation(existing):
            _send_confirmation(existing)
        else:
            _send_already_registered(existing)
        return None
    user = User(
        username=email.lower(),
        email=email,
        first_name=name.strip(),
        role=Role.RESIDENT,
        preferred_language=language,
        language_chosen=True,
        is_active=False,
        signed_up_at=timezone.now(),
        signup_organisation=organisation,
    )
    user.set_password(password)
    user.save()
    _send_confirmation(user)
    return user


def sign_up_link_user(*, token: str) -> User:
    """The account a confirmation link is for, if the link can still be used (``SignUpLinkError``)."""
    try:
        data = signing.loads(token, salt=SIGN_UP_SALT, max_age=settings.SIGN_UP_CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise SignUpLinkError("expired") from None
    except signing.BadSignature:
        raise SignUpLinkError("invalid") from None
    user = User.objects.filter(pk=data.get("u"), signed_up_at__isnull=False).first()
    if user is None or user.email.lower() != data.get("e"):
        raise SignUpLinkError("invalid")
    if user.email_confirmed_at is not None:
        raise SignUpLinkError("used")
    return user


@transaction.atomic
def user_confirm_email(*, token: str) -> User:
    """Follow a confirmation link: the account can sign in from now on. A link works once, and
    only until it expires."""
    user = sign_up_link_user(token=token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is not None:
        raise SignUpLinkError("used")
    user.email_confirmed_at = timezone.now()
    user.is_active = True
    user.save(update_fields=["email_confirmed_at", "is_active"])
    return user


@transaction.atomic
def user_confirmation_resend(*, email: str) -> None:
    """Send the confirmation link again to an address whose sign-up is unconfirmed; for any other
    address nothing happens (the page answers the same)."""
    user = _account_for_address((email or "").strip()) if email else None
    if user is not None and _awaiting_confirmation(user):
        _send_confirmation(user)


def unconfirmed_sign_up(*, username: str, password: str) -> bool:
    """Whether these are the right user name and password of an account that is waiting for its
    address to be confirmed (sign-in then says so; with a wrong password it says nothing more)."""
    user = User.objects.filter(username=(username or "").strip().lower(), signed_up_at__isnull=False).first()
    return user is not None and _awaiting_confirmation(user) and user.check_password(password)


# -- unconfirmed sign-ups are deleted ---------------------------------------------------------
# A sign-up whose address was never confirmed is an inactive account that cannot sign in: it owns
# nothing but its row (name, address, password hash, the organisation it named) and the e-mails
# sent to it. After ``SIGN_UP_UNCONFIRMED_DAYS`` (never while its link still works) the daily
# command ``prune_unconfirmed_sign_ups`` deletes it with those e-mails; whatever refers to the
# account goes with it by its foreign key (a notification, a token), and history-kept rows (a
# membership) keep their history entry of the deletion. Each deletion is logged with the account's
# id and sign-up date only (no personal data in logs). An account something protects (a record
# that must name its author) is left, logged, for the administrators.
logger = logging.getLogger("hkcq.accounts")


def unconfirmed_sign_ups(*, now: datetime | None = None) -> QuerySet[User]:
    """Sign-ups never confirmed and never used, older than ``SIGN_UP_UNCONFIRMED_DAYS`` (and than
    the confirmation link's lifetime, so no working link is for a deleted account)."""
    now = now or timezone.now()
    age = max(timedelta(days=settings.SIGN_UP_UNCONFIRMED_DAYS), timedelta(seconds=settings.SIGN_UP_CONFIRM_MAX_AGE))
    return User.objects.filter(
        signed_up_at__isnull=False,
        signed_up_at__lt=now - age,
        email_confirmed_at__isnull=True,
        is_active=False,
        last_login__isnull=True,
        role__in=[Role.RESIDENT, Role.ORG_MEMBER],
    ).order_by("pk")


def sign_ups_prune(*, now: datetime | None = None) -> int:
    """Delete the unconfirmed sign-ups (``unconfirmed_sign_ups``) and the e-mails the outbox holds
    for their addresses, one account per transaction (checked again under a row lock, so one
    confirmed meanwhile stays); returns how many were deleted."""
    deleted = 0
    for pk in list(unconfirmed_sign_ups(now=now).values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                user = unconfirmed_sign_ups(now=now).select_for_update().filter(pk=pk).first()
                if user is None:
                    continue
                signed_up = user.signed_up_at.date().isoformat() if user.signed_up_at else "?"
                OutgoingEmail.objects.filter(to=[user.email]).delete()
                user.delete()
        except ProtectedError:
            logger.warning("Unconfirmed sign-up kept: account %s is referred to by a protected record.", pk)
            continue
        deleted += 1
        logger.info("Deleted an unconfirmed sign-up: account %s, signed up on %s.", pk, signed_up)
    return deleted
