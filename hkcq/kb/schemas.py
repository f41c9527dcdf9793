"""Schemas of the knowledge-base API's feedback and gaps operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from hkcq.core.api import RowId
from hkcq.kb.models import Gap
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
