"""Page forms. They validate input and hand ``cleaned_data`` to a service; they never save."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hkcq.core.choices import Side
from hkcq.core.forms import DateInput, InlineRadioSelect, StyledBoundField, StyledModelForm, summary_name, widgets_style
from hkcq.core.translated import TranslatedFormField
from hkcq.enquiries import knowledge
from hkcq.enquiries.models import CannedReply, Enquiry, SlaPolicy
from hkcq.enquiries.phones import phone_error, phone_is_valid
from hkcq.enquiries.selectors import transfer_units
from hkcq.registry.models import Unit


class StyledForm(forms.Form):
    """Bootstrap classes for every field, set in one place (errors marked by StyledBoundField).
    ``id_prefix`` gives a form's inputs ids of their own, for pages with several forms."""

    bound_field_class: type[forms.BoundField] | None = StyledBoundField
    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        self.setup()
        widgets_style(self.fields)

    def setup(self) -> None:
        """Set choices that come from the database (before the form is validated)."""


# The resident's forms say what is wrong in their own words, the same as the service and the
# Open311 interface do, rather than Django's generic "This field is required."
EMAIL_INVALID = _("Enter a valid e-mail address, so we can reply to you.")


class EnquiryForm(StyledForm):
    question = forms.CharField(
        label=_("Your question"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Type your question."),
            "max_length": _("Keep the question under %(limit_value)d characters; add more in the details."),
        },
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Anything that helps us answer: your situation, what you have tried, dates."),
        error_messages={"max_length": _("The details are too long (at most %(limit_value)d characters).")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send the confirmation and our replies here."),
        error_messages={"required": EMAIL_INVALID, "invalid": EMAIL_INVALID},
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=40,
        error_messages={"max_length": _("Enter a shorter phone number.")},
    )
    language = forms.ChoiceField(
        label=_("Reply in"),
        choices=settings.LANGUAGES,
        error_messages={
            "required": _("Choose one of the languages offered."),
            "invalid_choice": _("Choose one of the languages offered."),
        },
    )
    consent = summary_name(
        forms.BooleanField(
            label=_(
                "I have read the personal-data notice above and agree to my data being used to handle this enquiry."
            ),
            error_messages={
                "required": _("Please agree to the personal-data notice; we cannot handle the enquiry otherwise.")
            },
        ),
        _("Consent"),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def setup(self) -> None:
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"

    def clean_phone(self) -> str:

        phone = self.cleaned_data.get("phone", "").strip()
        if not phone_is_valid(phone):
            raise forms.ValidationError(phone_error())
        return phone


class FindForm(StyledForm):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        help_text=_("For example HKCQ-2026-000123-7."),
        error_messages={
            "required": _("Give the reference number of your enquiry."),
            "max_length": _("This reference number is not valid. Check it for typing errors."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail address used for the enquiry"),
        error_messages={
            "required": _("Give the e-mail address you used for the enquiry."),
            "invalid": _("Enter a valid e-mail address, for example name@example.org."),
        },
    )


class ResidentReplyForm(StyledForm):
    body = forms.CharField(
        label=_("Your message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Type your message.")},
    )


RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]
RATING_MISSING = {"required": _("Choose a rating from 1 to 5."), "invalid_choice": _("Choose a rating from 1 to 5.")}


class RatingForm(StyledForm):
    service = forms.TypedChoiceField(
        label=_("How satisfied are you with the service (1 = not at all, 5 = very)?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=InlineRadioSelect,
        error_messages=RATING_MISSING,
    )
    outcome = forms.TypedChoiceField(
        label=_("How satisfied are you with the outcome (1 = not at all, 5 = very)?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=InlineRadioSelect,
        error_messages=RATING_MISSING,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(StyledForm):
    id_prefix = "reply"  # its own ids: the case page has several forms
    body = forms.CharField(label=_("Reply"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    citations = forms.MultipleChoiceField(
        label=_("Cite knowledge-base entries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The resident sees each cited entry as a link in their language."),
    )
    wait_for_resident = forms.BooleanField(
        label=_("This reply asks the resident for information (the clock stops until they answer)"),
        required=False,
    )

    def setup(self) -> None:
        field = self.fields["citations"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = knowledge.entry_choices()


class NoteForm(StyledForm):
    id_prefix = "note"  # its own ids: the case page has several forms
    body = forms.CharField(
        label=_("Internal note (never shown to the resident)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferForm(StyledForm):
    """The units a case can go to: every active unit but the one it is with, grouped by side."""

    id_prefix = "transfer"  # its own ids: the case page has several forms

    to_unit = forms.TypedChoiceField(
        label=_("Transfer to"),
        coerce=int,
        empty_value=None,
        error_messages={
            "required": _("Choose the unit to transfer the enquiry to."),
            "invalid_choice": _("Choose one of the units offered."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the transfer.")},
    )

    def __init__(self, *args: Any, current_unit: Unit | None = None, **kwargs: Any) -> None:
        self.current_unit = current_unit
        super().__init__(*args, **kwargs)

    def setup(self) -> None:

        units = list(transfer_units(exclude=self.current_unit))
        self.units = {unit.pk: unit for unit in units}
        groups: list[tuple[str, list[tuple[int, str]]]] = []
        for side, label in Side.choices:
            members = [(unit.pk, str(unit)) for unit in units if unit.side == side]
            if members:
                groups.append((str(label), members))
        field = self.fields["to_unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a unit")), *groups]

    def clean_to_unit(self) -> Unit | None:
        pk = self.cleaned_data.get("to_unit")
        return self.units.get(pk) if pk is not None else None


class PriorityForm(StyledForm):
    id_prefix = "priority"  # its own ids: the case page has several forms
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Enquiry.Priority.choices,
        help_text=_(
            "The deadlines are counted again from when the enquiry was received, with the service levels of the "
            "new priority; time spent waiting for the resident still does not count."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the change of priority.")},
    )


class CloseForm(StyledForm):
    id_prefix = "close"  # its own ids: the case page has several forms
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Enquiry.Outcome.choices)
    note = forms.CharField(
        label=_("Outcome note for the resident (optional)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The resident sees this note with the outcome on their tracking page. If you have not replied, "
            "it is your reply: an enquiry closed as answered needs a reply or this note."
        ),
    )
    confirm = summary_name(
        forms.BooleanField(
            label=_("The resident has been told the outcome: in a reply, or in the note above."),
            error_messages={"required": _("Confirm that the resident has been told the outcome, then close.")},
        ),
        _("Confirmation"),
    )


class CannedReplyForm(StyledForm):
    title = TranslatedFormField(label=_("Title"))
    body = TranslatedFormField(label=_("Text"), multiline=True)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    @classmethod
    def for_instance(cls, canned: CannedReply | None, data: Any = None) -> CannedReplyForm:
        if canned is None or data is not None:
            return cls(data)
        return cls(initial={"title": canned.title, "body": canned.body, "is_active": canned.is_active})


class PeriodForm(forms.Form):
    # An <input type="date"> takes only YYYY-MM-DD: the locale's format (2025/06/01 in Chinese)
    # would leave the field empty.
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        if start and end and (end - start).days > 3660:
            self.add_error("start", _("Choose a period of at most ten years."))
        return data


class SlaPolicyForm(StyledModelForm):
    class Meta:
        model = SlaPolicy
        fields = ["code", "name", "position", "ack_days", "reply_days", "is_default"]

    def prepare(self) -> None:
        if self.instance.pk:
            # The code is a stable key other records refer to.
            self.fields["code"].disabled = True
