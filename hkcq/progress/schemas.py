"""The progress API's request and response schemas (``api.py`` declares the operations)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from hkcq.core.api import (
    Flag,
    Required,
    TextIn,
    TextOut,
    TextRequired,
    Weight,
    Whole,
)
from hkcq.progress.models import Evidence, ProgressRollup, ProgressUpdate, Status


class EvidenceOut(Schema):
    id: int
    title: str
    link: str
    is_public: bool
    content_type: str
    size: int
    added_at: dt.datetime
    download_url: str | None

    @staticmethod
    def of(e: Evidence) -> dict[str, Any]:
        return {
            "id": e.pk,
            "title": e.title,
            "link": e.link,
            "is_public": e.is_public,
            "content_type": e.content_type,
            "size": e.size,
            "added_at": e.added_at,
            "download_url": f"/api/v1/progress/evidence/{e.pk}" if e.file else None,
        }


class StatusOut(Schema):
    key: str
    name: TextOut
    default_percent: int | None
    position: int
    is_terminal: bool
    is_ongoing: bool
    is_active: bool

    @staticmethod
    def of(s: Status) -> dict[str, Any]:
        return {
            "key": s.key,
            "name": TextOut.of(s.name),
            "default_percent": s.default_percent,
            "position": s.position,
            "is_terminal": s.is_terminal,
            "is_ongoing": s.is_ongoing,
            "is_active": s.is_active,
        }


class UpdateOut(Schema):
    id: int
    measure: str
    side: str
    cycle: TextOut
    status: str
    percent: int
    public_narrative: TextOut
    internal_narrative: TextOut | None = None
    state: str
    return_reason: str | None = None
    submitted_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    published_at: dt.datetime | None

    @staticmethod
    def of(u: ProgressUpdate, *, internal: bool = False) -> dict[str, Any]:
        return {
            "id": u.id,
            "measure": u.measure.ext_id,
            "side": u.side,
            "cycle": TextOut.of(u.cycle.name),
            "status": u.status.key,
            "percent": u.percent,
            "public_narrative": TextOut.of(u.public_narrative),
            "internal_narrative": TextOut.of(u.internal_narrative) if internal else None,
            "state": u.state,
            "return_reason": u.return_reason if internal else None,
            "submitted_at": u.submitted_at if internal else None,
            "confirmed_at": u.confirmed_at if internal else None,
            "published_at": u.published_at,
        }


class RollupOut(Schema):
    level: str
    id: str | None
    percent: Decimal | None
    percent_hk: Decimal | None
    percent_cq: Decimal | None
    status_hk: str | None
    status_cq: str | None
    joint_status: str | None
    disagreement: bool
    last_published_at: dt.datetime | None

    @staticmethod
    def of(r: ProgressRollup | None, *, level: str, ext_id: str | None) -> dict[str, Any]:
        return {
            "level": level,
            "id": ext_id,
            "percent": r.percent if r else None,
            "percent_hk": r.percent_hk if r else None,
            "percent_cq": r.percent_cq if r else None,
            "status_hk": r.status_hk.key if r and r.status_hk else None,
            "status_cq": r.status_cq.key if r and r.status_cq else None,
            "joint_status": r.joint_status.key if r and r.joint_status else None,
            "disagreement": bool(r and r.disagreement),
            "last_published_at": r.last_published_at if r else None,
        }


# -- the workflow, for staff -----------------------------------------------------------------
class UpdateIn(Schema):
    measure: Required
    status: Required
    percent: Whole | None = None
    public_narrative: TextIn | None = None
    internal_narrative: TextIn | None = None


class UpdatePatch(Schema):
    status: str | None = None
    percent: Whole | None = None
    public_narrative: TextIn | None = None
    internal_narrative: TextIn | None = None


class ReturnIn(Schema):
    reason: Required


class ConfirmIn(Schema):
    note: str = ""


# -- the status scale, its settings and roll-up weights (the secretariat) ---------------------------
class StatusIn(Schema):
    key: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: TextRequired
    default_percent: Whole | None = Field(None, ge=0, le=100)
    position: Whole = Field(0, ge=0, le=32767)
    is_terminal: Flag = False
    is_ongoing: Flag = False
    is_active: Flag = True


class StatusPatch(Schema):
    name: TextIn | None = None
    default_percent: Whole | None = Field(None, ge=0, le=100)
    position: Whole | None = Field(None, ge=0, le=32767)
    is_terminal: Flag | None = None
    is_ongoing: Flag | None = None
    is_active: Flag | None = None


class ScaleSettingsOut(Schema):
    rollup_method: Literal["plain", "weighted"]
    stale_after_days: int


class ScaleSettingsPatch(Schema):
    rollup_method: Literal["plain", "weighted"] | None = None
    stale_after_days: Whole | None = Field(None, ge=1, le=3650)


class WeightOut(Schema):
    measure: str
    weight: Decimal


class WeightIn(Schema):
    weight: Weight
