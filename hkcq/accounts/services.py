from __future__ import annotations

import base64
import secrets
from typing import Any

import segno
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import get_usage

from hkcq.accounts.models import ApiToken, SignInPolicy, User
from hkcq.core.errors import NotPermitted
from hkcq.core.idempotency import client_address

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
