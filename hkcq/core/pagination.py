from __future__ import annotations

from typing import Any

import ninja.pagination
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from ninja import Field, Schema

API_PAGE_SIZE = 100  # django-ninja's default page
API_MAX_LIMIT = 1000
API_MAX_OFFSET = 2**31 - 1


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> Page:
    """A page of ``items``; a missing, bad or too-large page number shows the nearest page."""
    paginator = Paginator(items, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


class LimitOffsetPagination(ninja.pagination.LimitOffsetPagination):
    """The API's ``limit``/``offset`` pagination with both bounded, so a number too large for the
    database (``limit=9223372036854775808``) is refused as invalid input (422) instead of failing
    in SQL. Every paginated endpoint uses this one."""

    class Input(Schema):
        limit: int = Field(API_PAGE_SIZE, ge=1, le=API_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=API_MAX_OFFSET)
