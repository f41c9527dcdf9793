"""Exchanges: events where organisations of the two places register and meet one to one, and
allocation rounds that pair schools and place interns (issue 14).

Registrations and round participants act for a partnering ``OrganisationProfile`` (the
partnering app's; this app makes no profile model of its own).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from hkcq.core.choices import Side
from hkcq.core.templatetags.hkcq import listing, punct
from hkcq.core.translated import TranslatedField
from hkcq.partnering.models import OutcomeKind

PROFILE = "partnering.OrganisationProfile"


class EventKind(models.TextChoices):
    SUMMIT = "summit", _("Summit")
    FAIR = "fair", _("Fair")
    SHARING_SESSION = "sharing_session", _("Sharing session")
    FORUM = "forum", _("Forum")
    EXCHANGE_VISIT = "exchange_visit", _("Exchange visit")
    TRAINING = "training", _("Training programme")


class EventPhase(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    BOOKING = "booking", _("Booking meetings")
    EVENT = "event", _("Event day")
    FEEDBACK = "feedback", _("Feedback")
    CLOSED = "closed", _("Closed")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    CANTONESE = "yue", _("Cantonese")
    PUTONGHUA = "cmn", _("Putonghua")


def language_label(code: str) -> str:
    """A spoken language's name in the reader's language ("yue" is Cantonese, 粵語); an unknown
    code as it is."""
    return str(dict(Language.choices).get(code, code))


def language_pair_label(pair: str) -> str:
    """A language pair ("cmn-en") in words: "Putonghua and English", 普通話與英文."""
    if not pair:
        return ""
    names = [language_label(code) for code in pair.split("-")]
    if len(names) != 2:
        return pair
    return pgettext("a language pair", "%(one)s and %(other)s") % {"one": names[0], "other": names[1]}


class Event(models.Model):
    """An event, or (without dates) a recurring programme the source names."""

    ext_id = models.SlugField(_("stable id"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = TranslatedField(_("title"))
    description = TranslatedField(_("description"), blank=True, multiline=True)
    venue = TranslatedField(_("venue"), blank=True)
    recurring = models.BooleanField(
        _("recurring programme"), default=False, help_text=_("A programme held regularly; no dates of its own.")
    )
    demonstration = models.BooleanField(_("demonstration"), default=False)
    organiser_units = models.ManyToManyField("registry.Unit", verbose_name=_("organiser units"), blank=True)
    areas = models.ManyToManyField("registry.Area", verbose_name=_("co-operation areas"), blank=True)
    measures = models.ManyToManyField("registry.Measure", verbose_name=_("measures"), blank=True)
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=EventPhase.choices, default=EventPhase.REGISTRATION)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Empty: no limit."))
    requires_approval = models.BooleanField(_("organiser approves registrations"), default=False)
    meeting_start = models.TimeField(_("meetings from"), default=dt.time(9, 0))
    slots_per_day = models.PositiveSmallIntegerField(_("meeting slots per day"), default=16)
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per meeting"), default=30)
    tables = models.PositiveSmallIntegerField(_("meeting tables"), default=10)
    max_open_requests = models.PositiveSmallIntegerField(_("open requests a participant may send"), default=10)
    request_days = models.PositiveSmallIntegerField(_("days a request stays open"), default=5)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[organiser_units, areas, measures])

    class Meta:
        verbose_name = pgettext_lazy("an event of the exchanges", "event")
        verbose_name_plural = _("events")
        ordering = ["recurring", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="event_dates_in_order",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("exchanges:event", args=[self.pk])

    @property
    def days(self) -> list[dt.date]:
        if self.starts_on is None:
            return []
        end = self.ends_on or self.starts_on
        return [self.starts_on + dt.timedelta(days=k) for k in range((end - self.starts_on).days + 1)]

    @property
    def slot_count(self) -> int:
        return len(self.days) * self.slots_per_day


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = TranslatedField(_("title"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_start", condition=models.Q(ends_at__gt=models.F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return str(self.title)


class QuestionKind(models.TextChoices):
    TEXT = "text", pgettext_lazy("kind of answer", "Text")
    CHOICE = "choice", _("Choice")
    YES_NO = "yes_no", _("Yes or no")


class Question(models.Model):
    """An organiser's own question on the event's registration form."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    label = TranslatedField(_("question"))
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind.choices)
    # For a choice: a list of options, each {"en": …, "zh-hant": …, "zh-hans": …}
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.label)


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    REFUSED = "refused", _("Not accepted")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations")
    profile = models.ForeignKey(PROFILE, on_delete=models.PROTECT, related_name="event_registrations")
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    consent_public = models.BooleanField(_("appear on the public participant list"), default=False)
    languages = models.JSONField(_("languages spoken"), default=list)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    sessions = models.ManyToManyField(Session, verbose_name=_("sessions"), blank=True, related_name="registrations")
    # Meeting slots the participant is free in (indexes into the event's grid); empty = all.
    available_slots = models.JSONField(_("availability"), default=list, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[sessions])

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_person")]

    def __str__(self) -> str:
        return f"{self.person} ({self.profile})"

    @property
    def language_labels(self) -> list[str]:
        return [language_label(code) for code in self.languages]


