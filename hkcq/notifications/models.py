"""In-application notifications. The e-mail copy goes through the task queue (see services)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hkcq.notifications.messages import shown


class Notification(models.Model):
    """One message to one user. Its text follows the reader's language at the time of reading:
    ``template`` and ``params`` are rendered again in the active language (``messages.shown``);
    ``title`` and ``body`` keep the text as sent, in ``language``, for a message whose records
    have gone or whose parameters could not be stored."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(pgettext_lazy("text of a notification", "message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    template = models.CharField(_("message template"), max_length=200, blank=True)
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
    language = models.CharField(_("language of the stored text"), max_length=10, blank=True)
    created = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    def shown(self, language: str | None = None) -> Any:
        """The text in ``language`` (default: the reader's active language), cached per language."""
        cache = self.__dict__.setdefault("_shown", {})
        key = language or translation.get_language()
        if key not in cache:
            cache[key] = shown(self, language)
        return cache[key]

    @property
    def message(self) -> Any:
        """The text in the active language (for templates)."""
        return self.shown()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
