"""Types for annotations: who is looking, and the request of a signed-in page or API call.

- ``Viewer``: whoever a permission predicate or a selector is asked about: an account, or the
  anonymous visitor (``request.user`` on a public page). ``core.permissions.is_active_user``
  narrows it to the account (``is_active_user(user) and user.is_officer`` type-checks).
- ``AuthedRequest``: the request an endpoint behind ``STAFF_AUTH`` or a ``@login_required`` page
  gets: ``auth`` and ``user`` are the account. Annotate ``request: AuthedRequest`` rather than
  silencing ``request.auth`` / ``request.user`` with ``type: ignore``.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from hkcq.accounts.models import User

Viewer: TypeAlias = User | AnonymousUser


class AuthedRequest(HttpRequest):
    """For type checking only (see the module's docstring)."""

    auth: User
    user: User


__all__ = ["AuthedRequest", "User", "Viewer"]
