"""Telling a named submitter what happened, in their language.

The one place this app sends messages; when the platform's notifications app lands
(``hkcq.notifications.notify`` / ``notify_address``) this module switches to it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from hkcq.core.tasks import send_email
from hkcq.suggestions.models import Suggestion

TEMPLATES = ("received", "approved", "response")


def recipient_language(suggestion: Suggestion) -> str:
    user = suggestion.submitter
    if user is not None and not suggestion.anonymous and user.preferred_language:
        return str(user.preferred_language)
    return suggestion.language or settings.LANGUAGE_CODE


def submitter_notify(suggestion: Suggestion, template: str) -> bool:
    """Queue one e-mail to the submitter (if named), after the transaction commits.
    Returns whether one was queued."""
    assert template in TEMPLATES
    if suggestion.anonymous or not suggestion.email:
        return False
    language = recipient_language(suggestion)
    with translation.override(language):
        context: dict[str, Any] = {
            "suggestion": suggestion,
            "tracking_url": settings.SITE_URL.rstrip("/") + suggestion.get_tracking_url(),
            "public_url": settings.SITE_URL.rstrip("/") + suggestion.get_absolute_url() if suggestion.is_public else "",
            "status": suggestion.get_status_display(),
            "response": suggestion.response.show(language).text,
            "reason": suggestion.status_reason.show(language).text,
            "PLATFORM_NAME": settings.PLATFORM_NAME,
        }
        subject = " ".join(render_to_string(f"suggestions/email/{template}_subject.txt", context).split())
        body = render_to_string(f"suggestions/email/{template}_body.txt", context)
    to = [suggestion.email]
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=to))
    return True
