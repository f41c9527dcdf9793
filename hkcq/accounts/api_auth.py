"""How the API knows who is calling: a bearer token (``Authorization: Bearer …``, created on
the account page) or the signed-in browser session with its CSRF token. Every router's
signed-in operations use ``STAFF_AUTH``; public ones pass ``auth=None``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from hkcq.accounts.models import User
from hkcq.accounts.services import api_token_authenticate
from hkcq.accounts.types import AuthedRequest


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (with its CSRF token, checked by ninja)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated:
            return user
        return None


STAFF_AUTH = [TokenAuth(), SessionAuth()]

__all__ = ["STAFF_AUTH", "AuthedRequest", "SessionAuth", "TokenAuth"]
