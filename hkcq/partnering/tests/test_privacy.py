"""Personal data and anonymity: contact people's e-mails and phones never reach the logs, and an
anonymous opportunity's owner stays unknown to the interested organisation (pages, API, e-mails)
until the owner accepts; the interest reaches the owner through the facilitator."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from hkcq.partnering.models import Interest, Opportunity
from hkcq.partnering.tests.factories import ContactFactory
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db

OWNER_NAME = "Yangtze Cold Chain Holdings"
OWNER_EMAIL = "li.ming@yangtze-cold.example.cn"
OWNER_PHONE = "+86 23 6123 9876"
OTHER_EMAIL = "chan.tm@harbour-finance.example.hk"
OTHER_PHONE = "+852 2987 6543"


@pytest.fixture
def anonymous_offer(facilitator_cq, facilitator_hk):
    owner, owner_profile = verified_member("chongqing", facilitator_cq, name={"en": OWNER_NAME})
    ContactFactory(profile=owner_profile, email=OWNER_EMAIL, phone=OWNER_PHONE)
    other, other_profile = verified_member("hong_kong", facilitator_hk)
    ContactFactory(profile=other_profile, email=OTHER_EMAIL, phone=OTHER_PHONE)
    offer = published(
        facilitator_cq,
        post(
            owner,
            owner_profile,
            type="logistics_offered",
            title={"en": "Cold-chain capacity on the western corridor"},
            description={"en": "Refrigerated rail capacity, confidential for now."},
            sector="freight-forwarding",
            visibility=Opportunity.Visibility.ANONYMOUS,
        ),
    )
    return owner, owner_profile, other, other_profile, offer


def _secret_in(text: str) -> list[str]:
    return [s for s in (OWNER_NAME, OWNER_EMAIL, OWNER_PHONE, "6123 9876") if s in text]


def _mail_to(user) -> str:
    return "\n".join(
        str(m.subject) + str(m.body) + "".join(str(a[0]) for a in getattr(m, "alternatives", []))
        for m in mail.outbox
        if user.email in m.to
    )


def test_contacts_never_in_the_logs(
    client, anonymous_offer, facilitator_cq, caplog, django_capture_on_commit_callbacks
):
    owner, _owner_profile, other, other_profile, offer = anonymous_offer
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(other)
        r = client.post(
            f"/en/partnering/opportunities/{offer.pk}/interest/",
            {"profile": other_profile.pk, "message": "Reach us at the contacts on our profile."},
        )
        assert r.status_code == 302
        interest = Interest.objects.get(opportunity=offer)
        client.force_login(facilitator_cq)
        assert client.post(f"/en/partnering/interests/{interest.pk}/forward/").status_code == 302
        client.force_login(owner)
        assert client.post(f"/en/partnering/interests/{interest.pk}/accept/").status_code == 302
    interest.refresh_from_db()
    assert interest.status == Interest.Status.ACCEPTED
    # the introduction carried the contacts by e-mail ...
    assert OWNER_EMAIL in _mail_to(other) and OTHER_EMAIL in _mail_to(owner)
    # ... and nothing of them reached any log record
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, '__dict__', {})!r}" for r in caplog.records)
    for secret in (OWNER_EMAIL, OWNER_PHONE, OTHER_EMAIL, OTHER_PHONE, "6123 9876", "2987 6543"):
        assert secret not in logged, secret


def test_anonymous_opportunity_reaches_the_owner_through_the_facilitator(
    client, anonymous_offer, facilitator_cq, django_capture_on_commit_callbacks
):
    owner, _owner_profile, other, other_profile, offer = anonymous_offer
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(other)
        r = client.post(
            f"/api/v1/opportunities/{offer.pk}/interest",
            {"organisation": other_profile.pk, "message": "We finance cold-chain cargo."},
            content_type="application/json",
        )
    assert r.status_code == 201
    interest = Interest.objects.get(pk=r.json()["id"])
    # it went to the facilitator, not to the owner
    assert _mail_to(facilitator_cq) and not _mail_to(owner)
    client.force_login(owner)
    # The owner sees the interest (it is about their opportunity) but the facilitator decides it.
    assert (
        client.post(f"/api/v1/interests/{interest.pk}/accept", {}, content_type="application/json").status_code == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(facilitator_cq)
        assert client.post(f"/en/partnering/interests/{interest.pk}/forward/").status_code == 302
    assert _mail_to(owner)  # forwarded: now the owner is told
    interest.refresh_from_db()
    assert interest.forwarded_at is not None

    # what the interested party sees before the owner decides: never the owner
    client.force_login(other)
    seen = [
        client.get(f"/en/partnering/opportunities/{offer.pk}/").content.decode(),
        client.get(f"/en/partnering/interests/{interest.pk}/").content.decode(),
        client.get("/en/partnering/interests/").content.decode(),
        client.get("/en/partnering/").content.decode(),
        client.get(f"/api/v1/opportunities/{offer.pk}").content.decode(),
        client.get("/api/v1/opportunities").content.decode(),
        client.get("/api/v1/interests").content.decode(),
        _mail_to(other),
    ]
    for text in seen:
        assert not _secret_in(text), _secret_in(text)
    assert client.get(f"/api/v1/opportunities/{offer.pk}").json()["organisation"] is None
    # the owner's profile is not reachable from it either
    assert f"/partnering/organisations/{_owner_profile.pk}/" not in "".join(seen)

    # (the secret is real: the owner's own members see the name on the same page)
    client.force_login(owner)
    assert OWNER_NAME in client.get(f"/en/partnering/opportunities/{offer.pk}/").content.decode()

    # the owner declines: the interested party is told, still without the owner's identity
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(owner)
        r = client.post(
            f"/api/v1/interests/{interest.pk}/decline", {"reason": "Capacity taken."}, content_type="application/json"
        )
    assert r.status_code == 200
    client.force_login(other)
    after = _mail_to(other) + client.get(f"/en/partnering/interests/{interest.pk}/").content.decode()
    assert "Capacity taken." in after or "declined" in after.lower()
    assert not _secret_in(after)
