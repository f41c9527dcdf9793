"""Working-day calendars of both sides and the service levels counted on them.

A side's calendar is: Monday to Friday are working days, except the ``Holiday`` records of
kind *holiday*; Saturdays and Sundays are not, except the records of kind *working day* (the
Mainland's adjusted working weekends, 调休). The records are the secretariat's to keep;
``load_defaults`` fills 2025–2027 from the ``holidays`` package.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hkcq.core.choices import Side
from hkcq.core.translated import TranslatedField


class Holiday(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (no work)")
        WORKING_DAY = "working_day", _("Working weekend day (adjusted, 调休)")

    side = models.CharField(_("calendar"), max_length=20, choices=Side.choices)
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOLIDAY)
    name = TranslatedField(_("name"))
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where this day comes from, e.g. the government gazette notice or its web address."),
    )
    # True while the record is exactly as the default data loaded it; a person's edit clears
    # it, and the loader then leaves the record alone.
    from_defaults = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["side", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["side", "date"],
                name="one_calendar_day_per_side_and_date",
                violation_error_message=_("This calendar already has a record for this date: edit that one instead."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("calendars:holidays") + f"?side={self.side}&year={self.date.year}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.WORKING_DAY


class SlaPolicy(models.Model):
    """Service levels of one enquiry priority: working days to acknowledge and to reply."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = TranslatedField(_("name"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    ack_days = models.DecimalField(
        _("acknowledge within (working days)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("365"))],
    )
    reply_days = models.DecimalField(
        _("reply within (working days)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("365"))],
    )
    is_default = models.BooleanField(
        _("default priority"), default=False, help_text=_("New enquiries get this priority unless one is chosen.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("calendars:sla_policies")


class UnitSupervisor(models.Model):
    """An officer who supervises a unit: told when the unit's enquiries are late."""

    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="supervisors"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.CASCADE,
        related_name="supervised_units",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit supervisor")
        verbose_name_plural = _("unit supervisors")
        ordering = ["unit", "user"]
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="one_supervision_per_unit_and_user")]

    def __str__(self) -> str:
        return f"supervisor {self.user_id} of unit {self.unit_id}"


class Escalation(models.Model):
    """A late deadline of an enquiry that its unit's supervisors and the secretariat were told
    about (in the application and by e-mail; shown to staff on the case page). One per case, kind and deadline: a deadline moved on (e.g. after a pause) and missed
    again is escalated again; the same one never twice."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledgement late")
        REPLY = "reply", _("Reply late")

    enquiry = models.ForeignKey("enquiries.Enquiry", on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    deadline = models.DateTimeField(_("deadline"))
    unit = models.ForeignKey("registry.Unit", null=True, on_delete=models.SET_NULL, related_name="+")
    recipients = models.PositiveIntegerField(_("number of people told"), default=0)
    # Who was told (shown on the staff case page); ``recipients`` is their number at the time.
    told = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("people told"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("escalated"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "kind", "deadline"], name="one_escalation_per_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.kind} escalation of enquiry {self.enquiry_id} (deadline {self.deadline})"
