"""The knowledge base: entries on facilitation policies for Hong Kong residents in Chongqing,
and the questions it could not answer (gaps)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hkcq.core.models import TriggerVersion
from hkcq.core.translated import TranslatedField, TText, language_label
from hkcq.kb.indexing import entry_index
from hkcq.registry.models import Area, Unit

INDEX_FIELDS = ["index_terms", "index_version", "updated_at"]


class Topic(models.TextChoices):
    IDENTITY_TRAVEL = "identity_travel", _("Identity and travel documents")
    RESIDENCE = "residence", _("Residence")
    EMPLOYMENT = "employment", _("Employment")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    TAX = "tax", _("Tax")
    BUSINESS = "business", _("Business")
    BANKING = "banking", _("Banking and payments")
    TRANSPORT_DRIVING = "transport_driving", _("Transport and driving")
    LEGAL = "legal", _("Legal matters")
    ELDERLY_WELFARE = "elderly_welfare", _("Elderly people and welfare")
    YOUTH = "youth", _("Youth")
    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
    EMERGENCIES = "emergencies", _("Emergencies")
    GENERAL = "general", _("General")


class Entry(models.Model):
    """One answer. ``slug`` is the stable id from the data file; ``index_terms`` is the
    analysed text (hkcq.kb.indexing), computed on every save; hkcq.kb.search reads it."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("stable id"), max_length=100, unique=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    title = TranslatedField(_("title"))
    body = TranslatedField(_("answer"), multiline=True)
    question_forms = TranslatedField(
        _("question forms"),
        blank=True,
        multiline=True,
        help_text=_("Ways people ask this question, one per line."),
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="kb_entries"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("co-operation area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kb_entries",
    )
    source = TranslatedField(_("source"), blank=True, multiline=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    state = models.CharField(_("review state"), max_length=20, choices=State.choices, default=State.DRAFT)
    review_note = TranslatedField(_("review note"), blank=True, multiline=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    index_terms = models.JSONField(editable=False, default=dict)
    index_version = models.PositiveIntegerField(editable=False, default=0)
    history = HistoricalRecords(excluded_fields=INDEX_FIELDS)

    class Meta:
        verbose_name = _("knowledge-base entry")
        verbose_name_plural = _("knowledge-base entries")
        ordering = ["topic", "slug"]
        # The API's and the pages' list order: a page of twenty is read from the index, not
        # sorted out of every entry.
        indexes = [models.Index(fields=["topic", "slug"], name="kb_entry_topic_slug_idx")]
        constraints = [
            models.CheckConstraint(
                name="kb_entry_dates_in_order",
                condition=models.Q(effective_from__isnull=True)
                | models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
            )
        ]

    def __str__(self) -> str:
        return str(self.title)

    def save(self, *args, **kwargs):
        entry_index(self)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *INDEX_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("kb:entry", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": [_("The end date must not be before the start date.")]})

    def is_effective(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        if self.effective_from and self.effective_from > on:
            return False
        return not (self.effective_to and self.effective_to < on)

    @property
    def is_offered(self) -> bool:
        """Published and in force today: only such entries are offered as answers."""
        return self.state == self.State.PUBLISHED and self.is_effective()

    def question_list(self, lang: str | None = None) -> list[str]:
        shown = TText.from_json(self.question_forms).show(lang).text
        return [line.strip() for line in shown.splitlines() if line.strip()]


class SearchVersion(TriggerVersion):
    """Changes whenever anything in ``kb_entry`` does (triggers: migration ``kb 0004``).
    ``hkcq.kb.search`` reads it before each question to know whether its index is current."""

    class Meta:
        verbose_name = _("search index version")


class Gap(models.Model):
    """A question the knowledge base did not answer: asked with no confident answer, or
    escalated to an enquiry case. The secretariat reads them grouped by similarity."""

    class Source(models.TextChoices):
        ASK = "ask", _("Ask page")
        ENQUIRY = "enquiry", _("Enquiry")

    question = models.TextField(_("question"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("unanswered question")
        verbose_name_plural = _("unanswered questions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.question[:80]

    def get_language_display(self) -> str:  # type: ignore[no-redef]  # Django allows overriding it
        # The reader's name for the language (英文), as filters say it, not settings.LANGUAGES' own.
        return language_label(self.language)


class Feedback(models.Model):
    """ "This answered my question" on the ask page."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="feedback")
    question = models.TextField(_("question"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    helpful = models.BooleanField(_("helpful"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answer feedback")
        verbose_name_plural = _("answer feedback")

    def __str__(self) -> str:
        return f"{'helpful' if self.helpful else 'not helpful'}: entry {self.entry_id}"


class UnitProfile(models.Model):
    """What a unit handles, as the routing model reads it (hkcq.kb.routing): the analysed terms
    of its remit and name and of the published entries it owns, weighted. Written by
    ``services.unit_profiles_refresh`` whenever a unit or an entry changes; never by hand."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    terms = models.JSONField(default=dict)  # term → weight
    entries = models.PositiveIntegerField(default=0)  # published entries the unit owns
    index_version = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit routing profile")
        verbose_name_plural = _("unit routing profiles")

    def __str__(self) -> str:
        return f"routing profile of unit {self.unit_id}"
