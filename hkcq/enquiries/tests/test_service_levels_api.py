"""The service levels' and unit supervisors' API: anyone reads the service levels; the
secretariat changes them; the secretariat of a unit's side names its supervisors. A refusal or
bad input changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from hkcq.accounts.services import api_token_create
from hkcq.accounts.tests.factories import OfficerFactory, SecretariatFactory, UserFactory
from hkcq.core.choices import Role, Side
from hkcq.enquiries.models import SlaPolicy, UnitSupervisor
from hkcq.enquiries.tests.factories import SlaPolicyFactory, UnitSupervisorFactory
from hkcq.registry.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

HK, CQ = Side.HONG_KONG.value, Side.CHONGQING.value


def bearer(user) -> Client:
    _token, raw = api_token_create(user=user, name="service level test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_anyone_reads_the_service_levels():
    SlaPolicyFactory(code="urgent-test", ack_days=Decimal("0.5"), reply_days=Decimal("2"), is_default=True)
    body = Client().get("/api/v1/service-levels").json()
    assert set(body) == {"items", "count"}
    urgent = next(p for p in body["items"] if p["code"] == "urgent-test")
    assert Decimal(urgent["ack_days"]) == Decimal("0.5") and urgent["is_default"] is True
    assert Client().get("/api/v1/service-levels/urgent-test").json()["code"] == "urgent-test"
    assert Client().get("/api/v1/service-levels/nope").json()["error"]["code"] == "not_found"


def test_the_secretariat_adds_and_changes_a_service_level():
    SlaPolicyFactory(code="normal-test", is_default=True)
    staff = bearer(SecretariatFactory(side=CQ))
    created = staff.post(
        "/api/v1/service-levels",
        {"code": "complex", "name": {"en": "Complex"}, "ack_days": "2", "reply_days": "20"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    changed = staff.patch("/api/v1/service-levels/complex", {"reply_days": "15"}, content_type="application/json")
    assert changed.status_code == 200 and Decimal(changed.json()["reply_days"]) == Decimal("15")
    assert SlaPolicy.objects.get(code="complex").history.count() == 2


def test_bad_service_levels_are_refused_and_change_nothing():
    SlaPolicy.objects.update(is_default=False)  # this one is the only default
    SlaPolicyFactory(code="normal-test", is_default=True, ack_days=Decimal("1"), reply_days=Decimal("10"))
    staff = bearer(SecretariatFactory(side=HK))
    before = SlaPolicy.objects.count()
    after_reply = staff.post(
        "/api/v1/service-levels",
        {"code": "odd", "name": {"en": "Odd"}, "ack_days": "9", "reply_days": "3"},
        content_type="application/json",
    )
    assert after_reply.status_code == 422 and "ack_days" in after_reply.json()["error"]["details"]
    taken = staff.post(
        "/api/v1/service-levels",
        {"code": "normal-test", "name": {"en": "Again"}, "ack_days": "1", "reply_days": "3"},
        content_type="application/json",
    )
    assert taken.status_code == 409 and "code" in taken.json()["error"]["details"]
    too_long = staff.post(
        "/api/v1/service-levels",
        {"code": "slow", "name": {"en": "Slow"}, "ack_days": "1", "reply_days": "400"},
        content_type="application/json",
    )
    assert too_long.status_code == 422
    no_default = staff.patch(
        "/api/v1/service-levels/normal-test", {"is_default": False}, content_type="application/json"
    )
    assert no_default.status_code == 409
    assert SlaPolicy.objects.count() == before and SlaPolicy.objects.get(code="normal-test").is_default


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), (lambda: UserFactory(role=Role.RESIDENT), 403), (lambda: OfficerFactory(side=HK), 403)],
)
def test_who_may_not_change_service_levels_changes_nothing(who, status):
    SlaPolicyFactory(code="normal-test", is_default=True, reply_days=Decimal("10"))
    before = SlaPolicy.objects.count()
    client = bearer(who()) if who else Client()
    body = {"code": "x", "name": {"en": "X"}, "ack_days": "1", "reply_days": "2"}
    assert client.post("/api/v1/service-levels", body, content_type="application/json").status_code == status
    assert (
        client.patch(
            "/api/v1/service-levels/normal-test", {"reply_days": "3"}, content_type="application/json"
        ).status_code
        == status
    )
    assert SlaPolicy.objects.count() == before and SlaPolicy.objects.get(code="normal-test").reply_days == Decimal("10")


def test_the_secretariat_of_the_units_side_names_and_removes_its_supervisors():
    unit = UnitFactory.create(side=HK)
    officer = OfficerFactory(side=HK)
    unit.members.add(officer)
    staff = bearer(SecretariatFactory(side=HK))
    added = staff.post(
        f"/api/v1/units/{unit.ext_id}/supervisors", {"user": officer.username}, content_type="application/json"
    )
    assert added.status_code == 201, added.content
    listed = staff.get(f"/api/v1/units/{unit.ext_id}/supervisors").json()
    assert listed["count"] == 1 and listed["items"][0]["user"] == officer.username
    assert staff.delete(f"/api/v1/units/{unit.ext_id}/supervisors/{officer.username}").status_code == 204
    assert not UnitSupervisor.objects.exists()


def test_supervisor_refusals_change_nothing():
    unit = UnitFactory.create(side=HK)
    member, outsider = OfficerFactory(side=HK), OfficerFactory(side=HK)
    unit.members.add(member)
    record = UnitSupervisorFactory(unit=unit, user=member)
    url = f"/api/v1/units/{unit.ext_id}/supervisors"
    other_side = bearer(SecretariatFactory(side=CQ))
    assert other_side.get(url).json()["count"] == 1  # the other side's secretariat reads them
    assert other_side.post(url, {"user": member.username}, content_type="application/json").status_code == 403
    assert other_side.delete(f"{url}/{member.username}").status_code == 403
    assert bearer(member).delete(f"{url}/{member.username}").status_code == 403
    staff = bearer(SecretariatFactory(side=HK))
    not_in_unit = staff.post(url, {"user": outsider.username}, content_type="application/json")
    assert not_in_unit.status_code == 422 and "user" in not_in_unit.json()["error"]["details"]
    assert staff.post(url, {"user": "nobody"}, content_type="application/json").status_code == 422
    assert staff.get("/api/v1/units/no-such-unit/supervisors").status_code == 404
    assert list(UnitSupervisor.objects.all()) == [record]


def test_days_are_taken_exactly_as_the_document_states_them():
    """The document allowed any string for the days (schemathesis): now a string of the stated
    digits, and nothing else (a JSON number would be a binary float)."""
    SlaPolicyFactory(code="normal-test", is_default=True)
    staff = bearer(SecretariatFactory(side=HK))
    body = {"code": "exact", "name": {"en": "Exact"}, "ack_days": "0.25", "reply_days": "12.5"}
    for wrong in ({"ack_days": 0.5}, {"reply_days": "12.555"}, {"reply_days": "1e1"}, {"ack_days": "0.2"}):
        refused = staff.post("/api/v1/service-levels", {**body, **wrong}, content_type="application/json")
        assert refused.status_code == 422, wrong
    created = staff.post("/api/v1/service-levels", body, content_type="application/json")
    assert created.status_code == 201 and SlaPolicy.objects.get(code="exact").reply_days == Decimal("12.5")


def test_an_acknowledgement_due_after_the_reply_is_a_combination_refused():
    SlaPolicyFactory(code="normal-test", is_default=True, ack_days=Decimal("1"), reply_days=Decimal("10"))
    staff = bearer(SecretariatFactory(side=HK))
    response = staff.patch("/api/v1/service-levels/normal-test", {"ack_days": "11"}, content_type="application/json")
    assert response.status_code == 422
    assert (
        response.json()["error"]["code"] == "invalid_combination" and "ack_days" in response.json()["error"]["details"]
    )
