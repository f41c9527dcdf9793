"""Everything the partnering pages do, through the API, each answer held against the OpenAPI
document (the operation's documented schema for the status it answered with): profiles (create,
edit own, verify, members, leave), review (publish, return, reject), renew, withdraw, history,
matches and three-sided suggestions, interest, accept, introduction, outcomes, desks."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from hkcq.partnering.models import FacilitatorDesk, Opportunity, OrganisationProfile
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.conftest import DESK_CQ, DESK_HK, DESK_HK_EDUCATION, desk_cq, desk_hk, desk_hk_education
from hkcq.partnering.tests.factories import UserFactory
from hkcq.registry.tests.test_openapi import SchemaMismatch, check

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()


class Api:
    """A client whose every answer is checked against the documented schema of its operation."""

    def __init__(self, client: Client, doc: dict[str, Any]) -> None:
        self.client, self.doc = client, doc
        self.seen: set[tuple[str, str]] = set()

    def _template(self, method: str, url: str) -> str:
        path = url.split("?", 1)[0]
        for template, operations in self.doc["paths"].items():
            if method in operations and re.fullmatch(re.sub(r"\{[^}]+\}", r"[^/]+", template), path):
                return template
        raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")

    def call(self, method: str, url: str, body: Any = None, *, status: int, user: Any = None, **headers: Any) -> Any:
        if user is not None:
            self.client.force_login(user)
        kwargs: dict[str, Any] = {}
        if method != "get":
            kwargs = {"data": json.dumps(body or {}), "content_type": "application/json"}
        response = getattr(self.client, method)(url, **kwargs, **headers)
        assert response.status_code == status, (method, url, response.status_code, response.content[:400])
        template = self._template(method, url)
        documented = self.doc["paths"][template][method]["responses"].get(str(status))
        assert documented, f"{method.upper()} {template} does not document {status}"
        try:
            check(response.json(), documented["content"]["application/json"]["schema"], self.doc)
        except SchemaMismatch as exc:
            pytest.fail(f"{method.upper()} {url} → {status} does not match its OpenAPI schema: {exc}")
        self.seen.add((method, template))
        return response.json()


def _named_rows() -> None:
    """The sectors and the area the bodies below name by code."""
    for code in ("freight-forwarding", "banking-supply-chain-finance"):
        factories.sector(code)
    factories.area("logistics")


def _profile(side: str, name: str, sector: str, languages: list[str], email: str) -> dict[str, Any]:
    return {
        "name": {"en": name},
        "side": side,
        "kind": "enterprise",
        "sector": sector,
        "size": "small",
        "city": {"en": "Chongqing" if side == "chongqing" else "Hong Kong"},
        "languages": languages,
        "description": {"en": f"{name}, a made-up firm for the test."},
        "areas": ["logistics"],
        "contacts": [{"name": "Contact " + name, "email": email, "phone": "+852 2123 4567"}],
    }


def _opportunity(org: int, **kw: Any) -> dict[str, Any]:
    data = {
        "organisation": org,
        "type": "business_request",
        "title": {"en": "Need supply chain finance for rail freight"},
        "description": {"en": "Chongqing logistics firm running rail freight to Europe needs supply chain finance."},
        "sector": "freight-forwarding",
        "areas": ["logistics"],
    }
    data.update(kw)
    return data


def test_the_journey_through_the_api_matches_the_document(openapi, client, facilitator_cq, facilitator_hk):
    api = Api(client, openapi)
    _named_rows()
    cq_user, hk_user, colleague = UserFactory(role="resident"), UserFactory(role="resident"), UserFactory()

    # profiles: created by residents, read, edited by their own member, verified by their side
    cq = api.call(
        "post",
        "/api/v1/organisation-profiles",
        _profile("chongqing", "Fog City Logistics", "freight-forwarding", ["cmn", "en"], "li@cq.example.org"),
        status=201,
        user=cq_user,
    )
    assert cq["verified"] is False and cq["contacts"][0]["email"] == "li@cq.example.org"
    hk = api.call(
        "post",
        "/api/v1/organisation-profiles",
        _profile(
            "hong_kong", "Harbour Trade Finance", "banking-supply-chain-finance", ["yue", "en"], "w@hk.example.org"
        ),
        status=201,
        user=hk_user,
    )
    edited = _profile(
        "chongqing", "Fog City Logistics", "freight-forwarding", ["cmn", "en", "yue"], "li@cq.example.org"
    )
    del edited["side"]
    edited["contacts"] = None
    assert api.call("put", f"/api/v1/organisation-profiles/{cq['id']}", edited, status=200, user=cq_user)[
        "languages"
    ] == [
        "en",
        "yue",
        "cmn",
    ]
    # another organisation's member: the unverified profile is hidden from them (404, never 403)
    api.call("put", f"/api/v1/organisation-profiles/{cq['id']}", edited, status=404, user=hk_user)
    api.call("post", f"/api/v1/organisation-profiles/{cq['id']}/verify", status=404, user=facilitator_hk)
    assert api.call("post", f"/api/v1/organisation-profiles/{cq['id']}/verify", status=200, user=facilitator_cq)[
        "verified"
    ]
    api.call("post", f"/api/v1/organisation-profiles/{hk['id']}/verify", status=200, user=facilitator_hk)
    public = api.call("get", "/api/v1/organisation-profiles", status=200, user=None)
    client.logout()
    public = api.call("get", "/api/v1/organisation-profiles?side=chongqing", status=200)
    assert all(p["contacts"] is None for p in public["items"])
    assert api.call("get", f"/api/v1/organisation-profiles/{cq['id']}", status=200)["contacts"] is None

    # members: add a colleague, who leaves again
    added = api.call(
        "post",
        f"/api/v1/organisation-profiles/{cq['id']}/members",
        {"member": colleague.username},
        status=201,
        user=cq_user,
    )
    members = api.call("get", f"/api/v1/organisation-profiles/{cq['id']}/members", status=200)
    assert members["count"] == len(members["items"]) == 2
    first = api.call("get", f"/api/v1/organisation-profiles/{cq['id']}/members?limit=1", status=200)
    assert first["count"] == 2 and [m["id"] for m in first["items"]] == [members["items"][0]["id"]]
    mine = api.call("get", "/api/v1/memberships", status=200, user=colleague)
    assert [m["id"] for m in mine["items"]] == [added["id"]] and mine["count"] == 1
    assert api.call("post", f"/api/v1/memberships/{added['id']}/leave", status=200)["left_at"]
    assert api.call("get", "/api/v1/organisation-profiles?mine=true", status=200)["count"] == 0

    # opportunities: posted, returned with a reason, edited, published, renewed
    need = api.call("post", "/api/v1/opportunities", _opportunity(cq["id"]), status=201, user=cq_user)
    api.call("get", "/api/v1/review-queue", status=403)
    queue = api.call("get", "/api/v1/review-queue", status=200, user=facilitator_cq)
    assert [o["id"] for o in queue["opportunities"]] == [need["id"]]
    api.call("post", f"/api/v1/opportunities/{need['id']}/return", {"reason": ""}, status=422)
    assert (
        api.call("post", f"/api/v1/opportunities/{need['id']}/return", {"reason": "Say which routes."}, status=200)[
            "status"
        ]
        == "returned"
    )
    body = _opportunity(cq["id"], title={"en": "Need supply chain finance for rail freight to Europe"})
    del body["organisation"]
    assert (
        api.call("put", f"/api/v1/opportunities/{need['id']}", body, status=200, user=cq_user)["status"] == "submitted"
    )
    api.call("post", f"/api/v1/opportunities/{need['id']}/publish", status=404, user=facilitator_hk)  # hidden
    assert api.call("post", f"/api/v1/opportunities/{need['id']}/publish", status=200, user=facilitator_cq)[
        "status"
    ] == ("published")
    history = api.call("get", f"/api/v1/opportunities/{need['id']}/events", status=200, user=cq_user)["items"]
    assert [e["kind"] for e in history] == ["created", "submitted", "returned", "edited", "submitted", "published"]
    assert history[2]["reason"] == "Say which routes."
    assert api.call("post", f"/api/v1/opportunities/{need['id']}/renew", status=200)["status"] == "published"

    offer = api.call(
        "post",
        "/api/v1/opportunities",
        _opportunity(
            hk["id"],
            type="business_offer",
            title={"en": "Supply chain finance for logistics firms"},
            description={"en": "Hong Kong firm offering supply chain finance to rail freight operators."},
            sector="banking-supply-chain-finance",
        ),
        status=201,
        user=hk_user,
    )
    api.call("post", f"/api/v1/opportunities/{offer['id']}/publish", status=200, user=facilitator_hk)
    spare = api.call(
        "post", "/api/v1/opportunities", _opportunity(hk["id"], type="business_offer"), status=201, user=hk_user
    )
    assert (
        api.call(
            "post",
            f"/api/v1/opportunities/{spare['id']}/reject",
            {"reason": "A duplicate."},
            status=200,
            user=facilitator_hk,
        )["status"]
        == "rejected"
    )

    # matches each way, with reasons in the request's language
    client.force_login(cq_user)
    matches = api.call("get", f"/api/v1/opportunities/{need['id']}/matches", status=200, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert matches["items"][0]["id"] == offer["id"] and matches["items"][0]["reasons"]
    assert matches["count"] == len(matches["items"])
    back = api.call("get", f"/api/v1/opportunities/{offer['id']}/matches", status=200, user=hk_user)
    assert back["items"][0]["id"] == need["id"]

    # interest, accept, the introduction (contacts only now), the outcome
    interest = api.call(
        "post",
        f"/api/v1/opportunities/{offer['id']}/interest",
        {"organisation": cq["id"], "message": "Let us talk.", "from_opportunity": need["id"]},
        status=201,
        user=cq_user,
    )
    assert api.call("get", f"/api/v1/interests/{interest['id']}", status=200)["introduction"] is None
    api.call("post", f"/api/v1/interests/{interest['id']}/accept", status=200, user=hk_user)
    seen = api.call("get", f"/api/v1/interests/{interest['id']}", status=200, user=cq_user)
    assert seen["introduction"]["contacts"][0]["email"] == "w@hk.example.org"
    api.call(
        "post", f"/api/v1/interests/{interest['id']}/outcome", {"kind": "joint_venture", "area": "nowhere"}, status=422
    )
    outcome = api.call(
        "post",
        f"/api/v1/interests/{interest['id']}/outcome",
        {"kind": "joint_venture", "area": "logistics"},
        status=200,
    )
    outcomes = api.call("get", "/api/v1/outcomes", status=200, user=hk_user)
    assert outcomes["items"][0]["id"] == outcome["id"] and outcomes["count"] == 1
    interests = api.call("get", "/api/v1/interests", status=200)
    assert [i["id"] for i in interests["items"]] == [interest["id"]] and interests["count"] == 1
    per_area = {row["area"]: row for row in api.call("get", "/api/v1/partnerships", status=200)["items"]}
    assert per_area["logistics"]["by_kind"]["joint_venture"] >= 1
    assert api.call("post", f"/api/v1/opportunities/{offer['id']}/withdraw", status=200)["status"] == "withdrawn"

    # every partnering write path the pages have, exercised above
    writes = {(m, t) for m, t in api.seen if m != "get"}
    assert {
        ("post", "/api/v1/organisation-profiles"),
        ("put", "/api/v1/organisation-profiles/{profile_id}"),
        ("post", "/api/v1/organisation-profiles/{profile_id}/verify"),
        ("post", "/api/v1/organisation-profiles/{profile_id}/members"),
        ("post", "/api/v1/memberships/{membership_id}/leave"),
        ("post", "/api/v1/opportunities"),
        ("put", "/api/v1/opportunities/{opportunity_id}"),
        ("post", "/api/v1/opportunities/{opportunity_id}/publish"),
        ("post", "/api/v1/opportunities/{opportunity_id}/return"),
        ("post", "/api/v1/opportunities/{opportunity_id}/reject"),
        ("post", "/api/v1/opportunities/{opportunity_id}/renew"),
        ("post", "/api/v1/opportunities/{opportunity_id}/withdraw"),
        ("post", "/api/v1/opportunities/{opportunity_id}/interest"),
        ("post", "/api/v1/interests/{interest_id}/accept"),
        ("post", "/api/v1/interests/{interest_id}/outcome"),
    } <= writes


def test_desks_through_the_api(openapi, client, secretariat_hk, officer_hk):
    api = Api(client, openapi)
    desk_hk(), desk_cq(), desk_hk_education()
    desks = api.call("get", "/api/v1/facilitator-desks", status=200)
    assert {DESK_HK, DESK_CQ} <= {d["unit"] for d in desks["items"]}
    assert desks["count"] == len(desks["items"])
    unit = DESK_HK_EDUCATION
    before = FacilitatorDesk.objects.filter(unit__ext_id=unit).values_list("kind", "is_active").first()
    api.call("put", f"/api/v1/facilitator-desks/{unit}", {"kind": "education", "active": False}, status=401)
    api.call(
        "put", f"/api/v1/facilitator-desks/{unit}", {"kind": "education", "active": False}, status=403, user=officer_hk
    )
    assert FacilitatorDesk.objects.filter(unit__ext_id=unit).values_list("kind", "is_active").first() == before
    api.call("put", f"/api/v1/facilitator-desks/{unit}", {"kind": "sports"}, status=422, user=secretariat_hk)
    api.call("put", "/api/v1/facilitator-desks/no-such-unit", {"kind": "trade"}, status=404)
    done = api.call("put", f"/api/v1/facilitator-desks/{unit}", {"kind": "education", "active": False}, status=200)
    assert done == {**done, "unit": unit, "kind": "education", "active": False}
    desk = FacilitatorDesk.objects.get(unit__ext_id=unit)
    assert desk.history.first().history_user == secretariat_hk


def test_bad_profile_input_is_refused_with_translated_errors_and_nothing_changes(openapi, client):
    api = Api(client, openapi)
    _named_rows()
    user = UserFactory(role="resident")
    client.force_login(user)
    before = OrganisationProfile.objects.count()
    for bad, field in (
        ({"areas": ["no-such-area"]}, "areas"),
        ({"description": {"en": "x" * 2_000_000}}, "description"),
        ({"name": {"en": "<script>alert(1)</script>"}}, "name"),
        ({"sector": "no-such-sector"}, "sector"),
    ):
        body = {**_profile("chongqing", "Bad Input Ltd", "freight-forwarding", ["cmn"], "a@example.org"), **bad}
        answer = api.call("post", "/api/v1/organisation-profiles", body, status=422, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert field in answer["error"]["details"], answer
        assert re.search(r"[\u4e00-\u9fff]", json.dumps(answer["error"]["details"], ensure_ascii=False)), answer
    assert OrganisationProfile.objects.count() == before
    assert not Opportunity.objects.filter(profile__name__icontains="Bad Input").exists()
