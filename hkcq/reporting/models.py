"""Background jobs (spreadsheet imports, report generation) and their progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hkcq.reporting.snapshots import digest_of


class Job(models.Model):
    """One import or one report generation, run by a background task.

    The task writes ``done``/``total`` as it goes so the page can show a progress bar; the
    page polls with htmx, or the user reloads it without JavaScript."""

    class Kind(models.TextChoices):
        IMPORT_MEASURES = "import_measures", _("Import of measures")
        IMPORT_UPDATES = "import_updates", _("Import of progress updates")
        REPORT = "report", _("Plenary report")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        CHECKING = "checking", _("Checking the file")
        PREVIEW = "preview", _("Checked: waiting for confirmation")
        APPLYING = "applying", _("Applying")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Abandoned")

    ACTIVE_STATES = (State.QUEUED, State.CHECKING, State.APPLYING, State.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # An import: the uploaded file, kept under DATA_DIR/imports/ (relative path), and its name.
    upload = models.CharField(max_length=255, blank=True)
    upload_name = models.CharField(_("file"), max_length=255, blank=True)
    # The outcome: for an import the checked rows and counts; for a report its files.
    result = models.JSONField(default=dict, blank=True)
    # A message for the user when the job failed (already translated into ``language``).
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    # The lease of the worker running it (hkcq.reporting.services: claimed in one UPDATE, renewed
    # as it progresses); a job whose lease passed was left by a worker that stopped, and
    # ``requeue_jobs`` queues it again, or marks it failed after ``JOB_MAX_ATTEMPTS``.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        if self.is_import:
            return reverse("reporting:import_job", args=[self.pk])
        return reverse("reporting:report_job", args=[self.pk])

    @property
    def is_import(self) -> bool:
        return self.kind in (self.Kind.IMPORT_MEASURES, self.Kind.IMPORT_UPDATES)

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class SnapshotIsFrozen(Exception):
    """A snapshot is written once, when its cycle closes, and never changed or deleted."""


class Snapshot(models.Model):
    """The whole registry and its published progress as they stood when a reporting cycle
    closed at a plenary, stored as JSON. It is written once and never changed: later edits to
    measures, updates, agreements or decisions do not touch it, so a report built from it reads
    the same forever. ``digest`` (SHA-256 of the JSON) lets anyone check it was not altered."""

    cycle = models.OneToOneField(
        "progress.ReportingCycle", verbose_name=_("reporting cycle"), on_delete=models.PROTECT, related_name="snapshot"
    )
    meeting = models.ForeignKey(
        "registry.Meeting", verbose_name=_("plenary"), on_delete=models.PROTECT, related_name="snapshots"
    )
    taken_at = models.DateTimeField(_("taken at"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(editable=False)
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.meeting} ({self.taken_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SnapshotIsFrozen("A snapshot cannot be changed.")

        self.digest = digest_of(self.data)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reporting:report", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise SnapshotIsFrozen("A snapshot cannot be deleted.")

    @property
    def is_intact(self) -> bool:

        return digest_of(self.data) == self.digest
