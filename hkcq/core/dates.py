"""The platform's local time. Hong Kong and Chongqing share UTC+8 with no daylight saving, so
one zone serves both sides: dates a person sees (deadlines, periods, Open311 times) are counted
in it. Working-day arithmetic over the sides' holidays is ``hkcq.calendars.workdays``."""

from __future__ import annotations

from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Hong_Kong")
