"""The knowledge-base API's request and response schemas (``api.py`` declares the operations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from hkcq.core.api import IsoDate, Required, RowId, Slug, TextIn, TextOut, TextRequired, columns
from hkcq.kb.models import Entry, Gap
from hkcq.kb.selectors import GapGroup


class FeedbackIn(Schema):
    q: str = Field("", max_length=500, description="The question the entry answered (kept masked)")


class FeedbackOut(Schema):
    entry: str
    helpful: bool


class GapOut(Schema):
    id: int
    question: str = Field(description="Masked: identity card and phone numbers, e-mail addresses replaced")
    language: str
    source: str
    created_at: dt.datetime

    @staticmethod
    def of(gap: Gap) -> dict[str, Any]:
        return {
            "id": gap.pk,
            "question": gap.question,
            "language": gap.language,
            "source": gap.source,
            "created_at": gap.created_at,
        }


class GapGroupOut(Schema):
    """Similar unanswered questions, labelled with the words most of them use."""

    terms: list[str]
    size: int
    gaps: list[GapOut]

    @staticmethod
    def of(group: GapGroup) -> dict[str, Any]:
        return {"terms": list(group.terms), "size": group.size, "gaps": [GapOut.of(g) for g in group.gaps]}


class GapResolveIn(Schema):
    ids: list[RowId] = Field(min_length=1, max_length=2000, description="Ids of the questions dealt with")


class GapResolveOut(Schema):
    resolved: int


class AnswerOut(Schema):
    id: str
    title: str
    snippet: str
    score: float


class AskOut(Schema):
    answers: list[AnswerOut]
    unit: str | None
    answered: bool


class AskQuery(Schema):
    q: Required
    lang: str = "en"
    limit: int = 10


class EntryOut(Schema):
    id: str
    topic: str
    title: TextOut
    body: TextOut
    question_forms: TextOut
    unit: str
    area: str | None
    source: TextOut
    effective_from: dt.date | None
    effective_to: dt.date | None
    state: str
    review_note: TextOut
    updated_at: dt.datetime

    @staticmethod
    def of(e: Entry) -> dict[str, Any]:
        return {
            "id": e.slug,
            "topic": e.topic,
            "title": TextOut.of(e.title),
            "body": TextOut.of(e.body),
            "question_forms": TextOut.of(e.question_forms),
            "unit": e.unit.ext_id,
            "area": e.area.ext_id if e.area else None,
            "source": TextOut.of(e.source),
            "effective_from": e.effective_from,
            "effective_to": e.effective_to,
            "state": e.state,
            "review_note": TextOut.of(e.review_note),
            "updated_at": e.updated_at,
        }


class EntryPatch(Schema):
    model_config = ConfigDict(json_schema_extra=columns(Entry))

    topic: str | None = None
    title: TextIn | None = None
    body: TextIn | None = None
    question_forms: TextIn | None = None
    unit: str | None = None
    area: str | None = None
    source: TextIn | None = None
    effective_from: IsoDate | None = None
    effective_to: IsoDate | None = None
    review_note: TextIn | None = None


class EntryIn(EntryPatch):
    id: Slug
    topic: Required
    title: TextRequired
    body: TextRequired
    unit: Required
