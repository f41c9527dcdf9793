"""Calendars API: both sides' holidays and adjusted working days, read by anyone, kept by each
side's secretariat (the same services and permissions as the pages).

No ``from __future__ import annotations`` here: ninja reads the list's parameter types through
``@paginate``'s wrapper, which cannot resolve this module's names (``SideName``) from strings."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.calendars import selectors, services
from hkcq.calendars.schemas import HolidayIn, HolidayOut, HolidayPatch, SideName
from hkcq.core.api import ERRORS, ErrorOut, Mapped, TextIn
from hkcq.core.pagination import LimitOffsetPagination

router = Router(tags=["calendars"])


def _data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if isinstance(getattr(payload, "name", None), TextIn):
        data["name"] = payload.name.as_texts()  # type: ignore[attr-defined]
    return data


@router.get(
    "/calendars/holidays",
    response={200: list[HolidayOut], 422: ErrorOut},
    auth=None,
    summary="Holidays and adjusted working days in a year (this year by default), of one side or both",
)
@paginate(LimitOffsetPagination)
def list_holidays(request: HttpRequest, side: SideName | None = None, year: int | None = None) -> Mapped:
    return Mapped(selectors.holiday_list(side=side, year=year or timezone.localdate().year), HolidayOut.of)


@router.get("/calendars/holidays/{holiday_id}", response={200: HolidayOut, 404: ErrorOut}, auth=None)
def get_holiday(request: HttpRequest, holiday_id: int) -> dict[str, Any]:
    return HolidayOut.of(selectors.holiday_get(holiday_id))


@router.post(
    "/calendars/holidays",
    response={201: HolidayOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Add a day to a side's calendar (that side's secretariat)",
)
def create_holiday(request: AuthedRequest, payload: HolidayIn) -> Status[dict[str, Any]]:
    return Status(201, HolidayOut.of(services.holiday_create(user=request.auth, data=_data(payload))))


@router.patch(
    "/calendars/holidays/{holiday_id}",
    response={200: HolidayOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Change a day of a side's calendar (that side's secretariat)",
)
def update_holiday(request: AuthedRequest, holiday_id: int, payload: HolidayPatch) -> dict[str, Any]:
    holiday = selectors.holiday_get(holiday_id)
    return HolidayOut.of(services.holiday_update(user=request.auth, holiday=holiday, data=_data(payload)))


@router.delete(
    "/calendars/holidays/{holiday_id}",
    response={204: None, **ERRORS},
    auth=STAFF_AUTH,
    summary="Remove a day from a side's calendar (that side's secretariat)",
)
def delete_holiday(request: AuthedRequest, holiday_id: int) -> Status[None]:
    services.holiday_delete(user=request.auth, holiday=selectors.holiday_get(holiday_id))
    return Status(204, None)
