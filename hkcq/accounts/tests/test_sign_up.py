"""Sign-up with e-mail confirmation (accounts.services): the account, the signed single-use
expiring link, the one e-mail per sign-up through the outbox, no account enumeration, and an
unconfirmed account that cannot sign in. The page (with the organisation) is partnering's:
hkcq/partnering/tests/test_sign_up.py."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from hkcq.accounts import services
from hkcq.accounts.models import User
from hkcq.accounts.tests.factories import PASSWORD, UserFactory
from hkcq.core.models import OutgoingEmail

GOOD = "harbour-lantern-2026"


def sign_up(email: str = "li.ming@cq-logistics.example", **kw):
    values = {
        "name": "Li Ming",
        "email": email,
        "password": GOOD,
        "password_again": GOOD,
        "language": "zh-hans",
        "organisation": {"name": "Example Chongqing Logistics", "side": "chongqing"},
    } | kw
    return services.user_sign_up(**values)


def link_token(message: OutgoingEmail) -> str:
    return re.search(r"/sign-up/confirm/([^/\s]+)/", message.body).group(1)


@pytest.mark.django_db
def test_sign_up_opens_an_inactive_account_and_queues_one_confirmation_in_its_language():
    user = sign_up()
    assert user is not None and not user.is_active and user.email_confirmed_at is None
    assert user.username == "li.ming@cq-logistics.example" and user.first_name == "Li Ming"
    assert user.preferred_language == "zh-hans" and user.check_password(GOOD)
    assert user.signup_organisation == {"name": "Example Chongqing Logistics", "side": "chongqing"}
    [message] = OutgoingEmail.objects.all()
    assert message.to == [user.email] and message.language == "zh-hans"
    assert "确认" in message.subject and "/zh-hans/account/sign-up/confirm/" in message.body
    assert "，" in message.body and "您" not in message.body


@pytest.mark.django_db
def test_the_link_confirms_once_and_then_the_account_signs_in():
    user = sign_up()
    token = link_token(OutgoingEmail.objects.get())
    assert not Client().login(username=user.username, password=GOOD)
    confirmed = services.user_confirm_email(token=token)
    assert confirmed.pk == user.pk and confirmed.is_active and confirmed.email_confirmed_at is not None
    assert Client().login(username=user.username, password=GOOD)
    with pytest.raises(services.SignUpLinkError) as used:
        services.user_confirm_email(token=token)
    assert used.value.reason == "used"


@pytest.mark.django_db
def test_an_expired_or_altered_link_confirms_nothing(settings):
    user = sign_up()
    token = link_token(OutgoingEmail.objects.get())
    settings.SIGN_UP_CONFIRM_MAX_AGE = -1
    with pytest.raises(services.SignUpLinkError) as expired:
        services.user_confirm_email(token=token)
    assert expired.value.reason == "expired"
    settings.SIGN_UP_CONFIRM_MAX_AGE = 3600
    with pytest.raises(services.SignUpLinkError) as altered:
        services.user_confirm_email(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert altered.value.reason == "invalid"
    user.refresh_from_db()
    assert not user.is_active and user.email_confirmed_at is None


@pytest.mark.django_db
def test_a_link_for_an_address_since_changed_is_refused():
    user = sign_up()
    token = link_token(OutgoingEmail.objects.get())
    User.objects.filter(pk=user.pk).update(email="someone.else@example.org")
    with pytest.raises(services.SignUpLinkError) as changed:
        services.user_confirm_email(token=token)
    assert changed.value.reason == "invalid"


@pytest.mark.django_db
def test_a_registered_address_gets_an_already_registered_mail_and_no_second_account():
    existing = UserFactory.create(email="Chan.TaiMan@hk-finance.example", preferred_language="zh-hant")
    assert sign_up(email="chan.taiman@hk-finance.example") is None
    assert User.objects.filter(email__iexact="chan.taiman@hk-finance.example").count() == 1
    [message] = OutgoingEmail.objects.all()
    assert message.to == [existing.email] and message.language == "zh-hant"
    assert "已有帳戶" in message.subject and "/zh-hant/account/password-reset/" in message.body
    assert "/sign-up/confirm/" not in message.body


@pytest.mark.django_db
def test_signing_up_again_while_unconfirmed_sends_a_new_link_not_a_second_account():
    first = sign_up()
    assert sign_up(name="Someone Else", password="another-pass-2026", password_again="another-pass-2026") is None
    assert User.objects.filter(email=first.email).count() == 1
    assert OutgoingEmail.objects.count() == 2
    assert all("/sign-up/confirm/" in m.body for m in OutgoingEmail.objects.all())
    first.refresh_from_db()
    assert first.first_name == "Li Ming" and first.check_password(GOOD)


@pytest.mark.django_db
def test_what_was_typed_wrong_is_refused_the_same_whether_or_not_the_address_is_registered():
    UserFactory.create(email="taken@example.org")
    bad = {"password": "12345678", "password_again": "12345679", "name": ""}
    with pytest.raises(services.InvalidInput) as new:
        sign_up(email="new@example.org", **bad)
    with pytest.raises(services.InvalidInput) as taken:
        sign_up(email="taken@example.org", **bad)
    assert new.value.details == taken.value.details
    assert set(new.value.details) == {"name", "password", "password_again"}
    # Django's own password validators: common and entirely numeric
    assert len(new.value.details["password"]) >= 2
    assert not OutgoingEmail.objects.exists() and not User.objects.filter(email="new@example.org").exists()


@pytest.mark.django_db
def test_resend_sends_only_to_an_unconfirmed_sign_up():
    user = sign_up()
    services.user_confirmation_resend(email="LI.MING@cq-logistics.example")
    assert OutgoingEmail.objects.count() == 2
    services.user_confirmation_resend(email="nobody@example.org")
    UserFactory.create(email="active@example.org")
    services.user_confirmation_resend(email="active@example.org")
    assert OutgoingEmail.objects.count() == 2
    services.user_confirm_email(token=link_token(OutgoingEmail.objects.order_by("pk").last()))
    services.user_confirmation_resend(email=user.email)
    assert OutgoingEmail.objects.count() == 2


# -- pages -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_unconfirmed_account_cannot_sign_in_and_is_told_why_only_with_the_right_password():
    user = sign_up()
    client = Client()
    right = client.post("/en/account/sign-in/", {"username": "Li.Ming@CQ-logistics.example", "password": GOOD})
    assert right.status_code == 200 and "waiting for you to confirm" in right.content.decode()
    assert "/en/account/sign-up/confirm-again/" in right.content.decode()
    wrong = client.post("/en/account/sign-in/", {"username": user.username, "password": "not-it-2026"})
    assert "waiting for you to confirm" not in wrong.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_confirming_through_the_page_takes_a_button_press_then_signing_in_works():
    user = sign_up()
    token = link_token(OutgoingEmail.objects.get())
    client = Client()
    shown = client.get(f"/zh-hans/account/sign-up/confirm/{token}/")
    assert shown.status_code == 200 and "确认" in shown.content.decode()
    user.refresh_from_db()
    assert not user.is_active  # opening the link (a mail scanner) does not use it up
    done = client.post(f"/zh-hans/account/sign-up/confirm/{token}/")
    assert done.status_code == 200 and "/zh-hans/partnering/organisations/new/" in done.content.decode()
    again = client.post(f"/en/account/sign-up/confirm/{token}/")
    assert again.status_code == 200 and "already confirmed" in again.content.decode()
    bad = client.get("/en/account/sign-up/confirm/not-a-token/")
    assert bad.status_code == 400 and "not valid" in bad.content.decode()
    signed_in = client.post("/en/account/sign-in/", {"username": user.email.upper(), "password": GOOD})
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_resend_page_answers_the_same_for_any_address_and_is_throttled():
    sign_up()
    client = Client()
    answers = [
        client.post("/en/account/sign-up/confirm-again/", {"email": email})
        for email in ("li.ming@cq-logistics.example", "nobody@example.org")
    ]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"] == "/en/account/sign-up/sent/"
    assert OutgoingEmail.objects.count() == 2  # the sign-up's, and one sent again
    for _ in range(2):
        client.post("/en/account/sign-up/confirm-again/", {"email": "li.ming@cq-logistics.example"})
    refused = client.post("/en/account/sign-up/confirm-again/", {"email": "li.ming@cq-logistics.example"})
    assert refused.status_code == 429 and "Retry-After" in refused
    # the form again, with the address typed and the translated wait in its error summary
    page = refused.content.decode()
    assert 'value="li.ming@cq-logistics.example"' in page and 'id="error-summary"' in page
    assert OutgoingEmail.objects.count() == 4
    empty = client.post("/zh-hant/account/sign-up/confirm-again/", {"email": ""})
    assert empty.status_code == 400 and "電郵地址：" in empty.content.decode()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Check your e-mail", "spam folder"]),
        ("zh-hant", ["請查看電郵", "垃圾郵件匣"]),
        ("zh-hans", ["请查收邮件", "垃圾邮件箱"]),
    ],
)
@pytest.mark.django_db
def test_the_sent_and_resend_pages_in_each_language(lang, words):
    html = Client().get(f"/{lang}/account/sign-up/sent/").content.decode()
    assert all(w in html for w in words)
    assert Client().get(f"/{lang}/account/sign-up/confirm-again/").status_code == 200


@pytest.mark.django_db
def test_accounts_the_administrators_open_are_unaffected(resident):
    assert resident.signed_up_at is None
    assert not services.unconfirmed_sign_up(username=resident.username, password=PASSWORD)
    inactive = UserFactory.create(username="left", is_active=False, password=make_password(PASSWORD))
    r = Client().post("/en/account/sign-in/", {"username": inactive.username, "password": PASSWORD})
    assert "waiting for you to confirm" not in r.content.decode()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "waiting for you to confirm"), ("zh-hant", "正等待你確認電郵地址"), ("zh-hans", "正在等待你确认电子邮箱")],
)
@pytest.mark.django_db
def test_sign_in_says_in_each_language_that_the_address_is_waiting_for_confirmation(lang, said):
    user = sign_up()
    html = Client().post(f"/{lang}/account/sign-in/", {"username": user.username, "password": GOOD}).content.decode()
    assert said in html and f"/{lang}/account/sign-up/confirm-again/" in html
