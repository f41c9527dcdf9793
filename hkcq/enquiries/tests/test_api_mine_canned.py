"""The enquiries API does what "My enquiries" and the canned-reply pages do: a signed-in person's
own cases; canned replies read by officers (those in use) and kept by the secretariat."""

from __future__ import annotations

import pytest

from hkcq.enquiries.models import CannedReply

pytestmark = pytest.mark.django_db


def test_my_enquiries_are_only_mine(make_case, client, resident, other_resident):
    mine = make_case(user=resident)
    make_case()  # anonymous
    make_case(user=other_resident)
    assert client.get("/api/v1/enquiries/mine").status_code == 401
    client.force_login(resident)
    body = client.get("/api/v1/enquiries/mine").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["reference"] == mine.reference and item["token"] == mine.token and item["status"] == mine.status
    assert client.get(f"/api/v1/enquiries/track/{item['token']}").status_code == 200
    client.force_login(other_resident)
    assert [e["reference"] for e in client.get("/api/v1/enquiries/mine").json()["items"]] != [mine.reference]


def _post(client, data):
    return client.post("/api/v1/enquiries/canned-replies", data, content_type="application/json")


def _patch(client, pk, data):
    return client.patch(f"/api/v1/enquiries/canned-replies/{pk}", data, content_type="application/json")


def test_the_secretariat_keeps_canned_replies(canned, client, secretariat_hk, officer_hk):
    client.force_login(secretariat_hk)
    created = _post(
        client, {"title": {"en": "Thanks"}, "body": {"en": "Thank you for writing.", "zh_hant": "多謝來信。"}}
    )
    assert created.status_code == 201, created.content
    canned = created.json()
    assert (
        canned["body"]["zh_hans"] == "谢谢来信。"
    )  # Mainland wording (core.text: 多谢 → 谢谢) and canned["is_active"] is True
    changed = _patch(client, canned["id"], {"is_active": False})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert changed.json()["title"]["en"] == "Thanks"
    assert _patch(client, canned["id"], {"title": None}).status_code == 422
    listed = client.get("/api/v1/enquiries/canned-replies?limit=1000").json()
    assert canned["id"] in {c["id"] for c in listed["items"]}  # the secretariat sees those out of use
    client.force_login(officer_hk)
    listed = client.get("/api/v1/enquiries/canned-replies?limit=1000").json()
    assert canned["id"] not in {c["id"] for c in listed["items"]}
    assert all(c["is_active"] for c in listed["items"]) and listed["count"] >= 1
    assert client.get(f"/api/v1/enquiries/canned-replies/{canned['id']}").status_code == 404  # out of use: hidden
    in_use = CannedReply.objects.filter(is_active=True).first()
    assert client.get(f"/api/v1/enquiries/canned-replies/{in_use.pk}").json()["id"] == in_use.pk


def test_canned_reply_refusals(canned, client, officer_hk, resident):
    canned = CannedReply.objects.filter(is_active=True).first()
    data = {"title": {"en": "x"}, "body": {"en": "y"}}
    assert client.get("/api/v1/enquiries/canned-replies").status_code == 401
    assert _post(client, data).status_code == 401
    assert _patch(client, canned.pk, {"is_active": False}).status_code == 401
    client.force_login(officer_hk)
    assert _post(client, data).status_code == 403
    assert _patch(client, canned.pk, {"is_active": False}).status_code == 403
    client.force_login(resident)
    assert client.get("/api/v1/enquiries/canned-replies").status_code == 403
    assert client.get(f"/api/v1/enquiries/canned-replies/{canned.pk}").status_code == 404
    assert _patch(client, canned.pk, {"is_active": False}).status_code == 404
    canned.refresh_from_db()
    assert canned.is_active is True
