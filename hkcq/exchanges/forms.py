"""Page forms for events and rounds. They parse; the services decide and validate."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hkcq.core.dates import by_day, show_date, show_time
from hkcq.core.forms import DateInput, StyledBoundField, StyledModelForm
from hkcq.core.translated import LANGS, TranslatedFormField, TText
from hkcq.exchanges.models import Event, Language, Participant, Question, QuestionKind, Round, RoundKind, Session
from hkcq.exchanges.services import EVENT_FIELDS, ROUND_FIELDS, slot_start
from hkcq.partnering.models import OutcomeKind
from hkcq.registry.models import Area


class BaseForm(forms.Form):
    bound_field_class = StyledBoundField


def _text_input() -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control"})


class RegistrationForm(BaseForm):
    profile: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("Organisation"), widget=forms.Select(attrs={"class": "form-select"})
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), choices=Language.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    needs_interpreter = forms.BooleanField(
        label=_("I need an interpreter"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    sessions = forms.ModelMultipleChoiceField(
        queryset=Session.objects.none(),
        label=_("Sessions you will attend"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_public = forms.BooleanField(
        label=_("List my organisation on the public participant list"),
        required=False,
        help_text=_("Off unless you tick it. Other participants and the public see only organisations that agreed."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, event: Event, profiles: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["profile"]).queryset = profiles
        self.fields["profile"].label_from_instance = lambda p: TText.from_json(p.name).show(language).text  # type: ignore[attr-defined]
        sessions = event.sessions.all()
        cast(forms.ModelChoiceField, self.fields["sessions"]).queryset = sessions
        self.fields["sessions"].label_from_instance = lambda s: TText.from_json(s.title).show(language).text  # type: ignore[attr-defined]
        if not sessions:
            del self.fields["sessions"]
        for q in event.questions.all():
            label = TText.from_json(q.label).show(language).text
            name = f"q{q.pk}"
            if q.kind == QuestionKind.TEXT:
                self.fields[name] = forms.CharField(
                    label=label, required=q.required, max_length=2000, widget=_text_input()
                )
            elif q.kind == QuestionKind.CHOICE:
                options = [(str(k), TText.from_json(o).show(language).text) for k, o in enumerate(q.options)]
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=q.required,
                    choices=[("", "—"), *options],
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=q.required,
                    choices=[("yes", _("Yes")), ("no", _("No"))],
                    widget=forms.RadioSelect,
                )


def slot_choices(event: Event, slots: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Meeting times grouped under their day ("5 December 2026": 09:00, 09:30 …), not the full
    date repeated on each of a day's sixteen times."""
    starts = [(s, slot_start(event, s)) for s in slots]
    return [
        (show_date(day), [(str(s), show_time(start)) for s, start in group])
        for day, group in by_day(starts, lambda pair: pair[1])
    ]


class AvailabilityForm(BaseForm):
    slots = forms.MultipleChoiceField(
        label=_("Times you are free to meet"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Tick the times you are free. With no time ticked you are free at any meeting time, "
            "and the organiser may schedule your meetings at any of them."
        ),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["slots"]).choices = slot_choices(event, range(event.slot_count))


