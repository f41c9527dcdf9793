"""API plumbing shared by every router: authentication, the one error shape, text schemas."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.security import APIKeyCookie, HttpBearer

from hkcq.core.translated import EN, HANS, HANT, TText


class ErrorDetail(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorDetail


class TextOut(Schema):
    """One user-visible text in three languages, with how each variant came to be
    (``human``, ``machine`` or ``converted``)."""

    en: str = ""
    zh_hant: str = ""
    zh_hans: str = ""
    origin: dict[str, str] = {}

    @staticmethod
    def of(value: Any) -> dict[str, Any]:
        t = TText.from_json(value)
        return {
            "en": t.get(EN),
            "zh_hant": t.get(HANT),
            "zh_hans": t.get(HANS),
            "origin": {k.replace("-", "_"): v for k, v in t.origins.items()},
        }


class TextIn(Schema):
    """Give at least one language; a missing Chinese script is derived with OpenCC."""

    en: str = ""
    zh_hant: str = ""
    zh_hans: str = ""

    def as_texts(self) -> dict[str, str]:
        return {EN: self.en, HANT: self.zh_hant, HANS: self.zh_hans}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from hkcq.accounts.services import api_token_authenticate

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
