"""The periodic commands: expiry reminders of opportunities (14 days before, once, again after a
renewal) and expressions of interest (reminders at 3 and 6 days, expiry at 7), each sent once."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from freezegun import freeze_time

from hkcq.partnering import services
from hkcq.partnering.models import Interest
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(facilitator_hk):
    user, profile = verified_member("hong_kong", facilitator_hk)
    return user, published(
        facilitator_hk,
        post(
            user,
            profile,
            type="logistics_offered",
            title={"en": "Forwarding"},
            description={"en": "x"},
            sector="freight-forwarding",
        ),
    )


def run(command):
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_expiry_reminder_once_and_again_after_renewal(offer, django_capture_on_commit_callbacks):
    user, opportunity = offer
    with freeze_time(opportunity.expires_on - timedelta(days=20)):
        with django_capture_on_commit_callbacks(execute=True):
            run("remind_expiring_opportunities")
        assert not [m for m in mail.outbox if "Forwarding" in m.subject]
    with freeze_time(opportunity.expires_on - timedelta(days=14)):
        with django_capture_on_commit_callbacks(execute=True):
            run("remind_expiring_opportunities")
            run("remind_expiring_opportunities")
        reminders = [m for m in mail.outbox if "expires on" in m.subject and "Forwarding" in m.subject]
        assert len(reminders) == 1 and reminders[0].to == [user.email]
        opportunity.refresh_from_db()
        services.opportunity_renew(user=user, opportunity=opportunity)
    opportunity.refresh_from_db()
    with freeze_time(opportunity.expires_on - timedelta(days=10)):
        with django_capture_on_commit_callbacks(execute=True):
            run("remind_expiring_opportunities")
        assert len([m for m in mail.outbox if "expires on" in m.subject and "Forwarding" in m.subject]) == 2


def test_interest_reminders_at_3_and_6_days_then_expiry(offer, facilitator_cq, django_capture_on_commit_callbacks):
    owner, opportunity = offer
    cq_user, cq = verified_member("chongqing", facilitator_cq)
    interest = services.interest_express(user=cq_user, opportunity=opportunity, profile=cq, message="Hello")
    start = interest.created_at
    mail.outbox.clear()

    def at(days):
        with freeze_time(start + timedelta(days=days, minutes=1)), django_capture_on_commit_callbacks(execute=True):
            run("expire_interests")

    at(1)
    assert mail.outbox == []
    at(3)
    at(3.5)
    assert [m.to for m in mail.outbox] == [[owner.email]]
    at(6)
    assert len(mail.outbox) == 2
    at(7)
    interest.refresh_from_db()
    assert interest.status == Interest.Status.EXPIRED
    expired = [m for m in mail.outbox if "expired" in m.subject]
    assert sorted(m.to[0] for m in expired) == sorted([owner.email, cq_user.email])
    at(8)
    assert len([m for m in mail.outbox if "expired" in m.subject]) == 2
