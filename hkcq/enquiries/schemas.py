"""Schemas of the enquiries API's "my enquiries" and canned-reply operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from hkcq.core.api import Flag, TextIn, TextOut, TextRequired, columns
from hkcq.enquiries.models import CannedReply, Enquiry


class MyEnquiryOut(Schema):
    """One of the caller's own enquiries, as "My enquiries" lists it."""

    reference: str
    question: str
    received_at: dt.datetime
    status: str
    status_label: str
    token: str = Field(description="Follow it at /enquiries/track/{token}")

    @staticmethod
    def of(e: Enquiry) -> dict[str, Any]:
        return {
            "reference": e.reference,
            "question": e.question,
            "received_at": e.received_at,
            "status": e.status,
            "status_label": str(e.get_status_display()),
            "token": e.token,
        }


class CannedReplyOut(Schema):
    id: int
    title: TextOut
    body: TextOut
    is_active: bool
    updated_at: dt.datetime

    @staticmethod
    def of(c: CannedReply) -> dict[str, Any]:
        return {
            "id": c.pk,
            "title": TextOut.of(c.title),
            "body": TextOut.of(c.body),
            "is_active": c.is_active,
            "updated_at": c.updated_at,
        }


class CannedReplyIn(Schema):
    title: TextRequired
    body: TextRequired
    is_active: Flag = True


class CannedReplyPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(CannedReply))

    title: TextIn | None = None
    body: TextIn | None = None
    is_active: Flag | None = None
