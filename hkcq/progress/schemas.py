"""Schemas of the progress API's evidence operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from hkcq.progress.models import Evidence


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
