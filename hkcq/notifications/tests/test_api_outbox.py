"""The outbox through the API: the secretariat lists failed, waiting and sent e-mails and sends
failed ones again (each once); nobody else reads or changes it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from hkcq.accounts.services import api_token_create
from hkcq.accounts.tests.factories import OfficerFactory, SecretariatFactory, UserFactory
from hkcq.core.choices import Role
from hkcq.core.models import OutgoingEmail
from hkcq.core.tests.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    _token, raw = api_token_create(user=user, name="outbox")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def failed() -> OutgoingEmail:
    return OutgoingEmailFactory.create(
        state=OutgoingEmail.State.FAILED, attempts=10, last_error="Connection refused", next_attempt_at=timezone.now()
    )


def test_the_secretariat_lists_the_outbox_and_sends_failed_emails_again(mailoutbox, django_capture_on_commit_callbacks):
    one, two = failed(), failed()
    staff = bearer(SecretariatFactory())
    listed = staff.get("/api/v1/outgoing-emails?show=failed").json()
    assert {one.pk, two.pk} <= {m["id"] for m in listed["items"]}
    row = next(m for m in listed["items"] if m["id"] == one.pk)
    assert (
        row["state"] == "failed" and row["attempts"] == 10 and row["to"] and "Connection refused" in row["last_error"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        queued = staff.post("/api/v1/outgoing-emails/resend", {"ids": [one.pk]}, content_type="application/json")
    assert queued.json() == {"queued": 1}
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.state == OutgoingEmail.State.SENT and two.state == OutgoingEmail.State.FAILED
    assert len(mailoutbox) == 1
    # Sent ones are not sent again.
    again = staff.post("/api/v1/outgoing-emails/resend", {"ids": [one.pk]}, content_type="application/json")
    assert again.json() == {"queued": 0}
    assert one.pk in {m["id"] for m in staff.get("/api/v1/outgoing-emails?show=sent").json()["items"]}
    with django_capture_on_commit_callbacks(execute=True):
        everything = staff.post("/api/v1/outgoing-emails/resend", {"all": True}, content_type="application/json")
    assert everything.json()["queued"] >= 1 and len(mailoutbox) >= 2
    assert staff.get("/api/v1/outgoing-emails?show=everything").status_code == 422


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), (lambda: UserFactory(role=Role.RESIDENT), 403), (lambda: OfficerFactory(), 403)]
)
def test_nobody_else_reads_or_resends(who, status, mailoutbox):
    message = failed()
    client = bearer(who()) if who else Client()
    assert client.get("/api/v1/outgoing-emails").status_code == status
    assert (
        client.post("/api/v1/outgoing-emails/resend", {"all": True}, content_type="application/json").status_code
        == status
    )
    message.refresh_from_db()
    assert message.state == OutgoingEmail.State.FAILED and mailoutbox == []
