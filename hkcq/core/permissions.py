"""The checks every app's ``permissions.py`` and services start from. The apps decide who may do
what (their ``permissions.py``, the only place that decides); these only say whether there is a
signed-in, active person and turn a "no" into the one domain refusal."""

from __future__ import annotations

from typing import TypeGuard, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise

from hkcq.core.errors import NotPermitted

U = TypeVar("U", bound=AbstractBaseUser)


def is_active_user(user: U | AnonymousUser | None) -> TypeGuard[U]:
    """A signed-in account that has not been deactivated. For the type checker it also narrows
    ``user`` (an account or the anonymous visitor) to the account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def require(allowed: bool, message: str | Promise | None = None) -> None:
    """In a service: go on only when ``allowed`` (a ``permissions.py`` predicate), else
    ``NotPermitted`` (403 in the API, a form error or 403 on pages)."""
    if not allowed:
        raise NotPermitted(message)


def require_page(allowed: bool) -> None:
    """In a view: go on only when ``allowed``, else Django's ``PermissionDenied`` (the 403 page).
    For a row the user may not even see, answer 404 instead (``<entity>_get_for_user``)."""
    if not allowed:
        raise PermissionDenied
