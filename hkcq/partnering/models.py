"""Partnerships: organisation profiles of either side, the facilitator desks that verify them,
and (later) typed opportunities, expressions of interest, introductions and their outcomes.

An organisation profile is the partnering service's own record of an enterprise, university,
school, research institution, professional-service firm, chamber or statutory body. It may point
at the registry's ``Organisation`` when the organisation is already there (HKTDC, a university
named in a measure), but most profiles are of organisations the registry never lists, so the
profile carries its own name and side. Events and placement rounds use these profiles too.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hkcq.core.choices import Side
from hkcq.core.text import fold
from hkcq.core.translated import TranslatedField, TText
from hkcq.partnering.analysis import terms

HISTORY_EXCLUDED = ["search_text"]


class WorkLanguage(models.TextChoices):
    """Languages an organisation works in (spoken and written), for language fit."""

    ENGLISH = "en", _("English")
    CANTONESE = "yue", _("Cantonese")
    PUTONGHUA = "cmn", _("Putonghua")


class Sector(models.Model):
    """The kept sector taxonomy (two levels), trilingual; loaded from ``seed/partnering.yaml``."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = TranslatedField(_("name"))
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def top_code(self) -> str:
        return self.parent.code if self.parent_id and self.parent else self.code


class FacilitatorDesk(models.Model):
    """A unit the secretariat marks as a facilitator for its side (the trade or education desk:
    HKTDC, the Chongqing Municipal Commission of Commerce …). Its officers verify the profiles of
    their side, review their side's opportunities and forward interest in anonymous ones."""

    class Kind(models.TextChoices):
        TRADE = "trade", _("Trade and investment")
        EDUCATION = "education", _("Education and research")

    unit = models.OneToOneField(
        "registry.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="facilitator_desk"
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRADE)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facilitator desk")
        verbose_name_plural = _("facilitator desks")
        ordering = ["side", "kind", "id"]

    def __str__(self) -> str:
        return str(self.unit)


