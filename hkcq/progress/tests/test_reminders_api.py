"""Staleness reminders (one digest per unit per day, in the unit's language) and the API."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hkcq.accounts.services import api_token_create
from hkcq.notifications.models import Notification
from hkcq.progress import selectors, services
from hkcq.progress.models import ProgressSettings, ProgressUpdate, ReminderLog, UnitLanguage
from hkcq.registry.models import Area

from .test_workflow import make


def test_stale_measures_follow_the_settings_and_the_cycle(officer_cq, measure, status):
    stale = {(r.measure.ext_id, r.side) for r in selectors.stale_measures()}
    assert (measure.ext_id, "chongqing") in stale and (measure.ext_id, "hong_kong") in stale
    update = make(measure, officer_cq, status, state="submitted")
    stale = {(r.measure.ext_id, r.side) for r in selectors.stale_measures()}
    assert (measure.ext_id, "chongqing") not in stale and (measure.ext_id, "hong_kong") in stale
    # Older than N days counts as stale again.
    ProgressUpdate.objects.filter(pk=update.pk).update(submitted_at=timezone.now() - timedelta(days=40))
    settings = ProgressSettings.load()
    settings.stale_after_days = 30
    settings.save()
    assert (measure.ext_id, "chongqing") in {(r.measure.ext_id, r.side) for r in selectors.stale_measures()}


def test_one_digest_per_unit_per_day_in_the_units_language(
    officer_cq, officer_hk, measure, mailoutbox, django_capture_on_commit_callbacks
):
    cq_unit = measure.lead_unit_cq  # officer_cq's unit, which has a stale measure
    officer_cq.preferred_language = "en"  # the unit's language wins over the member's own
    officer_cq.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_stale_reminders", stdout=io.StringIO())
    to_cq = [m for m in mailoutbox if officer_cq.email in m.to]
    assert len(to_cq) == 1
    assert "需要" in to_cq[0].subject or "进度" in to_cq[0].subject  # Simplified Chinese for a Chongqing unit
    assert ReminderLog.objects.filter(unit=cq_unit).count() == 1
    assert Notification.objects.filter(recipient=officer_cq).count() == 1
    sent_before = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.stale_reminders_send()
    assert again == []
    assert len(mailoutbox) == sent_before
    assert Notification.objects.filter(recipient=officer_cq).count() == 1
    # The next day the unit is reminded again.
    with django_capture_on_commit_callbacks(execute=True):
        later = services.stale_reminders_send(now=timezone.now() + timedelta(days=1))
    assert cq_unit.id in {log.unit_id for log in later}


def test_unit_language_can_be_set(officer_hk, measure, mailoutbox, django_capture_on_commit_callbacks):
    # Reminders go to the lead unit of a side (supporting units only where there is no lead).
    unit = measure.lead_unit_hk  # officer_hk's unit
    UnitLanguage.objects.create(unit=unit, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.stale_reminders_send()
    to_hk = [m for m in mailoutbox if officer_hk.email in m.to]
    assert [m.subject for m in to_hk] == [f"{unit.name.en}: 1 measure needs a progress update"]  # in English


def _bearer(user):
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_workflow_operations(client, officer_hk, secretariat_hk, secretariat_cq, resident, measure):
    created = client.post(
        "/api/v1/progress/work",
        {
            "measure": measure.ext_id,
            "status": "in_progress",
            "percent": 35,
            "public_narrative": {"zh_hant": "進展順利"},
        },
        content_type="application/json",
        **_bearer(officer_hk),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["public_narrative"]["zh_hans"] == "进展顺利"
    uid = body["id"]
    assert (
        client.post(
            "/api/v1/progress/work", {"measure": measure.ext_id, "status": "x"}, content_type="application/json"
        ).status_code
        == 401
    )
    refused = client.post(f"/api/v1/progress/work/{uid}/publish", **_bearer(secretariat_hk))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    bad = client.patch(
        f"/api/v1/progress/work/{uid}", {"percent": 101}, content_type="application/json", **_bearer(officer_hk)
    )
    assert bad.status_code == 422
    assert client.post(f"/api/v1/progress/work/{uid}/submit", **_bearer(officer_hk)).json()["state"] == "submitted"
    assert (
        client.post(
            f"/api/v1/progress/work/{uid}/return",
            {"reason": ""},
            content_type="application/json",
            **_bearer(secretariat_cq),
        ).status_code
        == 422
    )
    queue = client.get("/api/v1/progress/work?queue=to_confirm", **_bearer(secretariat_cq)).json()
    assert [u["id"] for u in queue["items"]] == [uid]
    assert (
        client.post(
            f"/api/v1/progress/work/{uid}/confirm",
            {"note": ""},
            content_type="application/json",
            **_bearer(secretariat_cq),
        ).json()["state"]
        == "confirmed"
    )
    assert client.get("/api/v1/progress/updates").json()["items"] == []
    assert client.post(f"/api/v1/progress/work/{uid}/publish", **_bearer(secretariat_hk)).json()["state"] == "published"
    public = client.get(f"/api/v1/progress/updates?measure={measure.ext_id}").json()["items"]
    assert [u["id"] for u in public] == [uid] and public[0]["internal_narrative"] is None
    progress = client.get(f"/api/v1/progress/measures/{measure.ext_id}").json()
    assert progress["percent_hk"] == "35.00" or float(progress["percent_hk"]) == 35
    assert progress["status_hk"] == "in_progress" and progress["disagreement"] is False
    rollups = client.get("/api/v1/progress/rollups").json()["items"]
    assert rollups[0]["level"] == "mechanism" and len(rollups) == 1 + Area.objects.count()
    assert client.get(f"/api/v1/progress/work/{uid}", **_bearer(resident)).status_code == 200  # published: visible
    statuses = client.get("/api/v1/progress/statuses").json()["items"]
    assert [s["key"] for s in statuses][:2] == ["on_hold", "not_started"]


def test_api_hides_unpublished_updates_from_others(client, officer_hk, resident, measure, status):
    update = services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 5})
    assert client.get(f"/api/v1/progress/work/{update.pk}", **_bearer(resident)).status_code == 404


@pytest.mark.django_db
def test_openapi_lists_the_progress_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/progress/work",
        "/api/v1/progress/work/{update_id}/submit",
        "/api/v1/progress/work/{update_id}/confirm",
        "/api/v1/progress/work/{update_id}/return",
        "/api/v1/progress/work/{update_id}/publish",
        "/api/v1/progress/updates",
        "/api/v1/progress/rollups",
    ):
        assert path in paths, path
