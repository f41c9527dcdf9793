"""The notifications API's request and response schemas (``api.py`` declares the operations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from hkcq.core.api import Flag, RowId
from hkcq.core.models import OutgoingEmail
from hkcq.notifications.models import Notification


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created: dt.datetime
    read_at: dt.datetime | None

    # The text in the reader's language (the request's), not the one it was sent in.
    @staticmethod
    def resolve_title(n: Notification) -> str:
        return str(n.shown().title)

    @staticmethod
    def resolve_body(n: Notification) -> str:
        return str(n.shown().body)

    @staticmethod
    def resolve_url(n: Notification) -> str:
        return str(n.shown().url)


class ReadAllOut(Schema):
    marked: int


# -- the outbox (the secretariat and administrators) --------------------------------------------
class OutgoingEmailOut(Schema):
    id: int
    created: dt.datetime
    to: list[str]
    subject: str
    language: str
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    last_error: str

    @staticmethod
    def of(m: OutgoingEmail) -> dict[str, Any]:
        return {
            "id": m.pk,
            "created": m.created,
            "to": list(m.to or []),
            "subject": m.subject,
            "language": m.language,
            "state": m.state,
            "attempts": m.attempts,
            "next_attempt_at": m.next_attempt_at if m.state == OutgoingEmail.State.PENDING else None,
            "sent_at": m.sent_at,
            "last_error": m.last_error[:500],
        }


class ResendIn(Schema):
    ids: list[RowId] = Field(default_factory=list, description="Failed e-mails to send again")
    all: Flag = Field(False, description="Send every failed e-mail again")


class ResendOut(Schema):
    queued: int
