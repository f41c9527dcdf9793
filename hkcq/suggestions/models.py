"""Views and suggestions: the regular communication mechanism with Hong Kong people in Chongqing.

A suggestion keeps what the person wrote (``title``/``text``) for ever; the public sees only the
moderator-confirmed ``public_title``/``public_text`` (personal data redacted), and only once it
is approved. Moderation state (pending → published / rejected / merged) and the official
response status (received … implemented) are separate: the first decides what is public, the
second is the governments' answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hkcq.core.translated import TranslatedField, language_label


class Suggestion(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not published")
        MERGED = "merged", _("Merged into another suggestion")

    class RejectReason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSIVE = "abusive", _("Abusive")
        OFF_TOPIC = "off_topic", _("Off-topic")
        DUPLICATE = "duplicate", _("Duplicate")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("suggestion status", "Received")
        UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        IMPLEMENTED = "implemented", _("Implemented")

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    tracking_token = models.CharField(max_length=64, unique=True, editable=False)
    # What the person wrote: kept, never shown to the public.
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("suggestion"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    # What the public sees once approved, personal data redacted and confirmed by a moderator.
    public_title = models.CharField(_("public title"), max_length=200, blank=True)
    public_text = models.TextField(_("public text"), blank=True)
    area = models.ForeignKey(
        "registry.Area",
        verbose_name=_("co-operation area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    suggested_area = models.ForeignKey(
        "registry.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        "registry.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    # Who sent it. ``submitter`` is set for a signed-in person even when anonymous (rate limits,
    # "my suggestions"); ``anonymous`` decides whether a name and e-mail are kept and used.
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    anonymous = models.BooleanField(_("anonymous"), default=True)
    name = models.CharField(pgettext_lazy("a person's", "name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    # An idempotent submission (Open311): the client's Idempotency-Key, and a digest of what was
    # sent, so that the same request sent again finds this suggestion instead of making another.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    content_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    state = models.CharField(_("moderation"), max_length=20, choices=State.choices, default=State.PENDING)
    reject_reason = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged", verbose_name=_("merged into")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_reason = TranslatedField(_("reason"), blank=True, multiline=True)
    response = TranslatedField(_("response"), blank=True, multiline=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True, db_index=True)
    measure = models.ForeignKey(
        "registry.Measure",
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    decision = models.ForeignKey(
        "registry.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    supporter_count = models.PositiveIntegerField(_("supporters"), default=0)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="suggestion_named_has_email", condition=models.Q(anonymous=True) | ~models.Q(email="")
            ),
            models.CheckConstraint(
                name="suggestion_merged_has_target",
                condition=~models.Q(state="merged") | models.Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.shown_title}"

    def get_absolute_url(self) -> str:
        return reverse("suggestions:detail", args=[self.reference])

    def get_language_display(self) -> str:  # type: ignore[no-redef]  # Django allows overriding it
        # The reader's name for the language (英文), as filters say it, not settings.LANGUAGES' own.
        return language_label(self.language)

    @property
    def shown_title(self) -> str:
        return self.public_title or self.title

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def voices(self) -> int:
        """The submitter and everyone who supports it (including merged duplicates' submitters)."""
        return 1 + self.supporter_count

    def get_tracking_url(self) -> str:
        return reverse("suggestions:track", args=[self.tracking_token])

    def get_staff_url(self) -> str:
        return reverse("suggestions:moderate", args=[self.reference])


class Support(models.Model):
    """One person backing a suggestion: an account, an e-mail, or a browser session. A merged
    duplicate's submitter becomes a supporter of the suggestion it was merged into."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField(blank=True)
    session_key = models.CharField(max_length=64, blank=True)
    via_merge = models.ForeignKey(
        Suggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "user"], condition=models.Q(user__isnull=False), name="support_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["suggestion", "email"], condition=~models.Q(email=""), name="support_once_per_email"
            ),
            models.UniqueConstraint(
                fields=["suggestion", "session_key"],
                condition=~models.Q(session_key=""),
                name="support_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"support of suggestion {self.suggestion_id}"


class ModerationAction(models.Model):
    """Every moderation and response action: who, when, what, why."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REDACTED = "redacted", _("Redacted")
        AREA_CHANGED = "area_changed", _("Area or unit changed")
        MERGED = "merged", _("Merged")
        RESPONDED = "responded", _("Response or status set")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of suggestion {self.suggestion_id}"
