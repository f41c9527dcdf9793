"""The authorization matrix: every action × anonymous / resident / officer (own unit, other side)
/ secretariat HK / secretariat CQ / administrator."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hkcq.core.errors import NotPermitted
from hkcq.suggestions import services
from hkcq.suggestions.models import Suggestion

from .conftest import publish, submit

ROLES = ["anonymous", "resident", "officer_hk", "officer_cq", "secretariat_hk", "secretariat_cq", "admin"]
FIXTURES = {"admin": "admin_user"}  # the others are the personas of the role's name
MODERATORS = {"secretariat_hk", "secretariat_cq", "admin"}
STAFF = MODERATORS | {"officer_hk", "officer_cq"}
# The suggestion is assigned to the unit of officer_hk (unit_hk).
RESPONDERS = MODERATORS | {"officer_hk"}


@pytest.fixture
def users(request):
    """Every role's person (the personas, made for the test), by role."""
    people = {role: request.getfixturevalue(FIXTURES.get(role, role)) for role in ROLES if role != "anonymous"}
    return {"anonymous": AnonymousUser(), **people}


@pytest.fixture
def world(users, unit_hk):
    moderator = users["secretariat_hk"]
    unit = unit_hk
    published = publish(submit(title="Published one"), moderator, unit=unit)
    target = publish(submit(title="Target"), moderator)
    pending = submit(title="Pending one")
    return {"published": published, "pending": pending, "target": target, "moderator": moderator, "users": users}


def _do(action, user, w):
    s, pending = w["published"], w["pending"]
    if action == "approve":
        services.suggestion_approve(user=user, suggestion=pending, public_title="T", public_text="X", area=None)
    elif action == "reject":
        services.suggestion_reject(user=user, suggestion=pending, reason="spam")
    elif action == "redact":
        services.suggestion_redact(user=user, suggestion=s, public_title="T", public_text="X")
    elif action == "area":
        services.suggestion_set_area(user=user, suggestion=pending, area=None, unit=None)
    elif action == "merge":
        services.suggestion_merge(user=user, duplicate=pending, target=w["target"])
    elif action == "respond":
        services.suggestion_respond(user=user, suggestion=s, status="under_consideration", response={"en": "r"})
    elif action == "submit":
        submit(user=user if user.is_authenticated else None, title="Mine")
    elif action == "support":
        services.suggestion_support(
            suggestion=s, user=user if user.is_authenticated else None, session_key="session-for-matrix"
        )


ALLOWED = {
    "approve": MODERATORS,
    "reject": MODERATORS,
    "redact": MODERATORS,
    "area": MODERATORS,
    "merge": MODERATORS,
    "respond": RESPONDERS,
    "submit": set(ROLES),
    "support": set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_service_matrix(world, action, role):
    user = world["users"][role]
    actions_before = world["published"].actions.count() + world["pending"].actions.count()
    if role in ALLOWED[action]:
        _do(action, user, world)
    else:
        with pytest.raises(NotPermitted):
            _do(action, user, world)
        after = Suggestion.objects.get(pk=world["published"].pk).actions.count()
        after += Suggestion.objects.get(pk=world["pending"].pk).actions.count()
        assert after == actions_before  # refused: nothing recorded, nothing changed
        assert Suggestion.objects.get(pk=world["pending"].pk).state == Suggestion.State.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(world, client, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    s, pending = world["published"], world["pending"]
    expected = {
        "/en/suggestions/": 200,
        "/en/suggestions/new/": 200,
        f"/en/suggestions/{s.reference}/": 200,
        f"/en/suggestions/{pending.reference}/": 404,
        "/en/suggestions/moderation/": 302 if role == "anonymous" else (200 if role in STAFF else 403),
        f"/en/suggestions/moderation/{pending.reference}/": 302
        if role == "anonymous"
        else (200 if role in MODERATORS else 404),
        f"/en/suggestions/moderation/{s.reference}/": 302
        if role == "anonymous"
        else (200 if role in RESPONDERS else 404),
        "/en/suggestions/digest/": 302 if role == "anonymous" else (200 if role in STAFF else 403),
    }
    for url, status in expected.items():
        assert client.get(url).status_code == status, (url, role)
    # Posting a moderation action without the right is refused and changes nothing.
    response = client.post(
        f"/en/suggestions/moderation/{pending.reference}/", {"action": "reject", "reject-reason": "spam"}
    )
    pending.refresh_from_db()
    if role in MODERATORS:
        assert response.status_code == 302 and pending.state == Suggestion.State.REJECTED
    else:
        # Anonymous: to the sign-in page; anyone else may not see the pending suggestion: 404.
        assert response.status_code == (302 if role == "anonymous" else 404)
        assert pending.state == Suggestion.State.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(world, client, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    s, pending = world["published"], world["pending"]
    auth_status = 401 if role == "anonymous" else 403
    # A suggestion's staff view that the user may not see is not found (404), as on the pages.
    hidden_status = 401 if role == "anonymous" else 404
    checks = [
        ("get", "/api/v1/suggestions", None, 200),
        ("get", f"/api/v1/suggestions/{pending.reference}", None, 404),
        ("get", "/api/v1/suggestions/moderation", None, 200 if role in STAFF else auth_status),
        ("get", "/api/v1/suggestions/digest?end=2030-01-01", None, 200 if role in STAFF else auth_status),
        (
            "post",
            f"/api/v1/suggestions/{s.reference}/response",
            {"status": "under_consideration"},
            200 if role in RESPONDERS else hidden_status,
        ),
        ("post", f"/api/v1/suggestions/{pending.reference}/area", {}, 200 if role in MODERATORS else hidden_status),
        (
            "post",
            f"/api/v1/suggestions/{pending.reference}/approve",
            {},
            200 if role in MODERATORS else hidden_status,
        ),
    ]
    for method, url, body, status in checks:
        response = client.get(url) if method == "get" else client.post(url, body, content_type="application/json")
        assert response.status_code == status, (url, role, response.content[:200])
