"""Reads of accounts (the writes are ``services.py``)."""

from __future__ import annotations

from django.db.models import QuerySet

from hkcq.accounts.models import ApiToken, User
from hkcq.core.errors import NotFound


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The API tokens ``user`` holds and has not revoked (staff only have any), newest first."""
    if not user.is_staff_member:
        return ApiToken.objects.none()
    return user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at", "-id")


def api_token_get_for_user(*, user: User, token_id: int) -> ApiToken:
    """One of ``user``'s tokens not yet revoked; ``NotFound`` (404) for anyone else's or an unknown one."""
    token = api_token_list_for_user(user=user).filter(pk=token_id).first()
    if token is None:
        raise NotFound()
    return token
