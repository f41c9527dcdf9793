"""The calendars API's request and response schemas (``api.py`` declares the operations)."""

import datetime as dt
from typing import Any, Literal

from ninja import Schema

from hkcq.calendars.models import Holiday
from hkcq.core.api import IsoDate, TextIn, TextOut, TextRequired

SideName = Literal["hong_kong", "chongqing"]
KindName = Literal["holiday", "working_day"]


class HolidayOut(Schema):
    id: int
    side: str
    date: dt.date
    kind: str
    name: TextOut
    source: str

    @staticmethod
    def of(holiday: Holiday) -> dict[str, Any]:
        return {
            "id": holiday.pk,
            "side": holiday.side,
            "date": holiday.date,
            "kind": holiday.kind,
            "name": TextOut.of(holiday.name),
            "source": holiday.source,
        }


class HolidayIn(Schema):
    side: SideName
    date: IsoDate
    kind: KindName = "holiday"
    name: TextRequired
    source: str = ""


class HolidayPatch(Schema):
    side: SideName | None = None
    date: IsoDate | None = None
    kind: KindName | None = None
    name: TextIn | None = None
    source: str | None = None
