"""Escalation of late enquiries to the unit's supervisors and the secretariat.

Run periodically by ``manage.py escalate_enquiries``. A deadline is late when it has passed and
the step it stands for has not happened: no acknowledgement (``acknowledged_at``) by
``acknowledge_due``; no first reply (``first_reply_at``) by ``reply_due`` while the clock is not
paused. Each (case, kind, deadline) is escalated once, recorded as an ``Escalation`` row under a
unique constraint, so running the job again — or two runs at once — tells nobody twice; a
deadline that moves on (after a pause) and is missed again is escalated again.

Who is told, each in their preferred language, by an in-application notification and its
e-mail copy (``hkcq.notifications``; people without an e-mail address get the notification
only): the supervisors of the case's unit (officers of the unit marked as supervisors; when the
unit has none, all its officers, so that someone is), and the secretariat of the unit's side
(both sides when the case has no unit yet). The question is masked: recipients other than the
assigned officer never see personal identifiers. The ``Escalation`` row keeps who was told; the
staff case page shows it (the resident's tracking page never does).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from hkcq.accounts.models import User
from hkcq.core.choices import Role
from hkcq.core.text import mask_personal_data
from hkcq.enquiries.models import Enquiry, Escalation
from hkcq.notifications.services import notify
from hkcq.registry.models import Unit

logger = logging.getLogger("hkcq.escalation")


TEMPLATE = "enquiries/email/escalation"


@dataclass
class EscalationReport:
    escalated: int = 0
    notifications: int = 0
    messages: int = 0  # e-mails queued
    already: int = 0

    def summary(self) -> str:
        return (
            f"Escalated {self.escalated} late deadline(s): {self.notifications} notification(s), "
            f"{self.messages} e-mail(s) queued; {self.already} already escalated."
        )


def late_deadlines(now: dt.datetime) -> list[tuple[Any, str, dt.datetime]]:
    """``(enquiry, kind, deadline)`` of every open case late at ``now``."""

    base = Enquiry.objects.filter(status__in=Enquiry.OPEN_STATUSES).select_related("assigned_unit", "suggested_unit")
    out: list[tuple[Any, str, dt.datetime]] = []
    for enquiry in base.filter(acknowledged_at__isnull=True, acknowledge_due__lt=now):
        assert enquiry.acknowledge_due is not None
        out.append((enquiry, str(Escalation.Kind.ACKNOWLEDGE), enquiry.acknowledge_due))
    for enquiry in base.filter(first_reply_at__isnull=True, paused_since__isnull=True, reply_due__lt=now):
        assert enquiry.reply_due is not None
        out.append((enquiry, str(Escalation.Kind.REPLY), enquiry.reply_due))
    return out


def recipients_for(unit: Any) -> list[Any]:
    """The people told about a late case of ``unit`` (``None``: a case with no unit yet)."""
    users = get_user_model().objects.filter(is_active=True)
    people: list[Any] = []
    if unit is not None:
        supervisors = users.filter(role=Role.OFFICER, supervised_units__unit=unit, units=unit).distinct()
        people += list(supervisors) or list(users.filter(role=Role.OFFICER, units=unit).distinct())
        people += list(users.filter(role=Role.SECRETARIAT, side=unit.side))
    else:
        people += list(users.filter(role=Role.SECRETARIAT))
    unique = {p.pk: p for p in people}
    return sorted(unique.values(), key=lambda p: p.pk)


def _context(
    enquiry: Enquiry, kind: str, deadline: dt.datetime, unit: Unit | None, person: User
) -> tuple[dict[str, Any], str]:
    """The message's context and the case page's address, in ``person``'s language."""
    language = person.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "enquiry": enquiry,
            "late_acknowledgement": kind == Escalation.Kind.ACKNOWLEDGE,
            "deadline": deadline,
            "unit": unit,
            "question": mask_personal_data(enquiry.question[:500]),
        }
        url = reverse("enquiries:case", args=[enquiry.reference])
    return context, url


def escalate_enquiries(now: dt.datetime | None = None) -> EscalationReport:
    now = now or timezone.now()
    report = EscalationReport()
    for enquiry, kind, deadline in late_deadlines(now):
        if Escalation.objects.filter(enquiry=enquiry, kind=kind, deadline=deadline).exists():
            report.already += 1
            continue
        unit = enquiry.assigned_unit or enquiry.suggested_unit
        people = recipients_for(unit)
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    enquiry=enquiry, kind=kind, deadline=deadline, unit=unit, recipients=len(people), created_at=now
                )
                escalation.told.set(people)
                # notify() stores the notification now and queues its e-mail copy for after the
                # commit: a run that loses the race below tells nobody.
                for person in people:
                    context, url = _context(enquiry, kind, deadline, unit, person)
                    notify(person, TEMPLATE, context, url=url)
        except IntegrityError:
            # Another run escalated the same deadline at the same moment: it told everyone.
            report.already += 1
            continue
        report.escalated += 1
        report.notifications += len(people)
        report.messages += sum(1 for p in people if p.email)
        logger.info("enquiry %s escalated: %s due %s, %d people told", enquiry.reference, kind, deadline, len(people))
    return report
