"""Calendars: working-day arithmetic for other apps (re-exported from ``workdays``), and the
writes the secretariat makes to the calendars (permission check, validation, transaction,
history user). The service levels counted on them are the enquiries' (``hkcq.enquiries``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.calendars import permissions
from hkcq.calendars.models import Holiday
from hkcq.calendars.workdays import (
    WorkingCalendar,
    add_working_days,
    side_of,
    working_days_between,
)
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.services import fields_apply, history_mark, record_save

__all__ = [
    "WorkingCalendar",
    "add_working_days",
    "working_days_between",
    "holiday_create",
    "holiday_update",
    "holiday_delete",
]


# -- writes ------------------------------------------------------------------------------------
HOLIDAY_FIELDS = ("side", "date", "kind", "name", "source")


def _check_holiday(data: dict[str, Any]) -> None:
    day, kind = data.get("date"), data.get("kind")
    if day is not None and kind == Holiday.Kind.WORKING_DAY and day.weekday() < 5:
        raise InvalidInput(
            details={"kind": [_("Only a Saturday or Sunday can be an adjusted working day: weekdays already are.")]}
        )


@transaction.atomic
def holiday_create(*, user: User, data: dict[str, Any]) -> Holiday:
    side = side_of(data.get("side") or "")
    if not permissions.can_edit_calendar(user, side):
        raise NotPermitted()
    values = {k: v for k, v in data.items() if k in HOLIDAY_FIELDS}
    values["side"] = side
    _check_holiday(values)
    holiday = Holiday(from_defaults=False)
    fields_apply(holiday, values)
    record_save(holiday, user=user)
    return holiday


@transaction.atomic
def holiday_update(*, user: User, holiday: Holiday, data: dict[str, Any]) -> Holiday:
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    values = {k: v for k, v in data.items() if k in HOLIDAY_FIELDS}
    new_side = side_of(values.get("side") or holiday.side)
    # Moving a record to the other side's calendar needs the right to edit both.
    if not (permissions.can_edit_calendar(user, holiday.side) and permissions.can_edit_calendar(user, new_side)):
        raise NotPermitted()
    values["side"] = new_side
    _check_holiday({"date": values.get("date", holiday.date), "kind": values.get("kind", holiday.kind)})
    fields_apply(holiday, values)
    holiday.from_defaults = False
    record_save(holiday, user=user)
    return holiday


@transaction.atomic
def holiday_delete(*, user: User, holiday: Holiday) -> None:
    if not permissions.can_edit_calendar(user, holiday.side):
        raise NotPermitted()
    history_mark(holiday, user=user)
    holiday.delete()
