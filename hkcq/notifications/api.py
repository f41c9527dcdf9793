"""Notifications API: a signed-in user reads and marks their own notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import ErrorOut
from hkcq.core.errors import NotFound
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.notifications import selectors, services
from hkcq.notifications.models import Notification

router = Router(tags=["notifications"])


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


@router.get(
    "/notifications", response=list[NotificationOut], auth=STAFF_AUTH, summary="Your notifications, newest first"
)
@paginate(LimitOffsetPagination)
def list_notifications(request: AuthedRequest, unread: bool = False) -> Any:
    return selectors.notification_list(user=request.auth, unread_only=unread)


class ReadAllOut(Schema):
    marked: int


@router.post(
    "/notifications/read-all",
    response={200: ReadAllOut, 401: ErrorOut},
    auth=STAFF_AUTH,
    summary="Mark all your notifications as read",
)
def read_all_notifications(request: AuthedRequest) -> dict[str, Any]:
    return {"marked": services.notification_mark_all_read(user=request.auth)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, 401: ErrorOut, 404: ErrorOut},
    auth=STAFF_AUTH,
    summary="Mark one of your notifications as read",
)
def read_notification(request: AuthedRequest, notification_id: int) -> Notification:
    notification = services.notification_mark_read(user=request.auth, notification_id=notification_id)
    if notification is None:
        raise NotFound()
    return notification
