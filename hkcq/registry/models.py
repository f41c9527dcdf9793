"""The co-operation registry: the mechanism, who takes part, what was met, decided, signed
and agreed to do. Every record loaded from a data file keeps a stable ``ext_id``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hkcq.core.choices import OrgSide, Side
from hkcq.core.text import fold
from hkcq.core.translated import TranslatedField, TText, language_label

HISTORY_EXCLUDED = ["search_text"]


class SearchableModel(models.Model):
    """Keeps ``search_text``: every translated field folded for script-insensitive search."""

    search_text = models.TextField(editable=False, default="")
    search_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        parts: list[str] = [getattr(self, "ext_id", "") or ""]
        for name in self.search_fields:
            value = getattr(self, name)
            parts.append(TText.from_json(value).all_text() if not isinstance(value, str) else value)
        self.search_text = fold(" ".join(p for p in parts if p))
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class ExtIdModel(models.Model):
    ext_id = models.SlugField(_("stable id"), max_length=100, unique=True, allow_unicode=False)

    class Meta:
        abstract = True


class Mechanism(ExtIdModel, models.Model):
    name = TranslatedField(_("name"))
    description = TranslatedField(_("description"), blank=True, multiline=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        verbose_name = _("co-operation mechanism")
        verbose_name_plural = _("co-operation mechanisms")

    def __str__(self) -> str:
        return str(self.name)


class Organisation(ExtIdModel, SearchableModel):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        BUREAU = "bureau", _("Bureau or commission")
        DEPARTMENT = "department", _("Department or office")
        STATUTORY_BODY = "statutory_body", _("Statutory body")
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIVERSITY = "university", _("University or college")
        SCHOOL = "school", _("School")
        INSTITUTION = "institution", _("Institution")
        OTHER = "other", _("Other")

    name = TranslatedField(_("name"))
    short_name = TranslatedField(_("short name"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    side = models.CharField(_("side"), max_length=20, choices=OrgSide.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="organisations")
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)
    search_fields = ("name", "short_name")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["side", "ext_id"]

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation", args=[self.ext_id])


class Party(models.Model):
    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="party_to")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["mechanism", "side"], name="one_party_per_side")]

    def __str__(self) -> str:
        return f"{self.side} party {self.organisation_id} of mechanism {self.mechanism_id}"


class Unit(ExtIdModel, SearchableModel):
    """A responsible unit: can lead or support measures, own decisions, answer enquiries."""

    name = TranslatedField(_("name"))
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    remit = TranslatedField(_("remit"), blank=True, multiline=True)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="units"
    )
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)
    search_fields = ("name", "remit")

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["side", "ext_id"]

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("registry:unit", args=[self.ext_id])


class Person(ExtIdModel, SearchableModel):
    name = TranslatedField(_("name"))
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)
    search_fields = ("name",)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["ext_id"]

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("registry:person", args=[self.ext_id])


class Post(models.Model):
    """A post a person held in an organisation, over a period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="posts"
    )
    title = TranslatedField(_("title"))
    start_on = models.DateField(_("from"), null=True, blank=True)
    end_on = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["person", "-start_on"]

    def __str__(self) -> str:
        return f"{self.title}, {self.organisation}"


class Area(ExtIdModel, SearchableModel):
    position = models.PositiveSmallIntegerField(_("position"))
    name = TranslatedField(_("name"))
    short_name = TranslatedField(_("short name"), blank=True)
    description = TranslatedField(_("description"), blank=True, multiline=True)
    heading_in_source = models.BooleanField(
        _("heading given in the source"),
        default=True,
        help_text=_("Off where the source document omits the heading and it was inferred from the paragraphs."),
    )
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)
    search_fields = ("name", "short_name", "description")

    class Meta:
        verbose_name = _("co-operation area")
        verbose_name_plural = _("co-operation areas")
        ordering = ["position"]

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("registry:area", args=[self.ext_id])


