"""Accounts: sign-in and out, the account page, API tokens, password reset, in three languages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hkcq.accounts import services
from hkcq.accounts.models import ApiToken, User
from hkcq.accounts.tests.factories import PASSWORD

LANGS = ["en", "zh-hant", "zh-hans"]


@pytest.mark.parametrize("lang", LANGS)
def test_account_pages_render_in_each_language(officer_hk, lang):
    anonymous = Client()
    for path in (
        "/account/sign-in/",
        "/account/password-reset/",
        "/account/password-reset/sent/",
        "/account/password-reset/complete/",
    ):
        response = anonymous.get(f"/{lang}{path}")
        assert response.status_code == 200, (lang, path)
    signed_in = Client()
    signed_in.force_login(officer_hk)
    html = signed_in.get(f"/{lang}/account/").content.decode()
    assert officer_hk.username in html or officer_hk.display_name in html


def test_sign_in_and_out_through_the_form(secretariat_hk):
    client = Client()
    r = client.post("/en/account/sign-in/", {"username": secretariat_hk.username, "password": PASSWORD})
    assert r.status_code == 302
    assert "Sign out" in client.get("/en/").content.decode()
    client.post("/en/account/sign-out/")
    assert "Sign out" not in client.get("/en/").content.decode()
    r = client.post("/en/account/sign-in/", {"username": secretariat_hk.username, "password": "wrong"})
    assert r.status_code == 200 and "alert-danger" in r.content.decode()


def test_account_page_needs_sign_in(db):
    r = Client().get("/en/account/")
    assert r.status_code == 302 and "/account/sign-in/" in r["Location"]


def test_preferences_are_saved_and_bad_language_refused(resident):
    client = Client()
    client.force_login(resident)
    r = client.post(
        "/en/account/",
        {"first_name": "Ada", "last_name": "Chan", "email": resident.email, "preferred_language": "zh-hans"},
    )
    assert r.status_code == 302
    resident.refresh_from_db()
    assert resident.preferred_language == "zh-hans" and resident.first_name == "Ada"
    services.user_set_language(user=resident, language="zh-hant")
    resident.refresh_from_db()
    assert resident.preferred_language == "zh-hant"
    with pytest.raises(ValueError, match="fr"):
        services.user_set_language(user=resident, language="fr")


def test_staff_create_use_and_revoke_api_tokens(secretariat_hk, secretariat_cq):
    client = Client()
    client.force_login(secretariat_hk)
    client.post("/en/account/tokens/", {"name": "script"})
    html = client.get("/en/account/").content.decode()
    raw = re.search(r"hkcq_[\w-]{20,}", html).group(0)
    assert services.api_token_authenticate(raw) == secretariat_hk
    token = ApiToken.objects.get(user=secretariat_hk)
    assert token.last_used_at is not None
    # Someone else's token cannot be revoked.
    services.api_token_revoke(user=secretariat_cq, token_id=token.pk)
    assert services.api_token_authenticate(raw) == secretariat_hk
    client.post(f"/en/account/tokens/{token.pk}/revoke/")
    assert services.api_token_authenticate(raw) is None
    r = Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200  # reads need no token
    r = Client().patch("/api/v1/areas/finance", {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 401


def test_residents_get_no_api_tokens(resident):
    client = Client()
    client.force_login(resident)
    client.post("/en/account/tokens/", {"name": "mine"})
    assert not ApiToken.objects.filter(user=resident).exists()


def test_inactive_users_tokens_stop_working(secretariat_hk):
    _token, raw = services.api_token_create(user=secretariat_hk, name="t")
    User.objects.filter(pk=secretariat_hk.pk).update(is_active=False)
    assert services.api_token_authenticate(raw) is None


def test_password_reset_link_sets_a_new_password(resident, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/en/account/password-reset/", {"email": resident.email})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].from_email.startswith("Hong Kong/Chongqing Co-operation Platform <")
    link = re.search(r"https?://[^\s]+/password-reset/[^\s]+/", mailoutbox[0].body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    client = Client()
    r = client.get(path, follow=True)
    assert r.status_code == 200
    form_url = r.redirect_chain[-1][0] if r.redirect_chain else path
    r = client.post(
        form_url, {"new_password1": "a-long-new-passphrase-2026", "new_password2": "a-long-new-passphrase-2026"}
    )
    assert r.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password("a-long-new-passphrase-2026")


def test_password_reset_for_an_unknown_address_reveals_nothing(db, mailoutbox):
    r = Client().post("/en/account/password-reset/", {"email": "nobody@example.org"})
    assert r.status_code == 302 and len(mailoutbox) == 0


def test_password_reset_mail_is_in_the_accounts_language_sender_included(
    resident, mailoutbox, django_capture_on_commit_callbacks
):
    resident.preferred_language = "zh-hans"
    resident.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/en/account/password-reset/", {"email": resident.email})
    [message] = mailoutbox
    assert "港渝合作平台" in message.subject
    assert message.from_email.startswith("港渝合作平台 <")


@pytest.mark.parametrize(
    ("lang", "claim", "truths"),
    [
        ("en", "Residents may also keep an account", ["Residents need no account", "administrators opened for them"]),
        ("zh-hant", "居民亦可", ["居民無須開設帳戶", "平台管理員為他們開設的帳戶", "為你的機構註冊"]),
        ("zh-hans", "居民也可", ["居民无须开设账户", "平台管理员为其开设的账户", "为你的机构注册"]),
    ],
)
def test_sign_in_does_not_offer_residents_an_account_and_sends_organisations_to_sign_up(client, lang, claim, truths):
    """Residents need no account (they follow their enquiries by link); people who act for an
    organisation sign up (the partnering service's sign-up page); staff accounts are opened for
    them."""
    html = client.get(f"/{lang}/account/sign-in/").content.decode()
    assert claim not in html and all(truth in html for truth in truths)
    assert f'href="/{lang}/partnering/sign-up/"' in html
