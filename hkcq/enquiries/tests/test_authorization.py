"""Every case action × every role → allowed or refused, through the pages, the API and the
services."""

import pytest
from django.test import Client

from hkcq.accounts.services import api_token_create
from hkcq.enquiries import permissions, services
from hkcq.enquiries.models import Enquiry, Message
from hkcq.enquiries.tests.conftest import CQ_UNIT
from hkcq.kb.tests.factories import PERMIT_RENEWAL

ROLES = ["anonymous", "owner", "other_resident", "unit_officer", "other_officer", "secretariat", "admin"]

# Who may do each staff action on a case assigned to the demo Hong Kong officer's unit.
STAFF_ALLOWED = {
    "view": {"unit_officer", "secretariat", "admin"},
    "accept": {"unit_officer"},
    "reply": {"unit_officer"},
    "wait": {"unit_officer"},
    "note": {"unit_officer", "secretariat", "admin"},
    "transfer": {"unit_officer", "secretariat", "admin"},
    "priority": {"unit_officer", "secretariat", "admin"},
    "close": {"unit_officer"},
}
# Resident actions without the secret link: only the account that filed the case.
RESIDENT_ALLOWED = {"track": {"owner"}, "resident_reply": {"owner"}, "rate": {"owner"}}
SEES_PERSONAL_DATA = {"owner", "unit_officer"}
IN_QUEUE = {"unit_officer", "secretariat", "admin"}


@pytest.fixture
def users(resident, other_resident, officer_hk, officer_cq, secretariat_hk, admin_user):
    return {
        "anonymous": None,
        "owner": resident,
        "other_resident": other_resident,
        "unit_officer": officer_hk,
        "other_officer": officer_cq,
        "secretariat": secretariat_hk,
        "admin": admin_user,
    }


def _case_for(action, make_case, users):
    case = make_case(user=users["owner"], question="My HKID is A123456(7), phone 9123 4567")
    officer = users["unit_officer"]
    if action not in ("accept", "view"):
        services.enquiry_accept(user=officer, enquiry=case)
    if action == "close":
        services.enquiry_reply(user=officer, enquiry=case, body="Answer")
    if action == "rate":
        services.enquiry_reply(user=officer, enquiry=case, body="Answer")
        services.enquiry_close(user=officer, enquiry=case, outcome="answered")
    return Enquiry.objects.get(pk=case.pk)


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


POST_DATA = {
    "accept": {},
    "reply": {"body": "An answer"},
    "wait": {"body": "Please send your permit number", "wait_for_resident": "on"},
    "note": {"body": "Internal"},
    "priority": {"priority": "high", "reason": "The resident travels next week"},
    "close": {"outcome": "answered", "note": "", "confirm": "on"},
}


def _effect(case, action):
    case = Enquiry.objects.get(pk=case.pk)
    if action == "accept":
        return case.status == "accepted"
    if action == "reply":
        return case.messages.filter(kind=Message.Kind.REPLY).exists()
    if action == "wait":
        return case.status == "waiting"
    if action == "note":
        return case.messages.filter(kind=Message.Kind.NOTE).exists()
    if action == "transfer":
        return case.transfers.exists()
    if action == "priority":
        changed = case.priority == "high" and case.priority_changes.exists()
        assert changed or case.priority == "normal"  # all or nothing
        return changed
    if action == "close":
        return case.status == "closed"
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(STAFF_ALLOWED))
def test_staff_actions_through_the_pages(action, role, make_case, users):
    case = _case_for(action, make_case, users)
    user = users[role]
    allowed = role in STAFF_ALLOWED[action]
    assert permissions.can_staff_act(user, case, action) is allowed
    client = _client(user)
    if action == "view":
        response = client.get(f"/en/enquiries/case/{case.reference}/")
        if role == "anonymous":
            assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
        else:
            assert response.status_code == (200 if allowed else 404)
        return
    url = f"/en/enquiries/case/{case.reference}/{'reply' if action == 'wait' else action}/"
    data = POST_DATA.get(action) or {
        "to_unit": str(case.assigned_unit.__class__.objects.get(ext_id=CQ_UNIT).pk),
        "reason": "Not ours",
    }
    response = client.post(url, data)
    assert _effect(case, action) is allowed
    if role == "anonymous":
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    elif role not in STAFF_ALLOWED["view"]:
        assert response.status_code == 404
    else:
        assert response.status_code == 302


