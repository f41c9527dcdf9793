"""The suggestions API's request and response schemas (``api.py`` declares the operations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict

from hkcq.core.api import Flag, Language, Required, TextIn, TextOut
from hkcq.suggestions.models import Suggestion


def _anonymous_or_email(schema: dict[str, Any]) -> None:
    # Send it anonymously, or give an e-mail address (the service refuses neither, with its
    # own translated message).
    schema["anyOf"] = [
        {"properties": {"anonymous": {"const": True}}},
        {"required": ["email"], "properties": {"email": {"type": "string", "format": "email", "minLength": 3}}},
    ]


class SuggestionOut(Schema):
    reference: str
    title: str
    text: str
    language: str
    area: str | None
    status: str
    status_reason: TextOut
    response: TextOut
    responded_at: dt.datetime | None
    published_at: dt.datetime | None
    measure: str | None
    decision: str | None
    voices: int
    merged: list[str]

    @staticmethod
    def of(s: Suggestion) -> dict[str, Any]:
        return {
            "reference": s.reference,
            "title": s.public_title,
            "text": s.public_text,
            "language": s.language,
            "area": s.area.ext_id if s.area else None,
            "status": s.status,
            "status_reason": TextOut.of(s.status_reason),
            "response": TextOut.of(s.response),
            "responded_at": s.responded_at,
            "published_at": s.published_at,
            "measure": s.measure.ext_id if s.measure else None,
            "decision": s.decision.ext_id if s.decision else None,
            "voices": s.voices,
            "merged": [m.reference for m in s.merged.all()],
        }


class StaffSuggestionOut(SuggestionOut):
    """For staff: what was submitted (never public) beside what is published."""

    state: str
    reject_reason: str
    original_title: str
    original_text: str
    suggested_area: str | None
    unit: str | None
    anonymous: bool
    name: str
    email: str
    created_at: dt.datetime
    merged_into: str | None

    @staticmethod
    def of(s: Suggestion) -> dict[str, Any]:
        return {
            **SuggestionOut.of(s),
            "state": s.state,
            "reject_reason": s.reject_reason,
            "original_title": s.title,
            "original_text": s.text,
            "suggested_area": s.suggested_area.ext_id if s.suggested_area else None,
            "unit": s.unit.ext_id if s.unit else None,
            "anonymous": s.anonymous,
            "name": s.name,
            "email": s.email,
            "created_at": s.created_at,
            "merged_into": s.merged_into.reference if s.merged_into else None,
        }


class SubmitIn(Schema):
    title: Required
    text: Required
    language: Language = "en"
    area: str | None = None
    anonymous: Flag = True
    name: str = ""
    email: str = ""

    model_config = ConfigDict(json_schema_extra=_anonymous_or_email)


class SuggestionSubmittedOut(Schema):
    reference: str
    tracking_token: str
    state: str
    suggested_area: str | None
    similar: list[str]


class SuggestionTrackOut(Schema):
    reference: str
    title: str
    text: str
    state: str
    status: str
    response: TextOut
    merged_into: str | None
    public: bool


class SimilarOut(Schema):
    suggested_area: str | None
    similar: list[SuggestionOut]


class SupportIn(Schema):
    email: str = ""


class SupportOut(Schema):
    counted: bool
    voices: int


class DigestRowOut(Schema):
    area: str
    counts: dict[str, int]
    total: int


class ThemeOut(Schema):
    title: str
    suggestions: list[str]
    voices: int
    quote: str


class DigestOut(Schema):
    start: dt.date | None
    end: dt.date
    meeting: str | None
    states: dict[str, int]
    rows: list[DigestRowOut]
    total: int
    themes: list[ThemeOut]
    answered: list[str]


class ApproveIn(Schema):
    public_title: str | None = None
    public_text: str | None = None
    area: str | None = None
    unit: str | None = None


class RejectIn(Schema):
    reason: Required
    note: str = ""


class RedactIn(Schema):
    public_title: Required
    public_text: Required


class SuggestionAreaIn(Schema):
    area: str | None = None
    unit: str | None = None


class MergeIn(Schema):
    into: Required


class RespondIn(Schema):
    status: Required
    response: TextIn | None = None
    reason: TextIn | None = None
    measure: str | None = None
    decision: str | None = None
