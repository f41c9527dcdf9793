"""Reads of accounts (the writes are ``services.py``)."""

from __future__ import annotations

from django.db.models import QuerySet

from hkcq.accounts.models import ApiToken, User


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The API tokens ``user`` holds and has not revoked (staff only have any), newest first."""
    if not user.is_staff_member:
        return ApiToken.objects.none()
    return user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at", "-id")
