"""Sending notifications: in the application and by e-mail, in the recipient's language.

Templates come in pairs: ``<template>_subject.txt`` (one line) and ``<template>_body.txt``.
They are rendered with ``translation.override`` of the recipient's language, so
``{% translate %}`` and ``|tt`` inside them follow that language.

E-mails go to the outbox (``hkcq.core.outbox``) in the same transaction and are queued once it
commits: a notification about something that is rolled back is never e-mailed. (Tests that look at ``mailoutbox`` wrap the call in
``django_capture_on_commit_callbacks(execute=True)``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import translate_url
from django.utils import timezone, translation

from hkcq.accounts.models import User
from hkcq.core.outbox import email_queue
from hkcq.notifications.messages import dump_context, render, supported_language
from hkcq.notifications.models import Notification

__all__ = ["render", "supported_language"]


def _message(template: str, context: dict[str, Any]) -> dict[str, Any]:
    """What a notification keeps to be rendered again in its reader's language."""
    params = dump_context(context)
    return {"template": template, "params": params} if params is not None else {}


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def localised_url(url: str, language: str) -> str:
    """``url`` (a page of the site, reversed in whatever language the person who acted was
    using) in the recipient's ``language``: a link in a message opens in its reader's language.
    Addresses that are not the site's pages come back as they are."""
    if not url:
        return url
    path = urlsplit(url).path
    made_in = next((code for code, _name in settings.LANGUAGES if path.startswith(f"/{code}/")), None)
    if made_in is None:
        return url
    with translation.override(made_in):  # the address resolves only in the language it names
        return translate_url(url, supported_language(language))


def _queue_email(*, subject: str, body: str, to: list[str], language: str, url: str = "") -> None:
    to = [address for address in to if address]
    if not to:
        return
    if url:
        body = f"{body}\n\n{absolute_url(url)}"
    language = supported_language(language)
    email_queue(subject=subject, body=body, to=to, language=language)


def notify(recipient: User, template: str, context: dict[str, Any], url: str = "") -> Notification:
    """Store an in-application notification for ``recipient`` and queue its e-mail copy,
    both in the recipient's preferred language."""
    language = supported_language(recipient.preferred_language)
    url = localised_url(url, language)
    full = {**context, "recipient": recipient, "url": url}
    subject, body = render(template, full, language)
    notification = Notification.objects.create(
        recipient=recipient, title=subject, body=body, url=url, language=language, **_message(template, full)
    )
    if recipient.is_active and recipient.email:
        _queue_email(subject=subject, body=body, to=[recipient.email], language=recipient.preferred_language, url=url)
    return notification


def notify_rendered(
    recipient: User,
    *,
    subject: str,
    body: str,
    url: str,
    email: str,
    language: str,
    template: str = "",
    context: dict[str, Any] | None = None,
) -> Notification:
    """An in-application notification for ``recipient`` whose text the caller has already
    written (in ``language``), and ONE e-mail copy of it to ``email`` (for example the address
    a resident gave with an enquiry, which may differ from their account's). The body is
    e-mailed as it is: it carries its own link. With ``template`` and ``context`` (what the
    text was rendered from) the notification follows its reader's language."""
    notification = Notification.objects.create(
        recipient=recipient,
        title=subject[:300],
        body=body.strip(),
        url=localised_url(url, language),
        language=supported_language(language),
        **(_message(template, context) if template and context is not None else {}),
    )
    _queue_email(subject=subject, body=body, to=[email], language=language)
    return notification


def notify_address(email: str, language: str, template: str, context: dict[str, Any]) -> None:
    """E-mail someone without an account (for example a resident tracking an enquiry by
    reference), in ``language``."""
    subject, body = render(template, context, language)
    _queue_email(subject=subject, body=body, to=[email], language=language)


def notify_group(
    recipients: Iterable[User], language: str, template: str, context: dict[str, Any], url: str = ""
) -> list[Notification]:
    """One message to a group (for example a unit) in the group's language: an in-application
    notification for each member and ONE e-mail addressed to all of them."""
    people = [user for user in recipients if user.is_active]
    url = localised_url(url, language)
    full = {**context, "url": url}
    subject, body = render(template, full, language)
    message = _message(template, full)
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, title=subject, body=body, url=url, language=supported_language(language), **message
            )
            for user in people
        ]
    )
    _queue_email(
        subject=subject,
        body=body,
        to=sorted({user.email for user in people if user.email}),
        language=language,
        url=url,
    )
    return notifications


def notification_mark_read(*, user: User, notification_id: int) -> Notification | None:
    """Mark one of ``user``'s notifications read. Someone else's is left alone (None)."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
