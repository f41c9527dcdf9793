"""API tokens through the API, as on the account page: list, create (staff only, the token shown
once), revoke (one's own only)."""

from __future__ import annotations

import pytest
from django.test import Client

from hkcq.accounts.models import ApiToken
from hkcq.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_create_list_use_and_revoke(client, officer_hk):
    client.force_login(officer_hk)
    created = client.post("/api/v1/account/tokens", {"name": "reporting script"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["token"].startswith("hkcq_") and body["name"] == "reporting script"
    listed = client.get("/api/v1/account/tokens").json()
    assert listed["count"] == 1 and "token" not in listed["items"][0]
    assert listed["items"][0]["prefix"] == body["token"][5:13]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert bearer.get("/api/v1/account/tokens").status_code == 200
    assert client.delete(f"/api/v1/account/tokens/{body['id']}").status_code == 204
    assert bearer.get("/api/v1/account/tokens").status_code == 401
    assert client.get("/api/v1/account/tokens").json()["count"] == 0
    assert client.delete(f"/api/v1/account/tokens/{body['id']}").status_code == 404  # already revoked


def test_token_refusals(client, officer_hk, secretariat_hk, resident):
    theirs, _raw = api_token_create(user=secretariat_hk, name="theirs")
    assert client.get("/api/v1/account/tokens").status_code == 401
    assert client.post("/api/v1/account/tokens", {"name": "x"}, content_type="application/json").status_code == 401
    assert client.delete(f"/api/v1/account/tokens/{theirs.pk}").status_code == 401
    client.force_login(resident)
    refused = client.post("/api/v1/account/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert client.get("/api/v1/account/tokens").json()["count"] == 0
    client.force_login(officer_hk)
    assert client.delete(f"/api/v1/account/tokens/{theirs.pk}").status_code == 404  # another's token is hidden
    assert client.post("/api/v1/account/tokens", {"name": " "}, content_type="application/json").status_code == 422
    assert client.post("/api/v1/account/tokens", {"name": ""}, content_type="application/json").status_code == 422
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
