"""Types for annotations: who is looking, and the request of a signed-in page or API call.

- ``Viewer``: whoever a permission predicate, a selector or a public service is asked about: an
  account, the anonymous visitor (``request.user`` on a public page), or nobody (``None``: a
  background task, a tracking link). ``core.permissions.is_active_user`` narrows it to the
  account (``is_active_user(user) and user.is_officer`` type-checks). Services that record
  who acted take ``user: User``; their pages are ``@login_required`` with ``AuthedRequest``.
- ``AuthedRequest``: the request an endpoint behind ``STAFF_AUTH`` or a ``@login_required`` page
  gets: ``auth`` and ``user`` are the account. Annotate ``request: AuthedRequest`` rather than
  silencing ``request.auth`` / ``request.user`` with an ignore comment.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from hkcq.accounts.models import User

Viewer: TypeAlias = User | AnonymousUser | None


class AuthedRequest(HttpRequest):
    """For type checking only (see the module's docstring)."""

    auth: User
    user: User


__all__ = ["AuthedRequest", "User", "Viewer"]
