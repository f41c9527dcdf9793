"""The outcome form starts with no kind chosen: the first kind pre-selected made it easy to record
the wrong outcome, which then counts on the dashboard (found by the new-user trial)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hkcq.partnering import services
from hkcq.partnering.models import Outcome
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db

TEXTS = {"title": {"en": "Supply-chain finance"}, "description": {"en": "Finance for freight."}}


@pytest.mark.parametrize(("lang", "choose"), [("en", "Choose…"), ("zh-hant", "請選擇…"), ("zh-hans", "请选择…")])
def test_the_outcome_kind_starts_unchosen_and_must_be_chosen(facilitator_cq, facilitator_hk, lang, choose):
    cq_user, cq = verified_member("chongqing", facilitator_cq, sector="freight-forwarding")
    hk_user, hk = verified_member("hong_kong", facilitator_hk, sector="banking-supply-chain-finance")
    offer = published(
        facilitator_hk, post(hk_user, hk, type="business_offer", sector="banking-supply-chain-finance", **TEXTS)
    )
    interest = services.interest_express(user=cq_user, opportunity=offer, profile=cq, message="Hello")
    interest = services.interest_accept(user=hk_user, interest=interest)
    client = Client()
    client.force_login(cq_user)
    page = client.get(f"/{lang}/partnering/interests/{interest.pk}/").content.decode()
    select = re.search(r'<select name="kind".*?</select>', page, re.S)
    assert select, "no outcome form"
    first = re.search(r"<option[^>]*>([^<]*)</option>", select.group(0))
    assert first and first.group(1) == choose and 'value=""' in first.group(0)
    area = factories.area("logistics").pk
    refused = client.post(f"/{lang}/partnering/interests/{interest.pk}/outcome/", {"kind": "", "area": area})
    # the service refuses a missing kind; the page comes back with its message
    assert refused.status_code == 302 and refused["Location"] == f"/{lang}/partnering/interests/{interest.pk}/"
    assert not Outcome.objects.exists()


@pytest.mark.parametrize(("lang", "heading"), [("en", "From"), ("zh-hant", "來自"), ("zh-hans", "来自")])
def test_received_interests_name_their_sender(facilitator_cq, facilitator_hk, lang, heading):
    """The list of received expressions of interest showed only the opportunity (new-user trial)."""
    cq_user, cq = verified_member("chongqing", facilitator_cq, sector="freight-forwarding")
    hk_user, hk = verified_member("hong_kong", facilitator_hk, sector="banking-supply-chain-finance")
    offer = published(
        facilitator_hk, post(hk_user, hk, type="business_offer", sector="banking-supply-chain-finance", **TEXTS)
    )
    services.interest_express(user=cq_user, opportunity=offer, profile=cq, message="Hello")
    client = Client()
    client.force_login(hk_user)
    page = client.get(f"/{lang}/partnering/interests/").content.decode()
    received = page.split('<h2 class="h4">')[2]
    assert f'<th scope="col">{heading}</th>' in received
    assert cq.name.show(lang).text in received