class OrganisationProfile(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIVERSITY = "university", _("University or college")
        SCHOOL = "school", _("School")
        RESEARCH = "research", _("Research institution")
        PROFESSIONAL = "professional", _("Professional-service firm")
        CHAMBER = "chamber", _("Chamber or association")
        STATUTORY = "statutory", _("Statutory body")

    class Size(models.TextChoices):
        MICRO = "micro", _("Fewer than 10 people")
        SMALL = "small", _("10 to 49 people")
        MEDIUM = "medium", _("50 to 249 people")
        LARGE = "large", _("250 people or more")

    name = TranslatedField(_("name"))
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    kind = models.CharField(_("kind of organisation"), max_length=20, choices=Kind.choices)
    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("organisation in the registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnering_profile",
    )
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="profiles")
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    city = TranslatedField(_("city"))
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    description = TranslatedField(_("description"), multiline=True)
    areas = models.ManyToManyField(
        "registry.Area",
        verbose_name=_("co-operation areas of interest"),
        blank=True,
        related_name="partnering_profiles",
    )
    website = models.URLField(_("website"), blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(
        _("demonstration record"),
        default=False,
        help_text=_("Made-up data shipped with the platform for trying it; never a real organisation."),
    )
    ext_id = models.SlugField(max_length=100, unique=True, null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED, m2m_fields=[areas])

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")
        ordering = ["side", "id"]
        indexes = [models.Index(fields=["side", "kind"], name="partnering_profile_side_kind")]

    def __str__(self) -> str:
        return str(self.name)

    def save(self, *args, **kwargs):
        parts = [TText.from_json(self.name).all_text(), TText.from_json(self.description).all_text()]
        self.search_text = fold(" ".join(parts))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partnering:profile", args=[self.pk])

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def language_labels(self) -> list[str]:
        labels = dict(WorkLanguage.choices)
        return [str(labels[code]) for code in self.languages if code in labels]


class Membership(models.Model):
    """A person acting for an organisation. Several members per organisation; a member who
    leaves keeps the row (``left_at``) so the history says who acted for it when."""

    profile = models.ForeignKey(
        OrganisationProfile, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="partnering_memberships",
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "user"], condition=models.Q(left_at__isnull=True), name="one_current_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.profile}"


class ContactPerson(models.Model):
    """Someone to contact at the organisation. Personal data: shown only to the organisation's
    members, its facilitators, and the counterpart of an introduction — never on public pages,
    in API lists, open data or logs."""

    profile = models.ForeignKey(
        OrganisationProfile, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(pgettext_lazy("of a person", "name"), max_length=200)
    position = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class OpportunityType(models.TextChoices):
    BUSINESS_OFFER = "business_offer", _("Business offer")
    BUSINESS_REQUEST = "business_request", _("Business request")
    TECHNOLOGY_OFFER = "technology_offer", _("Technology offer")
    TECHNOLOGY_REQUEST = "technology_request", _("Technology request")
    INVESTMENT_PROJECT = "investment_project", _("Investment project seeking financing")
    INVESTOR = "investor", _("Investor looking for projects")
    LISTING = "listing", _("Listing or bond issue in Hong Kong")
    LOGISTICS_OFFERED = "logistics_offered", _("Logistics service offered")
    LOGISTICS_NEEDED = "logistics_needed", _("Logistics service needed")
    SERVICE_OFFERED = "service_offered", _("Professional service offered")
    SERVICE_NEEDED = "service_needed", _("Professional service needed")
    RESEARCH = "research", _("Research co-operation")


# Which types answer which: an offer meets a request, a project meets an investor, a service
# needed meets a service offered. A listing needs investors and professional firms.
COMPLEMENTS: dict[str, tuple[str, ...]] = {
    "business_offer": ("business_request",),
    "business_request": ("business_offer",),
    "technology_offer": ("technology_request", "research"),
    "technology_request": ("technology_offer", "research"),
    "investment_project": ("investor",),
    "investor": ("investment_project", "listing"),
    "listing": ("investor", "service_offered"),
    "logistics_offered": ("logistics_needed",),
    "logistics_needed": ("logistics_offered",),
    "service_offered": ("service_needed", "listing"),
    "service_needed": ("service_offered",),
    "research": ("research", "technology_offer", "technology_request"),
}


class ServiceKind(models.TextChoices):
    LEGAL = "legal", _("Legal")
    ACCOUNTING = "accounting", _("Accounting")
    ARBITRATION = "arbitration", _("Arbitration and mediation")
    CONSULTING = "consulting", _("Consulting")
    FINANCIAL = "financial", _("Financial advisory")
    OTHER = "other", pgettext_lazy("a professional service", "Other")


class DealSize(models.TextChoices):
    UP_TO_1M = "up_to_1m", _("Up to US$1 million")
    UP_TO_10M = "1m_10m", _("US$1 million to 10 million")
    UP_TO_100M = "10m_100m", _("US$10 million to 100 million")
    OVER_100M = "over_100m", _("Over US$100 million")


class Opportunity(models.Model):
    """A typed offer or request of an organisation. Nothing is public before a facilitator of
    the owner's side publishes it; it leaves the public pages when it expires."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned for changes")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", pgettext_lazy("opportunity status", "Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: the organisation is named")
        ANONYMOUS = "anonymous", _("Anonymous: the organisation is known only to its facilitator")

    class TargetSide(models.TextChoices):
        ANY = "any", _("Either side")
        HONG_KONG = "hong_kong", _("Hong Kong")
        CHONGQING = "chongqing", _("Chongqing")

    profile = models.ForeignKey(
        OrganisationProfile, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="opportunities"
    )
    type = models.CharField(_("type"), max_length=30, choices=OpportunityType.choices)
    title = TranslatedField(_("title"))
    description = TranslatedField(_("description"), multiline=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+")
    areas = models.ManyToManyField("registry.Area", verbose_name=_("co-operation areas"), related_name="+")
    measures = models.ManyToManyField(
        "registry.Measure", verbose_name=_("measures it serves"), blank=True, related_name="+"
    )
    service_kind = models.CharField(_("professional service"), max_length=20, choices=ServiceKind.choices, blank=True)
    target_side = models.CharField(
        _("looking for partners in"), max_length=20, choices=TargetSide.choices, default="any"
    )
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    deal_size = models.CharField(_("deal size"), max_length=20, choices=DealSize.choices, blank=True)
    expires_on = models.DateField(_("expires on"))
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices, default="public")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="draft", db_index=True)
    review_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expiry_reminded_for = models.DateField(null=True, blank=True, editable=False)
    # The analysed text (partnering.matching), written on save so an index rebuild never re-analyses.
    index_terms = models.JSONField(default=list, editable=False)
    search_text = models.TextField(editable=False, default="")
    is_demo = models.BooleanField(_("demonstration record"), default=False)
    ext_id = models.SlugField(max_length=100, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["index_terms", "search_text"], m2m_fields=[areas, measures])

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_on"], name="partnering_opp_live")]

    def __str__(self) -> str:
        return str(self.title)

    def save(self, *args, **kwargs):
        text = " ".join(
            [TText.from_json(self.title).all_text(), TText.from_json(self.description).all_text(), self.keywords]
        )
        self.index_terms = terms(text)
        self.search_text = fold(text)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "index_terms", "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partnering:opportunity", args=[self.pk])

    @property
    def is_anonymous(self) -> bool:
        return self.visibility == self.Visibility.ANONYMOUS

    def is_live(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.PUBLISHED and self.expires_on >= today

    @property
    def is_offer(self) -> bool:
        """Whether money flows to the owner (an offer in the Enterprise Europe Network's sense)."""
        return self.type in {"business_offer", "technology_offer", "logistics_offered", "service_offered"}


class OpportunityEvent(models.Model):
    """One step in an opportunity's life: who, when, what, why."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for changes")
        REJECTED = "rejected", pgettext_lazy("opportunity status", "Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RENEWED = "renewed", _("Renewed")
        REMINDED = "reminded", _("Reminded of expiry")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of opportunity {self.opportunity_id}"


class Interest(models.Model):
    """An expression of interest: an organisation asks to be introduced to an opportunity's
    owner. Contacts are shared only when the owner accepts (the introduction)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("expression of interest", "Open")
        ACCEPTED = "accepted", _("Accepted: introduced")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interests")
    from_profile = models.ForeignKey(OrganisationProfile, on_delete=models.CASCADE, related_name="interests_sent")
    from_opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="interests_from"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(_("message"))
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="open", db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "from_profile"], condition=models.Q(status="open"), name="one_open_interest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_profile} → {self.opportunity}"

    @property
    def is_introduced(self) -> bool:
        return self.status == self.Status.ACCEPTED


class OutcomeKind(models.TextChoices):
    TRADE_INTERMEDIARY = "trade_intermediary", _("Trade intermediary")
    JOINT_VENTURE = "joint_venture", _("Joint venture")
    INVESTMENT = "investment", _("Investment")
    LICENSING = "licensing", _("Licensing")
    SUBCONTRACTING = "subcontracting", _("Subcontracting")
    LOGISTICS = "logistics", _("Logistics agreement")
    PROFESSIONAL_SERVICE = "professional_service", _("Professional service agreement")
    RESEARCH = "research", _("Research co-operation agreement")
    NO_DEAL = "no_deal", _("No deal")


class OutcomeSource(models.TextChoices):
    INTRODUCTION = "introduction", _("Introduction")
    EVENT_MEETING = "event_meeting", _("Meeting at an event")


class Outcome(models.Model):
    """What came of an introduction, or of a one-to-one meeting at an event (the exchanges app
    records those here through ``services.outcome_record_external``), counted under its
    co-operation area: the one source of the partnerships counted per area."""

    interest = models.OneToOneField(Interest, null=True, blank=True, on_delete=models.CASCADE, related_name="outcome")
    source = models.CharField(
        _("source"), max_length=20, choices=OutcomeSource.choices, default=OutcomeSource.INTRODUCTION
    )
    # The recording app's own key for what the outcome came of ("meeting:12"), unique per source;
    # empty for an introduction (its interest is the key).
    reference = models.CharField(max_length=60, blank=True, default="")
    kind = models.CharField(_("outcome"), max_length=30, choices=OutcomeKind.choices)
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("co-operation area"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"], condition=~models.Q(reference=""), name="one_outcome_per_reference"
            ),
            models.CheckConstraint(
                name="outcome_has_origin",
                condition=models.Q(interest__isnull=False) | ~models.Q(reference=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.reference or f'interest {self.interest_id}'}"

    @property
    def is_partnership(self) -> bool:
        return self.kind != OutcomeKind.NO_DEAL


class MatchChange(models.Model):
    """An opportunity whose place in the match index may have changed (published, returned,
    rejected, withdrawn, edited, renewed, or its organisation's side or languages edited). Each
    process's index (``partnering.matching``) applies the rows after the last one it applied,
    so no request rebuilds the index; rows older than two days are pruned by the daily command.
    No foreign key: the row outlives a deleted opportunity (which then leaves the index)."""

    opportunity_id = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"change of opportunity {self.opportunity_id}"
