from __future__ import annotations

from django.db.models import Count, QuerySet

from hkcq.accounts.models import User
from hkcq.accounts.types import Viewer
from hkcq.core.models import OutgoingEmail
from hkcq.notifications.models import Notification


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created", "-id")


def unread_count(user: Viewer) -> int:
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


OUTGOING_VIEWS = ("failed", "waiting", "sent")


def outgoing_email_list(*, view: str) -> QuerySet[OutgoingEmail]:
    """The outbox as the secretariat reads it: ``failed``, ``waiting`` (not sent yet: due, being
    sent, or waiting for a retry) or ``sent`` (most recent first)."""
    State = OutgoingEmail.State
    states = {"failed": [State.FAILED], "waiting": [State.PENDING, State.SENDING], "sent": [State.SENT]}[view]
    return OutgoingEmail.objects.filter(state__in=states).defer("body", "html").order_by("-created", "-id")


def outgoing_email_counts() -> dict[str, int]:
    State = OutgoingEmail.State
    rows = OutgoingEmail.objects.filter(state__in=[State.FAILED, State.PENDING, State.SENDING])
    counts = {"failed": 0, "waiting": 0}
    for state, count in rows.values_list("state").annotate(n=Count("id")).values_list("state", "n"):
        counts["failed" if state == State.FAILED else "waiting"] += count
    return counts
