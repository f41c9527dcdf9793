"""The only models of ``core``, shared by every app: the outbox of e-mails, and what the
default-data loaders last wrote (``hkcq.core.loading``)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutgoingEmail(models.Model):
    """One e-mail, kept until a mail server has taken it (docs/decisions/0009-email-outbox.md).

    States: ``pending`` (waiting, from ``next_attempt_at``) → ``sending`` (claimed by one worker
    until ``lease_until``) → ``sent``; a refused attempt goes back to ``pending`` with a later
    ``next_attempt_at``, or to ``failed`` after ``EMAIL_MAX_ATTEMPTS``; staff send a failed one
    again (``pending``). A ``sending`` row whose lease has passed was left by a worker that died:
    ``requeue_email`` puts it back. The claim is one conditional UPDATE, so two workers given the
    same row never both send it."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("state of an e-mail", "Waiting")
        SENDING = "sending", pgettext_lazy("state of an e-mail", "Being sent")
        SENT = "sent", pgettext_lazy("state of an e-mail", "Sent")
        FAILED = "failed", pgettext_lazy("state of an e-mail", "Failed")

    key = models.CharField(_("key"), max_length=200, unique=True, default=uuid.uuid4)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(pgettext_lazy("text of an e-mail", "message"))
    html = models.TextField(blank=True)
    to = models.JSONField(pgettext_lazy("recipients of an e-mail", "to"))
    language = models.CharField(max_length=10, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outgoing_email_due")]

    def __str__(self) -> str:
        return self.subject


class LoadedDefault(models.Model):
    """The values a default-data loader last wrote into one record, field by field.

    A loader compares a record's current value with the one kept here: equal means nobody has
    changed the field since the last load, so the loader may bring it up to date; different means a
    person changed it, and the loader leaves it alone. ``key`` is the record's stable lookup (its
    seed id); a row whose record no longer exists was deleted by a person and is not created again.
    """

    model = models.CharField(max_length=100)
    key = models.CharField(max_length=400)
    values = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="loaded_default_unique")]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"


class PageVersion(models.Model):
    """One row: the version of everything the public pages show (``hkcq.core.pagecache``).

    Any committed write to a table the pages read adds one; a cached page made under an older
    version is not served. Kept in the database, not in each process's memory, so every web server
    and worker sees a change at once, whatever the cache is."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class TriggerVersion(models.Model):
    """One row (id 1) that database triggers bump whenever a watched table changes, in the same
    statement and so the same transaction, whatever code or process writes (services, loaders,
    the admin, ``bulk_create``, ``QuerySet.update``, raw SQL). A process that keeps something
    derived from those tables reads it (one primary-key read) to know whether what it keeps is
    still current. ``token`` is new at every change (random), so a version is never reused: a
    change rolled back and another made after it do not share a number, as a counter alone would.
    Each app's concrete model names its tables and its migration creates the triggers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    counter = models.BigIntegerField(default=0)
    token = models.CharField(max_length=40, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.counter} {self.token}"
