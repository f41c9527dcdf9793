"""The status scale, its settings and the roll-up weights through the API: anyone reads them, the
secretariat (either side) changes them; a refusal or bad input changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from hkcq.accounts.services import api_token_create
from hkcq.accounts.tests.factories import OfficerFactory, SecretariatFactory, UserFactory
from hkcq.core.choices import Role, Side
from hkcq.progress.models import MeasureWeight, ProgressSettings, Status
from hkcq.progress.tests.factories import StatusFactory
from hkcq.registry.tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    _token, raw = api_token_create(user=user, name="scale test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_secretariat_adds_and_changes_a_status():
    staff = bearer(SecretariatFactory(side=Side.CHONGQING))
    created = staff.post(
        "/api/v1/progress/statuses",
        {"key": "paused-test", "name": {"zh_hans": "暂停"}, "position": 45, "default_percent": None},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["name"]["zh_hant"] == "暫停"  # the other script filled
    changed = staff.patch(
        "/api/v1/progress/statuses/paused-test", {"is_active": False}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    one = Client().get("/api/v1/progress/statuses/paused-test").json()
    assert one["key"] == "paused-test" and one["position"] == 45
    listed = Client().get("/api/v1/progress/statuses?limit=1000").json()
    assert "paused-test" in {s["key"] for s in listed["items"]} and listed["count"] == Status.objects.count()


def test_bad_statuses_are_refused_and_change_nothing():
    StatusFactory.create(key="taken-test")
    staff = bearer(SecretariatFactory())
    before = Status.objects.count()
    for body in (
        {"key": "taken-test", "name": {"en": "Again"}},  # the key is taken
        {"key": "new-test", "name": {}},  # no language
        {"key": "new-test", "name": {"en": "x"}, "default_percent": 101},
        {"key": "has space", "name": {"en": "x"}},
    ):
        response = staff.post("/api/v1/progress/statuses", body, content_type="application/json")
        assert response.status_code == 422, (body, response.content)
    assert (
        staff.patch("/api/v1/progress/statuses/taken-test", {"name": None}, content_type="application/json").status_code
        == 422
    )
    assert (
        staff.patch("/api/v1/progress/statuses/nope", {"position": 1}, content_type="application/json").status_code
        == 404
    )
    assert Status.objects.count() == before


def test_settings_and_weights_through_the_api():
    staff = bearer(SecretariatFactory())
    measure = MeasureFactory()
    assert Client().get(f"/api/v1/progress/weights/{measure.ext_id}").json()["weight"] in ("1", 1, "1.00")
    changed = staff.put(
        f"/api/v1/progress/weights/{measure.ext_id}", {"weight": "2.5"}, content_type="application/json"
    )
    assert changed.status_code == 200 and Decimal(changed.json()["weight"]) == Decimal("2.5")
    assert MeasureWeight.objects.get(measure=measure).weight == Decimal("2.5")
    assert (
        staff.put(
            f"/api/v1/progress/weights/{measure.ext_id}", {"weight": "-1"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert MeasureWeight.objects.get(measure=measure).weight == Decimal("2.5")
    settings = staff.patch("/api/v1/progress/settings", {"stale_after_days": 60}, content_type="application/json")
    assert settings.status_code == 200, settings.content
    assert Client().get("/api/v1/progress/settings").json()["stale_after_days"] == 60
    method = ProgressSettings.load().rollup_method
    assert (
        staff.patch("/api/v1/progress/settings", {"stale_after_days": 0}, content_type="application/json").status_code
        == 422
    )
    assert (
        staff.patch(
            "/api/v1/progress/settings", {"rollup_method": "median"}, content_type="application/json"
        ).status_code
        == 422
    )
    current = ProgressSettings.load()
    assert (current.stale_after_days, current.rollup_method) == (60, method)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), (lambda: UserFactory(role=Role.RESIDENT), 403), (lambda: OfficerFactory(), 403)],
)
def test_who_may_not_change_the_scale_changes_nothing(who, status):
    existing = StatusFactory.create(key="kept-test", position=7)
    measure = MeasureFactory()
    client = bearer(who()) if who else Client()
    before = (Status.objects.count(), ProgressSettings.load().stale_after_days)
    calls = (
        client.post("/api/v1/progress/statuses", {"key": "x", "name": {"en": "x"}}, content_type="application/json"),
        client.patch("/api/v1/progress/statuses/kept-test", {"position": 1}, content_type="application/json"),
        client.patch("/api/v1/progress/settings", {"stale_after_days": 5}, content_type="application/json"),
        client.put(f"/api/v1/progress/weights/{measure.ext_id}", {"weight": "3"}, content_type="application/json"),
    )
    assert [c.status_code for c in calls] == [status] * 4
    existing.refresh_from_db()
    assert (Status.objects.count(), ProgressSettings.load().stale_after_days) == before and existing.position == 7
    assert not MeasureWeight.objects.filter(measure=measure).exists()


def test_a_weight_is_a_string_of_the_stated_digits():
    """The document allowed any string or number for a weight (schemathesis): now a string of
    at most two decimals below 10,000, and nothing else."""
    measure = MeasureFactory()
    staff = bearer(SecretariatFactory(side=Side.HONG_KONG))
    url = f"/api/v1/progress/weights/{measure.ext_id}"
    for wrong in (2.5, "2.555", "1e2", "10000", "02"):
        assert staff.put(url, {"weight": wrong}, content_type="application/json").status_code == 422, wrong
    assert not MeasureWeight.objects.filter(measure=measure).exists()
    assert staff.put(url, {"weight": "9999.99"}, content_type="application/json").status_code == 200
    assert MeasureWeight.objects.get(measure=measure).weight == Decimal("9999.99")
