"""The checks every app's ``permissions.py`` and services start from. The apps decide who may do
what (their ``permissions.py``, the only place that decides); these only say whether there is a
signed-in, active person and turn a "no" into the one domain refusal."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from hkcq.core.errors import NotPermitted


def is_active_user(user: Any) -> bool:
    """A signed-in account that has not been deactivated."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def require(allowed: bool, message: Any = None) -> None:
    """In a service: go on only when ``allowed`` (a ``permissions.py`` predicate), else
    ``NotPermitted`` (403 in the API, a form error or 403 on pages)."""
    if not allowed:
        raise NotPermitted(message)


def require_page(allowed: bool) -> None:
    """In a view: go on only when ``allowed``, else Django's ``PermissionDenied`` (the 403 page).
    For a row the user may not even see, answer 404 instead (``<entity>_get_for_user``)."""
    if not allowed:
        raise PermissionDenied
