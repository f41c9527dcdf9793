"""Authorization matrix: every role × every partnering write (pages and API) → the exact status,
and a refusal changes nothing. Hidden rows are 404 (never 403); a visible row whose action the
person may not take is 403; anonymous visitors are sent to sign in on pages (302 to the sign-in
page) and get 401 from the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.partnering import services
from hkcq.partnering.models import (
    FacilitatorDesk,
    Interest,
    Membership,
    Opportunity,
    OrganisationProfile,
    Outcome,
)
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.conftest import DESK_HK_EDUCATION, desk_hk_education
from hkcq.partnering.tests.factories import MembershipFactory, ProfileFactory, UserFactory
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db

# "facilitator": of the own organisation's side (Chongqing); "facilitator_other": of the other side
ROLES = ["anonymous", "resident", "own", "other", "officer", "facilitator", "facilitator_other", "secretariat"]
LOGIN = "login"  # a page's answer to an anonymous visitor: 302 to the sign-in page
DONE = 302  # a page's answer to an allowed write: back to the record


@pytest.fixture
def world(facilitator_cq, facilitator_hk, plain_officer_cq, secretariat_hk, resident):
    """A verified Chongqing organisation (``own``) with a published and a submitted opportunity
    and an unverified second profile; a verified Hong Kong organisation (``other``) with an open
    expression of interest in the published one and an accepted one (an introduction)."""
    own, own_profile = verified_member("chongqing", facilitator_cq)
    other, other_profile = verified_member("hong_kong", facilitator_hk)
    texts = {"title": {"en": "Rail freight to Europe"}, "description": {"en": "Freight capacity on the line."}}
    live = published(
        facilitator_cq, post(own, own_profile, type="logistics_offered", sector="freight-forwarding", **texts)
    )
    # expiring soon, so a renewal changes its date
    Opportunity.objects.filter(pk=live.pk).update(expires_on=timezone.localdate() + timedelta(days=10))
    live.refresh_from_db()
    submitted = post(own, own_profile, type="business_request", sector="freight-forwarding", **texts)
    fresh = ProfileFactory(side=Side.CHONGQING)
    MembershipFactory(profile=fresh, user=own)
    open_interest = services.interest_express(
        user=other, opportunity=live, profile=other_profile, message="We would like to talk."
    )
    second = published(
        facilitator_cq, post(own, own_profile, type="business_offer", sector="freight-forwarding", **texts)
    )
    intro = services.interest_express(user=other, opportunity=second, profile=other_profile, message="Hello")
    services.interest_accept(user=own, interest=intro)
    factories.sector("trade-retail")  # named by code in the API bodies below
    users = {
        "anonymous": None,
        "resident": resident,
        "own": own,
        "other": other,
        "officer": plain_officer_cq,
        "facilitator": facilitator_cq,
        "facilitator_other": facilitator_hk,
        "secretariat": secretariat_hk,
    }
    return {
        "users": users,
        "own_membership": own.partnering_memberships.get(profile=own_profile),
        "edb": desk_hk_education(),
        "own_profile": own_profile,
        "other_profile": other_profile,
        "fresh": fresh,
        "live": live,
        "submitted": submitted,
        "open": open_interest,
        "intro": intro,
    }


def _state() -> tuple[Any, ...]:
    return (
        sorted(OrganisationProfile.objects.values_list("pk", "verified_at", "website", "languages")),
        sorted(Opportunity.objects.values_list("pk", "status", "expires_on")),
        sorted(Membership.objects.values_list("pk", "left_at")),
        sorted(FacilitatorDesk.objects.values_list("unit_id", "kind", "is_active")),
        sorted(Interest.objects.values_list("pk", "status", "forwarded_at")),
        sorted(Outcome.objects.values_list("pk", "kind")),
    )


def _login(client: Any, user: User | None) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


# (name, method, url, data, {role: status}); unlisted roles: 404 (the row is hidden from them)
VISIBLE_REFUSED = {role: 403 for role in ROLES}  # a row everyone sees, an action only some may take
PAGES: list[tuple[str, str, Any, Any, dict[str, Any]]] = [
    (
        "view a submitted opportunity",
        "get",
        lambda w: f"/en/partnering/opportunities/{w['submitted'].pk}/",
        {},
        {"anonymous": 404, "own": 200, "facilitator": 200, "secretariat": 200},
    ),
    (
        "publish",
        "post",
        lambda w: f"/en/partnering/opportunities/{w['submitted'].pk}/publish/",
        {},
        {"anonymous": LOGIN, "own": 403, "facilitator": DONE, "secretariat": 403},
    ),
    (
        "return",
        "post",
        lambda w: f"/en/partnering/opportunities/{w['submitted'].pk}/return/",
        {"reason": "Say more about the capacity."},
        {"anonymous": LOGIN, "own": 403, "facilitator": DONE, "secretariat": 403},
    ),
    (
        "verify a profile",
        "post",
        lambda w: f"/en/partnering/organisations/{w['fresh'].pk}/verify/",
        {},
        {"anonymous": LOGIN, "own": 403, "facilitator": DONE, "secretariat": 403},
    ),
    (
        "edit a profile",
        "get",
        lambda w: f"/en/partnering/organisations/{w['own_profile'].pk}/edit/",
        {},
        {
            "anonymous": LOGIN,
            "resident": 403,
            "own": 200,
            "other": 403,
            "officer": 403,
            "facilitator": 403,
            "facilitator_other": 403,
            "secretariat": 403,
        },
    ),
    (
        "express interest",
        "post",
        lambda w: f"/en/partnering/opportunities/{w['live'].pk}/interest/",
        lambda w, role: {
            "profile": (w["own_profile"] if role == "own" else w["other_profile"]).pk,
            "message": "A second message.",
        },
        {
            "anonymous": LOGIN,
            "resident": 403,
            "own": 403,
            "other": 422,  # one open interest per organisation and opportunity already
            "officer": 403,
            "facilitator": 403,
            "facilitator_other": 403,
            "secretariat": 403,
        },
    ),
    (
        "accept an interest",
        "post",
        lambda w: f"/en/partnering/interests/{w['open'].pk}/accept/",
        {},
        {"anonymous": LOGIN, "own": DONE, "other": 403, "facilitator": 403, "facilitator_other": 403},
    ),
    (
        "decline an interest",
        "post",
        lambda w: f"/en/partnering/interests/{w['open'].pk}/decline/",
        {"reason": "Not now."},
        {"anonymous": LOGIN, "own": DONE, "other": 403, "facilitator": 403, "facilitator_other": 403},
    ),
    (
        "withdraw",
        "post",
        lambda w: f"/en/partnering/opportunities/{w['live'].pk}/withdraw/",
        {},
        {**VISIBLE_REFUSED, "anonymous": LOGIN, "own": DONE},
    ),
    (
        "renew",
        "post",
        lambda w: f"/en/partnering/opportunities/{w['live'].pk}/renew/",
        {},
        {**VISIBLE_REFUSED, "anonymous": LOGIN, "own": DONE},
    ),
    (
        "add a member",
        "post",
        lambda w: f"/en/partnering/organisations/{w['own_profile'].pk}/members/",
        lambda w, role: {"member": w["users"]["resident"].username},
        # a facilitator of the organisation's side adds members too (issue 13); of the other side: no
        {**VISIBLE_REFUSED, "anonymous": LOGIN, "own": DONE, "facilitator": DONE},
    ),
    (
        "leave an organisation",
        "post",
        lambda w: f"/en/partnering/memberships/{w['own_membership'].pk}/leave/",
        {},
        {"anonymous": LOGIN, "own": DONE},
    ),
    (
        "create a profile",
        "post",
        lambda w: "/en/partnering/organisations/new/",
        lambda w, role: {
            "name_0": "Matrix Test Trading",
            "side": "chongqing",
            "kind": "enterprise",
            "sector": factories.sector("trade-retail").pk,
            "size": "small",
            "city_0": "Chongqing",
            "languages": ["cmn"],
            "description_0": "A made-up firm.",
        },
        {
            "anonymous": LOGIN,
            "resident": DONE,
            "own": DONE,
            "other": DONE,
            "officer": 403,
            "facilitator": 403,
            "facilitator_other": 403,
            "secretariat": 403,
        },
    ),
    (
        "mark a facilitator desk",
        "post",
        lambda w: "/en/partnering/desks/",
        lambda w, role: {"unit": w["edb"].pk, "kind": "education", "active": ""},
        {**VISIBLE_REFUSED, "anonymous": LOGIN, "secretariat": DONE},
    ),
    (
        "record an outcome",
        "post",
        lambda w: f"/en/partnering/interests/{w['intro'].pk}/outcome/",
        lambda w, role: {"kind": "joint_venture", "area": factories.area("logistics").pk, "note": ""},
        {"anonymous": LOGIN, "own": DONE, "other": DONE, "facilitator": 403, "facilitator_other": 403},
    ),
]


@pytest.mark.parametrize("action", PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_pages(client, world, action, role):
    name, method, url, data, expected = action
    want = expected.get(role, 404)
    _login(client, world["users"][role])
    body = data(world, role) if callable(data) else data
    before = _state()
    r = getattr(client, method)(url(world), body)
    after = _state()
    if want == LOGIN:
        assert r.status_code == 302 and "sign-in" in r.headers["Location"], (role, name, r.status_code)
    else:
        assert r.status_code == want, (role, name, r.status_code)
        if want == DONE and method == "post":
            assert "sign-in" not in r.headers["Location"]
    if method == "post":
        assert (after != before) == (want == DONE), (role, name)


API: list[tuple[str, str, Any, Any, dict[str, int]]] = [
    (
        "read a submitted opportunity",
        "get",
        lambda w: f"/api/v1/opportunities/{w['submitted'].pk}",
        None,
        {"anonymous": 404, "own": 200, "facilitator": 200, "secretariat": 200},
    ),
    (
        "matches of a submitted opportunity",
        "get",
        lambda w: f"/api/v1/opportunities/{w['submitted'].pk}/matches",
        None,
        {"anonymous": 404, "own": 200, "facilitator": 200, "secretariat": 200},
    ),
    (
        "post an opportunity",
        "post",
        lambda w: "/api/v1/opportunities",
        lambda w, role: {
            "organisation": w["own_profile"].pk,
            "type": "business_offer",
            "title": {"en": "Cold-chain warehousing"},
            "description": {"en": "Warehousing near the rail port."},
            "sector": "freight-forwarding",
            "areas": ["logistics"],
        },
        {
            "anonymous": 401,
            "resident": 403,
            "own": 201,
            "other": 403,
            "officer": 403,
            "facilitator": 403,
            "facilitator_other": 403,
            "secretariat": 403,
        },
    ),
    (
        "express interest",
        "post",
        lambda w: f"/api/v1/opportunities/{w['second_live'].pk}/interest",
        lambda w, role: {
            "organisation": (w["own_profile"] if role == "own" else w["other_profile"]).pk,
            "message": "Interested.",
        },
        {
            "anonymous": 401,
            "resident": 403,
            "own": 403,
            "other": 201,
            "officer": 403,
            "facilitator": 403,
            "facilitator_other": 403,
            "secretariat": 403,
        },
    ),
    (
        "accept an interest",
        "post",
        lambda w: f"/api/v1/interests/{w['open'].pk}/accept",
        {},
        {"anonymous": 401, "own": 200, "other": 403, "facilitator": 403, "facilitator_other": 403},
    ),
    (
        "decline an interest",
        "post",
        lambda w: f"/api/v1/interests/{w['open'].pk}/decline",
        {"reason": "Not now."},
        {"anonymous": 401, "own": 200, "other": 403, "facilitator": 403, "facilitator_other": 403},
    ),
]


API_PROFILE = {
    "name": {"en": "Matrix API Trading"},
    "side": "chongqing",
    "kind": "enterprise",
    "sector": "trade-retail",
    "size": "small",
    "city": {"en": "Chongqing"},
    "languages": ["cmn"],
    "description": {"en": "A made-up firm."},
    "areas": ["logistics"],
}
API_STAFF_REFUSED = {"anonymous": 401, "officer": 403, "facilitator": 403, "facilitator_other": 403, "secretariat": 403}
REVIEW = {"anonymous": 401, "own": 403, "facilitator": 200, "secretariat": 403}
OWNER_ONLY = {role: 403 for role in ROLES} | {"anonymous": 401, "own": 200}

API += [
    (
        "create a profile",
        "post",
        lambda w: "/api/v1/organisation-profiles",
        lambda w, role: API_PROFILE,
        {**API_STAFF_REFUSED, "resident": 201, "own": 201, "other": 201},
    ),
    (
        "edit a profile",
        "put",
        lambda w: f"/api/v1/organisation-profiles/{w['own_profile'].pk}",
        lambda w, role: {k: v for k, v in API_PROFILE.items() if k != "side"} | {"languages": ["cmn", "yue"]},
        OWNER_ONLY,
    ),
    (
        "verify a profile",
        "post",
        lambda w: f"/api/v1/organisation-profiles/{w['fresh'].pk}/verify",
        {},
        {"anonymous": 401, "own": 403, "facilitator": 200, "secretariat": 403},
    ),
    (
        "add a member",
        "post",
        lambda w: f"/api/v1/organisation-profiles/{w['own_profile'].pk}/members",
        lambda w, role: {"member": w["users"]["resident"].username},
        OWNER_ONLY | {"own": 201, "facilitator": 201},
    ),
    (
        "leave an organisation",
        "post",
        lambda w: f"/api/v1/memberships/{w['own_membership'].pk}/leave",
        {},
        {"anonymous": 401, "own": 200},
    ),
    ("publish", "post", lambda w: f"/api/v1/opportunities/{w['submitted'].pk}/publish", {}, REVIEW),
    ("return", "post", lambda w: f"/api/v1/opportunities/{w['submitted'].pk}/return", {"reason": "More."}, REVIEW),
    ("reject", "post", lambda w: f"/api/v1/opportunities/{w['submitted'].pk}/reject", {"reason": "No."}, REVIEW),
    ("withdraw", "post", lambda w: f"/api/v1/opportunities/{w['live'].pk}/withdraw", {}, OWNER_ONLY),
    ("renew", "post", lambda w: f"/api/v1/opportunities/{w['live'].pk}/renew", {}, OWNER_ONLY),
    (
        "edit an opportunity",
        "put",
        lambda w: f"/api/v1/opportunities/{w['live'].pk}",
        lambda w, role: {
            "type": "logistics_offered",
            "title": {"en": "Rail freight to Europe, weekly"},
            "description": {"en": "Freight capacity on the line."},
            "sector": "freight-forwarding",
            "areas": ["logistics"],
        },
        OWNER_ONLY,
    ),
    (
        "record an outcome",
        "post",
        lambda w: f"/api/v1/interests/{w['intro'].pk}/outcome",
        lambda w, role: {"kind": "joint_venture", "area": "logistics"},
        {"anonymous": 401, "own": 200, "other": 200, "facilitator": 403, "facilitator_other": 403},
    ),
    (
        "forward an interest in a public opportunity",
        "post",
        lambda w: f"/api/v1/interests/{w['open'].pk}/forward",
        {},
        {"anonymous": 401, "own": 403, "other": 403, "facilitator": 403, "facilitator_other": 403},
    ),
    (
        "mark a facilitator desk",
        "put",
        lambda w: f"/api/v1/facilitator-desks/{DESK_HK_EDUCATION}",
        lambda w, role: {"kind": "education", "active": False},
        {role: 403 for role in ROLES} | {"anonymous": 401, "secretariat": 200},
    ),
]


@pytest.fixture
def api_world(world, facilitator_cq):
    own = world["users"]["own"]
    texts = {"title": {"en": "Bonded warehouse"}, "description": {"en": "Space in the bonded zone."}}
    world["second_live"] = published(
        facilitator_cq,
        post(own, world["own_profile"], type="logistics_offered", sector="freight-forwarding", **texts),
    )
    return world


@pytest.mark.parametrize("action", API, ids=[a[0] for a in API])
@pytest.mark.parametrize("role", ROLES)
def test_api(client, api_world, action, role):
    name, method, url, data, expected = action
    want = expected.get(role, 404)
    _login(client, api_world["users"][role])
    body = data(api_world, role) if callable(data) else data
    before = _state()
    if method == "get":
        r = client.get(url(api_world))
    else:
        r = getattr(client, method)(url(api_world), body, content_type="application/json")
    after = _state()
    assert r.status_code == want, (role, name, r.status_code, r.content[:300])
    if want >= 400:
        assert "error" in r.json()
    if method != "get":
        assert (after != before) == (want < 300), (role, name)


def test_a_member_who_left_is_refused_like_another(client, world):
    own = world["users"]["own"]
    membership = own.partnering_memberships.get(profile=world["own_profile"])
    services.member_leave(user=own, membership=membership)
    own = User.objects.get(pk=own.pk)
    client.force_login(own)
    before = _state()
    r = client.post(f"/api/v1/interests/{world['open'].pk}/accept", {}, content_type="application/json")
    assert r.status_code == 404 and _state() == before


def test_a_member_of_an_unverified_organisation_cannot_express_interest(client, world):
    user = UserFactory()
    MembershipFactory(user=user, profile=ProfileFactory(side=Side.HONG_KONG))
    profile = user.partnering_memberships.get().profile
    client.force_login(user)
    before = _state()
    r = client.post(
        f"/api/v1/opportunities/{world['live'].pk}/interest",
        {"organisation": profile.pk, "message": "Hello"},
        content_type="application/json",
    )
    assert r.status_code == 403 and _state() == before


# Reading the facilitator's desk: facilitators of a side and the secretariat (both sides, read only).
DESK_READERS = {"anonymous": LOGIN, "facilitator": 200, "facilitator_other": 200, "secretariat": 200}


@pytest.mark.parametrize("role", ROLES)
def test_reading_the_review_desk(client, world, role):
    _login(client, world["users"][role])
    want = DESK_READERS.get(role, 403)
    page = client.get("/en/partnering/review/")
    if want == LOGIN:
        assert page.status_code == 302 and "sign-in" in page["Location"]
    else:
        assert page.status_code == want, (role, page.status_code)
    api_want = {"anonymous": 401}.get(role, 200 if role in DESK_READERS else 403)
    assert client.get("/api/v1/review-queue").status_code == api_want


def test_the_secretariat_reads_both_sides_queues_without_publishing(client, world, facilitator_hk):
    """The secretariat sees the submitted opportunity and the unverified profile (Chongqing) on
    the desk, with no button that publishes, verifies or forwards; the opportunity's own page
    offers no review either, and a publish it sends anyway is refused with nothing changed."""
    client.force_login(world["users"]["secretariat"])
    page = client.get("/en/partnering/review/").content.decode()
    assert f"/partnering/opportunities/{world['submitted'].pk}/" in page
    assert f"/partnering/organisations/{world['fresh'].pk}/" in page
    assert "You can read both sides" in page
    assert "<form" not in page.split("<main", 1)[1]
    detail = client.get(f"/en/partnering/opportunities/{world['submitted'].pk}/").content.decode()
    assert "/publish/" not in detail and "/reject/" not in detail
    before = _state()
    refused = client.post(f"/en/partnering/opportunities/{world['submitted'].pk}/publish/")
    assert refused.status_code == 403 and _state() == before
    # a facilitator reads only their own side's queue, and no read-only notice
    client.force_login(facilitator_hk)
    hk = client.get("/en/partnering/review/").content.decode()
    assert f"/partnering/opportunities/{world['submitted'].pk}/" not in hk
    assert "You can read both sides" not in hk
