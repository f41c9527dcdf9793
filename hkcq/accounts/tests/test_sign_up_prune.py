"""Sign-ups never confirmed are deleted by the daily ``prune_unconfirmed_sign_ups``: after
SIGN_UP_UNCONFIRMED_DAYS (never while the link still works), with the e-mails the outbox holds
for them and whatever refers to the account; each deletion logged without personal data; every
other account left alone."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError
from django.utils import timezone

from hkcq.accounts import services
from hkcq.accounts.models import ApiToken, User
from hkcq.accounts.tests.factories import UserFactory
from hkcq.core.models import OutgoingEmail
from hkcq.notifications.models import Notification

pytestmark = pytest.mark.django_db

GOOD = "harbour-lantern-2026"


def signed_up(email: str, *, days_ago: float) -> User:
    user = services.user_sign_up(
        name="Li Ming",
        email=email,
        password=GOOD,
        password_again=GOOD,
        language="zh-hans",
        organisation={"name": "Example Chongqing Logistics", "side": "chongqing"},
    )
    assert user is not None
    User.objects.filter(pk=user.pk).update(signed_up_at=timezone.now() - timedelta(days=days_ago))
    user.refresh_from_db()
    return user


def run() -> str:
    out = StringIO()
    call_command("prune_unconfirmed_sign_ups", stdout=out)
    return out.getvalue()


def test_old_unconfirmed_sign_ups_go_with_their_e_mails_and_nothing_else(settings, caplog):
    settings.SIGN_UP_UNCONFIRMED_DAYS = 30
    old = signed_up("old.unconfirmed@cq.example", days_ago=31)
    Notification.objects.create(recipient=old, title="t", body="b", language="zh-hans")
    ApiToken.objects.create(user=old, name="left over", digest="x" * 64, prefix="hkcq_old")
    recent = signed_up("recent.unconfirmed@cq.example", days_ago=29)
    confirmed = signed_up("confirmed@cq.example", days_ago=60)
    User.objects.filter(pk=confirmed.pk).update(is_active=True, email_confirmed_at=timezone.now())
    used = signed_up("signed.in.once@cq.example", days_ago=60)
    User.objects.filter(pk=used.pk).update(last_login=timezone.now())
    opened_by_admin = UserFactory.create(username="inactive-staff-opened", is_active=False)
    staff_mail = OutgoingEmail.objects.create(
        subject="Other", body="", to=["someone.else@example.org"], next_attempt_at=timezone.now()
    )
    assert OutgoingEmail.objects.filter(to=[old.email]).count() == 1
    with caplog.at_level(logging.INFO, logger="hkcq.accounts"):
        assert run() == "Deleted 1 unconfirmed sign-up(s).\n"
    assert not User.objects.filter(pk=old.pk).exists()
    assert not OutgoingEmail.objects.filter(to=[old.email]).exists()
    assert not Notification.objects.filter(recipient_id=old.pk).exists()
    assert not ApiToken.objects.filter(user_id=old.pk).exists()
    kept = {recent.pk, confirmed.pk, used.pk, opened_by_admin.pk}
    assert kept <= set(User.objects.values_list("pk", flat=True))
    assert OutgoingEmail.objects.filter(pk=staff_mail.pk).exists()
    assert OutgoingEmail.objects.filter(to=[recent.email]).count() == 1
    # logged: which account and when it signed up, never the name or the address
    [record] = [r for r in caplog.records if r.name == "hkcq.accounts"]
    assert f"account {old.pk}" in record.getMessage()
    assert "old.unconfirmed" not in record.getMessage() and "Li Ming" not in record.getMessage()
    # running it again deletes nothing more
    assert run() == "Deleted 0 unconfirmed sign-up(s).\n"


def test_never_while_the_confirmation_link_still_works(settings):
    settings.SIGN_UP_UNCONFIRMED_DAYS = 1
    settings.SIGN_UP_CONFIRM_MAX_AGE = 3 * 24 * 3600
    two_days = signed_up("two.days@cq.example", days_ago=2)
    four_days = signed_up("four.days@cq.example", days_ago=4)
    assert services.sign_ups_prune() == 1
    assert User.objects.filter(pk=two_days.pk).exists()
    assert not User.objects.filter(pk=four_days.pk).exists()


def test_an_account_a_protected_record_names_is_kept_and_logged(settings, monkeypatch, caplog):
    settings.SIGN_UP_UNCONFIRMED_DAYS = 30
    kept = signed_up("kept@cq.example", days_ago=40)
    gone = signed_up("gone@cq.example", days_ago=40)
    real_delete = User.delete

    def delete(self, *args, **kwargs):
        if self.pk == kept.pk:
            raise ProtectedError("protected", set())
        return real_delete(self, *args, **kwargs)

    monkeypatch.setattr(User, "delete", delete)
    with caplog.at_level(logging.INFO, logger="hkcq.accounts"):
        assert services.sign_ups_prune() == 1
    assert User.objects.filter(pk=kept.pk).exists() and not User.objects.filter(pk=gone.pk).exists()
    # the protected account keeps its e-mails too (its deletion was rolled back as a whole)
    assert OutgoingEmail.objects.filter(to=[kept.email]).count() == 1
    assert any(f"account {kept.pk}" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