class RequestForm(BaseForm):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note to the other participant"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class AnswerForm(BaseForm):
    accept = forms.ChoiceField(choices=[("yes", _("Accept")), ("no", _("Decline"))], widget=forms.HiddenInput)
    slot = forms.ChoiceField(
        label=_("Pick a time (optional)"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["slot"]).choices = [
            ("", _("Let the organiser schedule it")),
            *slot_choices(event, range(event.slot_count)),
        ]


class FeedbackForm(BaseForm):
    happened = forms.ChoiceField(
        label=_("Did the meeting take place?"), choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect
    )
    useful = forms.BooleanField(
        label=_("It was useful"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    outcome_kind = forms.ChoiceField(
        label=_("Kind of outcome"), required=False, choices=[], widget=forms.Select(attrs={"class": "form-select"})
    )
    outcome = forms.CharField(
        label=_("Details of the outcome (for example an agreement or a next step)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outcome_kind"]).choices = [("", "—"), *OutcomeKind.choices]


RANK_SEPARATORS = re.compile(r"[,，、;；]")


class RanksForm(BaseForm):
    ranks = forms.CharField(
        label=_("Your ranking"),
        help_text=_("The ids of those you would like, most wanted first, separated by commas."),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean_ranks(self) -> list[str]:
        """The ids in order, separated as a person types them: commas half- or full-width (，) or
        the enumeration comma (、), as the spreadsheet's ranking column takes them."""
        return [r.strip() for r in RANK_SEPARATORS.split(self.cleaned_data["ranks"] or "") if r.strip()]


class ReasonForm(BaseForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class FixPairForm(ReasonForm):
    applicant = forms.CharField(label=_("Applicant id"), widget=_text_input())
    host = forms.CharField(label=_("Host id"), widget=_text_input())


class CapacityForm(ReasonForm):
    host = forms.CharField(label=_("Host id"), widget=_text_input())
    capacity = forms.IntegerField(label=_("Places"), widget=forms.NumberInput(attrs={"class": "form-control"}))


class LinkForm(BaseForm):
    """Link a round's entry to the people behind it (the organiser; the service validates)."""

    role = forms.ChoiceField(
        label=_("Side"), choices=Participant.ROLE_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )
    participant = forms.CharField(label=_("Id in this round"), max_length=100, widget=_text_input())
    profile = forms.CharField(
        label=_("Organisation profile"),
        required=False,
        max_length=100,
        help_text=_(
            "Its number (as in the address of its page, …/partnering/organisations/12/) or its stable id. "
            "Its members are told the result and answer."
        ),
        widget=_text_input(),
    )
    email = forms.EmailField(
        label=_("E-mail address of an account"),
        required=False,
        help_text=_("A person with an account on the platform, for example a student."),
        widget=forms.EmailInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        help_text=_("Needed when you change or remove a link. Leave both empty to remove it."),
        widget=_text_input(),
    )


class AnswerForForm(BaseForm):
    """An organiser records the answer of a side nobody could be told (a paper answer)."""

    side = forms.ChoiceField(choices=Participant.ROLE_CHOICES)
    accept = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])
    reason = forms.CharField(max_length=2000)


class RoundUploadForm(BaseForm):
    kind = forms.ChoiceField(label=_("Kind of round"), choices=[], widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label=_("Title"), max_length=300, widget=_text_input())
    area = forms.ModelChoiceField(
        label=_("Co-operation area"),
        queryset=Area.objects.order_by("position"),
        empty_label=_("Choose an area"),
        help_text=_(
            "The pairs and placements this round forms are counted under this area on the dashboard and in the "
            "plenary report."
        ),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_(
            "One row per participant: role (applicant or host), id, name, places, ranking (ids separated by commas), language; "
            "optionally a profile column (an organisation profile's number or stable id) and an email column (an "
            "existing account's address): the people linked are told the result and answer."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (show a preview, create nothing)"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = RoundKind.choices


# -- organisers' set-up forms (core.views.edit_page; the services validate) ----------------------
class EventForm(StyledModelForm):
    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)  # what the service accepts, one list
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "meeting_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data

    def prepare(self) -> None:
        for name in ("organiser_units", "areas", "measures"):
            self.fields[name].widget.attrs["size"] = 6
        self.fields["organiser_units"].required = True


class SessionForm(StyledModelForm):
    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at", "capacity"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A session ends after it starts."))
        return data


class QuestionForm(StyledModelForm):
    options = TranslatedFormField(
        multiline=True,
        required=False,
        label=_("Options (for a choice)"),
        help_text=_("One option per line, in the same order in each language."),
    )

    class Meta:
        model = Question
        fields = ["label", "kind", "required", "position"]
        help_texts = {"position": _("Questions are asked in this order.")}

    def prepare(self) -> None:
        if self.instance.pk and not self.is_bound:
            lines = {lang: [TText.from_json(o).get(lang) for o in self.instance.options] for lang in LANGS}
            self.initial["options"] = {lang: "\n".join(v) for lang, v in lines.items()}

    def clean_options(self) -> list[dict[str, str]]:
        """Lines in each language, matched by position: [{lang: text}, …]."""
        value = self.cleaned_data.get("options") or {}
        lines = {lang: [x.strip() for x in (value.get(lang) or "").splitlines() if x.strip()] for lang in LANGS}
        counts = {len(v) for v in lines.values() if v}
        if len(counts) > 1:
            raise forms.ValidationError(_("Give the same number of options in each language you fill in."))
        n = counts.pop() if counts else 0
        return [{lang: lines[lang][k] for lang in LANGS if lines[lang]} for k in range(n)]


class RoundForm(StyledModelForm):
    class Meta:
        model = Round
        fields = list(ROUND_FIELDS)  # what the service accepts, one list
        widgets = {"ranking_deadline": DateInput(), "response_deadline": DateInput()}

    def prepare(self) -> None:
        self.fields["organiser_units"].widget.attrs["size"] = 6
        self.fields["area"].required = True  # a round serves the framework (services.round_update)


class RecordForm(BaseForm):
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("To"), required=False, widget=DateInput())
    activity = forms.CharField(
        label=_("Add an activity"),
        help_text=_("What the pair did together this year: a visit, a joint lesson, a project."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    report = forms.CharField(
        label=_("Completion report"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )
