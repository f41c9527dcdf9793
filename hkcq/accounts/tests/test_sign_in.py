"""Sign-in protection: growing waits per (user name, address) that nobody else can impose on the
real user, and the staff's second factor (TOTP)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

import config.urls  # noqa: F401 - build the API schemas before any test freezes time
from hkcq.accounts.models import SignInPolicy
from hkcq.accounts.tests.factories import PASSWORD

OFFICER, OFFICER_PW = "officer-hk", PASSWORD  # the officer_hk of this app's conftest
SIGN_IN = "/en/account/sign-in/"


def attempt(client, password, username=OFFICER, addr="203.0.113.66", lang="en"):
    return client.post(f"/{lang}/account/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=addr)


def signed_in(client):
    return "Sign out" in client.get("/en/").content.decode()


def test_failures_make_that_address_wait_longer_and_longer(officer_hk):
    start = dt.datetime(2026, 12, 7, 10, 0, 5)
    with freeze_time(start) as frozen:
        client = Client()
        for _ in range(5):
            assert attempt(client, "wrong").status_code == 200
        held = attempt(client, OFFICER_PW)
        assert "Too many failed sign-in attempts" in held.content.decode() and not signed_in(client)
        frozen.tick(61)  # the first wait is under a minute
        for _ in range(5):
            attempt(client, "wrong")
        frozen.tick(61)
        later = attempt(client, OFFICER_PW).content.decode()
        assert "Too many failed sign-in attempts" in later  # ten failures: the wait is now the hour's
        minutes = int(re.search(r"wait (\d+) minutes", later).group(1))
        assert 2 <= minutes <= 60


def test_a_stranger_cannot_lock_the_user_out(officer_hk):
    """Failures from another address, or from the user's own address without their browser, never
    stop the user signing in from the browser they used before."""
    own = Client()
    assert attempt(own, OFFICER_PW, addr="198.51.100.10").status_code == 302  # a browser of theirs
    own.post("/en/account/sign-out/")
    stranger = Client()
    for addr in ("203.0.113.66", "198.51.100.10"):  # elsewhere, and behind the same address
        for _ in range(40):
            attempt(stranger, "guess", addr=addr)
    assert attempt(own, OFFICER_PW, addr="198.51.100.10").status_code == 302 and signed_in(own)
    # A new browser at an address the stranger did not use is not held up either.
    fresh = Client()
    assert attempt(fresh, OFFICER_PW, addr="192.0.2.44").status_code == 302


def test_a_password_reset_link_lets_the_user_back_in(officer_hk, mailoutbox, django_capture_on_commit_callbacks):
    client = Client()
    for _ in range(12):
        attempt(client, "wrong")
    assert "Too many" in attempt(client, OFFICER_PW).content.decode()
    # The reset e-mail goes through the outbox, queued when the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/password-reset/", {"email": officer_hk.email}, REMOTE_ADDR="203.0.113.66")
    link = re.search(r"https?://\S+/password-reset/\S+/", mailoutbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get(f"/{path}", follow=True, REMOTE_ADDR="203.0.113.66")
    new = "a-new-Passw0rd-for-hk"
    done = client.post(
        form.request["PATH_INFO"], {"new_password1": new, "new_password2": new}, REMOTE_ADDR="203.0.113.66"
    )
    assert done.status_code == 302
    assert attempt(client, new).status_code == 302 and signed_in(client)


def code_for(device, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():06d}"


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Two-step sign-in"), ("zh-hant", "兩步驟登入"), ("zh-hans", "两步验证登录")]
)
def test_staff_turn_on_a_second_factor_and_sign_in_asks_for_the_code(officer_hk, lang, title):
    start = dt.datetime(2026, 12, 7, 10, 0, 5, tzinfo=dt.UTC)
    with freeze_time(start) as frozen:
        client = Client()
        client.force_login(officer_hk)
        page = client.get(f"/{lang}/account/two-step/").content.decode()
        assert title in page and "<svg" in page and "<path" in page  # the QR code, drawn here
        device = TOTPDevice.objects.get(user=officer_hk, confirmed=False)
        assert client.post(f"/{lang}/account/two-step/", {"code": "000000"}).status_code == 200
        assert not TOTPDevice.objects.get(user=officer_hk).confirmed
        frozen.tick(2)  # django-otp makes the next try wait after a wrong code
        client.post(f"/{lang}/account/two-step/", {"code": code_for(device, start)})
        assert TOTPDevice.objects.get(user=officer_hk).confirmed
        client.post("/en/account/sign-out/")

        frozen.tick(60)
        step = attempt(client, OFFICER_PW, lang=lang)
        assert step.status_code == 302 and step["Location"].endswith("/account/sign-in/code/")
        assert not signed_in(client)  # the password alone does not sign in
        wrong = client.post(f"/{lang}/account/sign-in/code/", {"code": "123456"})
        assert wrong.status_code == 400 and not signed_in(client)
        frozen.tick(30)
        device.refresh_from_db()
        right = client.post(
            f"/{lang}/account/sign-in/code/", {"code": code_for(device, start + dt.timedelta(seconds=90))}
        )
        assert right.status_code == 302 and signed_in(client)


def test_residents_have_no_second_factor_page(resident):
    client = Client()
    client.force_login(resident)
    assert client.get("/en/account/two-step/").status_code == 302
    assert not TOTPDevice.objects.exists()


def test_the_secretariat_requires_it_and_staff_set_it_up_when_signing_in(secretariat_hk, officer_hk, resident):
    start = dt.datetime(2026, 12, 7, 10, 0, 5, tzinfo=dt.UTC)
    with freeze_time(start):
        officer = Client()
        officer.force_login(officer_hk)
        officer.post("/en/account/sign-in-policy/", {"staff_second_factor_required": "on"})
        assert not SignInPolicy.current().staff_second_factor_required  # only the secretariat may
        secretariat = Client()
        secretariat.force_login(secretariat_hk)
        secretariat.post("/en/account/sign-in-policy/", {"staff_second_factor_required": "on"})
        assert SignInPolicy.current().staff_second_factor_required

        client = Client()
        step = attempt(client, OFFICER_PW)
        assert step["Location"].endswith("/account/sign-in/code/")
        setup = client.get("/en/account/sign-in/code/").content.decode()
        assert "<svg" in setup and not signed_in(client)
        device = TOTPDevice.objects.get(user=officer_hk)
        assert client.post("/en/account/sign-in/code/", {"code": code_for(device, start)}).status_code == 302
        assert signed_in(client) and TOTPDevice.objects.get(user=officer_hk).confirmed
        # Required: it cannot be turned off.
        client.post("/en/account/two-step/", {"action": "off"})
        assert TOTPDevice.objects.filter(user=officer_hk).exists()
        # Residents are not staff: the password is enough.
        assert attempt(Client(), PASSWORD, username=resident.username).status_code == 302


def test_the_language_signed_in_with_is_the_language_written_in_until_the_person_chooses(officer_hk):
    """Found in a trial: every account wrote e-mails in English whatever language the person used
    (the preference started as English and only the account page changed it)."""
    client = Client()
    assert attempt(client, OFFICER_PW, lang="zh-hans").status_code == 302
    officer_hk.refresh_from_db()
    assert officer_hk.preferred_language == "zh-hans" and not officer_hk.language_chosen

    # the person chooses on the account page: a later sign-in in another language keeps the choice
    response = client.post(
        "/zh-hans/account/",
        {"first_name": "", "last_name": "", "email": officer_hk.email, "preferred_language": "zh-hant"},
    )
    assert response.status_code == 302
    officer_hk.refresh_from_db()
    assert officer_hk.preferred_language == "zh-hant" and officer_hk.language_chosen
    client.post("/en/account/sign-out/")
    assert attempt(Client(), OFFICER_PW, lang="en").status_code == 302
    officer_hk.refresh_from_db()
    assert officer_hk.preferred_language == "zh-hant"
