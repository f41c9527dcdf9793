"""Idempotent public submissions (enquiries, suggestions): a retry returns what the first attempt
made, and only to the client that made it.

A submission is identified by who sent it (:func:`client_of`: the account, else the browser
session, else the address) together with either the client's ``Idempotency-Key`` or, without a
key, the content within a short window. Both are stored as digests *scoped to the client*, so
the same key or the same words from anyone else never find the record (and never learn its
secret token); a key used again by the same client for other content is refused
(:class:`IdempotencyKeyReused`, 409). docs/decisions/0006-idempotent-submissions.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hkcq.core.errors import InvalidInput

M = TypeVar("M", bound=Model)
KEY_MAX = 64

# Who a bearer token belongs to: core imports no app, so ``hkcq.accounts`` (which keeps the
# tokens) registers its lookup here when it is ready (AccountsConfig.ready).
token_user: Callable[[str], Any] | None = None


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"
    status = 409
    default_message = _("This key was already used for a different submission; use a new key.")


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, which behind ``TRUSTED_PROXIES`` is the client's
    from ``X-Forwarded-For`` (``hkcq.core.proxies.TrustedProxyMiddleware``). Read it here only."""
    return request.META.get("REMOTE_ADDR") or ""


def client_of(request: HttpRequest, *, session: bool = False) -> str:
    """Who is submitting, as far as a retry must match: the account (signed in, or an API bearer
    token), else the browser session (``session=True``: pages, which make one if needed), else
    the address. Never the content: content can be guessed."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer ") and token_user is not None:
            user = token_user(auth[7:].strip())
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    if session and hasattr(request, "session"):
        if not request.session.session_key:
            request.session.save()
        return f"session:{request.session.session_key}"
    return f"address:{client_address(request)}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Submission:
    """How a submission is recognised again: ``key`` (the client's key scoped to the client, or
    empty) and ``digest`` (the content scoped to the client). Store both on the record."""

    key: str
    digest: str

    @classmethod
    def of(cls, *, client: str, key: str, content: Iterable[str]) -> Submission:
        key = (key or "").strip()[:KEY_MAX]
        return cls(
            key=_digest("key", client, key) if key else "",
            digest=_digest("content", client, *content),
        )


def existing(queryset: QuerySet[M], submission: Submission, *, received_field: str, window: dt.timedelta) -> M | None:
    """The record this same submission already made, if any: the one this client stored under
    its key (which may not come back with other content: :class:`IdempotencyKeyReused`), else the
    same content from the same client within ``window`` (a second tab, a form shown again)."""
    if submission.key:
        found = queryset.filter(idempotency_key=submission.key).first()
        if found is not None:
            if found.content_digest != submission.digest:  # type: ignore[attr-defined]
                raise IdempotencyKeyReused(
                    details={"idempotency_key": [str(IdempotencyKeyReused.default_message)]},
                )
            return found
    since = timezone.now() - window
    return (
        queryset.filter(content_digest=submission.digest, **{f"{received_field}__gte": since})
        .order_by(received_field, "pk")
        .first()
    )


def submit_once(
    queryset: QuerySet[M],
    submission: Submission,
    create: Callable[[], M],
    *,
    received_field: str,
    window: dt.timedelta,
) -> tuple[M, bool]:
    """Return ``(record, created)``: the record this submission already made, or a new one from
    ``create()`` (run in its own transaction; it must store ``submission.key`` as
    ``idempotency_key``, unique, and ``submission.digest`` as ``content_digest``). Two
    concurrent requests with one key: the unique key makes the second find the first's."""
    found = existing(queryset, submission, received_field=received_field, window=window)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        found = existing(queryset, submission, received_field=received_field, window=window)
        if found is None:
            raise
        return found, False


def key_reused_message() -> Any:
    """What a page says when its form comes back with content other than what it first sent."""
    return _(
        "This form was already sent with different content. Check what you typed and send it again: "
        "it will be a new submission."
    )
