"""Telling a named submitter what happened, in their language, through the platform's
notifications (in the application for an account holder, and by e-mail)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from hkcq.core.context_processors import PLATFORM_NAME
from hkcq.notifications.services import absolute_url, notify, notify_address
from hkcq.suggestions.models import Suggestion

TEMPLATES = ("received", "approved", "response")


def recipient_language(suggestion: Suggestion) -> str:
    user = suggestion.submitter
    if user is not None and not suggestion.anonymous and user.preferred_language:
        return str(user.preferred_language)
    return suggestion.language or settings.LANGUAGE_CODE


def submitter_notify(suggestion: Suggestion, template: str) -> bool:
    """Tell the submitter (if named); the e-mail is queued after the transaction commits.
    Returns whether anything was sent."""
    assert template in TEMPLATES
    if suggestion.anonymous or not suggestion.email:
        return False
    language = recipient_language(suggestion)
    with translation.override(language):
        tracking_url = suggestion.get_tracking_url()
        public_url = suggestion.get_absolute_url() if suggestion.is_public else ""
    context = {
        "suggestion": suggestion,
        "tracking_url": absolute_url(tracking_url),
        "public_url": absolute_url(public_url),
        "PLATFORM_NAME": PLATFORM_NAME,
    }
    name = f"suggestions/email/{template}"
    user = suggestion.submitter
    if user is not None and user.email and user.email.lower() == suggestion.email.lower():
        notify(user, name, context, url=public_url or tracking_url)
    else:
        notify_address(suggestion.email, language, name, context)
    return True
