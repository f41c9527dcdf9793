"""The suggestions API as a client would use it: submit, track, support, and staff moderation."""

from hkcq.accounts.services import api_token_create
from hkcq.suggestions.models import Suggestion
from hkcq.suggestions.tests.factories import area_about

from .conftest import publish, submit


def _bearer(user):
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_submit_track_and_nothing_public_until_approved(db, client, secretariat_cq):
    area = area_about("More arbitration services for commercial disputes")
    body = client.post(
        "/api/v1/suggestions",
        {"title": "Arbitration", "text": "More arbitration services for commercial disputes", "language": "en"},
        content_type="application/json",
    )
    assert body.status_code == 201
    data = body.json()
    assert data["state"] == "pending" and data["reference"].startswith("SG-") and data["suggested_area"] == area.ext_id
    assert client.get(f"/api/v1/suggestions/{data['reference']}").status_code == 404
    tracked = client.get(f"/api/v1/suggestions/track/{data['tracking_token']}").json()
    assert tracked["text"].startswith("More arbitration") and tracked["public"] is False
    headers = _bearer(secretariat_cq)
    queue = client.get("/api/v1/suggestions/moderation", **headers).json()
    assert [s["reference"] for s in queue["items"]] == [data["reference"]]
    approved = client.post(
        f"/api/v1/suggestions/{data['reference']}/approve", {}, content_type="application/json", **headers
    ).json()
    assert approved["state"] == "published" and approved["area"] == data["suggested_area"]
    assert client.get(f"/api/v1/suggestions/{data['reference']}").json()["voices"] == 1


def test_named_submission_needs_an_email(db, client):
    body = client.post(
        "/api/v1/suggestions", {"title": "t", "text": "x", "anonymous": False}, content_type="application/json"
    )
    assert body.status_code == 422 and "email" in body.json()["error"]["details"]
    assert not Suggestion.objects.exists()


def test_support_by_email_and_by_session(db, client, secretariat_hk):
    s = publish(submit(), secretariat_hk)
    url = f"/api/v1/suggestions/{s.reference}/support"
    assert client.post(url, {"email": "x@example.org"}, content_type="application/json").json() == {
        "counted": True,
        "voices": 2,
    }
    assert client.post(url, {"email": "x@example.org"}, content_type="application/json").json()["counted"] is False
    assert client.post(url, {}, content_type="application/json").json() == {"counted": True, "voices": 3}
    assert client.post(url, {}, content_type="application/json").json()["counted"] is False


def test_staff_respond_merge_and_the_not_adopted_rule(db, client, secretariat_hk):
    a = publish(submit(title="Permit"), secretariat_hk)
    b = publish(submit(title="Permit again"), secretariat_hk)
    headers = _bearer(secretariat_hk)
    refused = client.post(
        f"/api/v1/suggestions/{a.reference}/response",
        {"status": "not_adopted", "response": {"en": "No"}},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 422 and "reason" in refused.json()["error"]["details"]
    ok = client.post(
        f"/api/v1/suggestions/{a.reference}/response",
        {"status": "not_adopted", "response": {"en": "No"}, "reason": {"zh_hant": "與現行政策不符"}},
        content_type="application/json",
        **headers,
    ).json()
    assert ok["status"] == "not_adopted" and ok["status_reason"]["zh_hans"] == "与现行政策不符"
    merged = client.post(
        f"/api/v1/suggestions/{b.reference}/merge", {"into": a.reference}, content_type="application/json", **headers
    ).json()
    assert merged["reference"] == a.reference and merged["merged"] == [b.reference] and merged["voices"] == 2
    answered = client.get("/api/v1/suggestions/answered").json()
    assert [s["reference"] for s in answered["items"]] == [a.reference]


def test_openapi_lists_the_suggestion_endpoints(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/suggestions",
        "/api/v1/suggestions/{reference}",
        "/api/v1/suggestions/{reference}/support",
        "/api/v1/suggestions/{reference}/approve",
        "/api/v1/suggestions/{reference}/reject",
        "/api/v1/suggestions/{reference}/redact",
        "/api/v1/suggestions/{reference}/merge",
        "/api/v1/suggestions/{reference}/area",
        "/api/v1/suggestions/{reference}/response",
        "/api/v1/suggestions/digest",
        "/api/v1/suggestions/similar",
    ):
        assert path in paths, path
