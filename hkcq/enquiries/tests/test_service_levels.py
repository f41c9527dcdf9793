"""The service levels' pages (under /calendars/, where they always were), their rules and who
may change them."""

import pytest
from django.test import Client

from hkcq.core.errors import InvalidInput
from hkcq.enquiries import service_levels
from hkcq.enquiries.models import SlaPolicy


def client_for(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_pages_render_in_each_language(secretariat_hk, lang):
    assert client_for().get(f"/{lang}/calendars/service-levels/").status_code == 200
    staff = client_for(secretariat_hk)
    for url in (
        f"/{lang}/calendars/service-levels/",
        f"/{lang}/calendars/service-levels/new/",
        f"/{lang}/calendars/service-levels/normal/edit/",
    ):
        assert staff.get(url).status_code == 200, url


def test_secretariat_edits_a_service_level(secretariat_cq):
    staff = client_for(secretariat_cq)
    r = staff.post(
        "/en/calendars/service-levels/normal/edit/",
        {
            "code": "ignored",
            "name_0": "Normal",
            "name_1": "普通",
            "name_2": "",
            "position": 1,
            "ack_days": "1.5",
            "reply_days": "8",
            "is_default": "on",
        },
    )
    assert r.status_code == 302
    normal = SlaPolicy.objects.get(code="normal")
    assert (float(normal.ack_days), float(normal.reply_days), normal.name.zh_hans) == (1.5, 8.0, "普通")
    # The acknowledgement cannot come after the reply; nothing is saved.
    r = staff.post(
        "/en/calendars/service-levels/normal/edit/",
        {
            "name_0": "Normal",
            "name_1": "",
            "name_2": "",
            "position": 1,
            "ack_days": "9",
            "reply_days": "3",
            "is_default": "on",
        },
    )
    assert r.status_code == 200 and "cannot be due after the reply" in r.content.decode()
    assert float(SlaPolicy.objects.get(code="normal").reply_days) == 8.0
    # A new default priority takes over from the old one; there is always exactly one.
    r = staff.post(
        "/en/calendars/service-levels/new/",
        {
            "code": "complex",
            "name_0": "Complex",
            "name_1": "複雜",
            "name_2": "",
            "position": 3,
            "ack_days": "2",
            "reply_days": "20",
            "is_default": "on",
        },
    )
    assert r.status_code == 302
    assert list(SlaPolicy.objects.filter(is_default=True).values_list("code", flat=True)) == ["complex"]
    with pytest.raises(InvalidInput):
        service_levels.sla_policy_update(
            user=secretariat_cq, policy=SlaPolicy.objects.get(code="complex"), data={"is_default": False}
        )
    assert SlaPolicy.objects.get(code="complex").is_default


ROLES = ["public", "resident", "officer_hk", "secretariat_hk", "secretariat_cq", "admin"]
# action → roles allowed
MATRIX = {
    "view_service_levels": set(ROLES),
    "edit_service_level": {"secretariat_hk", "secretariat_cq", "admin"},
    "add_service_level": {"secretariat_hk", "secretariat_cq", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_authorization_matrix(db, request, role, action):
    user = None if role == "public" else request.getfixturevalue("admin_user" if role == "admin" else role)
    c = client_for(user)
    sla = {"name_0": "X", "name_1": "", "name_2": "", "position": 5, "ack_days": "1", "reply_days": "2"}
    requests = {
        "view_service_levels": lambda: c.get("/en/calendars/service-levels/"),
        "edit_service_level": lambda: c.post("/en/calendars/service-levels/high/edit/", sla),
        "add_service_level": lambda: c.post("/en/calendars/service-levels/new/", {**sla, "code": "x"}),
    }
    before = (SlaPolicy.objects.count(), SlaPolicy.objects.get(code="high").name)
    r = requests[action]()
    after = (SlaPolicy.objects.count(), SlaPolicy.objects.get(code="high").name)
    if action.startswith("view"):
        assert r.status_code == 200
        return
    if role in MATRIX[action]:
        assert r.status_code == 302 and "sign-in" not in r["Location"], r
        assert before != after
    else:
        assert r.status_code == (302 if user is None else 403), (action, role)
        if user is None:
            assert "sign-in" in r["Location"]
        assert before == after
