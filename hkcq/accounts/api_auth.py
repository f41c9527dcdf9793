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


def api_caller(request: HttpRequest) -> User | None:
    """Who calls a public operation (``auth=None``), which answers everyone but shows more to
    some: the signed-in session's user, else a bearer token's, else nobody. ``request.user``
    alone would miss the token (ninja authenticates only operations that declare ``auth``)."""
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return user
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return api_token_authenticate(header[7:].strip())
    return None


__all__ = ["STAFF_AUTH", "AuthedRequest", "SessionAuth", "TokenAuth", "api_caller"]
