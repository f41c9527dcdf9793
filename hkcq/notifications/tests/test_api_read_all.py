"""Mark all one's notifications as read through the API, as the list page's button does."""

from __future__ import annotations

import pytest

from hkcq.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _note(user, title):
    return Notification.objects.create(recipient=user, title=title, body="", url="")


def test_read_all_marks_only_ones_own(client, officer_hk, resident):
    mine = [_note(officer_hk, "one"), _note(officer_hk, "two")]
    theirs = _note(resident, "theirs")
    assert client.post("/api/v1/notifications/read-all").status_code == 401
    client.force_login(officer_hk)
    response = client.post("/api/v1/notifications/read-all")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}
