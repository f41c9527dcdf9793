"""Enquiry cases of the one-stop consulting service: the case, its conversation, transfers,
changes of priority, the officers' steps, pauses of the service-level clock, canned replies; the
service levels per priority, the units' supervisors and the escalations of late cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hkcq.core.models import TriggerVersion
from hkcq.core.translated import TranslatedField, language_label
from hkcq.registry.models import Unit


class Enquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        WAITING = "waiting", _("Waiting for the resident")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        REFERRED = "referred", _("Referred to another body")
        OUT_OF_SCOPE = "out_of_scope", _("Outside the platform's remit")
        NO_RESPONSE = "no_response", _("No response from the resident")
        WITHDRAWN = "withdrawn", _("Withdrawn by the resident")

    OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.WAITING, Status.ANSWERED)

    reference = models.CharField(_("reference number"), max_length=24, unique=True)
    token = models.CharField(max_length=64, unique=True, editable=False)
    question = models.TextField(_("question"))
    details = models.TextField(_("details"), blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en")
    consent_at = models.DateTimeField(_("consent to the personal-data notice given at"))
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries",
    )
    source = models.CharField(_("received through"), max_length=20, default="web")
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    content_digest = models.CharField(max_length=64, db_index=True, editable=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    kb_answered = models.BooleanField(_("the knowledge base had an answer"), default=False)
    # A new case is acknowledged before it is routed: the task that follows the commit (or the
    # ``route_enquiries`` sweep, should that task be lost) asks the knowledge base for the unit,
    # sets ``suggested_unit``, ``assigned_unit`` and ``kb_answered``, and clears this. The
    # database's own default lets a server of the previous release insert cases meanwhile.
    routing_pending = models.BooleanField(_("waiting to be routed"), default=False, db_default=False, editable=False)
    suggested_unit = models.ForeignKey(
        Unit, verbose_name=_("suggested unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_unit = models.ForeignKey(
        Unit,
        verbose_name=_("assigned unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enquiries",
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_enquiries",
    )

    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    first_reply_at = models.DateTimeField(_("first reply"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Deadlines, computed by services.sla_deadlines() from received_at, the priority, the
    # unit's side and the paused intervals; never from the time of a transfer.
    acknowledge_due = models.DateTimeField(_("acknowledgement due"), null=True, blank=True, db_index=True)
    reply_due = models.DateTimeField(_("reply due"), null=True, blank=True, db_index=True)
    paused_since = models.DateTimeField(_("clock paused since"), null=True, blank=True)

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    service_rating = models.PositiveSmallIntegerField(_("rating of the service"), null=True, blank=True)
    outcome_rating = models.PositiveSmallIntegerField(_("rating of the outcome"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the rating"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="enquiry_service_rating_1_to_5",
                condition=models.Q(service_rating__isnull=True)
                | models.Q(service_rating__gte=1, service_rating__lte=5),
            ),
            models.CheckConstraint(
                name="enquiry_outcome_rating_1_to_5",
                condition=models.Q(outcome_rating__isnull=True)
                | models.Q(outcome_rating__gte=1, outcome_rating__lte=5),
            ),
        ]
        # The queue's filters and orderings (docs/benchmarks.md, the 1,000,000-case queue): newest
        # first for everyone, within a unit, a language or a status; open cases (a few per cent of
        # all) newest first and by reply deadline, in partial indexes that also carry the columns
        # the queue filters them by, so that counting a filtered list of open cases reads the
        # index alone (an index-only scan) instead of visiting a table page per case.
        indexes = [
            models.Index(
                fields=["received_at"], name="enquiry_routing_pending", condition=models.Q(routing_pending=True)
            ),
            models.Index(fields=["status", "assigned_unit"]),
            models.Index(fields=["-received_at", "-id"], name="enquiry_newest"),
            models.Index(fields=["assigned_unit", "-received_at", "-id"], name="enquiry_unit_newest"),
            models.Index(fields=["language", "-received_at", "-id"], name="enquiry_language_newest"),
            models.Index(fields=["status", "-received_at", "-id"], name="enquiry_status_newest"),
            models.Index(
                fields=[
                    "reply_due",
                    "received_at",
                    "id",
                    "assigned_unit",
                    "acknowledge_due",
                    "acknowledged_at",
                    "first_reply_at",
                    "paused_since",
                    "language",
                    "priority",
                ],
                name="enquiry_open_due",
                condition=~models.Q(status="closed"),
            ),
            models.Index(
                fields=["-received_at", "-id", "assigned_unit", "language", "priority", "status"],
                name="enquiry_open_newest",
                condition=~models.Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        """The staff case page."""
        return reverse("enquiries:case", args=[self.reference])

    def get_language_display(self) -> str:  # type: ignore[no-redef]  # Django allows overriding it
        # The reader's name for the language (英文), as filters say it, not settings.LANGUAGES' own.
        return language_label(self.language)

    def get_tracking_url(self) -> str:
        return reverse("enquiries:track", args=[self.token])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def is_rated(self) -> bool:
        return self.rated_at is not None

    @property
    def acknowledge_overdue(self) -> bool:
        end = self.acknowledged_at or timezone.now()
        return bool(self.acknowledge_due and end > self.acknowledge_due)

    @property
    def reply_due_promised(self) -> dt.datetime | None:
        """The reply deadline shown to the resident: none until the case has its unit. Until
        routing it is counted on the default side's calendar, and the unit's side may move it
        (its holidays differ): a date shown must not change without cause."""
        return None if self.routing_pending else self.reply_due

    @property
    def reply_overdue(self) -> bool:
        if self.reply_due is None or self.is_paused:
            return False
        end = self.first_reply_at or timezone.now()
        return end > self.reply_due


class Message(models.Model):
    """One entry of the case's conversation: the resident's or an officer's message, or an
    internal note that the resident never sees."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Message from the resident")
        REPLY = "reply", _("Reply to the resident")
        NOTE = "note", _("Internal note")

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    # Knowledge-base entries cited in a reply, by their stable slug (kept as slugs so a case
    # outlives an entry's deletion; rendered as links in the reader's language).
    citations = models.JSONField(_("cited entries"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on enquiry {self.enquiry_id}"

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE


class Transfer(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"transfer of enquiry {self.enquiry_id} to unit {self.to_unit_id}"


class PriorityChange(models.Model):
    """A change of a case's priority by staff, with the reason, and the deadlines it gave the
    case (counted again from when the case was received, see ``services.enquiry_priority_change``)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="priority_changes")
    from_priority = models.CharField(_("previous priority"), max_length=10, choices=Enquiry.Priority.choices)
    to_priority = models.CharField(_("new priority"), max_length=10, choices=Enquiry.Priority.choices)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    acknowledge_due = models.DateTimeField(_("acknowledgement due"), null=True, blank=True)
    reply_due = models.DateTimeField(_("reply due"), null=True, blank=True)

    class Meta:
        verbose_name = _("change of priority")
        verbose_name_plural = _("changes of priority")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"enquiry {self.enquiry_id}: priority {self.from_priority} to {self.to_priority}"


class CaseAction(models.Model):
    """A step of the case's officer, kept for the case history: accepting the case, replying (or
    asking the resident for information), closing it with an outcome."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", _("Accepted")
        REPLY = "reply", _("Replied to the resident")
        ASK = "ask", _("Asked the resident for information")
        CLOSE = "close", _("Closed")

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Enquiry.Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on enquiry {self.enquiry_id}"


class Pause(models.Model):
    """An interval during which the reply clock stood still (waiting for the resident)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"pause of enquiry {self.enquiry_id} from {self.started_at}"


class ReferenceCounter(models.Model):
    """The last sequence number given out in a year (row locked while a number is taken) on SQLite;
    on PostgreSQL a sequence per year takes over from it (``references.reference_next``)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CannedReply(models.Model):
    """A reusable reply, kept by the secretariat in three languages; officers insert it into a
    reply. ``ext_id`` marks the ones that came with the default data (seed/canned_replies.yaml)."""

    ext_id = models.SlugField(max_length=60, unique=True, null=True, blank=True, editable=False)
    title = TranslatedField(_("title"))
    body = TranslatedField(_("text"), multiline=True)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.title)


class LinkRequest(models.Model):
    """A resident's request for a lost tracking link (find my enquiry), kept only until the worker
    has answered it: the task carries this row's id, never the e-mail address, so no queue or
    worker log holds it (RQ logs a job's arguments)."""

    reference = models.CharField(max_length=40)
    email = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracking link request")
        verbose_name_plural = _("tracking link requests")

    def __str__(self) -> str:
        return self.reference


# -- service levels and escalation (moved from the calendars app; tables renamed by migration 0007) --
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
        return reverse("service_levels:sla_policies")


class ServiceLevelVersion(TriggerVersion):
    """Changes whenever the service levels (``enquiries_slapolicy``) or the calendars' days
    (``calendars_holiday``) do (triggers: migration ``enquiries 0010``). ``hkcq.enquiries.sla``
    reads it to know whether the policies and calendars it keeps in the process are current."""

    class Meta:
        verbose_name = _("service level version")


class UnitSupervisor(models.Model):
    """An officer who supervises a unit: told when the unit's enquiries are late."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="supervisors")
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

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    deadline = models.DateTimeField(_("deadline"))
    unit = models.ForeignKey(Unit, null=True, on_delete=models.SET_NULL, related_name="+")
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
