"""How the API knows who is calling: a bearer token (``Authorization: Bearer …``, created on
the account page) or the signed-in browser session with its CSRF token. Every router's
signed-in operations use ``STAFF_AUTH``; public ones pass ``auth=None``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from hkcq.accounts.models import User
from hkcq.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (with its CSRF token, checked by ninja)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


STAFF_AUTH = [TokenAuth(), SessionAuth()]


class AuthedRequest(HttpRequest):
    """The request an endpoint behind ``STAFF_AUTH`` (or a signed-in page) gets: ``auth`` and
    ``user`` are the account. For type checking only: annotate ``request: AuthedRequest``
    rather than silencing ``request.auth`` with ``type: ignore``."""

    auth: User
    user: User