API_CALLS = {
    "view": ("get", "", None),
    "accept": ("post", "/accept", {}),
    "reply": ("post", "/reply", {"body": "An answer"}),
    "wait": ("post", "/reply", {"body": "Need more", "wait_for_resident": True}),
    "note": ("post", "/notes", {"body": "Internal"}),
    "transfer": ("post", "/transfer", {"to_unit": CQ_UNIT, "reason": "Not ours"}),
    "priority": ("post", "/priority", {"priority": "high", "reason": "The resident travels next week"}),
    "close": ("post", "/close", {"outcome": "answered"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(API_CALLS))
def test_staff_actions_through_the_api(action, role, make_case, users):
    case = _case_for(action, make_case, users)
    user = users[role]
    allowed = role in STAFF_ALLOWED[action]
    headers = {}
    if user is not None:
        _token, raw = api_token_create(user=user, name="test")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    method, suffix, body = API_CALLS[action]
    client = Client()
    url = f"/api/v1/enquiries/{case.reference}{suffix}"
    if method == "get":
        response = client.get(url, **headers)
    else:
        response = client.post(url, body, content_type="application/json", **headers)
    if allowed:
        assert response.status_code == 200, response.content
        if action != "view":
            assert _effect(case, action)
    elif role == "anonymous":
        assert response.status_code == 401
    elif role in STAFF_ALLOWED["view"]:
        assert response.status_code == 403
        assert not _effect(case, action)
    else:
        assert response.status_code == 404
        if action != "view":
            assert not _effect(case, action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(RESIDENT_ALLOWED))
def test_resident_actions_without_the_link(action, role, make_case, users):
    case = _case_for(action, make_case, users)
    user = users[role]
    assert permissions.can_resident_act(user, case, None, action) is (role in RESIDENT_ALLOWED[action])
    # with the secret link anyone may (it is the resident's key)
    assert permissions.can_resident_act(user, case, case.token, action)
    assert not permissions.can_resident_act(user, case, case.token[:-1] + "x", action) or role == "owner"


@pytest.mark.parametrize("role", ROLES)
def test_my_enquiries_and_queue(role, make_case, users):
    case = make_case(user=users["owner"])
    client = _client(users[role])
    mine = client.get("/en/enquiries/mine/")
    if role == "anonymous":
        assert mine.status_code == 302
    else:
        assert (case.reference in mine.content.decode()) is (role == "owner")
    queue = client.get("/en/enquiries/queue/")
    if role == "anonymous":
        assert queue.status_code == 302
    elif role in ("owner", "other_resident"):
        assert queue.status_code == 403  # a staff page: refused, not hidden (docs/architecture.md)
    else:
        assert queue.status_code == 200
        assert (case.reference in queue.content.decode()) is (role in IN_QUEUE)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_personal_data(role, make_case, users):
    case = _case_for("reply", make_case, users)  # accepted by the unit officer
    assert permissions.can_see_personal_data(users[role], case) is (role in SEES_PERSONAL_DATA)


CANNED_EDITORS = {"secretariat", "admin"}
CANNED_READERS = {"unit_officer", "other_officer", "secretariat", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_canned_replies_are_kept_by_the_secretariat_and_read_by_officers(role, users, canned):
    from hkcq.enquiries.models import CannedReply

    client = _client(users[role])
    response = client.post(
        "/en/enquiries/canned/new/",
        {
            "title_0": "Permit renewal",
            "title_1": "",
            "title_2": "",
            "body_0": "See the entry.",
            "body_1": "請參閱條目。",
            "body_2": "",
            "is_active": "on",
        },
    )
    allowed = role in CANNED_EDITORS
    if role == "anonymous":
        assert response.status_code == 302
    elif not allowed:
        assert response.status_code == 403
    made = CannedReply.objects.filter(ext_id__isnull=True)  # not one of the loaded ones
    assert made.exists() is allowed
    if allowed:
        assert made.get().body.zh_hans == "请参阅条目。"

    loaded = canned["need-more-information"]
    listing = client.get("/zh-hant/enquiries/canned/")
    if role == "anonymous":
        assert listing.status_code == 302
    elif role not in CANNED_READERS:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200
        html = listing.content.decode()
        assert "需要更多資料" in html  # the loaded ones, in the page's language
        assert (f"/zh-hant/enquiries/canned/{loaded.pk}/" in html) is allowed  # edit links
        assert ("/zh-hant/enquiries/canned/new/" in html) is allowed
    edit = client.get(f"/en/enquiries/canned/{loaded.pk}/")
    assert edit.status_code == (302 if role == "anonymous" else 200 if allowed else 403)


# Writing a reply without sending it (adding a canned reply, finding entries to cite): the
# case's officer only, once they have accepted it, like replying.
@pytest.mark.parametrize("role", ROLES)
def test_preparing_a_reply(role, make_case, users, canned, citable):
    case = _case_for("reply", make_case, users)
    client = _client(users[role])
    draft = client.post(
        f"/en/enquiries/case/{case.reference}/draft/",
        {"body": "Dear resident,", "step": "canned", "canned": str(canned["looking-into-it"].pk)},
    )
    search = client.get(f"/en/enquiries/case/{case.reference}/citations/", {"cite_q": "Home Return Permit"})
    allowed = role == "unit_officer"
    if role == "anonymous":
        assert draft.status_code == search.status_code == 302
    elif allowed:
        assert draft.status_code == search.status_code == 200
        assert "Dear resident,\n\nThank you for your enquiry." in draft.content.decode()
        assert f'value="{PERMIT_RENEWAL}"' in search.content.decode()
    elif role in STAFF_ALLOWED["view"]:
        # the secretariat sees the case but does not answer it
        assert draft.status_code == 302 and draft["Location"] == f"/en/enquiries/case/{case.reference}/"
        assert search.status_code == 403
    else:
        assert draft.status_code == search.status_code == 404
    assert not case.messages.filter(kind=Message.Kind.REPLY).exists()  # nothing is ever sent


def test_api_queue_is_empty_for_non_staff(make_case, users):
    make_case()
    assert Client().get("/api/v1/enquiries").status_code == 401  # declared as signed-in only, and so it is
    _t, raw = api_token_create(user=users["owner"], name="t")
    assert Client().get("/api/v1/enquiries", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"] == []
    _t, raw = api_token_create(user=users["unit_officer"], name="t")
    assert len(Client().get("/api/v1/enquiries", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"]) == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("lang", "label"), [("en", "Enquiries"), ("zh-hant", "查詢個案"), ("zh-hans", "咨询个案")])
def test_staff_find_the_queue_in_the_main_navigation_and_the_secretariat_the_gaps(role, lang, label, users):
    html = _client(users[role]).get(f"/{lang}/areas/").content.decode()
    nav = html.split('id="main-nav"')[1].split("</ul>")[0]
    account = html.split("</form>", 1)[1].split("<main")[0]  # the bar below: after the search form
    staff = role in IN_QUEUE | {"other_officer"}
    assert (f'href="/{lang}/enquiries/queue/">{label}</a>' in nav) is staff
    assert (f'href="/{lang}/help/gaps/"' in account) is (role in {"secretariat", "admin"})
    if staff:
        queue = _client(users[role]).get(f"/{lang}/enquiries/queue/").content.decode()
        assert f'href="/{lang}/enquiries/canned/"' in queue
        assert (f'href="/{lang}/help/gaps/"' in queue.split("<main")[1]) is (role in {"secretariat", "admin"})
