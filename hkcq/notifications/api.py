"""Notifications API: a signed-in user reads and marks their own notifications; the secretariat
reads the outbox and sends failed e-mails again."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.core.api import ERRORS, ErrorOut, Mapped
from hkcq.core.errors import InvalidInput, NotFound
from hkcq.core.outbox import email_resend
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.notifications import permissions, selectors, services
from hkcq.notifications.models import Notification
from hkcq.notifications.schemas import NotificationOut, OutgoingEmailOut, ReadAllOut, ResendIn, ResendOut

router = Router(tags=["notifications"])


@router.get(
    "/notifications", response=list[NotificationOut], auth=STAFF_AUTH, summary="Your notifications, newest first"
)
@paginate(LimitOffsetPagination)
def list_notifications(request: AuthedRequest, unread: bool = False) -> Any:
    return selectors.notification_list(user=request.auth, unread_only=unread)


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


@router.get(
    "/outgoing-emails",
    response={200: list[OutgoingEmailOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="The outbox: e-mails that failed, are waiting, or were sent (show=failed|waiting|sent)",
)
@paginate(LimitOffsetPagination)
def list_outgoing_emails(
    request: AuthedRequest,
    show: str = Query("failed", pattern=f"^(?:{'|'.join(selectors.OUTGOING_VIEWS)})$"),
) -> Mapped:
    require(permissions.can_manage_outgoing_email(request.auth))
    if show not in selectors.OUTGOING_VIEWS:
        raise InvalidInput(details={"show": [_("Choose failed, waiting or sent.")]})
    return Mapped(selectors.outgoing_email_list(view=show), OutgoingEmailOut.of)


@router.post(
    "/outgoing-emails/resend",
    response={200: ResendOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Send failed e-mails again (each once more, with a fresh set of attempts)",
)
def resend_outgoing_emails(request: AuthedRequest, payload: ResendIn) -> dict[str, Any]:
    require(permissions.can_manage_outgoing_email(request.auth))
    ids = payload.ids
    if payload.all:
        ids = list(selectors.outgoing_email_list(view="failed").values_list("pk", flat=True))
    return {"queued": email_resend(message_ids=ids)}
