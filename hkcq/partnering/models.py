"""Partnerships: organisation profiles of either side, the facilitator desks that verify them,
and (later) typed opportunities, expressions of interest, introductions and their outcomes.

An organisation profile is the partnering service's own record of an enterprise, university,
school, research institution, professional-service firm, chamber or statutory body. It may point
at the registry's ``Organisation`` when the organisation is already there (HKTDC, a university
named in a measure), but most profiles are of organisations the registry never lists, so the
profile carries its own name and side. Events and placement rounds use these profiles too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hkcq.core.choices import Side
from hkcq.core.text import fold
from hkcq.core.translated import TranslatedField, TText

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

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
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
