"""Working-day calendars of both sides (the enquiries' service levels are counted on them).

A side's calendar is: Monday to Friday are working days, except the ``Holiday`` records of
kind *holiday*; Saturdays and Sundays are not, except the records of kind *working day* (the
Mainland's adjusted working weekends, 调休). The records are the secretariat's to keep;
``load_defaults`` fills 2025–2027 from the ``holidays`` package.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hkcq.core.choices import Side
from hkcq.core.translated import TranslatedField

# What the default data store as a day's source (hkcq/calendars/loading.py): a provenance code,
# shown to people as DEFAULT_SOURCE_LABEL in their language.
DEFAULT_SOURCE = "python-holidays (holidays package)"
DEFAULT_SOURCE_LABEL = _("The platform's default data (an open-source holiday calendar)")


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
    def source_label(self) -> str:
        """The source as a reader sees it: the default data's provenance code in the reader's
        language, a source a person typed as typed."""
        return str(DEFAULT_SOURCE_LABEL) if self.source == DEFAULT_SOURCE else self.source

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.WORKING_DAY