class Interpreter(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="interpreters")
    # In the three languages, as names of people are in the registry: shown on the organiser's page
    # and in each participant's agenda, in the reader's language ("Demonstration interpreter A"
    # stood in English on Chinese pages: found by the new-user trial).
    name = TranslatedField(_("name"))
    # language pairs covered, e.g. ["en-yue", "en-cmn"] (codes sorted within a pair)
    pairs = models.JSONField(_("language pairs"), default=list)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.name)


class MeetingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", pgettext_lazy("a meeting request or an offered place", "Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """A one-to-one meeting: requested, then accepted or declined; scheduled into a slot and a
    table (by hand when accepting, or by schedule all)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    requester = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="requests_sent")
    recipient = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="requests_received")
    note = models.TextField(_("note"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.REQUESTED
    )
    expires_at = models.DateTimeField(_("answer by"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    slot = models.PositiveIntegerField(_("slot"), null=True, blank=True)
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    interpreter = models.ForeignKey(
        Interpreter, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    language_pair = models.CharField(_("language pair"), max_length=20, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("a one-to-one meeting", "meeting")
        verbose_name_plural = pgettext_lazy("one-to-one meetings", "meetings")
        ordering = ["slot", "table", "id"]
        constraints = [
            models.CheckConstraint(name="meeting_two_people", condition=~models.Q(requester=models.F("recipient"))),
            models.UniqueConstraint(fields=["event", "slot", "table"], name="one_meeting_per_table_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} – {self.recipient}"

    @property
    def language_pair_label(self) -> str:
        return language_pair_label(self.language_pair)


class Feedback(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="feedback")
    happened = models.BooleanField(_("the meeting took place"))
    useful = models.BooleanField(_("it was useful"), default=False)
    # What came of it, in the partnering service's outcome kinds (counted under the event's areas)
    outcome_kind = models.CharField(_("kind of outcome"), max_length=30, choices=OutcomeKind.choices, blank=True)
    outcome = models.TextField(pgettext_lazy("what came of a meeting", "outcome"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "registration"], name="one_feedback_per_side")]

    def __str__(self) -> str:
        return f"{self.meeting} ({self.registration})"


# -- rounds ---------------------------------------------------------------------------------------
class RoundKind(models.TextChoices):
    SISTER_SCHOOL = "sister_school", _("Sister-school pairing")
    INTERNSHIP = "internship", _("Internship placement")
    EXCHANGE = "exchange", _("Exchange programme")


class RoundStatus(models.TextChoices):
    RANKING = "ranking", _("Ranking")
    ALLOCATED = "allocated", _("Allocated")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    title = TranslatedField(_("title"))
    eligibility = TranslatedField(_("eligibility"), blank=True, multiline=True)
    organiser_units = models.ManyToManyField("registry.Unit", verbose_name=_("organiser units"), blank=True)
    area = models.ForeignKey("registry.Area", verbose_name=_("co-operation area"), on_delete=models.PROTECT)
    applicant_side = models.CharField(_("applicants' side"), max_length=20, choices=Side.choices, blank=True)
    ranking_deadline = models.DateField(_("rank by"), null=True, blank=True)
    response_deadline = models.DateField(_("accept or decline by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.RANKING)
    runs = models.PositiveSmallIntegerField(_("allocation runs"), default=0)
    tie_break_seed = models.PositiveIntegerField(default=0)
    statistics = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[organiser_units])

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("exchanges:round", args=[self.pk])

    @property
    def one_to_one(self) -> bool:
        return self.kind == RoundKind.SISTER_SCHOOL


class Participant(models.Model):
    """One side of a round: an applicant (a school, a student, a young person) or a host (a
    school of the other place, a host organisation with places)."""

    APPLICANT = "applicant"
    HOST = "host"
    ROLE_CHOICES = [(APPLICANT, _("Applicant")), (HOST, _("Host"))]

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=10, choices=ROLE_CHOICES)
    ext_id = models.CharField(_("your id"), max_length=100)
    name = models.CharField(_("name"), max_length=300, blank=True)
    profile = models.ForeignKey(PROFILE, null=True, blank=True, on_delete=models.PROTECT, related_name="round_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="round_entries"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    # external ids of the other side, most wanted first
    ranks = models.JSONField(_("ranking"), default=list, blank=True)
    # The last result an allocation run gave this entry ("placed", "unplaced"; "" before any):
    # a later run tells its people only a result that changed.
    last_result = models.CharField(max_length=10, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "ext_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "role", "ext_id"], name="participant_id_unique_in_round")
        ]

    def __str__(self) -> str:
        return self.name or self.ext_id


class PairStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", pgettext_lazy("a meeting request or an offered place", "Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Pair(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pairs")
    applicant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pairs_as_applicant")
    host = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pairs_as_host")
    run = models.PositiveSmallIntegerField(default=0, help_text="0: fixed by hand before a run")
    fixed = models.BooleanField(_("fixed by the organiser"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=PairStatus.choices, default=PairStatus.OFFERED)
    applicant_accepted = models.BooleanField(null=True)
    host_accepted = models.BooleanField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["applicant__ext_id"]

    def __str__(self) -> str:
        return f"{self.applicant} – {self.host}"


class RoundChange(models.Model):
    """Every change an organiser makes to a round's pairs, with the reason."""

    ACTIONS = {
        "created": _("Created (applicants / hosts)"),
        "edited": _("Settings changed"),
        "allocated": _("Allocation run (run: new pairs)"),
        "fixed": _("Pair fixed by hand"),
        "capacity": _("Places changed"),
        "withdrawn": _("Pair withdrawn"),
        "accepted": pgettext_lazy("a meeting request or an offered place", "Accepted"),
        "declined": _("Declined"),
        "linked": _("Linked to an organisation or account"),
        "answered_for": _("Answer recorded by the organiser"),
    }

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    detail = models.CharField(max_length=500, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.detail}".strip()

    @property
    def action_label(self) -> str:
        return str(self.ACTIONS.get(self.action, self.action))

    @property
    def detail_shown(self) -> str:
        """The detail in the reader's language: the settings changed by their labels ("title、
        deadline"), not the fields' names, nor the labels in the language of whoever changed them
        (older entries kept those)."""
        if not self.detail:
            return self.detail
        if self.action != "edited":
            # "h1: 1 → 2", "1: +3": stored in no language; the colon is the reader's ("h1：1 → 2")
            return self.detail.replace(": ", punct("colon"))
        labels = []
        for name in self.detail.split(", "):
            try:
                labels.append(str(getattr(Round._meta.get_field(name), "verbose_name", name)))
            except Exception:  # noqa: BLE001 - a label written by an older version, or a field since removed
                labels.append(name)
        return listing(labels)


class ExchangeRecord(models.Model):
    """A pair that formed: a sister-school pair with its activities over the years, an
    internship with its dates and completion report, counted under its co-operation area."""

    pair = models.OneToOneField(Pair, null=True, blank=True, on_delete=models.SET_NULL, related_name="record")
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    area = models.ForeignKey(
        "registry.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="exchange_records"
    )
    title = models.CharField(_("title"), max_length=400)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    activities = models.JSONField(_("activities"), default=list, blank=True)
    completion_report = models.TextField(_("completion report"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange record")
        verbose_name_plural = _("exchange records")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title
