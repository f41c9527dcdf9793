"""Schemas of the accounts API (API tokens)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from hkcq.accounts.models import ApiToken
from hkcq.core.api import Required


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters after hkcq_, to recognise it")
    created_at: dt.datetime
    last_used_at: dt.datetime | None

    @staticmethod
    def of(token: ApiToken) -> dict[str, Any]:
        return {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
        }


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself: shown this once, only its digest is kept")


class TokenIn(Schema):
    name: Required = Field(max_length=100)