class Measure(ExtIdModel, SearchableModel):
    """A measure of an area, or an item of a measure at any depth (``parent``)."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="measures")
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("number"), max_length=30, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = TranslatedField(_("title"))
    text = TranslatedField(_("text"), blank=True, multiline=True)
    lead_unit_hk = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit (Hong Kong)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures_led_hk",
        limit_choices_to={"side": Side.HONG_KONG},
    )
    lead_unit_cq = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit (Chongqing)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures_led_cq",
        limit_choices_to={"side": Side.CHONGQING},
    )
    supporting_units = models.ManyToManyField(
        Unit, verbose_name=_("supporting units"), blank=True, related_name="measures_supported"
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED, m2m_fields=["supporting_units"])
    search_fields = ("code", "title", "text")

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["area__position", "position", "id"]
        constraints = [
            models.CheckConstraint(
                name="measure_planned_dates_in_order",
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__gte=models.F("planned_start")),
            ),
            models.CheckConstraint(
                name="measure_actual_dates_in_order",
                condition=models.Q(actual_end__isnull=True)
                | models.Q(actual_start__isnull=True)
                | models.Q(actual_end__gte=models.F("actual_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("registry:measure", args=[self.ext_id])

    @property
    def is_item(self) -> bool:
        return self.parent_id is not None

    def lead_unit(self, side: str) -> Unit | None:
        return self.lead_unit_hk if side == Side.HONG_KONG else self.lead_unit_cq


class Milestone(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    ext_id = models.SlugField(_("stable id"), max_length=100, unique=True, null=True, blank=True)
    title = TranslatedField(_("title"))
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return str(self.title)


class Meeting(ExtIdModel, SearchableModel):
    class Kind(models.TextChoices):
        HIGH_LEVEL = "high_level", _("High-level meeting")
        PLENARY = "plenary", _("Plenary session")
        HIGH_LEVEL_PLENARY = "high_level_plenary", _("High-level meeting cum plenary session")
        WORKING = "working", _("Working meeting")
        COMMUNICATION = "communication", _("Communication meeting")

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(_("number in its series"), null=True, blank=True)
    title = TranslatedField(_("title"))
    date = models.DateField(_("date"))
    place = TranslatedField(_("place"), blank=True)
    summary = TranslatedField(_("summary"), blank=True, multiline=True)
    agenda = TranslatedField(_("agenda"), blank=True, multiline=True)
    minutes = TranslatedField(_("minutes"), blank=True, multiline=True)
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)
    search_fields = ("title", "place", "summary", "agenda", "minutes")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("registry:meeting", args=[self.ext_id])


class Attendance(models.Model):
    class Role(models.TextChoices):
        HEAD = "head_of_delegation", _("Head of delegation")
        MEMBER = "member", _("Delegation member")
        ATTENDING = "attending", _("Attending")
        SIGNATORY = "signatory", _("Signatory")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="attendances")
    side = models.CharField(_("side"), max_length=20, choices=OrgSide.choices)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    capacity = TranslatedField(_("capacity"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["side", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attend_once")]

    def __str__(self) -> str:
        return f"person {self.person_id} at meeting {self.meeting_id}"


class Decision(ExtIdModel, SearchableModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    text = TranslatedField(_("decision"), multiline=True)
    owner_units = models.ManyToManyField(Unit, verbose_name=_("owner units"), blank=True, related_name="decisions")
    measures = models.ManyToManyField(Measure, verbose_name=_("linked measures"), blank=True, related_name="decisions")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    follow_up = TranslatedField(_("follow-up"), blank=True, multiline=True)
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED, m2m_fields=["owner_units", "measures"])
    search_fields = ("text", "follow_up")

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting__date", "number", "id"]

    def __str__(self) -> str:
        return str(self.text)

    def get_absolute_url(self) -> str:
        return reverse("registry:decision", args=[self.ext_id])


class Agreement(ExtIdModel, SearchableModel):
    class Kind(models.TextChoices):
        MECHANISM = "mechanism", _("Mechanism document")
        MEMORANDUM = "memorandum", _("Memorandum")
        AGREEMENT = "agreement", _("Agreement")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = TranslatedField(_("title"))
    summary = TranslatedField(_("summary"), blank=True, multiline=True)
    parties = models.ManyToManyField(Organisation, verbose_name=_("parties"), blank=True, related_name="agreements")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("signed at meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    signed_on = models.DateField(_("date of signing"), null=True, blank=True)
    place = TranslatedField(_("place of signing"), blank=True)
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED, m2m_fields=["parties"])
    search_fields = ("title", "summary", "place")

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "ext_id"]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("registry:agreement", args=[self.ext_id])


class Signatory(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("on behalf of"), null=True, blank=True, on_delete=models.PROTECT
    )
    capacity = TranslatedField(_("capacity"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [models.UniqueConstraint(fields=["agreement", "person"], name="sign_once")]

    def __str__(self) -> str:
        return f"person {self.person_id} signing agreement {self.agreement_id}"


class AgreementEvent(models.Model):
    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("Entered into force")
        AMENDED = "amended", _("Amended")
        RENEWED = "renewed", _("Renewed")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    note = TranslatedField(_("note"), blank=True, multiline=True)
    superseded_by = models.ForeignKey(
        Agreement,
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes_events",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lifecycle event")
        verbose_name_plural = _("lifecycle events")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of agreement {self.agreement_id} on {self.date}"


def document_path(instance: AgreementDocument, filename: str) -> str:
    return f"agreements/{instance.agreement.ext_id}/{filename}"


class AgreementDocument(models.Model):
    LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    ext_id = models.SlugField(_("stable id"), max_length=100, unique=True, null=True, blank=True)
    title = TranslatedField(_("title"))
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    version = models.CharField(_("version"), max_length=20, default="1")
    file = models.FileField(_("file"), upload_to=document_path, blank=True, max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["agreement", "ext_id", "id"]

    def __str__(self) -> str:
        return str(self.title)

    def get_language_display(self) -> str:  # type: ignore[no-redef]  # Django allows overriding it
        # The reader's name for the language (英文), as filters say it, not settings.LANGUAGES' own.
        return language_label(self.language)


class Clause(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField(_("number"), max_length=20)
    text = TranslatedField(_("text"), multiline=True)
    measures = models.ManyToManyField(
        Measure, verbose_name=_("implemented by measures"), blank=True, related_name="clauses"
    )
    history = HistoricalRecords(m2m_fields=["measures"])

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["agreement", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="clause_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"
