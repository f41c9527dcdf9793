import json

import pytest

from hkcq.partnering.models import Interest, Opportunity
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db


def body(**kw):
    data = {
        "organisation": 0,
        "type": "logistics_needed",
        "title": {"en": "Need a forwarder to Europe"},
        "description": {"en": "Rail freight from Chongqing to Europe; we need a freight forwarder."},
        "sector": "freight-forwarding",
        "areas": ["logistics"],
    }
    data.update(kw)
    return json.dumps(data)


@pytest.fixture
def world(facilitator_cq, facilitator_hk):
    cq_user, cq = verified_member("chongqing", facilitator_cq)
    hk_user, hk = verified_member("hong_kong", facilitator_hk, sector="freight-forwarding", languages=["yue", "en"])
    offer = published(
        facilitator_hk,
        post(
            hk_user,
            hk,
            type="logistics_offered",
            title={"en": "Freight forwarding by rail to Europe"},
            description={"en": "We forward rail freight between Chongqing and Europe."},
            sector="freight-forwarding",
        ),
    )
    return cq_user, cq, hk_user, hk, offer


def test_public_list_shows_only_published_and_never_contacts(client, world, facilitator_cq):
    cq_user, cq, hk_user, hk, offer = world
    hk.contacts.create(name="Secret Person", email="secret@example.org", phone="+852 9123 4567")
    post(
        cq_user,
        cq,
        type="logistics_needed",
        title={"en": "Unpublished"},
        description={"en": "x"},
        sector="freight-forwarding",
    )
    response = client.get("/api/v1/opportunities")
    assert response.status_code == 200
    ids = [o["id"] for o in response.json()["items"]]
    assert offer.pk in ids and not Opportunity.objects.filter(pk__in=ids).exclude(status="published").exists()
    assert "secret@example.org" not in response.content.decode() and "9123" not in response.content.decode()
    assert client.get("/api/v1/opportunities?type=logistics_offered&side=hong_kong&area=logistics").json()["count"] >= 1
    assert client.get("/api/v1/opportunities?q=貨運代理").json()["count"] >= 1


def test_member_posts_and_gets_a_validation_error_for_bad_input(client, world):
    cq_user, cq, *_ = world
    client.force_login(cq_user)
    ok = client.post("/api/v1/opportunities", body(organisation=cq.pk), content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["status"] == "submitted"
    before = Opportunity.objects.count()
    for bad, code in (
        (body(organisation=cq.pk, areas=["no-such-area"]), "unknown_reference"),
        (body(organisation=cq.pk, sector="no-such-sector"), "unknown_reference"),
        (body(organisation=cq.pk, expires_on="2020-01-01"), "validation_error"),
        (body(organisation=cq.pk, description={"en": "x" * 2_000_000}), "validation_error"),
        (body(organisation=cq.pk, title={"en": "<b>bold</b>"}), "validation_error"),
    ):
        response = client.post("/api/v1/opportunities", bad, content_type="application/json")
        assert response.status_code == 422, response.content
        assert response.json()["error"]["code"] == code
    assert Opportunity.objects.count() == before


def test_matches_interest_accept_through_the_api(client, world, facilitator_cq):
    cq_user, cq, hk_user, hk, offer = world
    need = published(
        facilitator_cq,
        post(
            cq_user,
            cq,
            type="logistics_needed",
            title={"zh-hans": "寻找货运代理"},
            description={"zh-hans": "中欧班列铁路货运，需要货运代理。"},
            sector="freight-forwarding",
        ),
    )
    client.force_login(cq_user)
    matches = client.get(
        f"/zh-hans/../api/v1/opportunities/{need.pk}/matches".replace("/zh-hans/..", ""), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()["items"]
    assert matches[0]["id"] == offer.pk and 0 < matches[0]["score"] <= 1 and matches[0]["reasons"]
    response = client.post(
        f"/api/v1/opportunities/{offer.pk}/interest",
        json.dumps({"organisation": cq.pk, "message": "Let us talk.", "from_opportunity": need.pk}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    interest_id = response.json()["id"]
    # the interested side cannot accept its own interest; nothing changes
    assert client.post(f"/api/v1/interests/{interest_id}/accept").status_code == 403
    assert Interest.objects.get(pk=interest_id).status == "open"
    client.force_login(hk_user)
    accepted = client.post(f"/api/v1/interests/{interest_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_unpublished_is_404_for_the_public(client, world):
    cq_user, cq, *_ = world
    draft = post(
        cq_user,
        cq,
        type="logistics_needed",
        title={"en": "Draft"},
        description={"en": "x"},
        sector="freight-forwarding",
    )
    assert client.get(f"/api/v1/opportunities/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/opportunities/{draft.pk}/matches").status_code == 404
