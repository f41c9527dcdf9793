"""Progress of measures: updates from each side on a configurable status scale, the
two-key workflow that lets them reach the public, reporting cycles and the computed roll-up.

Registry models are not changed: everything progress needs about a measure (its weight in
roll-ups, its computed figures) lives here, keyed on the measure.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hkcq.core.choices import Side
from hkcq.core.translated import TranslatedField

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class Status(models.Model):
    """One step of the status scale the secretariat manages."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = TranslatedField(_("name"))
    default_percent = models.PositiveSmallIntegerField(
        _("default percent"),
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text=_("Proposed when an officer picks this status. Leave empty to keep the side's last percent."),
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower comes first; the joint status takes the less advanced side.")
    )
    is_terminal = models.BooleanField(_("completed"), default=False, help_text=_("The measure is done."))
    is_ongoing = models.BooleanField(
        _("ongoing by nature"), default=False, help_text=_("Continuing work with no end date; never counted as late.")
    )
    is_active = models.BooleanField(_("in use"), default=True, help_text=_("Retired statuses stay on old updates."))

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.name)


class ProgressSettings(models.Model):
    """The one row of settings the secretariat changes on the status page."""

    class Method(models.TextChoices):
        PLAIN = "plain", _("Plain average")
        WEIGHTED = "weighted", _("Weighted average")

    rollup_method = models.CharField(_("roll-up"), max_length=10, choices=Method.choices, default=Method.WEIGHTED)
    stale_after_days = models.PositiveSmallIntegerField(
        _("stale after (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("A side's measure is stale when it has had no update submitted for this many days."),
    )

    class Meta:
        verbose_name = _("progress settings")
        verbose_name_plural = _("progress settings")

    def __str__(self) -> str:
        return f"progress settings ({self.rollup_method}, stale after {self.stale_after_days} days)"

    @classmethod
    def load(cls) -> ProgressSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class ReportingCycle(models.Model):
    """The period between two plenaries. Updates belong to the cycle open when drafted."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("reporting cycle", "Open")
        CLOSED = "closed", _("Closed")

    name = TranslatedField(_("name"))
    opens_on = models.DateField(_("opens on"))
    meeting = models.ForeignKey(
        "registry.Meeting",
        verbose_name=_("closes at meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reporting_cycles",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        ordering = ["-opens_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["state"], condition=Q(state="open"), name="one_open_cycle")]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ProgressUpdate(models.Model):
    """One side's account of a measure (or item) in a cycle.

    draft → submitted → confirmed (by the counterpart side's secretariat) → published (by the
    author side's secretariat). Submitted updates can be returned with a reason by the
    counterpart secretariat, confirmed ones by the author side's secretariat; a returned
    update is edited and submitted again. Published updates never change."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        CONFIRMED = "confirmed", _("Confirmed")
        PUBLISHED = "published", _("Published")

    OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED, State.CONFIRMED)
    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    measure = models.ForeignKey(
        "registry.Measure", verbose_name=_("measure"), on_delete=models.CASCADE, related_name="progress_updates"
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    cycle = models.ForeignKey(
        ReportingCycle, verbose_name=_("reporting cycle"), on_delete=models.PROTECT, related_name="updates"
    )
    status = models.ForeignKey(Status, verbose_name=_("status"), on_delete=models.PROTECT, related_name="updates")
    percent = models.PositiveSmallIntegerField(_("percent complete"), validators=PERCENT_VALIDATORS)
    public_narrative = TranslatedField(_("narrative for the public"), blank=True, multiline=True)
    internal_narrative = TranslatedField(_("internal narrative (officials only)"), blank=True, multiline=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-published_at", "-updated_at", "-id"]
        indexes = [models.Index(fields=["measure", "side", "state", "published_at"], name="update_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "side"],
                condition=Q(state__in=["draft", "submitted", "returned", "confirmed"]),
                name="one_open_update_per_measure_side",
            ),
            models.CheckConstraint(name="update_percent_0_100", condition=Q(percent__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.get_side_display()} · {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("progress:update", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def counterpart_side(self) -> str:
        return Side.CHONGQING if self.side == Side.HONG_KONG else Side.HONG_KONG


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.update.measure.ext_id}/{instance.update_id}/{filename}"


class Evidence(models.Model):
    """A file or a link supporting an update. Shown to the public with the published update
    only when marked public."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=255)
    link = models.URLField(_("link"), blank=True, max_length=500)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Show to the public once the update is published.")
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(name="evidence_file_or_link", condition=~Q(file="") | ~Q(link="")),
        ]

    def __str__(self) -> str:
        return self.title


class UpdateTransition(models.Model):
    """Who moved an update from one state to another, and when."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=10, choices=ProgressUpdate.State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=ProgressUpdate.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    # The people concerned are still to be told (``services.update_transition_notify``, run by
    # the ``transition_notify`` task after the commit, or by the ``notify_progress`` sweep should
    # the task be lost): cleared in the transaction that stores their notifications and queues
    # their e-mails, so each is sent once however often the task runs.
    notify_pending = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("update transition")
        verbose_name_plural = _("update transitions")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["at"], name="progress_transition_pending", condition=Q(notify_pending=True)),
        ]

    def __str__(self) -> str:
        return f"update {self.update_id}: {self.from_state or 'new'} to {self.to_state}"


class MeasureWeight(models.Model):
    """A measure's (or item's) weight among its siblings in the roll-up. No row means 1."""

    measure = models.OneToOneField("registry.Measure", on_delete=models.CASCADE, related_name="progress_weight")
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("roll-up weight")
        verbose_name_plural = _("roll-up weights")

    def __str__(self) -> str:
        return f"measure {self.measure_id}: weight {self.weight}"


class ProgressRollup(models.Model):
    """Computed figures for a measure, an area or the whole mechanism (recomputed by
    ``services.rollup_recompute`` whenever an update is published, a weight or the scale
    changes). Percent fields are None where nothing has been reported."""

    class Level(models.TextChoices):
        MEASURE = "measure", _("Measure")
        AREA = "area", _("Area")
        MECHANISM = "mechanism", _("Mechanism")

    level = models.CharField(max_length=10, choices=Level.choices)
    measure = models.OneToOneField(
        "registry.Measure", null=True, blank=True, on_delete=models.CASCADE, related_name="progress_rollup"
    )
    area = models.OneToOneField(
        "registry.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="progress_rollup"
    )
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    percent_hk = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    percent_cq = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    status_hk = models.ForeignKey(Status, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status_cq = models.ForeignKey(Status, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    joint_status = models.ForeignKey(Status, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    disagreement = models.BooleanField(default=False)
    reported = models.BooleanField(default=False)
    last_published_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progress roll-up")
        verbose_name_plural = _("progress roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["level"], condition=Q(level="mechanism"), name="one_mechanism_rollup"),
        ]

    def __str__(self) -> str:
        return f"{self.level} roll-up {self.pk}"


class ReminderLog(models.Model):
    """A staleness digest sent to a unit. One per unit per day (in the platform's time zone)."""

    unit = models.ForeignKey("registry.Unit", on_delete=models.CASCADE, related_name="progress_reminders")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=10)
    measure_count = models.PositiveIntegerField(default=0)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["unit", "sent_on"], name="one_reminder_per_unit_per_day")]

    def __str__(self) -> str:
        return f"reminder to unit {self.unit_id} on {self.sent_on}"


class UnitLanguage(models.Model):
    """The language a unit's reminders are written in. Without a row: Traditional Chinese for
    Hong Kong units, Simplified Chinese for Chongqing units."""

    unit = models.OneToOneField("registry.Unit", on_delete=models.CASCADE, related_name="progress_language")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("unit language")
        verbose_name_plural = _("unit languages")

    def __str__(self) -> str:
        return f"unit {self.unit_id}: {self.language}"
